/*
 * arch/x86/fb_text.c, drawing into memory with the console's real font
 * (the table tools/psf2c made): which framebuffers are refused and why,
 * the pixel layouts, and the text read back from the pixels after
 * writes, wraps, scrolls and control characters. Every buffer has guard
 * bytes around it and in each row's padding (pitch beyond the last
 * pixel): nothing may be written there, also when the cursor was
 * corrupted as two CPUs writing at once on the fatal path could leave it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "arch/x86/fb_text.h"

#define GUARD	   4096
#define GUARD_BYTE 0x5a
#define PAD	   12 /* bytes past each row's last pixel */

static struct fb_text t; /* large */

/* A framebuffer in memory: guard, pitch x height, guard. */
struct screen {
	struct boot_framebuffer fb;
	uint8_t *mem;
	uint8_t *pixels;
	size_t size;
};

static struct boot_framebuffer rgb32(uint32_t width, uint32_t height)
{
	return (struct boot_framebuffer){
	    .addr = 0xc0000000,
	    .pitch = width * 4 + PAD,
	    .width = width,
	    .height = height,
	    .bpp = 32,
	    .type = BOOT_FB_RGB,
	    .red = {16, 8},
	    .green = {8, 8},
	    .blue = {0, 8},
	};
}

static void screen_new(struct screen *s, struct boot_framebuffer fb)
{
	s->fb = fb;
	s->size = (size_t)fb.pitch * fb.height;
	s->mem = malloc(s->size + 2 * GUARD);
	assert_non_null(s->mem);
	memset(s->mem, GUARD_BYTE, s->size + 2 * GUARD);
	s->pixels = s->mem + GUARD;
	fb_text_init(&t, &s->fb, &fb_font);
}

/* Nothing outside the pixels of the screen was written. */
static void screen_check_guards(const struct screen *s)
{
	unsigned row_bytes = s->fb.width * ((s->fb.bpp + 7) / 8);

	for (size_t i = 0; i < GUARD; i++) {
		assert_int_equal(s->mem[i], GUARD_BYTE);
		assert_int_equal(s->pixels[s->size + i], GUARD_BYTE);
	}
	for (uint32_t y = 0; y < s->fb.height; y++)
		for (uint32_t x = row_bytes; x < s->fb.pitch; x++)
			assert_int_equal(s->pixels[(size_t)y * s->fb.pitch + x],
					 GUARD_BYTE);
}

static uint32_t pixel_at(const struct screen *s, unsigned x, unsigned y)
{
	unsigned bytes = (s->fb.bpp + 7) / 8;
	uint32_t v = 0;

	memcpy(&v, s->pixels + (size_t)y * s->fb.pitch + x * bytes, bytes);
	return v;
}

/*
 * The character cell (r, c) shows: the printable ASCII character whose
 * glyph its pixels are (each exactly the foreground or the background
 * value), '#' for anything else.
 */
static char cell_at(const struct screen *s, unsigned r, unsigned c)
{
	for (int ch = ' '; ch <= '~'; ch++) {
		const uint8_t *g = fb_font.glyphs[ch];
		bool same = true;

		for (unsigned y = 0; y < fb_font.height && same; y++)
			for (unsigned x = 0; x < fb_font.width && same; x++)
				same = pixel_at(s, c * fb_font.width + x,
						r * fb_font.height + y) ==
				       (g[y] & (0x80 >> x) ? t.fg : t.bg);
		if (same)
			return (char)ch;
	}
	return '#';
}

/* Row r as text, trailing blanks dropped. */
static void row_text(const struct screen *s, unsigned r, char *out)
{
	unsigned n = 0;

	for (unsigned c = 0; c < t.columns; c++)
		out[c] = cell_at(s, r, c);
	for (unsigned c = 0; c < t.columns; c++)
		if (out[c] != ' ')
			n = c + 1;
	out[n] = '\0';
}

static void assert_rows(const struct screen *s, const char *const *want,
			unsigned n)
{
	char got[FB_TEXT_MAX_COLUMNS + 1];

	assert_int_equal(t.rows, n);
	for (unsigned r = 0; r < n; r++) {
		row_text(s, r, got);
		assert_string_equal(got, want[r]);
	}
	screen_check_guards(s);
}

static void write_str(const char *str)
{
	fb_text_write(&t, str, strlen(str));
}

static void screen_free(struct screen *s)
{
	free(s->mem);
}

