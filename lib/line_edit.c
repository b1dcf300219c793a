#include "lib/line_edit.h"
#include "lib/format.h"
#include "lib/string.h"

#define KEY_CTRL(c) ((c) & 0x1f)
#define KEY_BS 0x08
#define KEY_TAB 0x09
#define KEY_LF 0x0a
#define KEY_CR 0x0d
#define KEY_ESC 0x1b
#define KEY_DEL 0x7f

/* Where an escape sequence stands: ESC, then '[' or 'O', then the rest. */
enum { ESC_NONE, ESC_START, ESC_CSI, ESC_SS3 };

static void le_out(struct line_edit *le, const char *s)
{
	le->out(le->ctx, s, strlen(s));
}

static void le_out_n(struct line_edit *le, const char *s, size_t n)
{
	if (n)
		le->out(le->ctx, s, n);
}

/*
 * Draws the prompt and the whole line again, clears what was right of it,
 * and leaves the terminal's cursor at le->cursor.
 */
static void le_redraw(struct line_edit *le)
{
	char back[16];

	le_out(le, "\r");
	le_out(le, le->prompt);
	le_out_n(le, le->line, le->len);
	le_out(le, "\x1b[K");
	if (le->cursor < le->len) {
		fmt_snprintf(back, sizeof(back), "\x1b[%uD", le->len - le->cursor);
		le_out(le, back);
	}
}

void line_edit_start(struct line_edit *le)
{
	le->len = le->cursor = 0;
	le->line[0] = '\0';
	le->hist_back = 0;
	le->esc = ESC_NONE;
	le_out(le, le->prompt);
}

static void le_set_line(struct line_edit *le, const char *s)
{
	le->len = le->cursor = (unsigned)str_copy(le->line, s, sizeof(le->line));
	le_redraw(le);
}

static void le_insert(struct line_edit *le, char c)
{
	if (le->len >= LINE_EDIT_MAX) {
		le_out(le, "\a");
		return;
	}
	memmove(le->line + le->cursor + 1, le->line + le->cursor,
		le->len - le->cursor);
	le->line[le->cursor++] = c;
	le->line[++le->len] = '\0';
	if (le->cursor == le->len)
		le_out_n(le, &c, 1);
	else
		le_redraw(le);
}

/* Deletes n characters that end at the cursor. */
static void le_delete_before(struct line_edit *le, unsigned n)
{
	if (n == 0)
		return;
	memmove(le->line + le->cursor - n, le->line + le->cursor,
		le->len - le->cursor + 1);
	le->cursor -= n;
	le->len -= n;
	if (n == 1 && le->cursor == le->len)
		le_out(le, "\b \b");
	else
		le_redraw(le);
}

static void le_delete_under(struct line_edit *le)
{
	if (le->cursor == le->len)
		return;
	le->cursor++;
	le_delete_before(le, 1);
}

/* Ctrl-W: the blanks before the cursor, then the word before them. */
static void le_delete_word(struct line_edit *le)
{
	unsigned start = le->cursor;

	while (start > 0 && le->line[start - 1] == ' ')
		start--;
	while (start > 0 && le->line[start - 1] != ' ')
		start--;
	le_delete_before(le, le->cursor - start);
}

static void le_move_to(struct line_edit *le, unsigned pos)
{
	if (pos == le->cursor)
		return;
	le->cursor = pos;
	le_redraw(le);
}

static const char *le_history_at(const struct line_edit *le, unsigned back)
{
	unsigned i = (le->hist_next + LINE_EDIT_HISTORY - back) % LINE_EDIT_HISTORY;

	return le->history[i];
}

/* Up (older, delta 1) or down (newer, delta -1) through the history. */
static void le_history_walk(struct line_edit *le, int delta)
{
	unsigned back = le->hist_back + (unsigned)delta;

	if (delta > 0 && le->hist_back >= le->hist_count) {
		le_out(le, "\a");
		return;
	}
	if (delta < 0 && le->hist_back == 0) {
		le_out(le, "\a");
		return;
	}
	if (le->hist_back == 0)
		str_copy(le->draft, le->line, sizeof(le->draft));
	le->hist_back = back;
	le_set_line(le, back ? le_history_at(le, back) : le->draft);
}

static void le_history_add(struct line_edit *le)
{
	if (le->len == 0)
		return;
	if (le->hist_count && strcmp(le_history_at(le, 1), le->line) == 0)
		return;
	str_copy(le->history[le->hist_next], le->line, LINE_EDIT_MAX + 1);
	le->hist_next = (le->hist_next + 1) % LINE_EDIT_HISTORY;
	if (le->hist_count < LINE_EDIT_HISTORY)
		le->hist_count++;
}

