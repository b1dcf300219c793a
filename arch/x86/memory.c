#include "arch/x86/memory.h"
#include "arch/x86/acpi.h"
#include "arch/x86/direct_map.h"
#include "arch/x86/paging.h"
#include "arch/x86/percpu.h"
#include "base/log.h"
#include "base/panic.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/memmap.h"
#include "mm/pmm.h"

#define RESERVED_MAX (ACPI_MAX_TABLES + BOOT_MODULES_MAX + DIRECT_MAP_MMIO_MAX + 16)
#define LOW_MEMORY_END (1 * MiB)
#define EARLY_POOL_MAX (4 * MiB) /* page tables for ~1 TiB of 2 MiB pages */

static struct mem_range map[BOOT_MEMMAP_MAX];
static size_t map_count;
static struct mem_range reserved[RESERVED_MAX];
static size_t reserved_count;
static bool reserved_overflow; /* a range could not be recorded */
static struct mem_range usable[BOOT_MEMMAP_MAX];
static uint64_t trampoline_page;

/* The early pool: page-table pages taken before the allocator exists. */
static uint64_t early_next, early_end, early_start;

static const char *const mem_type_names[] = {
	[MEM_USABLE] = "usable", [MEM_ACPI_RECLAIM] = "ACPI tables",
	[MEM_ACPI_NVS] = "ACPI NVS", [MEM_RESERVED] = "reserved",
	[MEM_BAD] = "bad RAM",
};

void memory_reserve(const struct mem_range *ranges, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (reserved_count == RESERVED_MAX) {
			/* Never hand out what we could not record. */
			reserved_overflow = true;
			return;
		}
		reserved[reserved_count++] = ranges[i];
	}
}

static void memory_reserve_one(uint64_t base, uint64_t end)
{
	struct mem_range r = { .base = base, .length = end - base,
			       .type = MEM_RESERVED };

	if (end > base)
		memory_reserve(&r, 1);
}

static uint64_t early_alloc_page(void)
{
	uint64_t page;

	if (early_next >= early_end)
		return 0;
	page = early_next;
	early_next += PAGE_SIZE;
	return page;
}

/* Picks the early pool: the largest usable stretch from 1 MiB to 4 GiB. */
static bool early_pool_pick(size_t n)
{
	uint64_t best = 0;

	for (size_t i = 0; i < n; i++) {
		uint64_t base = MAX(usable[i].base, LOW_MEMORY_END);
		uint64_t end = MIN(usable[i].base + usable[i].length, 4 * GiB);

		if (end > base && end - base > best) {
			best = end - base;
			early_start = early_next = base;
			early_end = MIN(end, base + EARLY_POOL_MAX);
		}
	}
	return best >= 64 * PAGE_SIZE;
}

/*
 * The first usable page at or above 4 KiB and below 1 MiB that holds
 * neither the image nor a module (low memory is otherwise reserved, so
 * the page is ours alone). Uses `usable` as scratch.
 */
static uint64_t trampoline_page_pick(const struct boot_info *bi)
{
	struct mem_range keep[BOOT_MODULES_MAX + 1];
	size_t nk = 0, n;

	keep[nk++] = (struct mem_range){ bi->image_start,
					 bi->image_end - bi->image_start,
					 MEM_RESERVED };
	for (unsigned i = 0; i < bi->module_count; i++)
		keep[nk++] = (struct mem_range){
			bi->modules[i].start,
			bi->modules[i].end - bi->modules[i].start, MEM_RESERVED
		};
	n = memmap_usable(map, map_count, keep, nk, usable, BOOT_MEMMAP_MAX);
	for (size_t i = 0; i < n; i++) {
		uint64_t base = MAX(usable[i].base, PAGE_SIZE);
		uint64_t end = MIN(usable[i].base + usable[i].length,
				   LOW_MEMORY_END);

		if (base + PAGE_SIZE <= end)
			return base;
	}
	return 0;
}

static void memory_print_map(void)
{
	for (size_t i = 0; i < map_count; i++) {
		uint32_t t = map[i].type;

		pr_info("memory: [0x%012llx-0x%012llx] %s",
			(unsigned long long)map[i].base,
			(unsigned long long)(map[i].base + map[i].length - 1),
			t < ARRAY_SIZE(mem_type_names) && mem_type_names[t] ?
				mem_type_names[t] : "?");
	}
}

/*
 * What the direct map holds besides RAM and ACPI tables: the image (its
 * alias read-only, W^X) and the boot modules, read in place.
 */
static size_t direct_map_extras(const struct boot_info *bi,
				struct dmap_range *out)
{
	size_t n = 0;

	out[n++] = (struct dmap_range){ bi->image_start,
					bi->image_end - bi->image_start,
					DMAP_READ_ONLY };
	for (unsigned i = 0; i < bi->module_count; i++)
		if (bi->modules[i].end > bi->modules[i].start)
			out[n++] = (struct dmap_range){
				bi->modules[i].start,
				bi->modules[i].end - bi->modules[i].start,
				DMAP_READ_ONLY
			};
	return n;
}