/* The font table is the PSF font's: 8x16, 'A' as the VGA font draws it. */
static void test_font_table(void **state)
{
	static const uint8_t a[16] = {0x00, 0x00, 0x10, 0x38, 0x6c, 0xc6,
				      0xc6, 0xfe, 0xc6, 0xc6, 0xc6, 0xc6};

	assert_int_equal(fb_font.width, 8);
	assert_int_equal(fb_font.height, 16);
	assert_memory_equal(fb_font.glyphs['A'], a, sizeof(a));
	for (unsigned y = 0; y < 16; y++)
		assert_int_equal(fb_font.glyphs[' '][y], 0);
	/* A control byte shows the replacement glyph, not a blank. */
	assert_memory_not_equal(fb_font.glyphs[0x1b], fb_font.glyphs[' '], 16);
}

static void expect_refused(struct boot_framebuffer fb, const char *why)
{
	char got[160];

	assert_false(fb_text_check(&fb, &fb_font, got, sizeof(got)));
	assert_string_equal(got, why);
}

static void test_check_accepts(void **state)
{
	struct boot_framebuffer fb = rgb32(1280, 800);
	char why[160];

	assert_true(fb_text_check(&fb, &fb_font, why, sizeof(why)));
	fb.bpp = 24;
	fb.pitch = 1280 * 3;
	assert_true(fb_text_check(&fb, &fb_font, why, sizeof(why)));
	fb.bpp = 16;
	fb.pitch = 2048 * 2; /* padded rows */
	fb.red = (struct boot_fb_field){11, 5};
	fb.green = (struct boot_fb_field){5, 6};
	fb.blue = (struct boot_fb_field){0, 5};
	assert_true(fb_text_check(&fb, &fb_font, why, sizeof(why)));
	fb.bpp = 15;
	fb.green = (struct boot_fb_field){5, 5};
	fb.red = (struct boot_fb_field){10, 5};
	assert_true(fb_text_check(&fb, &fb_font, why, sizeof(why)));
	/* One cell, and a resizable BAR far above 4 GiB. */
	fb = rgb32(8, 16);
	fb.addr = 0x3800000000000ull;
	assert_true(fb_text_check(&fb, &fb_font, why, sizeof(why)));
}

static void test_check_refuses(void **state)
{
	struct boot_framebuffer fb;

	fb = rgb32(1280, 800);
	fb.type = BOOT_FB_INDEXED;
	expect_refused(fb, "not a linear RGB framebuffer (type 1)");
	fb = rgb32(1280, 800);
	fb.bpp = 8;
	expect_refused(fb, "8 bits per pixel (15, 16, 24 or 32 are drawn on)");
	fb = rgb32(7, 800);
	expect_refused(fb, "7x800 pixels is not 8x16 to 16384x16384");
	fb = rgb32(1280, 15);
	expect_refused(fb, "1280x15 pixels is not 8x16 to 16384x16384");
	fb = rgb32(16385, 16);
	expect_refused(fb, "16385x16 pixels is not 8x16 to 16384x16384");
	fb = rgb32(1280, 800);
	fb.pitch = 1280 * 4 - 1;
	expect_refused(
	    fb, "pitch 5119 is not 1280 pixels of 4 bytes to 65536 bytes");
	fb.pitch = 65537;
	expect_refused(
	    fb, "pitch 65537 is not 1280 pixels of 4 bytes to 65536 bytes");
	fb = rgb32(16000, 9000);
	expect_refused(fb, "549 MiB, more than 512");
	fb = rgb32(1280, 800);
	fb.addr = 0;
	expect_refused(fb, "0+0x3ea580 is not physical memory");
	fb.addr = (1ull << 52) - 0x1000;
	expect_refused(fb, "0xffffffffff000+0x3ea580 is not physical memory");
	fb.addr = UINT64_MAX - 0x1000; /* would wrap */
	expect_refused(fb,
		       "0xffffffffffffefff+0x3ea580 is not physical memory");
	fb = rgb32(1280, 800);
	fb.blue.size = 0; /* the loader did not say */
	expect_refused(
	    fb, "blue is bits 0+0, not 1 to 16 bits inside a pixel of 32");
	fb = rgb32(1280, 800);
	fb.red.pos = 28;
	expect_refused(
	    fb, "red is bits 28+8, not 1 to 16 bits inside a pixel of 32");
	fb = rgb32(1280, 800);
	fb.green.pos = 12;
	expect_refused(fb, "its red, green and blue bits overlap");
}

