#include "arch/x86/paging.h"
#include "arch/x86/cpu.h"
#include "arch/x86/layout.h"
#include "arch/x86/msr.h"
#include "lib/string.h"

uint64_t image_phys_base;

extern const char __image_start[], __text_end[], __rodata_end[],
	__data_end[], __image_end[];

static bool direct_map_active;
static bool has_nx, has_1g;
static uint64_t root_phys;
static uint64_t *root;
static uint64_t (*table_alloc)(void);

#define CPUID_80000001_EDX_NX (1u << 20)
#define CPUID_80000001_EDX_PDPE1GB (1u << 26)
#define ENTRIES 512
/* Four: every entry leaves CR4.LA57 clear (boot/start.asm), and the AP
 * trampoline sets CR4 without it. */
#define PAGING_LEVELS 4
#define LEVEL_SHIFT(level) (12 + 9 * ((level) - 1)) /* level 1 = PT */
#define LOW_4G (4ull << 30)

void *phys_to_virt(uint64_t phys)
{
	if (direct_map_active)
		return (void *)(DIRECT_MAP_BASE + phys);
	return (void *)phys; /* the entry's identity map */
}

uint64_t virt_to_phys(const void *virt)
{
	uint64_t va = (uint64_t)virt;

	if (va >= KERNEL_VMA)
		return va - IMAGE_VBASE + image_phys_base;
	if (va >= DIRECT_MAP_BASE)
		return va - DIRECT_MAP_BASE;
	return va;
}

uint64_t paging_root(void)
{
	return root_phys;
}

bool paging_has_nx(void)
{
	return has_nx;
}

bool paging_has_1g(void)
{
	return has_1g;
}

void paging_enable_cpu_features(void)
{
	if (has_nx)
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	write_cr0(read_cr0() | CR0_WP);
}

static uint64_t *table_new(uint64_t *phys_out)
{
	uint64_t phys = table_alloc();
	uint64_t *t;

	if (!phys)
		return NULL;
	t = phys_to_virt(phys);
	memset(t, 0, PAGE_SIZE);
	*phys_out = phys;
	return t;
}

/*
 * Returns the table at `level` (1..3) that translates va, creating the
 * missing tables on the way down from the root; NULL when out of pages.
 */
static uint64_t *table_walk_create(uint64_t va, unsigned level)
{
	uint64_t *t = root;

	for (unsigned l = PAGING_LEVELS; l > level; l--) {
		uint64_t *e = &t[(va >> LEVEL_SHIFT(l)) & (ENTRIES - 1)];

		if (!(*e & PTE_P)) {
			uint64_t phys;

			if (!table_new(&phys))
				return NULL;
			*e = phys | PTE_P | PTE_W;
		}
		t = phys_to_virt(*e & PTE_ADDR_MASK);
	}
	return t;
}

static bool map_one(uint64_t va, uint64_t pa, unsigned level, uint64_t flags)
{
	uint64_t *t = table_walk_create(va, level);

	if (!t)
		return false;
	t[(va >> LEVEL_SHIFT(level)) & (ENTRIES - 1)] =
		pa | flags | PTE_P | (level > 1 ? PTE_PS : 0);
	return true;
}

/* The image's physical range (its alias in the direct map is read-only). */
static uint64_t image_phys_start(void)
{
	return image_phys_base;
}

static uint64_t image_phys_end(void)
{
	return image_phys_base + (uint64_t)(__image_end - __image_start);
}

/* The local APIC's registers (the xAPIC page), read once by paging_init. */
static uint64_t lapic_phys;

static uint64_t lapic_page(void)
{
	return lapic_phys;
}

/*
 * Whether the 2 MiB block at pa is mapped with 4 KiB pages because it
 * holds the image (read-only alias) or the LAPIC (uncached).
 */
static bool block_needs_small_pages(uint64_t pa)
{
	uint64_t lapic = lapic_page();

	return (pa < image_phys_end() && pa + 2 * MiB > image_phys_start()) ||
	       (lapic >= pa && lapic < pa + 2 * MiB);
}

/* Flags of the 4 KiB direct-map page at pa in such a block. */
static uint64_t small_page_flags(uint64_t pa)
{
	uint64_t nx = has_nx ? PTE_NX : 0;

	if (pa >= image_phys_start() && pa < image_phys_end())
		return nx; /* W^X holds for the image's alias too */
	if (pa == lapic_page())
		return PTE_W | PTE_PCD | PTE_PWT | nx; /* MMIO: uncached */
	return PTE_W | nx;
}

