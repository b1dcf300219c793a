#include "arch/x86/fb_console.h"
#include "arch/x86/fb_text.h"
#include "arch/x86/layout.h"
#include "arch/x86/mmio.h"
#include "base/log.h"

#define FB_WHY_MAX 120

static struct fb_text screen; /* large: the grid and its shadow */
static struct boot_framebuffer fb;
static uint8_t *pixels; /* mapped at init (below 4 GiB) or at show */
static bool active, shown;

static uint64_t fb_console_bytes(void)
{
	return (uint64_t)fb.pitch * fb.height;
}

bool fb_console_init(const struct boot_framebuffer *boot_fb)
{
	char why[FB_WHY_MAX];

	if (boot_fb->type == BOOT_FB_NONE || boot_fb->type == BOOT_FB_EGA_TEXT)
		return false;
	if (!fb_text_check(boot_fb, &fb_font, why, sizeof(why))) {
		pr_warn("fb: framebuffer at %#llx (%ux%u, %u bpp) not used: %s",
			(unsigned long long)boot_fb->addr, boot_fb->width,
			boot_fb->height, boot_fb->bpp, why);
		return false;
	}
	fb = *boot_fb;
	fb_text_init(&screen, &fb, &fb_font);
	/* Before paging is final only this much can be mapped (mmio.h). */
	if (fb.addr + fb_console_bytes() <= EARLY_IDENTITY_GIB * GiB)
		pixels =
		    mmio_map(fb.addr, fb_console_bytes(), MMIO_WRITE_COMBINING);
	active = true;
	return true;
}

bool fb_console_show(void)
{
	if (!active || shown)
		return shown;
	if (!pixels)
		pixels =
		    mmio_map(fb.addr, fb_console_bytes(), MMIO_WRITE_COMBINING);
	if (!pixels) {
		/* mmio_map() said why. */
		pr_warn("fb: the framebuffer at %#llx cannot be mapped: the "
			"log is not shown on it",
			(unsigned long long)fb.addr);
		active = false;
		return false;
	}
	fb_text_attach(&screen, pixels);
	shown = true;
	pr_info("fb: the log on the framebuffer at %#llx (%ux%u, %u bpp, pitch "
		"%u, write-combining): %ux%u characters of %s %ux%u",
		(unsigned long long)fb.addr, fb.width, fb.height, fb.bpp,
		fb.pitch, screen.columns, screen.rows, fb_font.name,
		fb_font.width, fb_font.height);
	return true;
}

void fb_console_show_early(void)
{
	if (!active || shown || !pixels)
		return;
	fb_text_attach(&screen, pixels);
	shown = true;
}

bool fb_console_is_active(void)
{
	return active;
}

void fb_console_write(const char *s, size_t n)
{
	if (active)
		fb_text_write(&screen, s, n);
}