static void test_pixel_layouts(void **state)
{
	struct boot_framebuffer fb = rgb32(640, 480);

	assert_int_equal(fb_text_pixel(&fb, 0x12, 0x34, 0x56), 0x123456);
	fb.red.pos = 0; /* UEFI PixelRedGreenBlueReserved8BitPerColor */
	fb.blue.pos = 16;
	assert_int_equal(fb_text_pixel(&fb, 0x12, 0x34, 0x56), 0x563412);
	fb.bpp = 16; /* 5:6:5 */
	fb.red = (struct boot_fb_field){11, 5};
	fb.green = (struct boot_fb_field){5, 6};
	fb.blue = (struct boot_fb_field){0, 5};
	assert_int_equal(fb_text_pixel(&fb, 0xff, 0x80, 0x08), 0xfc01);
	fb.bpp = 32; /* 10 bits each */
	fb.red = (struct boot_fb_field){20, 10};
	fb.green = (struct boot_fb_field){10, 10};
	fb.blue = (struct boot_fb_field){0, 10};
	assert_int_equal(fb_text_pixel(&fb, 0xff, 0x01, 0x00), 0x3fc01000);
}

/* Text written before attach is kept, and drawn by it; the rest is cleared. */
static void test_kept_until_attached(void **state)
{
	static const char *const want[] = {"early", "late"};
	struct screen s;

	screen_new(&s, rgb32(10 * 8, 2 * 16));
	write_str("early\n");
	for (size_t i = 0; i < s.size; i++)
		assert_int_equal(s.pixels[i], GUARD_BYTE); /* nothing drawn */
	fb_text_attach(&t, s.pixels);
	write_str("late");
	assert_rows(&s, want, 2);
	screen_free(&s);
}

/* Long lines wrap; a line of exactly the width does not add a blank one. */
static void test_wrap(void **state)
{
	static const char *const want[] = {"0123456789", "abcdefghij", "klmno",
					   "end"};
	struct screen s;

	screen_new(&s, rgb32(10 * 8 + 5, 4 * 16 + 3)); /* partial cells */
	fb_text_attach(&t, s.pixels);
	write_str("0123456789abcdefghij\nklmno\nend");
	assert_int_equal(t.columns, 10);
	assert_rows(&s, want, 4);
	screen_free(&s);
}

/* Below the last row the text moves up; the cells it left are redrawn. */
static void test_scroll(void **state)
{
	static const char *const want[] = {"line 3 long", "4", "line 5"};
	struct screen s;

	screen_new(&s, rgb32(12 * 8, 3 * 16));
	fb_text_attach(&t, s.pixels);
	write_str("line 1\nline 2 longer\nline 3 long\n4\nline 5");
	assert_rows(&s, want, 3);
	/* A newline at the bottom scrolls at once: the last row is blank. */
	write_str("\n");
	{
		static const char *const after[] = {"4", "line 5", ""};

		assert_rows(&s, after, 3);
	}
	screen_free(&s);
}

static void test_control_characters(void **state)
{
	static const char *const want[] = {"row one", "a       b", "xyz"};
	struct screen s;

	screen_new(&s, rgb32(16 * 8, 3 * 16));
	fb_text_attach(&t, s.pixels);
	/* \r returns to the start; \b steps back, "\b \b" erases. */
	write_str("XXX one\rrow\nab\b \b\b\tb\nxyq\by");
	write_str("\bz");
	assert_rows(&s, want, 3);
	/* At the start of a row a backspace stays there. */
	write_str("\n\b\b\bK");
	{
		static const char *const after[] = {"a       b", "xyz", "K"};

		assert_rows(&s, after, 3);
	}
	/* A tab at the end of a row leaves the cursor there, then wraps. */
	write_str("\n0123456789\t\tC");
	{
		static const char *const after[] = {"K", "0123456789", "C"};

		assert_rows(&s, after, 3);
	}
	screen_free(&s);
}

/*
 * The escape sequences the debug monitor's line editor sends: ESC [ K
 * erases to the end of the row, ESC [ n D and ESC [ n C move the cursor;
 * others are swallowed to their final byte; a bell is not drawn.
 */
static void test_escape_sequences(void **state)
{
	static const char *const want[] = {"hv> walk", "hv>xvmxx", "abc"};
	struct screen s;

	screen_new(&s, rgb32(16 * 8, 3 * 16));
	fb_text_attach(&t, s.pixels);
	write_str("hv> wlk 0x1000\x1b[6D\x1b[K");
	write_str("\rhv> walk\x1b[K\n");
	write_str("hv> vm\a\x1b[3Dx\x1b[2Cx\x1b[1;5Hq\bx\n");
	write_str("\x1b[Kabc\x1b[99D\x1b[99C");
	assert_rows(&s, want, 3);
	screen_free(&s);
}

/*
 * Only cells whose character changed are drawn: a pixel of a cell that
 * keeps its character is not written again (a mark left in it stays),
 * also when the text scrolls and the character above is the same.
 */