static bool map_direct_block_small(uint64_t block)
{
	for (uint64_t pa = block; pa < block + 2 * MiB; pa += PAGE_SIZE)
		if (!map_one(DIRECT_MAP_BASE + pa, pa, 1, small_page_flags(pa)))
			return false;
	return true;
}

/*
 * Maps [pa, pa+len) at DIRECT_MAP_BASE + pa with the largest pages that
 * fit; the blocks of the image and the LAPIC get 4 KiB pages.
 */
static bool map_direct(uint64_t pa, uint64_t end)
{
	uint64_t nx = has_nx ? PTE_NX : 0;

	pa = ALIGN_DOWN(pa, 2 * MiB);
	end = ALIGN_UP(end, 2 * MiB);
	while (pa < end) {
		if (block_needs_small_pages(pa)) {
			if (!map_direct_block_small(pa))
				return false;
			pa += 2 * MiB;
			continue;
		}
		/*
		 * 1 GiB pages only above 4 GiB: below, RAM and MMIO of
		 * different MTRR types share gigabytes, and a large page
		 * over mixed memory types is undefined (SDM Vol. 3A 12.11.9).
		 */
		if (has_1g && pa >= LOW_4G && IS_ALIGNED(pa, GiB) &&
		    end - pa >= GiB) {
			if (!map_one(DIRECT_MAP_BASE + pa, pa, 3, PTE_W | nx))
				return false;
			pa += GiB;
		} else {
			if (!map_one(DIRECT_MAP_BASE + pa, pa, 2, PTE_W | nx))
				return false;
			pa += 2 * MiB;
		}
	}
	return true;
}

/* Maps the image with 4 KiB pages: text R X, rodata R, data/bss R W. */
static bool map_image(void)
{
	uint64_t nx = has_nx ? PTE_NX : 0;

	for (uint64_t va = (uint64_t)__image_start; va < (uint64_t)__image_end;
	     va += PAGE_SIZE) {
		uint64_t flags;

		if (va < (uint64_t)__text_end)
			flags = 0;
		else if (va < (uint64_t)__rodata_end)
			flags = nx;
		else if (va < (uint64_t)__data_end)
			flags = PTE_W | nx;
		else
			flags = nx; /* ksyms */
		if (!map_one(va, virt_to_phys((void *)va), 1, flags))
			return false;
	}
	return true;
}

bool paging_init(const struct mem_range *ranges, size_t n,
		 uint64_t (*alloc_page)(void))
{
	struct cpuid_regs ext = cpuid(0x80000001, 0);

	has_nx = ext.edx & CPUID_80000001_EDX_NX;
	has_1g = ext.edx & CPUID_80000001_EDX_PDPE1GB;
	table_alloc = alloc_page;
	lapic_phys = rdmsr(MSR_IA32_APIC_BASE) & PTE_ADDR_MASK;
	root = table_new(&root_phys);
	if (!root)
		return false;

	if (!map_direct(0, LOW_4G))
		return false;
	/* Above 4 GiB only memory: reserved ranges there are MMIO holes. */
	for (size_t i = 0; i < n; i++) {
		uint64_t end = ranges[i].base + ranges[i].length;

		if (ranges[i].type == MEM_RESERVED)
			continue;
		if (end > LOW_4G && !map_direct(MAX(ranges[i].base, LOW_4G), end))
			return false;
	}
	if (!map_image())
		return false;

	/* Identity map of the first 2 MiB, executable: the AP trampoline. */
	if (!map_one(0, 0, 2, PTE_W))
		return false;

	paging_enable_cpu_features();
	write_cr3(root_phys);
	direct_map_active = true;
	root = phys_to_virt(root_phys);
	return true;
}

void paging_drop_identity_map(void)
{
	root[0] = 0;
	write_cr3(root_phys);
}

/* The entry that maps va (a leaf at some level), or 0 when none does. */
static uint64_t paging_leaf(uint64_t va)
{
	const uint64_t *t = root;

	for (unsigned l = 4; l >= 1; l--) {
		uint64_t e = t[(va >> LEVEL_SHIFT(l)) & (ENTRIES - 1)];

		if (!(e & PTE_P))
			return 0;
		if (l == 1 || (e & PTE_PS))
			return e;
		t = phys_to_virt(e & PTE_ADDR_MASK);
	}
	return 0;
}

void *paging_mmio(uint64_t phys, uint64_t len)
{
	uint64_t end = phys + len;

	if (!direct_map_active || len == 0 || end < phys)
		return NULL;
	for (uint64_t pa = ALIGN_DOWN(phys, PAGE_SIZE); pa < end; pa += PAGE_SIZE)
		if (!(paging_leaf(DIRECT_MAP_BASE + pa) & PTE_W))
			return NULL;
	return phys_to_virt(phys);
}