/* Lists the names that start with the first len characters of the line. */
static void le_list_candidates(struct line_edit *le, unsigned len)
{
	le_out(le, "\r\n");
	for (const char *const *n = le->names; *n; n++) {
		if (strncmp(*n, le->line, len) != 0)
			continue;
		le_out(le, *n);
		le_out(le, "  ");
	}
	le_out(le, "\r\n");
	le_redraw(le);
}

/*
 * Tab, with the cursor at the end of the first word: completes it as far
 * as the names that start with it agree (and a blank after a unique
 * one); when that adds nothing and several match, lists them.
 */
static void le_complete(struct line_edit *le)
{
	const char *first = NULL;
	unsigned common = 0, matches = 0;

	if (!le->names || le->cursor != le->len || strchr(le->line, ' ')) {
		le_out(le, "\a");
		return;
	}
	for (const char *const *n = le->names; *n; n++) {
		unsigned k = 0;

		if (strncmp(*n, le->line, le->len) != 0)
			continue;
		matches++;
		if (!first) {
			first = *n;
			common = (unsigned)strlen(*n);
			continue;
		}
		while (k < common && first[k] == (*n)[k])
			k++;
		common = k;
	}
	if (!matches) {
		le_out(le, "\a");
		return;
	}
	if (common > le->len) {
		for (unsigned k = le->len; k < common; k++)
			le_insert(le, first[k]);
		if (matches == 1)
			le_insert(le, ' ');
		return;
	}
	if (matches == 1)
		le_insert(le, ' ');
	else
		le_list_candidates(le, le->len);
}

/* The final byte of ESC [ ... or ESC O ...: arrows, Home, End, Delete. */
static void le_escape_final(struct line_edit *le, uint8_t c)
{
	switch (c) {
	case 'A':
		le_history_walk(le, 1);
		break;
	case 'B':
		le_history_walk(le, -1);
		break;
	case 'C':
		le_move_to(le, le->cursor < le->len ? le->cursor + 1 : le->len);
		break;
	case 'D':
		le_move_to(le, le->cursor ? le->cursor - 1 : 0);
		break;
	case 'H':
		le_move_to(le, 0);
		break;
	case 'F':
		le_move_to(le, le->len);
		break;
	case '~':
		if (le->esc_param == 1 || le->esc_param == 7)
			le_move_to(le, 0);
		else if (le->esc_param == 4 || le->esc_param == 8)
			le_move_to(le, le->len);
		else if (le->esc_param == 3)
			le_delete_under(le);
		break;
	default:
		break; /* a sequence we do not know: ignored whole */
	}
}

/* One byte of an escape sequence; false once it has ended. */
static bool le_escape_byte(struct line_edit *le, uint8_t c)
{
	switch (le->esc) {
	case ESC_START:
		le->esc_param = 0;
		le->esc = c == '[' ? ESC_CSI : c == 'O' ? ESC_SS3 : ESC_NONE;
		return le->esc != ESC_NONE;
	case ESC_CSI:
		if (c >= '0' && c <= '9') {
			if (le->esc_param < 1000)
				le->esc_param = le->esc_param * 10 + (c - '0');
			return true;
		}
		if (c == ';')
			return true; /* modifiers: ignored */
		break;
	default:
		break;
	}
	le->esc = ESC_NONE;
	le_escape_final(le, c);
	return false;
}

enum line_edit_result line_edit_feed(struct line_edit *le, uint8_t c)
{
	bool after_cr = le->after_cr;

	le->after_cr = false;
	if (le->esc != ESC_NONE) {
		le_escape_byte(le, c);
		return LINE_EDIT_MORE;
	}
	switch (c) {
	case KEY_CR:
	case KEY_LF:
		if (c == KEY_LF && after_cr)
			return LINE_EDIT_MORE;
		le->after_cr = c == KEY_CR;
		le_out(le, "\r\n");
		le_history_add(le);
		le->hist_back = 0;
		return LINE_EDIT_DONE;
	case KEY_ESC:
		le->esc = ESC_START;
		break;
	case KEY_BS:
	case KEY_DEL:
		if (le->cursor)
			le_delete_before(le, 1);
		break;
	case KEY_CTRL('U'):
		le_delete_before(le, le->cursor);
		break;
	case KEY_CTRL('W'):
		le_delete_word(le);
		break;
	case KEY_CTRL('A'):
		le_move_to(le, 0);
		break;
	case KEY_CTRL('E'):
		le_move_to(le, le->len);
		break;
	case KEY_CTRL('C'):
		le_out(le, "^C\r\n");
		line_edit_start(le);
		break;
	case KEY_CTRL('L'):
		le_out(le, "\r\n");
		le_redraw(le);
		break;
	case KEY_TAB:
		le_complete(le);
		break;
	default:
		if (c >= 0x20 && c < 0x7f)
			le_insert(le, (char)c);
		break; /* other control bytes and 8-bit bytes: ignored */
	}
	return LINE_EDIT_MORE;
}
