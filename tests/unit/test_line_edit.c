/*
 * The monitor's line editor (lib/line_edit.c), driven byte by byte as a
 * terminal user would type, with its output played on a model of a VT100
 * line: every test checks both the line the editor hands back and what
 * the user sees, cursor included.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lib/line_edit.h"

#define PROMPT "hv> "
#define SCREEN_COLS 400

/* One terminal line, as a VT100 shows it, and what scrolled above it. */
struct screen {
	char row[SCREEN_COLS + 1];
	unsigned col;
	char above[4096]; /* earlier rows, each ended by '\n' */
	unsigned bells;
	/* an escape sequence being read */
	int esc;
	unsigned param;
};

static struct screen scr;
static struct line_edit le;

static void screen_newline(void)
{
	size_t used = strlen(scr.above);
	size_t rlen = strlen(scr.row);

	/* Trailing blanks are invisible. */
	while (rlen && scr.row[rlen - 1] == ' ')
		rlen--;
	assert_true(used + rlen + 2 < sizeof(scr.above));
	memcpy(scr.above + used, scr.row, rlen);
	scr.above[used + rlen] = '\n';
	scr.above[used + rlen + 1] = '\0';
	memset(scr.row, 0, sizeof(scr.row));
	/* A LF alone keeps the column; the editor always sends CR first. */
}

static void screen_put(char c)
{
	if (scr.esc == 1) {
		assert_int_equal(c, '[');
		scr.esc = 2;
		scr.param = 0;
		return;
	}
	if (scr.esc == 2) {
		if (c >= '0' && c <= '9') {
			scr.param = scr.param * 10 + (unsigned)(c - '0');
			return;
		}
		scr.esc = 0;
		if (c == 'K') {
			memset(scr.row + scr.col, 0, SCREEN_COLS - scr.col);
			return;
		}
		assert_int_equal(c, 'D');
		assert_true(scr.param > 0 && scr.param <= scr.col);
		scr.col -= scr.param;
		return;
	}
	switch (c) {
	case '\x1b':
		scr.esc = 1;
		return;
	case '\r':
		scr.col = 0;
		return;
	case '\n':
		screen_newline();
		return;
	case '\b':
		assert_true(scr.col > 0);
		scr.col--;
		return;
	case '\a':
		scr.bells++;
		return;
	default:
		assert_true(c >= 0x20 && c < 0x7f);
		assert_true(scr.col < SCREEN_COLS);
		/* Gaps left by ESC [ K read as blanks. */
		for (unsigned i = 0; i < scr.col; i++)
			if (!scr.row[i])
				scr.row[i] = ' ';
		scr.row[scr.col++] = c;
	}
}

static void screen_out(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	for (size_t i = 0; i < n; i++)
		screen_put(s[i]);
}

static const char *const names[] = {
	"collapse", "cpus", "dirty", "dump", "help", "log", "loglevel",
	"resume", "walk", "zap", NULL,
};

static int setup(void **state)
{
	(void)state;
	memset(&scr, 0, sizeof(scr));
	memset(&le, 0, sizeof(le));
	le.prompt = PROMPT;
	le.names = names;
	le.out = screen_out;
	line_edit_start(&le);
	return 0;
}

/* Types s; returns how many lines it ended. */
static unsigned type(const char *s)
{
	unsigned done = 0;

	for (; *s; s++)
		done += line_edit_feed(&le, (uint8_t)*s) == LINE_EDIT_DONE;
	return done;
}

/* The visible row, without trailing blanks. */
static const char *visible(void)
{
	static char buf[SCREEN_COLS + 1];
	size_t n;

	for (n = 0; n < SCREEN_COLS && scr.row[n]; n++)
		buf[n] = scr.row[n];
	while (n && buf[n - 1] == ' ')
		n--;
	buf[n] = '\0';
	return buf;
}

/* The editor's line matches the screen, the cursor included. */
static void check_shown(const char *line, unsigned cursor)
{
	char want[SCREEN_COLS + 1];

	assert_string_equal(le.line, line);
	assert_int_equal(le.len, strlen(line));
	assert_int_equal(le.cursor, cursor);
	size_t n = (size_t)snprintf(want, sizeof(want), PROMPT "%s", line);

	while (n && want[n - 1] == ' ') /* trailing blanks are invisible */
		want[--n] = '\0';
	assert_string_equal(visible(), want);
	assert_int_equal(scr.col, strlen(PROMPT) + cursor);
}

static void test_typing_and_enter(void **state)
{
	(void)state;
	check_shown("", 0);
	assert_int_equal(type("walk 0x1000"), 0);
	check_shown("walk 0x1000", 11);
	assert_int_equal(type("\r\n"), 1); /* CR LF ends one line */
	assert_string_equal(le.line, "walk 0x1000");
	assert_string_equal(scr.above, PROMPT "walk 0x1000\n");
	line_edit_start(&le);
	assert_int_equal(type("cpus\n"), 1);
	assert_string_equal(le.line, "cpus");
}

static void test_backspace_and_delete(void **state)
{
	(void)state;
	type("stats");
	type("\x7f\x7f");
	check_shown("sta", 3);
	type("\b");
	check_shown("st", 2);
	type("\b\b\b\b"); /* past the start: nothing more goes */
	check_shown("", 0);
	type("abc\x1b[D\x1b[D\x1b[3~"); /* Delete under the cursor */
	check_shown("ac", 1);
}

static void test_ctrl_u_and_ctrl_w(void **state)
{
	(void)state;
	type("zap 0x1000 0x2000");
	type("\x17");
	check_shown("zap 0x1000 ", 11);
	type("\x17");
	check_shown("zap ", 4);
	type("dump 1 2  \x17"); /* blanks before the word go with it */
	check_shown("zap dump 1 ", 11);
	type("\x15");
	check_shown("", 0);
	type("walk 0x1000\x1b[D\x1b[D\x15");
	check_shown("00", 0);
}

