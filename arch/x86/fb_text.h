/*
 * Text on a linear framebuffer: a grid of character cells kept in memory
 * (what the screen should show, and what its pixels show), drawn with a
 * PSF font (arch/x86/fb_font.h). Pure: it only writes the pixel memory it
 * is handed, so the host tests draw into a buffer and read it back.
 *
 * The grid is the shadow of the screen: scrolling moves text in memory
 * and redraws only the cells whose character changed, so the pixels are
 * never read back (reading write-combining memory is slow) and a blank
 * cell that stays blank costs nothing.
 *
 *     struct fb_text *t = ...;       (large: keep it static)
 *     if (!fb_text_check(fb, &fb_font, why, sizeof(why)))
 *             ... refuse, saying why ...
 *     fb_text_init(t, fb, &fb_font);
 *     fb_text_write(t, "kept in the grid until ...\n", n);
 *     fb_text_attach(t, pixels);     (... the pixels are reachable)
 */
#ifndef ARCH_X86_FB_TEXT_H
#define ARCH_X86_FB_TEXT_H

#include "arch/x86/fb_font.h"
#include "boot/boot_info.h"
#include "lib/ansi_escape.h"

/* A screen larger than this is not plausible. */
#define FB_TEXT_MAX_SIDE  16384u		 /* pixels */
#define FB_TEXT_MAX_PITCH (4 * FB_TEXT_MAX_SIDE) /* bytes */
#define FB_TEXT_MAX_BYTES (512ull << 20)
#define FB_TEXT_MAX_PHYS  (1ull << 52) /* the architecture's limit */
/* The grid: a larger screen shows text in its top-left part. */
#define FB_TEXT_MAX_COLUMNS 480 /* 3840 pixels of 8 */
#define FB_TEXT_MAX_ROWS    135 /* 2160 pixels of 16 */
#define FB_TEXT_TAB	    8

/* Light grey on black, as the VGA text screen shows the log. */
#define FB_TEXT_FG 0xaa
#define FB_TEXT_BG 0x00

struct fb_text {
	/* Set by fb_text_init() and fb_text_attach(), then only read. */
	uint8_t *pixels; /* NULL: text is kept, not drawn */
	uint32_t pitch, width, height;
	unsigned bytes_per_pixel; /* 2, 3 or 4 */
	uint32_t fg, bg;	  /* pixel values */
	const struct fb_font *font;
	unsigned columns, rows;
	/*
	 * Moved by fb_text_write(). Two writers at once (the fatal path
	 * writes without the log's lock) may garble the text, never write
	 * outside the grid or the screen: each reads them once and checks.
	 */
	unsigned col, row;
	/* An escape sequence being read, serialized like the log's lines. */
	struct ansi_escape esc;
	char text[FB_TEXT_MAX_ROWS * FB_TEXT_MAX_COLUMNS];  /* rows x columns */
	char shown[FB_TEXT_MAX_ROWS * FB_TEXT_MAX_COLUMNS]; /* in the pixels */
};

/*
 * Whether fb can take text in font: a linear RGB framebuffer of 15, 16,
 * 24 or 32 bits per pixel, at least one cell and at most FB_TEXT_MAX_SIDE
 * on each side, rows of pitch bytes that hold a row of pixels, all of it
 * (pitch x height, at most FB_TEXT_MAX_BYTES) below FB_TEXT_MAX_PHYS, and
 * colours of 1 to 16 bits each inside a pixel, apart. Otherwise false and
 * the reason in why ("pitch 4000 is less than 1280 pixels of 4 bytes").
 */
bool fb_text_check(const struct boot_framebuffer *fb,
		   const struct fb_font *font, char *why, size_t whysz);

/* The pixel value of colour (r, g, b) (8 bits each) in fb's layout. */
uint32_t fb_text_pixel(const struct boot_framebuffer *fb, uint8_t r, uint8_t g,
		       uint8_t b);

/*
 * Sets t up for fb (which fb_text_check() accepted): an empty grid of
 * the cells that fit, at most FB_TEXT_MAX_COLUMNS x FB_TEXT_MAX_ROWS,
 * cursor at the top left, nothing drawn.
 */
void fb_text_init(struct fb_text *t, const struct boot_framebuffer *fb,
		  const struct fb_font *font);

/*
 * From now on draws into pixels (the framebuffer's first byte, pitch x
 * height bytes writable): paints every pixel of the width x height
 * screen the background colour, then the grid's text.
 */
void fb_text_attach(struct fb_text *t, uint8_t *pixels);

/*
 * Puts s[0..n) into the grid at the cursor and redraws the cells that
 * changed (when attached). '\n' goes to the start of the next line, '\r'
 * to the start of this one, '\t' to the next multiple of FB_TEXT_TAB
 * columns, '\b' one column back (it erases nothing: "\b \b" does); a
 * line longer than the screen wraps. Below the last row, the text moves
 * up a row. Every other byte is a character of the font.
 */
void fb_text_write(struct fb_text *t, const char *s, size_t n);

#endif
