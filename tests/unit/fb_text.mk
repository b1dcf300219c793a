# arch/x86/fb_text.c drawing into memory with the font tools/psf2c made
# from the PSF file: refused geometries, pixel layouts, text read back from
# the pixels after wraps, scrolls and control characters, guard bytes.
UNIT_TESTS += fb_text
UNIT_SRCS_fb_text := tests/unit/test_fb_text.c arch/x86/fb_text.c \
	lib/ansi_escape.c lib/format.c $(FB_FONT_C)
