#include "arch/x86/fb_text.h"
#include "lib/format.h"
#include "lib/string.h"

#define FB_TEXT_MAX_COLOUR_BITS 16

static bool fb_field_fits(const struct boot_fb_field *f, unsigned bpp)
{
	return f->size >= 1 && f->size <= FB_TEXT_MAX_COLOUR_BITS &&
	       f->pos + f->size <= bpp;
}

static uint32_t fb_field_mask(const struct boot_fb_field *f)
{
	return (uint32_t)(((1ull << f->size) - 1) << f->pos);
}

static bool fb_text_check_colours(const struct boot_framebuffer *fb, char *why,
				  size_t whysz)
{
	static const char *const names[] = {"red", "green", "blue"};
	const struct boot_fb_field *f[] = {&fb->red, &fb->green, &fb->blue};

	for (unsigned i = 0; i < ARRAY_SIZE(f); i++) {
		if (!fb_field_fits(f[i], fb->bpp)) {
			fmt_snprintf(why, whysz,
				     "%s is bits %u+%u, not 1 to %u bits "
				     "inside a pixel of %u",
				     names[i], f[i]->pos, f[i]->size,
				     FB_TEXT_MAX_COLOUR_BITS, fb->bpp);
			return false;
		}
	}
	if ((fb_field_mask(f[0]) & fb_field_mask(f[1])) ||
	    (fb_field_mask(f[0]) & fb_field_mask(f[2])) ||
	    (fb_field_mask(f[1]) & fb_field_mask(f[2]))) {
		fmt_snprintf(why, whysz,
			     "its red, green and blue bits overlap");
		return false;
	}
	return true;
}

bool fb_text_check(const struct boot_framebuffer *fb,
		   const struct fb_font *font, char *why, size_t whysz)
{
	unsigned bytes = (fb->bpp + 7u) / 8;
	uint64_t size = (uint64_t)fb->pitch * fb->height;

	if (fb->type != BOOT_FB_RGB) {
		fmt_snprintf(why, whysz,
			     "not a linear RGB framebuffer (type %u)",
			     fb->type);
		return false;
	}
	if (fb->bpp != 15 && fb->bpp != 16 && fb->bpp != 24 && fb->bpp != 32) {
		fmt_snprintf(
		    why, whysz,
		    "%u bits per pixel (15, 16, 24 or 32 are drawn on)",
		    fb->bpp);
		return false;
	}
	if (fb->width < font->width || fb->height < font->height ||
	    fb->width > FB_TEXT_MAX_SIDE || fb->height > FB_TEXT_MAX_SIDE) {
		fmt_snprintf(why, whysz, "%ux%u pixels is not %ux%u to %ux%u",
			     fb->width, fb->height, font->width, font->height,
			     FB_TEXT_MAX_SIDE, FB_TEXT_MAX_SIDE);
		return false;
	}
	if (fb->pitch < (uint64_t)fb->width * bytes ||
	    fb->pitch > FB_TEXT_MAX_PITCH) {
		fmt_snprintf(
		    why, whysz,
		    "pitch %u is not %u pixels of %u bytes to %u bytes",
		    fb->pitch, fb->width, bytes, FB_TEXT_MAX_PITCH);
		return false;
	}
	if (size > FB_TEXT_MAX_BYTES) {
		fmt_snprintf(why, whysz, "%llu MiB, more than %llu",
			     (unsigned long long)(size >> 20),
			     (unsigned long long)(FB_TEXT_MAX_BYTES >> 20));
		return false;
	}
	if (fb->addr == 0 || fb->addr >= FB_TEXT_MAX_PHYS ||
	    size > FB_TEXT_MAX_PHYS - fb->addr) {
		fmt_snprintf(why, whysz, "%#llx+%#llx is not physical memory",
			     (unsigned long long)fb->addr,
			     (unsigned long long)size);
		return false;
	}
	return fb_text_check_colours(fb, why, whysz);
}

/* An 8-bit colour value spread over a field of 1 to 16 bits. */
static uint32_t fb_field_value(const struct boot_fb_field *f, uint8_t v)
{
	uint32_t bits = f->size <= 8 ? (uint32_t)v >> (8 - f->size)
				     : (uint32_t)v << (f->size - 8);

	return bits << f->pos;
}

uint32_t fb_text_pixel(const struct boot_framebuffer *fb, uint8_t r, uint8_t g,
		       uint8_t b)
{
	return fb_field_value(&fb->red, r) | fb_field_value(&fb->green, g) |
	       fb_field_value(&fb->blue, b);
}

void fb_text_init(struct fb_text *t, const struct boot_framebuffer *fb,
		  const struct fb_font *font)
{
	t->pixels = NULL;
	t->pitch = fb->pitch;
	t->width = fb->width;
	t->height = fb->height;
	t->bytes_per_pixel = (fb->bpp + 7u) / 8;
	t->fg = fb_text_pixel(fb, FB_TEXT_FG, FB_TEXT_FG, FB_TEXT_FG);
	t->bg = fb_text_pixel(fb, FB_TEXT_BG, FB_TEXT_BG, FB_TEXT_BG);
	t->font = font;
	t->columns = MIN(fb->width / font->width, FB_TEXT_MAX_COLUMNS);
	t->rows = MIN(fb->height / font->height, FB_TEXT_MAX_ROWS);
	t->col = t->row = 0;
	memset(t->text, ' ', sizeof(t->text));
	memset(t->shown, ' ', sizeof(t->shown));
}

