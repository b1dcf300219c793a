/*
 * The hypervisor's string and memory functions (lib/string.c), checked
 * against byte-by-byte expectations at every small length and alignment,
 * overlapping moves in both directions included. Built with the functions
 * renamed (see string.mk), so the host C library stays untouched.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/string.h"

#define BUF 192

static void fill(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(seed + i * 131);
}

static void test_memcpy(void **state)
{
	unsigned char src[BUF], dst[BUF], want[BUF];

	fill(src, BUF, 1);
	for (size_t os = 0; os < 8; os++)
		for (size_t od = 0; od < 8; od++)
			for (size_t n = 0; n <= 100; n++) {
				fill(dst, BUF, 7);
				fill(want, BUF, 7);
				for (size_t i = 0; i < n; i++)
					want[od + i] = src[os + i];
				assert_ptr_equal(memcpy(dst + od, src + os, n),
						 dst + od);
				assert_memory_equal(dst, want, BUF);
			}
}

static void test_memmove(void **state)
{
	unsigned char buf[BUF], want[BUF], tmp[BUF];

	for (size_t n = 0; n <= 64; n++)
		for (size_t os = 0; os <= 48; os++)
			for (size_t od = 0; od <= 48; od++) {
				fill(buf, BUF, 3);
				fill(want, BUF, 3);
				for (size_t i = 0; i < n; i++)
					tmp[i] = want[os + i];
				for (size_t i = 0; i < n; i++)
					want[od + i] = tmp[i];
				assert_ptr_equal(memmove(buf + od, buf + os, n),
						 buf + od);
				assert_memory_equal(buf, want, BUF);
			}
}

static void test_memset(void **state)
{
	static const int values[] = {0, 0xab, 0x1ff, -1, 0x7f};
	unsigned char buf[BUF], want[BUF];

	for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++)
		for (size_t off = 0; off < 8; off++)
			for (size_t n = 0; n <= 100; n++) {
				fill(buf, BUF, 5);
				fill(want, BUF, 5);
				for (size_t i = 0; i < n; i++)
					want[off + i] =
					    (unsigned char)values[v];
				assert_ptr_equal(
				    memset(buf + off, values[v], n), buf + off);
				assert_memory_equal(buf, want, BUF);
			}
}

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

static void test_memcmp(void **state)
{
	unsigned char a[64], b[64];

	fill(a, sizeof(a), 9);
	fill(b, sizeof(b), 9);
	assert_int_equal(memcmp(a, b, sizeof(a)), 0);
	assert_int_equal(memcmp(a, b, 0), 0);
	for (size_t i = 0; i < sizeof(a); i++) {
		b[i] = a[i] + 1;
		assert_int_equal(sign(memcmp(a, b, sizeof(a))), -1);
		assert_int_equal(sign(memcmp(b, a, sizeof(a))), 1);
		assert_int_equal(memcmp(a, b, i), 0);
		b[i] = a[i];
	}
	/* Bytes compare as unsigned char. */
	a[0] = 0x80;
	b[0] = 0x01;
	assert_int_equal(sign(memcmp(a, b, 1)), 1);
}

static void test_strlen(void **state)
{
	assert_int_equal(strlen(""), 0);
	assert_int_equal(strlen("a"), 1);
	assert_int_equal(strlen("hypervisor"), 10);
	assert_int_equal(strnlen("hypervisor", 4), 4);
	assert_int_equal(strnlen("hypervisor", 10), 10);
	assert_int_equal(strnlen("hypervisor", 100), 10);
	assert_int_equal(strnlen("", 0), 0);
	/* strnlen stops at max: the array has no NUL. */
	const char raw[3] = {'a', 'b', 'c'};
	assert_int_equal(strnlen(raw, 3), 3);
}

static void test_strcmp(void **state)
{
	assert_int_equal(strcmp("", ""), 0);
	assert_int_equal(strcmp("abc", "abc"), 0);
	assert_int_equal(sign(strcmp("abc", "abd")), -1);
	assert_int_equal(sign(strcmp("abd", "abc")), 1);
	assert_int_equal(sign(strcmp("ab", "abc")), -1);
	assert_int_equal(sign(strcmp("abc", "ab")), 1);
	assert_int_equal(sign(strcmp("\x80", "\x01")), 1);

	assert_int_equal(strncmp("abcX", "abcY", 3), 0);
	assert_int_equal(sign(strncmp("abcX", "abcY", 4)), -1);
	assert_int_equal(strncmp("abc", "abd", 0), 0);
	assert_int_equal(strncmp("ab", "ab", 10), 0);
	assert_int_equal(sign(strncmp("ab", "abc", 10)), -1);
	assert_int_equal(sign(strncmp("\xff", "a", 1)), 1);
}

static void test_strchr(void **state)
{
	const char *s = "console=ttyS0,115200";

	assert_ptr_equal(strchr(s, '='), s + 7);
	assert_ptr_equal(strchr(s, 'c'), s);
	assert_ptr_equal(strchr(s, '0'), s + 12);
	assert_ptr_equal(strchr(s, '\0'), s + 20);
	assert_null(strchr(s, 'z'));
	assert_null(strchr("", 'a'));
	assert_ptr_equal(strchr(s, 0x100 + ','), s + 13);
}

static void test_str_copy(void **state)
{
	char buf[8];

	memset(buf, 'x', sizeof(buf));
	assert_int_equal(str_copy(buf, "abc", 0), 3);
	assert_int_equal(buf[0], 'x');
	assert_int_equal(str_copy(buf, "abc", 1), 3);
	assert_string_equal(buf, "");
	assert_int_equal(str_copy(buf, "abc", 4), 3);
	assert_string_equal(buf, "abc");
	assert_int_equal(str_copy(buf, "abcdefghijk", sizeof(buf)), 11);
	assert_string_equal(buf, "abcdefg");
	assert_int_equal(str_copy(buf, "", sizeof(buf)), 0);
	assert_string_equal(buf, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_memcpy), cmocka_unit_test(test_memmove),
	    cmocka_unit_test(test_memset), cmocka_unit_test(test_memcmp),
	    cmocka_unit_test(test_strlen), cmocka_unit_test(test_strcmp),
	    cmocka_unit_test(test_strchr), cmocka_unit_test(test_str_copy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
