#ifndef BOOT_BOOT_ENTRY_H
#define BOOT_BOOT_ENTRY_H

#include "lib/compiler.h"

/*
 * Called by boot/start.asm on the boot CPU: magic tells which loader ran
 * (Multiboot2 or the UEFI application handoff), info_phys is its
 * information, image_phys where the image was loaded, la57 what the entry
 * did about five-level paging (enum boot_la57). Never returns.
 */
void boot_entry(uint64_t magic, uint64_t info_phys, uint64_t image_phys,
		uint32_t la57);

#endif