static void test_cursor_movement_and_insert(void **state)
{
	(void)state;
	type("wlk");
	type("\x1b[D\x1b[D");
	check_shown("wlk", 1);
	type("a");
	check_shown("walk", 2);
	type("\x01"); /* Ctrl-A */
	check_shown("walk", 0);
	type("\x1b[C");
	check_shown("walk", 1);
	type("\x05"); /* Ctrl-E */
	check_shown("walk", 4);
	type("\x1b[H>");
	check_shown(">walk", 1);
	type("\x1b[F!");
	check_shown(">walk!", 6);
	type("\x1b[1~"); /* Home, the VT220 way */
	check_shown(">walk!", 0);
	type("\x1b[4~");
	check_shown(">walk!", 6);
	type("\x1bOD"); /* application cursor keys */
	check_shown(">walk!", 5);
	type("\x1b[1;5D"); /* Ctrl-left: moves like left */
	check_shown(">walk!", 4);
	type("\x1b[C\x1b[C\x1b[C"); /* right stops at the end */
	check_shown(">walk!", 6);
}

static void test_history(void **state)
{
	(void)state;
	type("vm\r");
	line_edit_start(&le);
	type("cpus\r");
	line_edit_start(&le);
	type("cpus\r"); /* a repeat is kept once */
	line_edit_start(&le);
	type("st");
	type("\x1b[A");
	check_shown("cpus", 4);
	type("\x1b[A");
	check_shown("vm", 2);
	assert_int_equal(scr.bells, 0);
	type("\x1b[A"); /* nothing older */
	assert_int_equal(scr.bells, 1);
	check_shown("vm", 2);
	type("\x1b[B");
	check_shown("cpus", 4);
	type("\x1b[B"); /* back to what was being typed */
	check_shown("st", 2);
	type("\x1b[B");
	assert_int_equal(scr.bells, 2);
	type("\x1b[A\x1b[Ax\r"); /* an edited old line is a new entry */
	assert_string_equal(le.line, "vmx");
	line_edit_start(&le);
	type("\x1b[A");
	check_shown("vmx", 3);
}

static void test_history_keeps_the_newest(void **state)
{
	char want[16];

	(void)state;
	for (unsigned i = 0; i < LINE_EDIT_HISTORY + 5; i++) {
		char cmd[16];

		snprintf(cmd, sizeof(cmd), "c%u\r", i);
		type(cmd);
		line_edit_start(&le);
	}
	for (unsigned i = 0; i < LINE_EDIT_HISTORY; i++)
		type("\x1b[A");
	snprintf(want, sizeof(want), "c%u", 5);
	check_shown(want, (unsigned)strlen(want));
	type("\x1b[A");
	assert_int_equal(scr.bells, 1);
}

static void test_tab_completion(void **state)
{
	(void)state;
	type("w\t");
	check_shown("walk ", 5); /* unique: completed, with a blank */
	type("\x15z\t");
	check_shown("zap ", 4);
	type("\x15lo\t");
	check_shown("log", 3); /* log and loglevel agree on "log" */
	type("\t"); /* nothing to add: the candidates are listed */
	assert_non_null(strstr(scr.above, "log  loglevel"));
	check_shown("log", 3);
	type("l\t");
	check_shown("loglevel ", 9); /* only loglevel starts with logl */
}

static void test_tab_refusals(void **state)
{
	(void)state;
	type("x\t");
	assert_int_equal(scr.bells, 1);
	check_shown("x", 1);
	type("\x15walk 0x\t"); /* arguments are not completed */
	assert_int_equal(scr.bells, 2);
	type("\x15"
	     "c\t");
	check_shown("c", 1); /* collapse, cpus: listed, nothing added */
	assert_non_null(strstr(scr.above, "collapse  cpus"));
}

static void test_ctrl_c_and_ctrl_l(void **state)
{
	(void)state;
	type("zap 0 99999\x03");
	check_shown("", 0);
	assert_non_null(strstr(scr.above, "zap 0 99999^C"));
	type("vm\x0c");
	check_shown("vm", 2);
}

static void test_full_line_rings(void **state)
{
	(void)state;
	for (unsigned i = 0; i < LINE_EDIT_MAX + 10; i++)
		type("a");
	assert_int_equal(le.len, LINE_EDIT_MAX);
	assert_int_equal(scr.bells, 10);
	assert_int_equal(strlen(visible()), strlen(PROMPT) + LINE_EDIT_MAX);
	type("\x1b[H");
	type("b"); /* insert at the start of a full line: refused too */
	assert_int_equal(scr.bells, 11);
	assert_int_equal(le.line[0], 'a');
}

static void test_junk_is_ignored(void **state)
{
	(void)state;
	type("\x01\x02\x04\x80\xff\x1b[99Z\x1bx");
	check_shown("", 0);
	type("ok");
	check_shown("ok", 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_typing_and_enter, setup),
		cmocka_unit_test_setup(test_backspace_and_delete, setup),
		cmocka_unit_test_setup(test_ctrl_u_and_ctrl_w, setup),
		cmocka_unit_test_setup(test_cursor_movement_and_insert, setup),
		cmocka_unit_test_setup(test_history, setup),
		cmocka_unit_test_setup(test_history_keeps_the_newest, setup),
		cmocka_unit_test_setup(test_tab_completion, setup),
		cmocka_unit_test_setup(test_tab_refusals, setup),
		cmocka_unit_test_setup(test_ctrl_c_and_ctrl_l, setup),
		cmocka_unit_test_setup(test_full_line_rings, setup),
		cmocka_unit_test_setup(test_junk_is_ignored, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
