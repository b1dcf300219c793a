/*
 * Device memory the hypervisor uses (the LAPIC, a framebuffer, timers):
 * asked for explicitly, mapped in the direct map with the memory type it
 * needs, never reached through a write-back mapping of RAM.
 *
 *     volatile uint32_t *regs = mmio_map(phys, PAGE_SIZE, MMIO_UNCACHED);
 *     if (!regs)
 *             ... the reason is on the console: do without it ...
 */
#ifndef ARCH_X86_MMIO_H
#define ARCH_X86_MMIO_H

#include "lib/compiler.h"

enum mmio_type {
	MMIO_UNCACHED,        /* device registers (UC) */
	MMIO_WRITE_COMBINING, /* a framebuffer (WC) */
};

/*
 * Maps [phys, phys + size) with the given memory type and returns its
 * address, DIRECT_MAP_BASE + phys: the same before and after paging is
 * set up, for as long as the hypervisor runs. Asking again for a range
 * already mapped with the same type is cheap and returns the same address.
 *
 * Before paging is set up (the TSC calibration, the first console) only
 * ranges below 4 GiB are taken: they are reached through the entry's
 * write-back alias of its identity map until the final tables, which map
 * them with the right type, are in place. Returns NULL, with a warning
 * that names the range and the reason, when the range is empty, overlaps
 * RAM or a mapping of another type, or page tables run out. Safe on any
 * CPU; not from an interrupt handler.
 */
void *mmio_map(uint64_t phys, uint64_t size, enum mmio_type type);

#endif
