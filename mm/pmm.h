/*
 * Physical page-frame allocator: a buddy allocator over the usable RAM,
 * orders 0 (4 KiB) to PMM_MAX_ORDER (1 GiB), with a per-CPU cache of
 * single pages so that CPUs allocating at once rarely share a lock.
 * Every block is aligned to its size. Physical address 0 is never handed
 * out, so 0 means "no memory".
 */
#ifndef MM_PMM_H
#define MM_PMM_H

#include "boot/boot_info.h"

#define PMM_MAX_ORDER 18 /* 2^18 pages = 1 GiB */
#define PMM_ORDER_2M 9
#define PMM_ORDER_1G 18
#define PMM_MAX_CPUS 64

/* How the allocator reaches memory and knows which CPU it runs on. */
struct pmm_platform {
	void *(*phys_to_virt)(uint64_t phys);
	unsigned (*cpu_id)(void); /* 0..PMM_MAX_CPUS-1 */
	/*
	 * Called on a broken invariant (double free, freeing a block that was
	 * never allocated, misaligned or with the wrong order). Should not
	 * return; if it does, the offending call is ignored. NULL traps.
	 */
	void (*fatal)(const char *msg);
};

/*
 * Takes ownership of usable[0..n) (disjoint, page-aligned, as
 * memmap_usable() returns). Its own metadata is carved out of that memory.
 * Returns false (with nothing set up) when the memory cannot even hold the
 * metadata.
 *
 * The metadata is one byte per frame from the lowest to the highest usable
 * frame (256 KiB per GiB spanned, holes included), placed at the start of
 * the smallest range that holds it so that large ranges keep their large
 * blocks. phys_to_virt must map each usable range contiguously. Page 0 is
 * never managed. Calling it again starts over, forgetting every block.
 */
bool pmm_init(const struct pmm_platform *plat, const struct mem_range *usable,
	      size_t n);

/* A block of 2^order pages, aligned to its size; 0 when none is free. */
uint64_t pmm_alloc(unsigned order);
void pmm_free(uint64_t phys, unsigned order);

/*
 * One page through this CPU's cache; 0 when memory is exhausted (pages
 * cached by other CPUs are not taken). O(1) and lock-free while the cache
 * has pages (or room); the shared lock is taken once per batch. Not from
 * an interrupt that may have interrupted the same CPU inside these.
 */
uint64_t pmm_alloc_page(void);
void pmm_free_page(uint64_t phys);

/*
 * Returns this CPU's cached pages to the shared pool. Also for another
 * CPU's cache, when that CPU is known not to be allocating.
 */
void pmm_drain_cpu_cache(unsigned cpu);

struct pmm_stats {
	uint64_t managed_pages; /* pages handed to the allocator at init */
	uint64_t metadata_pages;
	uint64_t free_pages;    /* free in the buddy lists and CPU caches */
	uint64_t free_blocks[PMM_MAX_ORDER + 1]; /* in the buddy lists */
	uint64_t cached_pages; /* of free_pages, held in CPU caches */
};

void pmm_get_stats(struct pmm_stats *st);

#endif
