#include "lib/ansi_escape.h"

#define ANSI_ESC '\x1b'
#define ANSI_PARAM_MAX 10000

/* Where a sequence stands: after ESC, after ESC [ (and digits). */
enum { ANSI_NONE, ANSI_START, ANSI_CSI };

enum ansi_action ansi_escape_feed(struct ansi_escape *e, char c, unsigned *n)
{
	switch (e->state) {
	case ANSI_NONE:
		if (c != ANSI_ESC)
			return ANSI_TEXT;
		e->state = ANSI_START;
		return ANSI_SWALLOWED;
	case ANSI_START:
		e->state = c == '[' ? ANSI_CSI : ANSI_NONE;
		e->param = 0;
		return ANSI_SWALLOWED;
	default:
		break;
	}
	if (c >= '0' && c <= '9') {
		if (e->param < ANSI_PARAM_MAX)
			e->param = e->param * 10 + (unsigned)(c - '0');
		return ANSI_SWALLOWED;
	}
	if (c == ';')
		return ANSI_SWALLOWED;
	e->state = ANSI_NONE;
	*n = e->param ? e->param : 1;
	switch (c) {
	case 'K':
		return ANSI_ERASE_LINE;
	case 'D':
		return ANSI_LEFT;
	case 'C':
		return ANSI_RIGHT;
	default:
		return ANSI_SWALLOWED;
	}
}
