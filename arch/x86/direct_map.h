/*
 * The direct map: physical memory at DIRECT_MAP_BASE + phys, holding only
 * usable RAM and what the hypervisor must reach (the plan and its rules:
 * arch/x86/direct_map_plan.h). Built once at boot from the memory map;
 * afterwards ranges are only ever added (ACPI tables the memory map does
 * not call RAM, MMIO through arch/x86/mmio.h), never changed or removed,
 * so no CPU ever needs a TLB flush for it.
 */
#ifndef ARCH_X86_DIRECT_MAP_H
#define ARCH_X86_DIRECT_MAP_H

#include "arch/x86/direct_map_plan.h"

/* Distinct MMIO ranges remembered (for the allocator and the report). */
#define DIRECT_MAP_MMIO_MAX 32

/*
 * Maps the plan of the sanitized memory map map[0..n) (kept: later
 * additions are checked against it) and extra[0..nextra) (the image,
 * modules), plus the MMIO asked for before, into the tables that
 * paging_prepare() started. False with the reason in err when the plan
 * does not fit or the tables run out of pages.
 */
bool direct_map_build(const struct mem_range *map, size_t n,
		      const struct dmap_range *extra, size_t nextra, char *err,
		      size_t errsz);

/*
 * Adds [phys, phys + len) as kind (enum dmap_kind). Before
 * direct_map_build() only MMIO below 4 GiB is taken, and remembered for
 * the build. After it, with 4 KiB pages: a page already mapped is left as
 * it is if its memory type is the one asked for and it is writable where
 * that was asked; otherwise nothing is added and false is returned with
 * the reason in *why. Safe on any CPU; not from an interrupt handler.
 */
bool direct_map_add(uint64_t phys, uint64_t len, uint32_t kind,
		    const char **why);

/*
 * Makes firmware data such as an ACPI table readable at
 * phys_to_virt(phys) (write-back, read-only where it was not mapped yet).
 * Refused (false, *why says so) where the memory map has a hole or bad
 * RAM: a wrong pointer there would otherwise be read through a write-back
 * mapping of MMIO or defective memory.
 */
bool direct_map_readable(uint64_t phys, uint64_t len, const char **why);

/*
 * The MMIO ranges added before the build, into out (capacity cap); how
 * many there are. The allocator must keep them, should the memory map
 * have called any of them RAM.
 */
size_t direct_map_early_mmio(struct mem_range *out, size_t cap);

/*
 * Checks the page tables themselves: the physical address of the first
 * byte of [phys, phys + len) that is not mapped as RAM (present,
 * writable, write-back, no execute where the CPU has NX, at
 * DIRECT_MAP_BASE + phys), or UINT64_MAX when all of it is.
 */
uint64_t direct_map_find_non_ram(uint64_t phys, uint64_t len);

/* One line: what is mapped, in which pages, and the page tables it took. */
void direct_map_report(void);

#endif
