/*
 * printf-style formatting: a single pass over the format, each conversion
 * parsed into a struct fmt_spec and rendered through fmt_put(), which
 * counts every byte and stores those that fit.
 */
#include "lib/format.h"

enum fmt_flag {
	FMT_LEFT = 1 << 0,  /* '-' */
	FMT_PLUS = 1 << 1,  /* '+' */
	FMT_SPACE = 1 << 2, /* ' ' */
	FMT_ALT = 1 << 3,   /* '#' */
	FMT_ZERO = 1 << 4,  /* '0' */
};

enum fmt_length {
	FMT_LEN_INT,
	FMT_LEN_CHAR,	 /* hh */
	FMT_LEN_SHORT,	 /* h */
	FMT_LEN_LONG,	 /* l */
	FMT_LEN_LLONG,	 /* ll */
	FMT_LEN_SIZE,	 /* z */
	FMT_LEN_MAX,	 /* j */
	FMT_LEN_PTRDIFF, /* t */
};

struct fmt_spec {
	unsigned flags;
	int width;
	int prec; /* -1: none given */
	enum fmt_length length;
	char conv;
};

struct fmt_out {
	char *buf;
	size_t size;
	size_t len; /* bytes the whole output needs, without the NUL */
};

static void fmt_put(struct fmt_out *out, char c)
{
	if (out->len + 1 < out->size)
		out->buf[out->len] = c;
	out->len++;
}

static void fmt_repeat(struct fmt_out *out, char c, int n)
{
	while (n-- > 0)
		fmt_put(out, c);
}

static void fmt_puts(struct fmt_out *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fmt_put(out, s[i]);
}

static bool fmt_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Reads a decimal number, saturating at a value far beyond any buffer. */
static int fmt_read_number(const char **p)
{
	int n = 0;

	while (fmt_is_digit(**p)) {
		if (n < 100000000)
			n = n * 10 + (**p - '0');
		(*p)++;
	}
	return n;
}

/*
 * Parses flags, width, precision and length of the conversion that starts
 * after a '%' at *p, taking '*' arguments from ap. On return *p points at
 * the conversion character (which may be the terminating NUL).
 */
static void fmt_parse_spec(const char **p, struct fmt_spec *spec, va_list *ap)
{
	const char *f = *p;

	spec->flags = 0;
	for (;; f++) {
		if (*f == '-')
			spec->flags |= FMT_LEFT;
		else if (*f == '+')
			spec->flags |= FMT_PLUS;
		else if (*f == ' ')
			spec->flags |= FMT_SPACE;
		else if (*f == '#')
			spec->flags |= FMT_ALT;
		else if (*f == '0')
			spec->flags |= FMT_ZERO;
		else
			break;
	}

	spec->width = 0;
	if (*f == '*') {
		int w = va_arg(*ap, int);

		if (w < 0) {
			spec->flags |= FMT_LEFT;
			w = w < -INT32_MAX ? 0 : -w; /* INT_MIN: no width */
		}
		spec->width = w;
		f++;
	} else {
		spec->width = fmt_read_number(&f);
	}

	spec->prec = -1;
	if (*f == '.') {
		f++;
		if (*f == '*') {
			int pr = va_arg(*ap, int);

			spec->prec = pr < 0 ? -1 : pr;
			f++;
		} else {
			spec->prec = fmt_read_number(&f);
		}
	}

	spec->length = FMT_LEN_INT;
	switch (*f) {
	case 'h':
		f++;
		spec->length = FMT_LEN_SHORT;
		if (*f == 'h') {
			f++;
			spec->length = FMT_LEN_CHAR;
		}
		break;
	case 'l':
		f++;
		spec->length = FMT_LEN_LONG;
		if (*f == 'l') {
			f++;
			spec->length = FMT_LEN_LLONG;
		}
		break;
	case 'z':
		f++;
		spec->length = FMT_LEN_SIZE;
		break;
	case 'j':
		f++;
		spec->length = FMT_LEN_MAX;
		break;
	case 't':
		f++;
		spec->length = FMT_LEN_PTRDIFF;
		break;
	}
	spec->conv = *f;
	*p = f;
}

/* Fetches a signed argument of the spec's length, widened to 64 bits. */
static int64_t fmt_arg_signed(const struct fmt_spec *spec, va_list *ap)
{
	switch (spec->length) {
	case FMT_LEN_CHAR:
		return (signed char)va_arg(*ap, int);
	case FMT_LEN_SHORT:
		return (short)va_arg(*ap, int);
	case FMT_LEN_LONG:
		return va_arg(*ap, long);
	case FMT_LEN_LLONG:
		return va_arg(*ap, long long);
	case FMT_LEN_SIZE:
	case FMT_LEN_PTRDIFF:
		return va_arg(*ap, ptrdiff_t);
	case FMT_LEN_MAX:
		return va_arg(*ap, intmax_t);
	default:
		return va_arg(*ap, int);
	}
}

/* Fetches an unsigned argument of the spec's length, widened to 64 bits. */
static uint64_t fmt_arg_unsigned(const struct fmt_spec *spec, va_list *ap)
{
	switch (spec->length) {
	case FMT_LEN_CHAR:
		return (unsigned char)va_arg(*ap, unsigned int);
	case FMT_LEN_SHORT:
		return (unsigned short)va_arg(*ap, unsigned int);
	case FMT_LEN_LONG:
		return va_arg(*ap, unsigned long);
	case FMT_LEN_LLONG:
		return va_arg(*ap, unsigned long long);
	case FMT_LEN_SIZE:
	case FMT_LEN_PTRDIFF:
		return va_arg(*ap, size_t);
	case FMT_LEN_MAX:
		return va_arg(*ap, uintmax_t);
	default:
		return va_arg(*ap, unsigned int);
	}
}

