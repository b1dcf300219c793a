/*
 * A line editor for a serial terminal: what a user of a shell expects,
 * byte by byte, with no terminal database (VT100/ANSI sequences only).
 *
 *   printable      inserted at the cursor (a full line rings the bell)
 *   BS, DEL        deletes before the cursor;  ESC [ 3 ~ deletes under it
 *   Ctrl-U         deletes from the start of the line to the cursor
 *   Ctrl-W         deletes the word before the cursor
 *   Ctrl-A, Home   to the start;  Ctrl-E, End   to the end
 *   left, right    move the cursor;  up, down   walk the history
 *   Tab            completes the first word from a list of names, or
 *                  lists the candidates when there are several
 *   Ctrl-C         abandons the line;  Ctrl-L  draws it again
 *   CR or LF       ends the line (CR LF counts once)
 *
 * Everything the terminal must show goes through out(); the editor never
 * waits and allocates nothing, so it also runs on a machine in a panic.
 */
#ifndef LIB_LINE_EDIT_H
#define LIB_LINE_EDIT_H

#include "lib/compiler.h"

#define LINE_EDIT_MAX 160    /* characters in a line */
#define LINE_EDIT_HISTORY 16 /* lines kept for the arrow keys */

struct line_edit {
	/* Set by the caller before line_edit_start(). */
	const char *prompt;
	const char *const *names; /* for Tab: NULL-terminated, may be NULL */
	void (*out)(void *ctx, const char *s, size_t n);
	void *ctx;

	/* The line being edited. */
	char line[LINE_EDIT_MAX + 1];
	unsigned len, cursor;

	/* Earlier lines, newest at history[(hist_next - 1) % HISTORY]. */
	char history[LINE_EDIT_HISTORY][LINE_EDIT_MAX + 1];
	unsigned hist_count, hist_next;
	unsigned hist_back;                /* 0: editing a new line */
	char draft[LINE_EDIT_MAX + 1];     /* the new line, while browsing */

	/* An escape sequence being read, and a CR just seen. */
	unsigned esc;
	unsigned esc_param;
	bool after_cr;
};

enum line_edit_result {
	LINE_EDIT_MORE = 0,  /* the line goes on */
	LINE_EDIT_DONE = 1,  /* the line is in le->line, NUL-terminated */
};

/* Starts a new, empty line: prints the prompt. */
void line_edit_start(struct line_edit *le);

/* Takes one byte typed by the user; LINE_EDIT_DONE when it ended the line
 * (which then also went into the history, unless empty or a repeat). */
enum line_edit_result line_edit_feed(struct line_edit *le, uint8_t byte);

#endif
