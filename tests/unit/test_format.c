/*
 * fmt_vsnprintf against the host C library: every combination of flags,
 * width, precision, length modifier and conversion over edge values, each
 * at several buffer sizes, must give the same bytes and the same return
 * value. Cases the C library leaves to the implementation (NULL with %s,
 * unknown conversions) are checked against fixed expectations.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "lib/format.h"

#define BIG 512

static unsigned long checks;

/* Formats at size with both implementations and fails on any difference. */
static void check_size(const char *fmt, size_t size, va_list ap)
{
	char want[BIG], got[BIG];
	va_list a1, a2;
	int nwant, ngot;

	memset(want, '@', sizeof(want));
	memset(got, '@', sizeof(got));
	va_copy(a1, ap);
	va_copy(a2, ap);
	nwant = vsnprintf(want, size, fmt, a1);
	ngot = fmt_vsnprintf(got, size, fmt, a2);
	va_end(a1);
	va_end(a2);
	checks++;
	if (nwant != ngot || memcmp(want, got, sizeof(want)) != 0) {
		size_t shown = nwant >= 0 && (size_t)nwant < size ? nwant : 0;

		if (size > 0 && (size_t)nwant >= size)
			shown = size - 1;
		fail_msg("format \"%s\" size %zu: libc %d \"%.*s\", ours %d "
			 "\"%.*s\"",
			 fmt, size, nwant, (int)shown, want, ngot, (int)shown,
			 got);
	}
}

/*
 * Checks one format and its arguments at buffer sizes 0, 1, 2, half the
 * output, exactly the output without and with its NUL, and large.
 */
static void __printf(1, 2) check(const char *fmt, ...)
{
	char probe[BIG];
	va_list ap;
	int len;

	va_start(ap, fmt);
	{
		va_list a;

		va_copy(a, ap);
		len = vsnprintf(probe, sizeof(probe), fmt, a);
		va_end(a);
	}
	assert_true(len >= 0 && len < BIG - 1);
	size_t sizes[] = {0, 1, 2, len / 2, len, len + 1, BIG};
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		check_size(fmt, sizes[i], ap);
	va_end(ap);
}

/* Formats without compile-time checking, for deliberately odd formats. */
static int raw(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

static const char *const flag_sets[] = {
    "",	   "-",	  "+",	  " ",	  "#",	  "0",	  "-+",	  "- ",
    "-#",  "-0",  "+ ",	  "+#",	  "+0",	  " #",	  " 0",	  "#0",
    "-+ ", "-+#", "-+0",  "- #",  "- 0",  "-#0",  "+ #",  "+ 0",
    "+#0", " #0", "-+ #", "-+ 0", "-+#0", "- #0", "+ #0", "-+ #0",
};
static const char *const widths[] = {"", "1", "7", "24", "*"};
static const char *const precs[] = {"", ".", ".0", ".1", ".4", ".21", ".*"};
static const int star_widths[] = {5, -9, 0};
static const int star_precs[] = {3, -1, 0};

/*
 * Calls fn(format, star width, star precision, has width star, has
 * precision star) for every flag/width/precision combination of the given
 * length modifier and conversion.
 */
typedef void (*spec_fn)(const char *fmt, int sw, int sp, bool hw, bool hp,
			size_t value_index);

static void for_each_spec(const char *length, char conv, spec_fn fn,
			  size_t nvalues)
{
	char fmt[64];

	for (size_t f = 0; f < sizeof(flag_sets) / sizeof(flag_sets[0]); f++)
		for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++)
			for (size_t p = 0; p < sizeof(precs) / sizeof(precs[0]);
			     p++) {
				bool hw = widths[w][0] == '*';
				bool hp = strcmp(precs[p], ".*") == 0;

				snprintf(fmt, sizeof(fmt), "[%%%s%s%s%s%c]",
					 flag_sets[f], widths[w], precs[p],
					 length, conv);
				for (size_t i = 0; i < 3; i++)
					for (size_t j = 0; j < 3; j++) {
						if ((!hw && i) || (!hp && j))
							continue;
						for (size_t v = 0; v < nvalues;
						     v++)
							fn(fmt, star_widths[i],
							   star_precs[j], hw,
							   hp, v);
					}
			}
}

#define CHECK_STARS(fmt, sw, sp, hw, hp, value)                                \
	do {                                                                   \
		if ((hw) && (hp))                                              \
			check(fmt, sw, sp, value);                             \
		else if (hw)                                                   \
			check(fmt, sw, value);                                 \
		else if (hp)                                                   \
			check(fmt, sp, value);                                 \
		else                                                           \
			check(fmt, value);                                     \
	} while (0)

