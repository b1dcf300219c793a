/*
 * The native UEFI entry: BOOTX64.EFI carries the hypervisor image and
 * starts it without any other loader. Each step prints what it found, and
 * on failure what went wrong, then returns the error to the firmware (or
 * the shell).
 */
#include "boot/efi/efi_app.h"

#define LOADER_NAME "hv-efi"

static EFI_STATUS boot_info_alloc(struct boot_info **out)
{
	struct boot_info *bi;
	EFI_STATUS status;
	UINT64 addr;

	status = efi_alloc_below_4g(sizeof(*bi), EFI_PAGE_SIZE, EfiLoaderData,
				    &addr);
	if (EFI_ERROR(status))
		return status;
	bi = (struct boot_info *)(UINTN)addr;
	__builtin_memset(bi, 0, sizeof(*bi));
	bi->method = BOOT_METHOD_UEFI;
	__builtin_memcpy(bi->loader_name, LOADER_NAME, sizeof(LOADER_NAME));
	bi->efi_system_table = (UINT64)(UINTN)ST;
	*out = bi;
	return EFI_SUCCESS;
}

/* Called by GNU-EFI's crt0 once it has relocated the application. */
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);

/*
 * Returns only on failure, with the error printed and the memory it took
 * given back (unless leaving boot services failed half-way).
 */
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	struct efi_hv_image hv = {0};
	struct efi_la57 la57 = {0};
	struct boot_info *bi;
	EFI_STATUS status;

	InitializeLib(image, systab);
	Print(L"\n" EFI_APP_TAG L"hypervisor UEFI loader\n");

	status = boot_info_alloc(&bi);
	if (EFI_ERROR(status))
		return status;
	status = efi_cmdline_read(image, bi->cmdline, sizeof(bi->cmdline));
	if (EFI_ERROR(status))
		goto fail;
	status = efi_guest_load(image, bi);
	if (EFI_ERROR(status))
		goto fail;
	efi_acpi_find_rsdp(bi);
	efi_fb_describe(&bi->fb);

	status = efi_load_hv(&hv);
	if (EFI_ERROR(status))
		goto fail;
	status = efi_la57_prepare(bi, &la57);
	if (EFI_ERROR(status))
		goto fail;

	status = efi_exit_boot_services(image, bi);
	if (EFI_ERROR(status))
		return status;
	if (la57.pml5)
		efi_la57_handoff(&la57, hv.entry, (UINT64)(UINTN)bi);
	efi_handoff(hv.entry, (UINT64)(UINTN)bi);

fail:
	efi_free(la57.pml5, EFI_LA57_PAGES * EFI_PAGE_SIZE);
	efi_free(hv.base, hv.size);
	efi_free((UINT64)(UINTN)bi, sizeof(*bi));
	return status;
}