bool memory_init_paging(const struct boot_info *bi, char *err, size_t errsz)
{
	struct dmap_range extras[BOOT_MODULES_MAX + 1];
	struct mem_range mmio[DIRECT_MAP_MMIO_MAX];
	unsigned dropped = 0;
	size_t n, nmmio;

	memcpy(map, bi->memmap, bi->memmap_count * sizeof(map[0]));
	map_count = memmap_sanitize(map, bi->memmap_count, BOOT_MEMMAP_MAX,
				    &dropped);
	if (dropped)
		pr_warn("memory: %u map entries did not fit after sanitizing",
			dropped);
	pr_info("memory: map from %s, %zu ranges after sanitizing",
		bi->memmap_is_efi ? "the EFI memory map" : "the BIOS (e820) map",
		map_count);
	memory_print_map();

	/* Low memory is never handed out: AP start-up and firmware use it. */
	memory_reserve_one(0, LOW_MEMORY_END);
	memory_reserve_one(bi->image_start, bi->image_end);
	for (unsigned i = 0; i < bi->module_count; i++)
		memory_reserve_one(bi->modules[i].start, bi->modules[i].end);
	/* MMIO asked for already (the screen) stays MMIO, whatever the map says. */
	nmmio = direct_map_early_mmio(mmio, ARRAY_SIZE(mmio));
	memory_reserve(mmio, MIN(nmmio, ARRAY_SIZE(mmio)));

	trampoline_page = trampoline_page_pick(bi);
	n = memmap_usable(map, map_count, reserved, reserved_count, usable,
			  BOOT_MEMMAP_MAX);
	if (n == 0) {
		fmt_snprintf(err, errsz, "the memory map has no usable RAM above 1 MiB");
		return false;
	}
	if (!early_pool_pick(n)) {
		fmt_snprintf(err, errsz, "no usable RAM between 1 MiB and 4 GiB for page tables");
		return false;
	}
	if (!paging_prepare(early_alloc_page, trampoline_page)) {
		fmt_snprintf(err, errsz, "ran out of early memory building page tables");
		return false;
	}
	if (!direct_map_build(map, map_count, extras,
			      direct_map_extras(bi, extras), err, errsz))
		return false;
	paging_enable_cpu_features();
	paging_switch();
	return true;
}

static void *pmm_phys_to_virt(uint64_t phys)
{
	return phys_to_virt(phys);
}

static unsigned pmm_cpu_id(void)
{
	return this_cpu_id();
}

static void pmm_fatal(const char *msg)
{
	panic("pmm: %s", msg);
}

/*
 * Everything the allocator will hand out (guest memory, the MMU core's
 * page tables, stacks) is reached through the direct map: the page
 * tables themselves must map usable[0..n) as RAM.
 */
static bool memory_check_direct_map(size_t n, char *err, size_t errsz)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t bad = direct_map_find_non_ram(usable[i].base,
						       usable[i].length);

		if (bad != UINT64_MAX) {
			fmt_snprintf(err, errsz, "usable RAM at %#llx is not mapped as RAM in the direct map",
				     (unsigned long long)bad);
			return false;
		}
	}
	return true;
}

bool memory_init_allocator(char *err, size_t errsz)
{
	static const struct pmm_platform plat = {
		.phys_to_virt = pmm_phys_to_virt,
		.cpu_id = pmm_cpu_id,
		.fatal = pmm_fatal,
	};
	struct pmm_stats st;
	size_t n;

	/* The page tables built so far, the direct map's for ACPI included. */
	memory_reserve_one(early_start, early_next);
	n = memmap_usable(map, map_count, reserved, reserved_count, usable,
			  BOOT_MEMMAP_MAX);
	if (reserved_overflow) {
		fmt_snprintf(err, errsz, "more than %u ranges to keep from the allocator (ACPI tables, modules)",
			     (unsigned)RESERVED_MAX);
		return false;
	}
	if (!memory_check_direct_map(n, err, errsz))
		return false;
	if (!pmm_init(&plat, usable, n)) {
		fmt_snprintf(err, errsz, "the page allocator could not start (too little RAM for its metadata)");
		return false;
	}
	paging_set_table_source(pmm_alloc_page);
	pmm_get_stats(&st);
	pr_info("memory: %llu MiB RAM in the map, %llu MiB usable by the allocator (%llu KiB metadata), %zu reserved ranges",
		(unsigned long long)(memmap_total(map, map_count, MEM_USABLE) / MiB),
		(unsigned long long)(st.free_pages * PAGE_SIZE / MiB),
		(unsigned long long)(st.metadata_pages * PAGE_SIZE / KiB),
		reserved_count);
	return true;
}

uint64_t memory_trampoline_page(void)
{
	return trampoline_page;
}

uint64_t memory_usable_mib(void)
{
	struct pmm_stats st;

	pmm_get_stats(&st);
	return st.managed_pages * PAGE_SIZE / MiB;
}
