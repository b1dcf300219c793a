/*
 * The hypervisor's own page tables, four levels (CR4.LA57 is clear on every
 * CPU): the direct map at DIRECT_MAP_BASE (arch/x86/direct_map.c decides
 * what is in it), the image at its link address with 4 KiB pages and W^X
 * per section, and, while CPUs are being started, an identity map of the
 * one page of their start-up code.
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
 * DIRECT_MAP_BASE + phys. Before paging_switch() that is the entry's
 * alias of its identity map (physical < 4 GiB, everything write-back);
 * after, only what the direct map holds: RAM, what the hypervisor reads
 * and the MMIO it asked for (arch/x86/mmio.h). Anything else faults.
 */
void *phys_to_virt(uint64_t phys);

/* For image and direct-map addresses. */
uint64_t virt_to_phys(const void *virt);

/*
 * Starts the final tables: an empty root, the image at its link address
 * (text R X, rodata R, data R W, no execute where the CPU has NX) and,
 * unless identity_page is 0, an identity mapping of that one page,
 * executable, for the APs' start-up code. alloc_page hands out page-table
 * pages below 4 GiB reachable through phys_to_virt(), 0 when out. False
 * when it runs out of pages.
 */
bool paging_prepare(uint64_t (*alloc_page)(void), uint64_t identity_page);

/* Where page-table pages come from from now on (0 when out). */
void paging_set_table_source(uint64_t (*alloc_page)(void));

/*
 * Maps the page of page_size (4 KiB, 2 MiB or 1 GiB) at va to pa with
 * flags (PTE_W, PTE_NX, PTE_PWT, PTE_PCD), creating the tables on the
 * way; replaces whatever entry was there (callers only ever fill empty
 * ones). A new table is zeroed before it is linked in, so another CPU
 * walking the tables sees either no table or an empty one. False when out
 * of table pages.
 */
bool paging_map_page(uint64_t va, uint64_t pa, uint64_t page_size,
		     uint64_t flags);

/*
 * The leaf entry that maps va and the size of its page, or 0 (and
 * *page_size the size of the hole at that level) when nothing does.
 */
uint64_t paging_lookup(uint64_t va, uint64_t *page_size);

/* Loads the final tables on this CPU, after paging_enable_cpu_features(). */
void paging_switch(void);

/* Physical address of the page-table root (below 4 GiB: APs load it in 32-bit mode). */
uint64_t paging_root(void);

/* Page-table pages taken so far, the root included. */
uint64_t paging_table_pages(void);

/*
 * Sets EFER.NXE, CR0.WP and the PAT layout (arch/x86/pat.h) on this CPU:
 * each CPU, before it uses the final tables' NX, write protection or
 * write-combining.
 */
void paging_enable_cpu_features(void);

/* Removes the identity map; each CPU must then flush its TLB. */
void paging_drop_identity_map(void);

/* Whether the image and direct map use NX and 1 GiB pages. */
bool paging_has_nx(void);
bool paging_has_1g(void);

#endif
