/*
 * Command-line words and numbers. A word runs to the next space outside
 * double quotes; quote characters are removed, so key="a b" and "key=a b"
 * both give key "key" and value "a b". The first '=', quoted or not, ends
 * the key. An unterminated quote runs to the end of the line.
 */
#include "lib/cmdline.h"

static bool cmdline_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Appends c to dst (capacity sz, NUL kept) or notes the truncation. */
static void cmdline_append(char *dst, size_t sz, size_t *len, char c,
			   bool *truncated)
{
	if (*len + 1 < sz) {
		dst[(*len)++] = c;
		dst[*len] = '\0';
	} else {
		*truncated = true;
	}
}

bool cmdline_next(struct cmdline_iter *it, char *key, size_t keysz, char *val,
		  size_t valsz, bool *truncated)
{
	const char *p = it->pos;
	size_t klen = 0, vlen = 0;
	bool in_quote = false, in_value = false, cut = false;

	if (keysz > 0)
		key[0] = '\0';
	if (valsz > 0)
		val[0] = '\0';
	if (truncated)
		*truncated = false;
	if (!p)
		return false;

	while (cmdline_is_space(*p))
		p++;
	if (!*p) {
		it->pos = p;
		return false;
	}

	for (; *p && (in_quote || !cmdline_is_space(*p)); p++) {
		if (*p == '"')
			in_quote = !in_quote;
		else if (*p == '=' && !in_value)
			in_value = true;
		else if (in_value)
			cmdline_append(val, valsz, &vlen, *p, &cut);
		else
			cmdline_append(key, keysz, &klen, *p, &cut);
	}
	it->pos = p;
	if (truncated)
		*truncated = cut;
	return true;
}

static int cmdline_digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 16;
}

/*
 * Accepts exactly: digits (decimal, or hex after 0x/0X; a leading 0 does
 * not mean octal) and then at most one of K, M, G (either case, binary
 * multiples). Rejects signs, spaces, empty input and any value that does
 * not fit in 64 bits; *out is only written on success.
 */
bool cmdline_parse_u64(const char *s, uint64_t *out)
{
	unsigned base = 10, shift = 0;
	uint64_t v = 0;
	const char *start;

	if (!s)
		return false;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	start = s;
	for (; *s; s++) {
		unsigned d = cmdline_digit_value(*s);

		if (d >= base)
			break;
		if (v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	if (s == start)
		return false;

	switch (*s) {
	case 'k':
	case 'K':
		shift = 10;
		break;
	case 'm':
	case 'M':
		shift = 20;
		break;
	case 'g':
	case 'G':
		shift = 30;
		break;
	}
	if (shift) {
		if (v > (UINT64_MAX >> shift))
			return false;
		v <<= shift;
		s++;
	}
	if (*s)
		return false;
	*out = v;
	return true;
}
