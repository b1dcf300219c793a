/*
 * Building boot_info.memmap from a loader's or firmware's list, shared by
 * the Multiboot2 parser and the native UEFI application.
 */
#ifndef BOOT_MEMMAP_APPEND_H
#define BOOT_MEMMAP_APPEND_H

#include "boot/boot_info.h"

/*
 * Appends [base, base + length) of type to bi->memmap, merged into the
 * last entry when that one has the same type and ends exactly where this
 * one starts: firmware lists RAM in many small pieces (a large server's
 * EFI map runs to thousands of descriptors), and merging keeps the map
 * within BOOT_MEMMAP_MAX. False when the map is full and the range could
 * not be merged: the caller counts it as dropped and says so.
 */
static inline bool boot_memmap_append(struct boot_info *bi, uint64_t base,
				      uint64_t length, uint32_t type)
{
	struct mem_range *last =
	    bi->memmap_count ? &bi->memmap[bi->memmap_count - 1] : NULL;

	if (last && last->type == type && last->base + last->length == base &&
	    last->base <= UINT64_MAX - last->length &&
	    last->length <= UINT64_MAX - length) {
		last->length += length;
		return true;
	}
	if (bi->memmap_count == BOOT_MEMMAP_MAX)
		return false;
	bi->memmap[bi->memmap_count++] =
	    (struct mem_range){.base = base, .length = length, .type = type};
	return true;
}

#endif
