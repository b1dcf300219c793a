/*
 * The plan of the direct map: which physical pages the hypervisor maps at
 * DIRECT_MAP_BASE + phys, as what, and with which page sizes. Pure: no
 * hardware access (arch/x86/direct_map.c builds the tables from it);
 * host-tested on memory maps of real machines and emulators.
 *
 * Only usable RAM and what the hypervisor must reach is mapped; holes,
 * reserved ranges, ACPI NVS and bad RAM never are, so that no speculative
 * or prefetching access can touch them through a write-back mapping.
 */
#ifndef ARCH_X86_DIRECT_MAP_PLAN_H
#define ARCH_X86_DIRECT_MAP_PLAN_H

#include "boot/boot_info.h"

/* What a mapped page is; a larger value wins where two claims overlap. */
enum dmap_kind {
	DMAP_NONE = 0,      /* not mapped */
	DMAP_RAM = 1,       /* usable RAM: write-back, read-write */
	DMAP_READ_ONLY = 2, /* read, never written (ACPI tables, the image's
			       alias, boot modules): write-back */
	DMAP_MMIO_WC = 3,   /* a framebuffer: write-combining */
	DMAP_MMIO_UC = 4,   /* device registers: uncached */
	DMAP_KINDS
};

/* A physical range and what it is to be mapped as (enum dmap_kind). */
struct dmap_range {
	uint64_t base;
	uint64_t length;
	uint32_t kind;
};

/* Pages of one size and one kind, back to back from base. */
struct dmap_run {
	uint64_t base;
	uint64_t length;    /* a multiple of page_size */
	uint64_t page_size; /* 4 KiB, 2 MiB or 1 GiB; base is aligned to it */
	uint32_t kind;
};

/* One range never needs more runs: 4K, 2M, 1G, 2M, 4K. */
#define DMAP_RUNS_PER_RANGE 5

/*
 * Turns a sanitized memory map (sorted, disjoint: memmap_sanitize()) and
 * the extra ranges the hypervisor must reach (its image, boot modules,
 * MMIO; any order, overlaps allowed) into what to map: page-aligned,
 * sorted, disjoint ranges, adjacent ones of the same kind merged.
 *
 * Usable RAM is shrunk inward to whole pages (a page that is partly
 * something else is not RAM); ACPI-reclaimable ranges (read-only) and the
 * extras are rounded outward, since every byte of them must be reachable.
 * ACPI NVS, reserved and bad RAM are never mapped, nor holes. Where claims
 * overlap, the larger enum dmap_kind wins. Nothing at or above limit (a
 * page-aligned physical address: the size of the direct map) is mapped.
 *
 * Writes at most cap ranges to out and returns how many there are: a
 * result above cap means out was too small and holds only the first cap.
 * No allocation; O(R^2) for R inputs.
 */
size_t dmap_plan_ranges(const struct mem_range *map, size_t n,
			const struct dmap_range *extra, size_t nextra,
			uint64_t limit, struct dmap_range *out, size_t cap);

/*
 * Splits one page-aligned range into runs with the largest pages that
 * fit: a 1 GiB page (only with use_1g) or a 2 MiB page wherever the whole
 * aligned page lies inside the range, 4 KiB pages at the edges. Since
 * dmap_plan_ranges() merges neighbours of the same kind, a large page
 * then only ever covers memory of one kind. Returns the count written to
 * out (at most DMAP_RUNS_PER_RANGE), in ascending order.
 */
size_t dmap_plan_runs(const struct dmap_range *r, bool use_1g,
		      struct dmap_run out[DMAP_RUNS_PER_RANGE]);

/* What a plan costs: bytes per kind, pages per size, page-table pages. */
struct dmap_stats {
	uint64_t bytes[DMAP_KINDS];
	uint64_t pages_1g, pages_2m, pages_4k;
	/*
	 * Page-table pages below the root: one PDPT per 512 GiB, one page
	 * directory per 1 GiB not mapped by a 1 GiB page, one page table
	 * per 2 MiB not mapped by a 2 MiB page, wherever anything is mapped.
	 */
	uint64_t table_pages;
	/* Last 512 GiB, 1 GiB and 2 MiB region counted, plus one (0: none). */
	uint64_t counted_end[3];
};

/*
 * Adds one run to s (zeroed to start). Runs must come in ascending
 * address order, as dmap_plan_ranges() and dmap_plan_runs() give them, so
 * that a table shared by neighbouring runs is counted once.
 */
void dmap_stats_add(struct dmap_stats *s, const struct dmap_run *run);

/* The stats of a whole plan: every range split with dmap_plan_runs(). */
void dmap_plan_stats(const struct dmap_range *ranges, size_t n, bool use_1g,
		     struct dmap_stats *s);

#endif
