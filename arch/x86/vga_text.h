/*
 * The VGA text screen a BIOS boot leaves (Multiboot2 framebuffer type EGA
 * text, usually 80x25 at 0xb8000): a console for PCs without a serial port.
 */
#ifndef ARCH_X86_VGA_TEXT_H
#define ARCH_X86_VGA_TEXT_H

#include "lib/compiler.h"

/*
 * Maps the screen write-combining (arch/x86/mmio.h) and clears it; false
 * (unused) for implausible geometry or a screen that cannot be mapped.
 */
bool vga_text_init(uint64_t phys, unsigned width, unsigned height);

/* Writes one character, scrolling at the bottom. */
void vga_text_putc(char c);

#endif