static void test_redraws_only_changes(void **state)
{
	struct screen s;
	uint8_t *mark_same, *mark_scrolled;

	screen_new(&s, rgb32(6 * 8, 2 * 16));
	fb_text_attach(&t, s.pixels);
	write_str("ab\nax");
	mark_same = s.pixels + 3 * s.fb.pitch + 2 * 4; /* 'a', row 0 */
	mark_scrolled =
	    s.pixels + (16 + 3) * s.fb.pitch + 2 * 4; /* 'a', row 1 */
	*mark_same = 0x77;
	*mark_scrolled = 0x77;
	write_str("y");
	assert_int_equal(*mark_same, 0x77);
	write_str("\n"); /* row 1 "axy" moves up over "ab": 'a' stays */
	assert_int_equal(*mark_same, 0x77);
	assert_int_not_equal(*mark_scrolled, 0x77); /* 'a' became ' ' */
	screen_free(&s);
}

/* 24 and 16 bits per pixel, rows padded: same text, nothing past a row. */
static void test_other_depths(void **state)
{
	static const char *const want[] = {"24 bpp", "Mq"};
	static const char *const want16[] = {"16 bpp", "Wg"};
	struct boot_framebuffer fb = rgb32(8 * 8, 2 * 16);
	struct screen s;

	fb.bpp = 24;
	fb.pitch = 8 * 8 * 3 + PAD;
	screen_new(&s, fb);
	fb_text_attach(&t, s.pixels);
	write_str("24 bpp\nMq");
	assert_int_equal(t.fg, 0xaaaaaa);
	assert_rows(&s, want, 2);
	screen_free(&s);

	fb.bpp = 16;
	fb.pitch = 8 * 8 * 2 + PAD;
	fb.red = (struct boot_fb_field){11, 5};
	fb.green = (struct boot_fb_field){5, 6};
	fb.blue = (struct boot_fb_field){0, 5};
	screen_new(&s, fb);
	fb_text_attach(&t, s.pixels);
	write_str("16 bpp\nWg");
	assert_int_equal(t.fg, (0x15 << 11) | (0x2a << 5) | 0x15);
	assert_rows(&s, want16, 2);
	screen_free(&s);
}

/*
 * A cursor left anywhere (two writers at once): the next write starts
 * inside the grid and nothing outside the screen is touched.
 */
static void test_corrupt_cursor(void **state)
{
	static const char *const want[] = {"", "ok"};
	struct screen s;

	screen_new(&s, rgb32(4 * 8, 2 * 16));
	fb_text_attach(&t, s.pixels);
	t.col = 1000000;
	t.row = 77;
	write_str("ok");
	assert_rows(&s, want, 2);
	t.col = UINT32_MAX;
	t.row = UINT32_MAX;
	write_str("\b\b\b\tabcdefghijklmnopq\n\r\n");
	screen_check_guards(&s);
	assert_true(t.col <= t.columns && t.row < t.rows);
	screen_free(&s);
}

/* A screen wider than the grid shows text in its left part only. */
static void test_grid_capped(void **state)
{
	struct screen s;
	char got[FB_TEXT_MAX_COLUMNS + 1];
	char line[FB_TEXT_MAX_COLUMNS + 3];

	screen_new(&s, rgb32(4096, 16 * 2));
	assert_int_equal(t.columns, FB_TEXT_MAX_COLUMNS);
	fb_text_attach(&t, s.pixels);
	memset(line, 'w', sizeof(line));
	line[sizeof(line) - 1] = '\0';
	write_str(line);
	row_text(&s, 1, got);
	assert_string_equal(got, "ww");
	/* Past the grid the pixels stay the background. */
	for (unsigned x = FB_TEXT_MAX_COLUMNS * 8; x < 4096; x++)
		assert_int_equal(pixel_at(&s, x, 5), t.bg);
	screen_check_guards(&s);
	screen_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_font_table),
	    cmocka_unit_test(test_check_accepts),
	    cmocka_unit_test(test_check_refuses),
	    cmocka_unit_test(test_pixel_layouts),
	    cmocka_unit_test(test_kept_until_attached),
	    cmocka_unit_test(test_wrap),
	    cmocka_unit_test(test_scroll),
	    cmocka_unit_test(test_control_characters),
	    cmocka_unit_test(test_escape_sequences),
	    cmocka_unit_test(test_redraws_only_changes),
	    cmocka_unit_test(test_other_depths),
	    cmocka_unit_test(test_corrupt_cursor),
	    cmocka_unit_test(test_grid_capped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
