/*
 * lib/ansi_escape.c, byte by byte: the sequences a screen acts on, the
 * counts, and sequences it does not know, swallowed whole.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/ansi_escape.h"

/* Feeds s; returns the action of its last byte, the count in *n. */
static enum ansi_action feed(struct ansi_escape *e, const char *s, unsigned *n)
{
	enum ansi_action a = ANSI_TEXT;

	for (; *s; s++) {
		a = ansi_escape_feed(e, *s, n);
		if (s[1])
			assert_int_equal(a, ANSI_SWALLOWED);
	}
	return a;
}

static void test_plain_text(void **state)
{
	struct ansi_escape e = {0};
	unsigned n = 7;

	assert_int_equal(ansi_escape_feed(&e, 'a', &n), ANSI_TEXT);
	assert_int_equal(ansi_escape_feed(&e, '[', &n), ANSI_TEXT);
	assert_int_equal(ansi_escape_feed(&e, 'K', &n), ANSI_TEXT);
	assert_int_equal(n, 7);
}

static void test_actions_and_counts(void **state)
{
	struct ansi_escape e = {0};
	unsigned n = 0;

	assert_int_equal(feed(&e, "\x1b[K", &n), ANSI_ERASE_LINE);
	assert_int_equal(feed(&e, "\x1b[D", &n), ANSI_LEFT);
	assert_int_equal(n, 1);
	assert_int_equal(feed(&e, "\x1b[12D", &n), ANSI_LEFT);
	assert_int_equal(n, 12);
	assert_int_equal(feed(&e, "\x1b[3C", &n), ANSI_RIGHT);
	assert_int_equal(n, 3);
	assert_int_equal(feed(&e, "\x1b[99999999999C", &n), ANSI_RIGHT);
	assert_true(n >= 10000 && n < 100000); /* capped, not wrapped */
	assert_int_equal(ansi_escape_feed(&e, 'x', &n), ANSI_TEXT);
}

static void test_unknown_sequences_swallowed(void **state)
{
	struct ansi_escape e = {0};
	unsigned n = 0;

	assert_int_equal(feed(&e, "\x1b[1;5H", &n), ANSI_SWALLOWED);
	assert_int_equal(ansi_escape_feed(&e, 'H', &n), ANSI_TEXT);
	assert_int_equal(feed(&e, "\x1b[2J", &n), ANSI_SWALLOWED);
	assert_int_equal(ansi_escape_feed(&e, 'J', &n), ANSI_TEXT);
	/* ESC and one byte that is not '[' (ESC c, ESC 7): both swallowed. */
	assert_int_equal(feed(&e, "\x1b" "c", &n), ANSI_SWALLOWED);
	assert_int_equal(ansi_escape_feed(&e, 'c', &n), ANSI_TEXT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain_text),
	    cmocka_unit_test(test_actions_and_counts),
	    cmocka_unit_test(test_unknown_sequences_swallowed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