/*
 * One pixel of 2, 3 or 4 bytes (little-endian). Inlined into loops whose
 * size is a constant, so each store is one instruction (three for 3).
 */
static inline __attribute__((always_inline)) void fb_put(uint8_t *p, uint32_t v,
							 unsigned bytes)
{
	__builtin_memcpy(p, &v, bytes);
}

static inline __attribute__((always_inline)) void
fb_draw_glyph(const struct fb_text *t, uint8_t *p, const uint8_t *glyph,
	      unsigned bytes)
{
	for (unsigned y = 0; y < t->font->height; y++, p += t->pitch) {
		unsigned bits = glyph[y];

		for (unsigned x = 0; x < t->font->width; x++)
			fb_put(p + x * bytes,
			       bits & (0x80u >> x) ? t->fg : t->bg, bytes);
	}
}

/* Draws cell (r, c), both inside the grid, which lies inside the screen. */
static void fb_text_draw_cell(const struct fb_text *t, unsigned r, unsigned c,
			      char ch)
{
	const uint8_t *glyph = t->font->glyphs[(uint8_t)ch];
	uint8_t *p = t->pixels + (size_t)r * t->font->height * t->pitch +
		     (size_t)c * t->font->width * t->bytes_per_pixel;

	switch (t->bytes_per_pixel) {
	case 4:
		fb_draw_glyph(t, p, glyph, 4);
		break;
	case 3:
		fb_draw_glyph(t, p, glyph, 3);
		break;
	default:
		fb_draw_glyph(t, p, glyph, 2);
		break;
	}
}

/* Draws every cell whose character is not the one its pixels show. */
static void fb_text_draw_changes(struct fb_text *t)
{
	unsigned cells = t->rows * t->columns;

	if (!t->pixels)
		return;
	for (unsigned i = 0; i < cells; i++) {
		char ch = t->text[i];

		if (ch == t->shown[i])
			continue;
		t->shown[i] = ch;
		fb_text_draw_cell(t, i / t->columns, i % t->columns, ch);
	}
}

static inline __attribute__((always_inline)) void
fb_clear(const struct fb_text *t, uint8_t *pixels, unsigned bytes)
{
	for (uint32_t y = 0; y < t->height; y++) {
		uint8_t *p = pixels + (size_t)y * t->pitch;

		for (uint32_t x = 0; x < t->width; x++)
			fb_put(p + x * bytes, t->bg, bytes);
	}
}

void fb_text_attach(struct fb_text *t, uint8_t *pixels)
{
	switch (t->bytes_per_pixel) {
	case 4:
		fb_clear(t, pixels, 4);
		break;
	case 3:
		fb_clear(t, pixels, 3);
		break;
	default:
		fb_clear(t, pixels, 2);
		break;
	}
	memset(t->shown, ' ', sizeof(t->shown));
	t->pixels = pixels;
	fb_text_draw_changes(t);
}

/* The text moves up one row; the last row is blank. */
static void fb_text_scroll(struct fb_text *t)
{
	size_t keep = (size_t)(t->rows - 1) * t->columns;

	memmove(t->text, t->text + t->columns, keep);
	memset(t->text + keep, ' ', t->columns);
}

/*
 * The escape sequences the debug monitor's line editor sends
 * (lib/ansi_escape.h); true when ch was part of one.
 */
static bool fb_text_escape(struct fb_text *t, char ch, unsigned *col,
			   unsigned row)
{
	unsigned n = 0;

	switch (ansi_escape_feed(&t->esc, ch, &n)) {
	case ANSI_TEXT:
		return false;
	case ANSI_ERASE_LINE:
		memset(t->text + row * t->columns + *col, ' ', t->columns - *col);
		break;
	case ANSI_LEFT:
		*col -= MIN(n, *col);
		break;
	case ANSI_RIGHT:
		*col = MIN(*col + n, t->columns - 1);
		break;
	default:
		break;
	}
	return true;
}

void fb_text_write(struct fb_text *t, const char *s, size_t n)
{
	/* Read once, checked: another writer may move them meanwhile. */
	unsigned col = MIN(READ_ONCE(t->col), t->columns);
	unsigned row = MIN(READ_ONCE(t->row), t->rows - 1);

	for (size_t i = 0; i < n; i++) {
		char ch = s[i];

		if (fb_text_escape(t, ch, &col, row))
			continue;
		switch (ch) {
		case '\a':
			continue;
		case '\r':
			col = 0;
			continue;
		case '\b':
			col -= col > 0;
			continue;
		case '\t':
			col = MIN(ALIGN_DOWN(col, FB_TEXT_TAB) + FB_TEXT_TAB,
				  t->columns);
			continue;
		case '\n':
			col = t->columns; /* wraps below */
			break;
		default:
			break;
		}
		if (col == t->columns) { /* the next line */
			col = 0;
			if (row + 1 < t->rows)
				row++;
			else
				fb_text_scroll(t);
		}
		if (ch != '\n')
			t->text[row * t->columns + col++] = ch;
	}
	WRITE_ONCE(t->col, col);
	WRITE_ONCE(t->row, row);
	fb_text_draw_changes(t);
}
