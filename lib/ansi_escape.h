/*
 * The few VT100 escape sequences a text screen must understand so that
 * the debug monitor's line editor (lib/line_edit.c) draws right on it:
 * ESC [ K (erase to the end of the row), ESC [ n D and ESC [ n C (cursor
 * left and right, n defaults to 1). Every other sequence is read to its
 * final byte and dropped, so it never shows as stray characters.
 */
#ifndef LIB_ANSI_ESCAPE_H
#define LIB_ANSI_ESCAPE_H

#include "lib/compiler.h"

struct ansi_escape {
	unsigned state; /* 0: not in a sequence */
	unsigned param;
};

enum ansi_action {
	ANSI_TEXT = 0,    /* not part of a sequence: the screen shows it */
	ANSI_SWALLOWED,   /* part of a sequence: nothing to show yet */
	ANSI_ERASE_LINE,  /* from the cursor to the end of its row */
	ANSI_LEFT,        /* the cursor n columns left */
	ANSI_RIGHT,       /* the cursor n columns right */
};

/* Takes one byte; for ANSI_LEFT and ANSI_RIGHT, *n is the count. */
enum ansi_action ansi_escape_feed(struct ansi_escape *e, char c, unsigned *n);

#endif
