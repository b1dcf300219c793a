/* Placing the embedded hypervisor image in memory below 4 GiB. */
#include "boot/efi/efi_app.h"
#include "boot/efi/hv_elf.h"

/* build/hv.elf, embedded by efi_payload.S. */
extern const UINT8 hv_elf_start[], hv_elf_end[];

EFI_STATUS efi_load_hv(struct efi_hv_image *hv)
{
	struct hv_image_header *hdr;
	struct hv_elf elf;
	const char *err;
	EFI_STATUS status;

	err = hv_elf_parse(hv_elf_start, hv_elf_end - hv_elf_start, &elf);
	if (err) {
		Print(EFI_APP_TAG L"bad hypervisor image: %a\n", err);
		return EFI_LOAD_ERROR;
	}

	/* Code type: firmware may map data pages no-execute. */
	hdr = &elf.header;
	status = efi_alloc_below_4g(hdr->image_size, hdr->image_align,
				    EfiLoaderCode, &hv->base);
	if (EFI_ERROR(status))
		return status;

	hv_elf_copy(&elf, (void *)(UINTN)hv->base);
	hv->size = hdr->image_size;
	hv->entry = hv->base + hdr->entry64_offset;
	Print(EFI_APP_TAG L"hypervisor image: 0x%lx-0x%lx, entry 0x%lx\n",
	      hv->base, hv->base + hv->size, hv->entry);
	return EFI_SUCCESS;
}
