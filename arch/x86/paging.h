/*
 * The hypervisor's own page tables, four levels (CR4.LA57 is clear on every
 * CPU): all physical memory in a direct map at DIRECT_MAP_BASE (large
 * pages, no execute; the image's own pages there read-only), the image at
 * its link address with 4 KiB pages and W^X per section, and, while CPUs
 * are being started, an identity map of low memory for the start-up
 * trampoline.
 */
#ifndef ARCH_X86_PAGING_H
#define ARCH_X86_PAGING_H

#include "boot/boot_info.h"

#define PTE_P (1ull << 0)
#define PTE_W (1ull << 1)
#define PTE_PWT (1ull << 3)
#define PTE_PCD (1ull << 4)
#define PTE_PS (1ull << 7)
#define PTE_G (1ull << 8)
#define PTE_NX (1ull << 63)
#define PTE_ADDR_MASK 0x000ffffffffff000ull

/* Physical base of the image (set by the entry code via boot_entry). */
extern uint64_t image_phys_base;

/*
 * Before paging_init(): the entry's identity map (physical < 4 GiB only).
 * After: the direct map, any physical address of RAM or low MMIO.
 */
void *phys_to_virt(uint64_t phys);

/*
 * Device registers at [phys, phys + len): their writable direct-map
 * address, or NULL when the direct map does not cover all of it. The
 * memory type is what the firmware's MTRRs give the range (uncached for
 * the chipset's devices); callers access it with volatile reads.
 */
void *paging_mmio(uint64_t phys, uint64_t len);

/* For image and direct-map addresses. */
uint64_t virt_to_phys(const void *virt);

/*
 * Builds and switches to the final tables. ranges is the sanitized memory
 * map (everything below 4 GiB is direct-mapped, and above it every range
 * that is not reserved);
 * alloc_page returns zeroed-or-not physical pages below 4 GiB reachable
 * through the current map, 0 when out. Returns false (still on the entry
 * tables) when it runs out of pages.
 */
bool paging_init(const struct mem_range *ranges, size_t n,
		 uint64_t (*alloc_page)(void));

/* Physical address of the page-table root (below 4 GiB: APs load it in 32-bit mode). */
uint64_t paging_root(void);

/* Sets EFER.NXE and CR0.WP on this CPU (each CPU, before using the tables). */
void paging_enable_cpu_features(void);

/* Removes the identity map; each CPU must then flush its TLB. */
void paging_drop_identity_map(void);

/* Whether the image and direct map use NX and 1 GiB pages. */
bool paging_has_nx(void);
bool paging_has_1g(void);

#endif
