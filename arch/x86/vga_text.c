#include "arch/x86/vga_text.h"
#include "arch/x86/mmio.h"
#include "lib/ansi_escape.h"

#define VGA_ATTR_GREY_ON_BLACK 0x0700
#define VGA_MAX_COLUMNS 256
#define VGA_MAX_ROWS 128

static volatile uint16_t *screen; /* write-combining, like a framebuffer */
static unsigned columns, rows, col, row;
static struct ansi_escape escape; /* the monitor's line editor's sequences */

static volatile uint16_t *vga_cell(unsigned r, unsigned c)
{
	return &screen[r * columns + c];
}

bool vga_text_init(uint64_t phys, unsigned width, unsigned height)
{
	if (!phys || width == 0 || width > VGA_MAX_COLUMNS || height == 0 ||
	    height > VGA_MAX_ROWS)
		return false;
	screen = mmio_map(phys, (uint64_t)width * height * 2,
			  MMIO_WRITE_COMBINING);
	if (!screen)
		return false;
	columns = width;
	rows = height;
	col = row = 0;
	for (unsigned r = 0; r < rows; r++)
		for (unsigned c = 0; c < columns; c++)
			*vga_cell(r, c) = VGA_ATTR_GREY_ON_BLACK | ' ';
	return true;
}

static void vga_text_newline(void)
{
	col = 0;
	if (++row < rows)
		return;
	for (unsigned r = 1; r < rows; r++)
		for (unsigned c = 0; c < columns; c++)
			*vga_cell(r - 1, c) = *vga_cell(r, c);
	for (unsigned c = 0; c < columns; c++)
		*vga_cell(rows - 1, c) = VGA_ATTR_GREY_ON_BLACK | ' ';
	row = rows - 1;
}

/* Part of an escape sequence (lib/ansi_escape.h): done with it. */
static bool vga_text_escape(char c)
{
	unsigned n = 0;

	switch (ansi_escape_feed(&escape, c, &n)) {
	case ANSI_TEXT:
		return false;
	case ANSI_ERASE_LINE:
		for (unsigned k = col; k < columns; k++)
			*vga_cell(row, k) = VGA_ATTR_GREY_ON_BLACK | ' ';
		break;
	case ANSI_LEFT:
		col -= n < col ? n : col;
		break;
	case ANSI_RIGHT:
		col = col + n < columns ? col + n : columns - 1;
		break;
	default:
		break;
	}
	return true;
}

void vga_text_putc(char c)
{
	if (!columns || vga_text_escape(c))
		return;
	switch (c) {
	case '\n':
		vga_text_newline();
		return;
	case '\r':
		col = 0;
		return;
	case '\b':
		col -= col > 0;
		return;
	case '\a':
		return;
	default:
		break;
	}
	if (col == columns)
		vga_text_newline();
	*vga_cell(row, col++) = VGA_ATTR_GREY_ON_BLACK | (uint8_t)c;
}
