/*
 * Bringing up memory management from the firmware's memory map:
 *   1. memory_init_paging(): sanitize the map, set aside what must never be
 *      handed out (low 1 MiB, the image, modules), take page-table pages
 *      from usable RAM below 4 GiB, build the direct map
 *      (arch/x86/direct_map.h) and switch to the final page tables.
 *   2. memory_reserve(): more ranges to keep (ACPI tables, found next).
 *   3. memory_init_allocator(): keep the page tables built so far, check
 *      that the direct map maps all that is left as RAM, and hand it to the
 *      page allocator, which from then on also gives the page tables.
 */
#ifndef ARCH_X86_MEMORY_H
#define ARCH_X86_MEMORY_H

#include "boot/boot_info.h"

bool memory_init_paging(const struct boot_info *bi, char *err, size_t errsz);
void memory_reserve(const struct mem_range *ranges, size_t n);
bool memory_init_allocator(char *err, size_t errsz);

/* A free page below 1 MiB for the AP trampoline, 0 when there is none. */
uint64_t memory_trampoline_page(void);

/* RAM the allocator manages, in MiB. */
uint64_t memory_usable_mib(void);

#endif
