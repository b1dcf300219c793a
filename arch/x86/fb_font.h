/*
 * The framebuffer console's font: a PSF console font from Debian's
 * console-setup-linux (Makefile FB_FONT), turned into this table at build
 * time by tools/psf2c. One glyph per byte value (bytes are Latin-1; those
 * that are not printable there show the font's replacement glyph).
 */
#ifndef ARCH_X86_FB_FONT_H
#define ARCH_X86_FB_FONT_H

#include "lib/compiler.h"

#define FB_FONT_WIDTH_MAX  8
#define FB_FONT_HEIGHT_MAX 32

struct fb_font {
	const char *name;
	uint8_t width;	/* 1..FB_FONT_WIDTH_MAX */
	uint8_t height; /* 1..FB_FONT_HEIGHT_MAX */
	/* Row r of the glyph of byte b: bit 7 is the leftmost pixel. */
	uint8_t glyphs[256][FB_FONT_HEIGHT_MAX];
};

extern const struct fb_font fb_font;

#endif
