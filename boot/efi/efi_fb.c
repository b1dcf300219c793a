/*
 * The linear framebuffer of the Graphics Output Protocol, in the mode the
 * firmware left it. Optional: without GOP, or with a mode that has no
 * linear framebuffer (PixelBltOnly), the framebuffer is BOOT_FB_NONE.
 */
#include "boot/efi/efi_app.h"

/* Bits per pixel of a PixelBitMask mode: up to its highest mask bit. */
static UINT8 bitmask_bpp(const EFI_PIXEL_BITMASK *m)
{
	UINT32 all = m->RedMask | m->GreenMask | m->BlueMask | m->ReservedMask;
	UINT8 bits = all ? 32 - __builtin_clz(all) : 32;

	return ALIGN_UP(bits, 8);
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
	case PixelRedGreenBlueReserved8BitPerColor:
	case PixelBlueGreenRedReserved8BitPerColor:
		fb->bpp = 32;
		break;
	case PixelBitMask:
		fb->bpp = bitmask_bpp(&info->PixelInformation);
		break;
	default:
		return;
	}
	fb->addr = gop->Mode->FrameBufferBase;
	fb->width = info->HorizontalResolution;
	fb->height = info->VerticalResolution;
	fb->pitch = info->PixelsPerScanLine * (fb->bpp / 8);
	fb->type = BOOT_FB_RGB;
	Print(EFI_APP_TAG L"framebuffer %dx%d at 0x%lx\n", fb->width,
	      fb->height, fb->addr);
}