/*
 * Renders an integer given as magnitude and sign, in the layout C99
 * specifies: [spaces] [sign or 0x] [zeros] digits [spaces].
 */
static void fmt_integer(struct fmt_out *out, const struct fmt_spec *spec,
			uint64_t mag, bool negative)
{
	const char *set =
	    spec->conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
	unsigned base = 10;
	char digits[24]; /* 64 bits in octal: 22 digits */
	char prefix[2];
	int ndigits = 0, nprefix = 0, zeros, pad;

	if (spec->conv == 'o')
		base = 8;
	else if (spec->conv == 'x' || spec->conv == 'X' || spec->conv == 'p')
		base = 16;

	for (uint64_t v = mag; v; v /= base)
		digits[ndigits++] = set[v % base];

	zeros = spec->prec < 0 ? 1 - ndigits : spec->prec - ndigits;
	if (zeros < 0)
		zeros = 0;
	/* '#' with 'o': the first digit printed is a 0. */
	if (spec->conv == 'o' && (spec->flags & FMT_ALT) && zeros == 0 &&
	    (ndigits == 0 || digits[ndigits - 1] != '0'))
		zeros = 1;

	if (spec->conv == 'd' || spec->conv == 'i') {
		if (negative)
			prefix[nprefix++] = '-';
		else if (spec->flags & FMT_PLUS)
			prefix[nprefix++] = '+';
		else if (spec->flags & FMT_SPACE)
			prefix[nprefix++] = ' ';
	} else if (spec->conv == 'p' ||
		   ((spec->flags & FMT_ALT) && mag != 0 &&
		    (spec->conv == 'x' || spec->conv == 'X'))) {
		prefix[nprefix++] = '0';
		prefix[nprefix++] = spec->conv == 'X' ? 'X' : 'x';
	}

	pad = spec->width - (nprefix + zeros + ndigits);
	if (pad < 0)
		pad = 0;
	if ((spec->flags & FMT_ZERO) && !(spec->flags & FMT_LEFT) &&
	    spec->prec < 0) {
		zeros += pad;
		pad = 0;
	}

	if (!(spec->flags & FMT_LEFT))
		fmt_repeat(out, ' ', pad);
	fmt_puts(out, prefix, nprefix);
	fmt_repeat(out, '0', zeros);
	while (ndigits > 0)
		fmt_put(out, digits[--ndigits]);
	if (spec->flags & FMT_LEFT)
		fmt_repeat(out, ' ', pad);
}

/* Renders n bytes of s padded to the spec's width. */
static void fmt_field(struct fmt_out *out, const struct fmt_spec *spec,
		      const char *s, size_t n)
{
	int pad = spec->width > (int)n ? spec->width - (int)n : 0;

	if (!(spec->flags & FMT_LEFT))
		fmt_repeat(out, ' ', pad);
	fmt_puts(out, s, n);
	if (spec->flags & FMT_LEFT)
		fmt_repeat(out, ' ', pad);
}

static void fmt_string(struct fmt_out *out, const struct fmt_spec *spec,
		       const char *s)
{
	size_t n = 0;

	if (!s)
		s = "(null)";
	/* Never reads past the precision: s need not be NUL-terminated. */
	while ((spec->prec < 0 || n < (size_t)spec->prec) && s[n])
		n++;
	fmt_field(out, spec, s, n);
}

static void fmt_pointer(struct fmt_out *out, struct fmt_spec *spec,
			const void *p)
{
	if (!p) {
		spec->prec = -1;
		fmt_field(out, spec, "(nil)", 5);
		return;
	}
	spec->flags &= ~(FMT_PLUS | FMT_SPACE);
	fmt_integer(out, spec, (uintptr_t)p, false);
}

/* Renders one parsed conversion; false for an unknown one. */
static bool fmt_convert(struct fmt_out *out, struct fmt_spec *spec, va_list *ap)
{
	int64_t v;
	char c;

	switch (spec->conv) {
	case 'd':
	case 'i':
		v = fmt_arg_signed(spec, ap);
		/* The magnitude of INT64_MIN only fits in an unsigned. */
		fmt_integer(out, spec, v < 0 ? 0 - (uint64_t)v : (uint64_t)v,
			    v < 0);
		return true;
	case 'u':
	case 'x':
	case 'X':
	case 'o':
		fmt_integer(out, spec, fmt_arg_unsigned(spec, ap), false);
		return true;
	case 'c':
		c = (char)va_arg(*ap, int);
		fmt_field(out, spec, &c, 1);
		return true;
	case 's':
		fmt_string(out, spec, va_arg(*ap, const char *));
		return true;
	case 'p':
		fmt_pointer(out, spec, va_arg(*ap, const void *));
		return true;
	case '%':
		fmt_put(out, '%');
		return true;
	default:
		return false;
	}
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct fmt_out out = {.buf = buf, .size = size, .len = 0};
	struct fmt_spec spec;
	va_list args;

	va_copy(args, ap);
	while (*fmt) {
		const char *start = fmt;

		if (*fmt != '%') {
			fmt_put(&out, *fmt++);
			continue;
		}
		fmt++;
		fmt_parse_spec(&fmt, &spec, &args);
		if (fmt_convert(&out, &spec, &args)) {
			fmt++;
			continue;
		}
		/* Unknown conversion: copy it through, '%' to the character. */
		if (*fmt)
			fmt++;
		fmt_puts(&out, start, fmt - start);
	}
	va_end(args);

	if (size > 0)
		buf[out.len < size ? out.len : size - 1] = '\0';
	return out.len > INT32_MAX ? -1 : (int)out.len;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