static const char int_convs[] = "diuxXo";

static const int int_values[] = {
    0, 1, -1, 7, -42, 255, 4096, 123456789, INT_MAX, INT_MIN, -INT_MAX};
static const int char_values[] = {0, 127, -128, 255, 300, -1};
static const int short_values[] = {0, 32767, -32768, 65535, 70000, -1};
static const long long_values[] = {
    0, 1, -1, LONG_MAX, LONG_MIN, 0x123456789abcdefL, -1000000000000L};
static const long long llong_values[] = {
    0, -1, LLONG_MAX, LLONG_MIN, 0x7ffffffffLL, -99};
static const size_t size_values[] = {0, 1, SIZE_MAX, 12345, (size_t)1 << 63};
static const intmax_t max_values[] = {INTMAX_MIN, INTMAX_MAX, 0, -5};
static const ptrdiff_t ptrdiff_values[] = {PTRDIFF_MIN, 0, 77, -77};

#define DEFINE_SPEC_FN(name, array)                                            \
	static void name(const char *fmt, int sw, int sp, bool hw, bool hp,    \
			 size_t v)                                             \
	{                                                                      \
		CHECK_STARS(fmt, sw, sp, hw, hp, array[v]);                    \
	}

DEFINE_SPEC_FN(spec_int, int_values)
DEFINE_SPEC_FN(spec_char, char_values)
DEFINE_SPEC_FN(spec_short, short_values)
DEFINE_SPEC_FN(spec_long, long_values)
DEFINE_SPEC_FN(spec_llong, llong_values)
DEFINE_SPEC_FN(spec_size, size_values)
DEFINE_SPEC_FN(spec_max, max_values)
DEFINE_SPEC_FN(spec_ptrdiff, ptrdiff_values)

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void run_length(const char *length, spec_fn fn, size_t nvalues)
{
	for (const char *c = int_convs; *c; c++)
		for_each_spec(length, *c, fn, nvalues);
}

static void test_int(void **state)
{
	run_length("", spec_int, N(int_values));
}

static void test_hh(void **state)
{
	run_length("hh", spec_char, N(char_values));
}

static void test_h(void **state)
{
	run_length("h", spec_short, N(short_values));
}

static void test_l(void **state)
{
	run_length("l", spec_long, N(long_values));
}

static void test_ll(void **state)
{
	run_length("ll", spec_llong, N(llong_values));
}

static void test_z(void **state)
{
	run_length("z", spec_size, N(size_values));
}

static void test_j(void **state)
{
	run_length("j", spec_max, N(max_values));
}

static void test_t(void **state)
{
	run_length("t", spec_ptrdiff, N(ptrdiff_values));
}

static const char *const str_values[] = {"", "a", "hello", "hypervisor",
					 "with spaces and 0123456789"};

static void spec_str(const char *fmt, int sw, int sp, bool hw, bool hp,
		     size_t v)
{
	CHECK_STARS(fmt, sw, sp, hw, hp, str_values[v]);
}

static const int chr_values[] = {'a', 'Z', ' ', 0x7f, 0xe9};

static void spec_chr(const char *fmt, int sw, int sp, bool hw, bool hp,
		     size_t v)
{
	CHECK_STARS(fmt, sw, sp, hw, hp, chr_values[v]);
}

static void test_strings(void **state)
{
	for_each_spec("", 's', spec_str, N(str_values));
	for_each_spec("", 'c', spec_chr, N(chr_values));
	/* %c of NUL writes a NUL byte: compared with memcmp. */
	check("%c|%3c|%-3c|", 0, 0, 0);
}

static void test_pointers(void **state)
{
	int x;
	void *ptrs[] = {&x, (void *)1, (void *)0xffffffff80000000ul,
			(void *)UINTPTR_MAX, NULL};

	for (size_t i = 0; i < N(ptrs); i++) {
		check("%p", ptrs[i]);
		check("%20p|", ptrs[i]);
		check("%-20p|", ptrs[i]);
		check("%3p|", ptrs[i]);
	}
}

