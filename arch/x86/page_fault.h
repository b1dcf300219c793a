/*
 * Words for a page fault in the hypervisor itself (SDM Vol. 3A 4.7, APM
 * Vol. 2 8.4.2): which access, at which address, and why. A direct-map
 * address is named by its physical address too, since the direct map
 * holds only RAM and what the hypervisor asked for: a fault there is a
 * pointer to memory that is not RAM, or to no memory at all. Pure.
 */
#ifndef ARCH_X86_PAGE_FAULT_H
#define ARCH_X86_PAGE_FAULT_H

#include "lib/compiler.h"

/* #PF error code bits. */
#define PF_PRESENT (1u << 0)
#define PF_WRITE (1u << 1)
#define PF_USER (1u << 2)
#define PF_RESERVED (1u << 3)
#define PF_FETCH (1u << 4)

/*
 * Writes e.g. "read of physical 0xf0000 through the direct map (not
 * present)" or "write to 0xffffffff80201000 (protection)" into buf
 * (always terminated, cut to size).
 */
void page_fault_describe(uint64_t error_code, uint64_t addr, char *buf,
			 size_t size);

#endif
