#include "arch/x86/vga_text.h"
#include "arch/x86/mmio.h"

#define VGA_ATTR_GREY_ON_BLACK 0x0700
#define VGA_MAX_COLUMNS 256
#define VGA_MAX_ROWS 128

static volatile uint16_t *screen; /* write-combining, like a framebuffer */
static unsigned columns, rows, col, row;

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

void vga_text_putc(char c)
{
	if (!columns)
		return;
	if (c == '\n') {
		vga_text_newline();
		return;
	}
	if (c == '\r')
		return;
	if (col == columns)
		vga_text_newline();
	*vga_cell(row, col++) = VGA_ATTR_GREY_ON_BLACK | (uint8_t)c;
}
