/* Page allocations below 4 GiB, aligned beyond the page size if asked. */
#include "boot/efi/efi_app.h"

#define BELOW_4G_LAST_BYTE 0xffffffffull

EFI_STATUS efi_alloc_below_4g(UINT64 size, UINT64 align, EFI_MEMORY_TYPE type,
			      UINT64 *base)
{
	UINTN pages = EFI_SIZE_TO_PAGES(size);
	UINTN slack, total, head, tail;
	EFI_PHYSICAL_ADDRESS addr = BELOW_4G_LAST_BYTE;
	EFI_STATUS status;
	UINT64 aligned;

	align = MAX(align, (UINT64)EFI_PAGE_SIZE);
	slack = EFI_SIZE_TO_PAGES(align) - 1;
	total = pages + slack;
	status = BS->AllocatePages(AllocateMaxAddress, type, total, &addr);
	if (EFI_ERROR(status)) {
		Print(EFI_APP_TAG L"cannot allocate %ld KiB below 4 GiB: %r\n",
		      total * EFI_PAGE_SIZE / 1024, status);
		return status;
	}

	aligned = ALIGN_UP(addr, align);
	head = EFI_SIZE_TO_PAGES(aligned - addr);
	tail = slack - head;
	if (head)
		BS->FreePages(addr, head);
	if (tail)
		BS->FreePages(aligned + pages * EFI_PAGE_SIZE, tail);
	*base = aligned;
	return EFI_SUCCESS;
}

void efi_free(UINT64 base, UINT64 size)
{
	if (base)
		BS->FreePages(base, EFI_SIZE_TO_PAGES(size));
}
