/*
 * The log on a linear framebuffer (the UEFI GOP's, or one GRUB set up for
 * Multiboot2): a console for PCs without a serial port. One more output
 * of arch/x86/console.c, next to the UARTs and the VGA text screen.
 *
 * It is drawn on write-combining, so it waits for the final page tables:
 * until fb_console_show() the text is kept in its grid (arch/x86/fb_text.h)
 * and nothing is drawn; then the screen is cleared and the grid drawn,
 * so the lines logged before are on it too.
 */
#ifndef ARCH_X86_FB_CONSOLE_H
#define ARCH_X86_FB_CONSOLE_H

#include "boot/boot_info.h"

/*
 * Takes fb (any type) as the console's screen when it is a linear RGB
 * framebuffer text can be drawn on; otherwise false, and a warning that
 * says why (an EGA text screen is not one: false, silently). A framebuffer
 * below 4 GiB is asked for now from arch/x86/mmio.h, so that the fatal
 * path can draw on it even before paging is final.
 */
bool fb_console_init(const struct boot_framebuffer *fb);

/*
 * Once the final page tables are in: maps the framebuffer write-combining
 * (wherever it is, above 4 GiB too), clears it and draws the text kept so
 * far, and logs what it shows. False (and no more drawing) when it cannot
 * be mapped; the reason is logged.
 */
bool fb_console_show(void);

/*
 * For the end of a run that stops before fb_console_show() (a failure
 * early in the boot): draws what was kept, if the framebuffer was mapped
 * at fb_console_init(). Does nothing otherwise, or once shown.
 */
void fb_console_show_early(void);

/* Whether fb_console_init() took a framebuffer (shown or not yet). */
bool fb_console_is_active(void);

/* Sends n bytes to the screen. The caller serializes (the log does). */
void fb_console_write(const char *s, size_t n);

#endif
