/* The firmware's memory map and its conversion into boot_info.memmap. */
#include "boot/efi/efi_app.h"
#include "boot/efi_memtype.h"
#include "boot/memmap_append.h"

/* Room for the descriptors that allocating the buffer itself may add. */
#define MEMMAP_SPARE_DESCS   16
#define MEMMAP_READ_ATTEMPTS 4

EFI_STATUS efi_memmap_read(struct efi_memmap *map)
{
	EFI_STATUS status = EFI_BUFFER_TOO_SMALL;
	UINTN attempt, desc_size, want;
	void *buf;

	for (attempt = 0; attempt < MEMMAP_READ_ATTEMPTS; attempt++) {
		map->size = map->capacity;
		status = BS->GetMemoryMap(&map->size, map->desc, &map->key,
					  &map->desc_size, &map->desc_version);
		if (status != EFI_BUFFER_TOO_SMALL)
			break;

		if (map->desc)
			BS->FreePool(map->desc);
		map->desc = NULL;
		map->capacity = 0;
		desc_size = MAX(map->desc_size, sizeof(EFI_MEMORY_DESCRIPTOR));
		want = map->size + MEMMAP_SPARE_DESCS * desc_size;
		status = BS->AllocatePool(EfiLoaderData, want, &buf);
		if (EFI_ERROR(status))
			break;
		map->desc = buf;
		map->capacity = want;
	}
	if (EFI_ERROR(status))
		Print(EFI_APP_TAG L"cannot read the memory map: %r\n", status);
	return status;
}

UINTN efi_memmap_convert(const struct efi_memmap *map, struct boot_info *bi)
{
	const EFI_MEMORY_DESCRIPTOR *d;
	UINTN off, dropped = 0;
	UINT64 length;

	bi->memmap_count = 0;
	bi->memmap_is_efi = true;
	for (off = 0; off + map->desc_size <= map->size;
	     off += map->desc_size) {
		d = (const void *)((const UINT8 *)map->desc + off);
		if (!d->NumberOfPages)
			continue;
		/* A page count past 2^52 would wrap: clamp, the hypervisor
		 * sanitizes the map anyway. */
		length = d->NumberOfPages > (~0ull >> EFI_PAGE_SHIFT) ?
				 ~0ull :
				 d->NumberOfPages * EFI_PAGE_SIZE;
		if (!boot_memmap_append(bi, d->PhysicalStart, length,
					efi_memtype_to_mem_type(d->Type)))
			dropped++;
	}
	return dropped;
}
