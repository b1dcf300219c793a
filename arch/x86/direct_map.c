#include "arch/x86/direct_map.h"
#include "arch/x86/layout.h"
#include "arch/x86/paging.h"
#include "arch/x86/pat.h"
#include "base/log.h"
#include "lib/format.h"
#include "lib/spinlock.h"

/* The image and modules, and the MMIO asked for before the build. */
#define EXTRA_MAX (BOOT_MODULES_MAX + 8 + DIRECT_MAP_MMIO_MAX)
/* Each input adds at most two edges, hence two more ranges. */
#define PLAN_MAX (2 * (BOOT_MEMMAP_MAX + EXTRA_MAX) + 1)
/* Before the build, MMIO is reached through the entry's alias. */
#define EARLY_MMIO_END (EARLY_IDENTITY_GIB * GiB)

static struct dmap_range plan[PLAN_MAX];
static struct dmap_range extras[EXTRA_MAX];

static const struct mem_range *memory_map;
static size_t memory_map_count;
static bool built;
static struct spinlock lock = SPINLOCK_INIT;

/* What is mapped, for the report: the plan's figures plus later pages. */
static struct dmap_stats stats;

/* MMIO ranges asked for, each once; early: before the build. */
static struct {
	struct dmap_range range;
	bool early;
} mmio[DIRECT_MAP_MMIO_MAX];
static unsigned mmio_count;

static bool kind_is_mmio(uint32_t kind)
{
	return kind == DMAP_MMIO_UC || kind == DMAP_MMIO_WC;
}

/* The entry bits of a kind (present and, for large pages, PS aside). */
static uint64_t kind_flags(uint32_t kind)
{
	uint64_t nx = paging_has_nx() ? PTE_NX : 0;

	switch (kind) {
	case DMAP_RAM:
		return PTE_W | nx | pat_pte_bits(PAT_WRITE_BACK);
	case DMAP_READ_ONLY:
		return nx | pat_pte_bits(PAT_WRITE_BACK);
	case DMAP_MMIO_WC:
		return PTE_W | nx | pat_pte_bits(PAT_WRITE_COMBINING);
	default:
		return PTE_W | nx | pat_pte_bits(PAT_UNCACHED);
	}
}

static void mmio_remember(uint64_t phys, uint64_t len, uint32_t kind)
{
	for (unsigned i = 0; i < mmio_count; i++)
		if (mmio[i].range.base == phys && mmio[i].range.length == len &&
		    mmio[i].range.kind == kind)
			return;
	if (mmio_count == DIRECT_MAP_MMIO_MAX)
		return; /* mapped all the same, only not counted */
	mmio[mmio_count].range = (struct dmap_range){ phys, len, kind };
	mmio[mmio_count++].early = !built;
}

/* Maps every page of one run; false when out of table pages. */
static bool direct_map_run(const struct dmap_run *run)
{
	uint64_t flags = kind_flags(run->kind);

	for (uint64_t pa = run->base; pa < run->base + run->length;
	     pa += run->page_size)
		if (!paging_map_page(DIRECT_MAP_BASE + pa, pa, run->page_size,
				     flags))
			return false;
	dmap_stats_add(&stats, run);
	return true;
}

bool direct_map_build(const struct mem_range *map, size_t n,
		      const struct dmap_range *extra, size_t nextra, char *err,
		      size_t errsz)
{
	size_t count, ne = 0;

	if (nextra + mmio_count > EXTRA_MAX) {
		fmt_snprintf(err, errsz, "more than %u ranges to add to the direct map",
			     (unsigned)EXTRA_MAX);
		return false;
	}
	for (size_t i = 0; i < nextra; i++)
		extras[ne++] = extra[i];
	for (unsigned i = 0; i < mmio_count; i++)
		extras[ne++] = mmio[i].range;
	count = dmap_plan_ranges(map, n, extras, ne, DIRECT_MAP_SIZE, plan,
				 PLAN_MAX);
	if (count > PLAN_MAX) {
		fmt_snprintf(err, errsz, "the direct map needs %zu ranges, more than %u",
			     count, (unsigned)PLAN_MAX);
		return false;
	}
	for (size_t i = 0; i < count; i++) {
		struct dmap_run runs[DMAP_RUNS_PER_RANGE];
		size_t nr = dmap_plan_runs(&plan[i], paging_has_1g(), runs);

		for (size_t r = 0; r < nr; r++) {
			if (!direct_map_run(&runs[r])) {
				fmt_snprintf(err, errsz, "ran out of early memory building the direct map");
				return false;
			}
		}
	}
	memory_map = map;
	memory_map_count = n;
	built = true;
	return true;
}

/*
 * Whether the leaf entry at a page satisfies a request for kind: the
 * same memory type, and writable if asked for.
 */
static bool entry_satisfies(uint64_t entry, uint32_t kind)
{
	uint64_t want = kind_flags(kind);
	uint64_t type_bits = PTE_PCD | PTE_PWT;

	return (entry & type_bits) == (want & type_bits) &&
	       (!(want & PTE_W) || (entry & PTE_W));
}

/*
 * Maps the pages of [phys, end) not mapped yet. A refusal leaves nothing
 * added; running out of table pages may leave a part added, with the type
 * that was asked for.
 */
