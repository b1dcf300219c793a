/*
 * Leaving boot services. ExitBootServices() wants the key of the current
 * memory map; anything that allocates in between (even printing) makes the
 * key stale, and the call then fails with EFI_INVALID_PARAMETER: read the
 * map again and retry. After a failed call the firmware may have shut
 * boot services down in part and only the memory services may be used, so
 * nothing is printed until the last attempt has failed.
 */
#include "boot/efi/efi_app.h"

#define EXIT_ATTEMPTS 8

static void announce(const struct boot_info *bi, UINTN dropped)
{
	if (dropped)
		Print(EFI_APP_TAG L"warning: memory map too long, "
				  L"%d ranges dropped\n",
		      dropped);
	Print(EFI_APP_TAG L"%d memory ranges, starting the hypervisor\n",
	      bi->memmap_count);
}

EFI_STATUS efi_exit_boot_services(EFI_HANDLE image, struct boot_info *bi)
{
	struct efi_memmap map = {0};
	EFI_STATUS status = EFI_INVALID_PARAMETER;
	UINTN attempt, dropped;

	for (attempt = 0; attempt < EXIT_ATTEMPTS; attempt++) {
		status = efi_memmap_read(&map);
		if (EFI_ERROR(status))
			return status;
		dropped = efi_memmap_convert(&map, bi);
		/* Printing may allocate: the next attempt catches up. */
		if (attempt == 0)
			announce(bi, dropped);
		status = BS->ExitBootServices(image, map.key);
		if (!EFI_ERROR(status))
			return EFI_SUCCESS;
		if (status != EFI_INVALID_PARAMETER)
			break;
	}
	Print(EFI_APP_TAG L"ExitBootServices failed: %r\n", status);
	return status;
}