static void test_extremes(void **state)
{
	check("%lld", (long long)INT64_MIN);
	check("%"
	      "lli",
	      (long long)INT64_MIN);
	check("%30lld|%-30lld|%030lld", (long long)INT64_MIN,
	      (long long)INT64_MIN, (long long)INT64_MIN);
	check("%+.25lld % .25lld", (long long)INT64_MIN, (long long)INT64_MAX);
	check("%llu %llx %llo %#llo %#llX", (unsigned long long)UINT64_MAX,
	      (unsigned long long)UINT64_MAX, (unsigned long long)UINT64_MAX,
	      (unsigned long long)UINT64_MAX, (unsigned long long)UINT64_MAX);
	check("%d %i", INT_MIN, INT_MIN);
	check("%hhd %hd", (signed char)-128, (short)-32768);
	check("%*d|%-*d|%*d", 10, -1, 10, -1, -10, -1);
	check("%.*d|%.*d", -5, 0, 0, 0);
	check("%#.0x|%#.0o|%#o|%#x|%#5.3o|%#-8.3x|", 0u, 0u, 0u, 0u, 8u, 255u);
	check("%400d", 1);
}

static void test_mixed(void **state)
{
	check("plain text");
	check("%%");
	check("100%% of %s is %d%%", "all", 100);
	check("a%db%sc%xd%ce%pf", -3, "mid", 0xbeefu, 'Q', (void *)0x1234);
	check("%s=%#lx (%lu pages) on cpu %u: %s", "rip", 0xffffffff81000000ul,
	      4096ul, 3u, "ok");
}

static void test_null_string(void **state)
{
	const char *volatile null = NULL;
	char buf[32];

	assert_int_equal(fmt_snprintf(buf, sizeof(buf), "%s", null), 6);
	assert_string_equal(buf, "(null)");
	assert_int_equal(fmt_snprintf(buf, sizeof(buf), "%8s|", null), 9);
	assert_string_equal(buf, "  (null)|");
	assert_int_equal(fmt_snprintf(buf, sizeof(buf), "%.3s", null), 3);
	assert_string_equal(buf, "(nu");
}

static void test_unterminated_precision(void **state)
{
	const char abc[3] = {'a', 'b', 'c'};
	char buf[16];

	assert_int_equal(fmt_snprintf(buf, sizeof(buf), "%.3s|", abc), 4);
	assert_string_equal(buf, "abc|");
	assert_int_equal(fmt_snprintf(buf, sizeof(buf), "%.*s|", 2, abc), 3);
	assert_string_equal(buf, "ab|");
}

static void test_unknown_conversions(void **state)
{
	char buf[64];

	assert_int_equal(raw(buf, sizeof(buf), "a%qb"), 4);
	assert_string_equal(buf, "a%qb");
	assert_int_equal(raw(buf, sizeof(buf), "%-5k|%d", 7), 6);
	assert_string_equal(buf, "%-5k|7");
	assert_int_equal(raw(buf, sizeof(buf), "%lly %s", "after"), 10);
	assert_string_equal(buf, "%lly after");
	assert_int_equal(raw(buf, sizeof(buf), "end%"), 4);
	assert_string_equal(buf, "end%");
	assert_int_equal(raw(buf, sizeof(buf), "end%08.3l"), 9);
	assert_string_equal(buf, "end%08.3l");
	/* '*' takes its argument even when the conversion is unknown. */
	assert_int_equal(raw(buf, sizeof(buf), "%*w%d", 99, 5), 4);
	assert_string_equal(buf, "%*w5");
}

static void test_sizes(void **state)
{
	char buf[8];

	assert_int_equal(fmt_snprintf(NULL, 0, "%d", 123456), 6);
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(fmt_snprintf(buf, 0, "%d", 123456), 6);
	assert_int_equal(buf[0], 'x');
	assert_int_equal(fmt_snprintf(buf, 1, "%d", 123456), 6);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(buf[1], 'x');
	assert_int_equal(fmt_snprintf(buf, 4, "%s", "truncated"), 9);
	assert_string_equal(buf, "tru");
	assert_int_equal(buf[4], 'x');
	assert_int_equal(fmt_snprintf(buf, sizeof(buf), "%s", ""), 0);
	assert_string_equal(buf, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_int),
	    cmocka_unit_test(test_hh),
	    cmocka_unit_test(test_h),
	    cmocka_unit_test(test_l),
	    cmocka_unit_test(test_ll),
	    cmocka_unit_test(test_z),
	    cmocka_unit_test(test_j),
	    cmocka_unit_test(test_t),
	    cmocka_unit_test(test_strings),
	    cmocka_unit_test(test_pointers),
	    cmocka_unit_test(test_extremes),
	    cmocka_unit_test(test_mixed),
	    cmocka_unit_test(test_null_string),
	    cmocka_unit_test(test_unterminated_precision),
	    cmocka_unit_test(test_unknown_conversions),
	    cmocka_unit_test(test_sizes),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);

	printf("%lu comparisons with the C library\n", checks);
	return failed;
}
