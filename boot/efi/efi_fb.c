/*
 * The linear framebuffer of the Graphics Output Protocol, in the mode the
 * firmware left it. Optional: without GOP, with a mode that has no
 * linear framebuffer (PixelBltOnly), or with colour masks that are not
 * each one run of bits, the framebuffer is BOOT_FB_NONE.
 */
#include "boot/efi/efi_app.h"

/* Bits per pixel of a PixelBitMask mode: up to its highest mask bit. */
static UINT8 bitmask_bpp(const EFI_PIXEL_BITMASK *m)
{
	UINT32 all = m->RedMask | m->GreenMask | m->BlueMask | m->ReservedMask;
	UINT8 bits = all ? 32 - __builtin_clz(all) : 32;

	return ALIGN_UP(bits, 8);
}

/* A colour of a PixelBitMask mode: false unless its mask is one run of bits. */
static bool bitmask_field(UINT32 mask, struct boot_fb_field *f)
{
	UINT32 run;

	if (!mask)
		return false;
	f->pos = __builtin_ctz(mask);
	run = mask >> f->pos;
	if (run & (run + 1))
		return false; /* holes in the mask */
	f->size = 32 - __builtin_clz(run);
	return true;
}

void efi_fb_describe(struct boot_framebuffer *fb)
{
	EFI_GRAPHICS_OUTPUT_PROTOCOL *gop;
	EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *info;
	EFI_STATUS status;

	fb->type = BOOT_FB_NONE;
	status = LibLocateProtocol(&GraphicsOutputProtocol, (void **)&gop);
	if (EFI_ERROR(status) || !gop->Mode || !gop->Mode->Info)
		return;
	info = gop->Mode->Info;

	switch (info->PixelFormat) {
	case PixelRedGreenBlueReserved8BitPerColor: /* bytes R, G, B, - */
		fb->bpp = 32;
		fb->red = (struct boot_fb_field){0, 8};
		fb->green = (struct boot_fb_field){8, 8};
		fb->blue = (struct boot_fb_field){16, 8};
		break;
	case PixelBlueGreenRedReserved8BitPerColor: /* bytes B, G, R, - */
		fb->bpp = 32;
		fb->red = (struct boot_fb_field){16, 8};
		fb->green = (struct boot_fb_field){8, 8};
		fb->blue = (struct boot_fb_field){0, 8};
		break;
	case PixelBitMask:
		fb->bpp = bitmask_bpp(&info->PixelInformation);
		if (!bitmask_field(info->PixelInformation.RedMask, &fb->red) ||
		    !bitmask_field(info->PixelInformation.GreenMask, &fb->green) ||
		    !bitmask_field(info->PixelInformation.BlueMask, &fb->blue))
			return;
		break;
	default:
		return;
	}
	fb->addr = gop->Mode->FrameBufferBase;
	fb->width = info->HorizontalResolution;
	fb->height = info->VerticalResolution;
	fb->pitch = info->PixelsPerScanLine * (fb->bpp / 8);
	fb->type = BOOT_FB_RGB;
	Print(EFI_APP_TAG L"framebuffer %dx%d at 0x%lx, %d bpp, pitch %d\n",
	      fb->width, fb->height, fb->addr, fb->bpp, fb->pitch);
}