static bool direct_map_add_pages(uint64_t phys, uint64_t end, uint32_t kind,
				 const char **why)
{
	uint64_t flags = kind_flags(kind);

	/* First check every page, so a refusal leaves nothing half done. */
	for (uint64_t pa = phys; pa < end;) {
		uint64_t size, entry = paging_lookup(DIRECT_MAP_BASE + pa, &size);

		if (entry && !entry_satisfies(entry, kind)) {
			*why = kind_is_mmio(kind) ?
				"part of it is already mapped as RAM or with another memory type" :
				"part of it is MMIO";
			return false;
		}
		pa = ALIGN_DOWN(pa, size) + size;
	}
	for (uint64_t pa = phys; pa < end; pa += PAGE_SIZE) {
		uint64_t size;

		if (paging_lookup(DIRECT_MAP_BASE + pa, &size))
			continue;
		if (!paging_map_page(DIRECT_MAP_BASE + pa, pa, PAGE_SIZE, flags)) {
			*why = "out of memory for page tables";
			return false;
		}
		stats.bytes[kind] += PAGE_SIZE;
		stats.pages_4k++;
	}
	return true;
}

bool direct_map_add(uint64_t phys, uint64_t len, uint32_t kind,
		    const char **why)
{
	uint64_t end = phys + len;
	bool ok = true;

	if (len == 0 || end < phys || end > DIRECT_MAP_SIZE ||
	    kind == DMAP_NONE || kind >= DMAP_KINDS) {
		*why = "not a range of physical memory the direct map can hold";
		return false;
	}
	spin_lock(&lock);
	if (!built) {
		if (!kind_is_mmio(kind) || end > EARLY_MMIO_END) {
			*why = "only MMIO below 4 GiB can be mapped before paging is up";
			ok = false;
		} else if (mmio_count == DIRECT_MAP_MMIO_MAX) {
			*why = "too many MMIO ranges before paging is up";
			ok = false;
		}
	} else {
		ok = direct_map_add_pages(ALIGN_DOWN(phys, PAGE_SIZE),
					  ALIGN_UP(end, PAGE_SIZE), kind, why);
	}
	if (ok && kind_is_mmio(kind))
		mmio_remember(phys, len, kind);
	spin_unlock(&lock);
	return ok;
}

/* Whether the memory map lists every byte of [phys, end), none as bad RAM. */
static bool memory_map_lists(uint64_t phys, uint64_t end)
{
	uint64_t pos = phys;

	for (size_t i = 0; i < memory_map_count && pos < end; i++) {
		const struct mem_range *r = &memory_map[i];

		if (r->base > pos)
			return false; /* a hole (the map is sorted) */
		if (r->base + r->length <= pos)
			continue;
		if (r->type == MEM_BAD)
			return false;
		pos = r->base + r->length;
	}
	return pos >= end;
}

bool direct_map_readable(uint64_t phys, uint64_t len, const char **why)
{
	if (len == 0 || phys + len < phys) {
		*why = "an empty or wrapping range";
		return false;
	}
	if (!memory_map_lists(phys, phys + len)) {
		*why = "the memory map has a hole or bad RAM there";
		return false;
	}
	return direct_map_add(phys, len, DMAP_READ_ONLY, why);
}

size_t direct_map_early_mmio(struct mem_range *out, size_t cap)
{
	size_t n = 0;

	for (unsigned i = 0; i < mmio_count; i++) {
		if (!mmio[i].early)
			continue;
		if (n < cap)
			out[n] = (struct mem_range){ mmio[i].range.base,
						     mmio[i].range.length,
						     MEM_RESERVED };
		n++;
	}
	return n;
}

uint64_t direct_map_find_non_ram(uint64_t phys, uint64_t len)
{
	uint64_t want = kind_flags(DMAP_RAM) | PTE_P;
	uint64_t check = want | PTE_PCD | PTE_PWT | PTE_NX;

	for (uint64_t pa = phys; pa < phys + len;) {
		uint64_t size, entry = paging_lookup(DIRECT_MAP_BASE + pa, &size);
		uint64_t page = ALIGN_DOWN(pa, size);

		if ((entry & check) != want ||
		    (entry & PTE_ADDR_MASK & ~(size - 1)) != page)
			return pa;
		pa = page + size;
	}
	return UINT64_MAX;
}

static unsigned mmio_ranges_of(uint32_t kind)
{
	unsigned n = 0;

	for (unsigned i = 0; i < mmio_count; i++)
		n += mmio[i].range.kind == kind;
	return n;
}

void direct_map_report(void)
{
	pr_info("paging: direct map of %llu MiB RAM and %llu KiB read-only (image, modules, ACPI tables) in 1 GiB/2 MiB/4 KiB pages: %llu/%llu/%llu; MMIO ranges: %u uncached, %u write-combining%s; %llu page-table pages; NX %s, 1 GiB pages %s",
		(unsigned long long)(stats.bytes[DMAP_RAM] / MiB),
		(unsigned long long)(stats.bytes[DMAP_READ_ONLY] / KiB),
		(unsigned long long)stats.pages_1g,
		(unsigned long long)stats.pages_2m,
		(unsigned long long)stats.pages_4k,
		mmio_ranges_of(DMAP_MMIO_UC),
		mmio_ranges_of(DMAP_MMIO_WC),
		pat_available() ? "" : " (no PAT: mapped uncached)",
		(unsigned long long)paging_table_pages(),
		paging_has_nx() ? "on" : "unavailable",
		paging_has_1g() ? "on" : "unavailable");
}
