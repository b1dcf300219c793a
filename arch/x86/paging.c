#include "arch/x86/paging.h"
#include "arch/x86/cpu.h"
#include "arch/x86/layout.h"
#include "arch/x86/msr.h"
#include "arch/x86/pat.h"
#include "lib/string.h"

uint64_t image_phys_base;

extern const char __image_start[], __text_end[], __rodata_end[],
	__data_end[], __image_end[];

static bool has_nx, has_1g;
static uint64_t root_phys;
static uint64_t *root;
static uint64_t (*table_alloc)(void);
static uint64_t tables_taken;

#define CPUID_80000001_EDX_NX (1u << 20)
#define CPUID_80000001_EDX_PDPE1GB (1u << 26)
#define ENTRIES 512
/* Four: every entry leaves CR4.LA57 clear (boot/start.asm), and the AP
 * trampoline sets CR4 without it. */
#define PAGING_LEVELS 4
#define LEVEL_SHIFT(level) (12 + 9 * ((level) - 1)) /* level 1 = PT */
#define LEVEL_INDEX(va, level) (((va) >> LEVEL_SHIFT(level)) & (ENTRIES - 1))

void *phys_to_virt(uint64_t phys)
{
	return (void *)(DIRECT_MAP_BASE + phys);
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

uint64_t paging_table_pages(void)
{
	return tables_taken;
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
	pat_init_this_cpu();
}

void paging_set_table_source(uint64_t (*alloc_page)(void))
{
	table_alloc = alloc_page;
}

static uint64_t *table_new(uint64_t *phys_out)
{
	uint64_t phys = table_alloc();
	uint64_t *t;

	if (!phys)
		return NULL;
	t = phys_to_virt(phys);
	memset(t, 0, PAGE_SIZE);
	tables_taken++;
	*phys_out = phys;
	return t;
}

/*
 * Returns the table at `level` (1..3) that translates va, creating the
 * missing tables on the way down from the root; NULL when out of pages
 * or when a large page already maps va higher up.
 */
static uint64_t *table_walk_create(uint64_t va, unsigned level)
{
	uint64_t *t = root;

	for (unsigned l = PAGING_LEVELS; l > level; l--) {
		uint64_t *e = &t[LEVEL_INDEX(va, l)];
		uint64_t entry = __atomic_load_n(e, __ATOMIC_ACQUIRE);

		if (!(entry & PTE_P)) {
			uint64_t phys;

			if (!table_new(&phys))
				return NULL;
			entry = phys | PTE_P | PTE_W;
			__atomic_store_n(e, entry, __ATOMIC_RELEASE);
		} else if (entry & PTE_PS) {
			return NULL;
		}
		t = phys_to_virt(entry & PTE_ADDR_MASK);
	}
	return t;
}

static unsigned page_level(uint64_t page_size)
{
	return page_size == GiB ? 3 : page_size == 2 * MiB ? 2 : 1;
}

bool paging_map_page(uint64_t va, uint64_t pa, uint64_t page_size,
		     uint64_t flags)
{
	unsigned level = page_level(page_size);
	uint64_t *t = table_walk_create(va, level);

	if (!t)
		return false;
	__atomic_store_n(&t[LEVEL_INDEX(va, level)],
			 pa | flags | PTE_P | (level > 1 ? PTE_PS : 0),
			 __ATOMIC_RELEASE);
	return true;
}

uint64_t paging_lookup(uint64_t va, uint64_t *page_size)
{
	uint64_t *t = root;

	for (unsigned l = 4; l >= 1; l--) {
		uint64_t entry = __atomic_load_n(&t[LEVEL_INDEX(va, l)],
						 __ATOMIC_ACQUIRE);

		*page_size = 1ull << LEVEL_SHIFT(l);
		if (!(entry & PTE_P))
			return 0;
		if (l == 1 || (entry & PTE_PS))
			return entry;
		t = phys_to_virt(entry & PTE_ADDR_MASK);
	}
	return 0;
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
		if (!paging_map_page(va, virt_to_phys((void *)va), PAGE_SIZE,
				     flags))
			return false;
	}
	return true;
}

bool paging_prepare(uint64_t (*alloc_page)(void), uint64_t identity_page)
{
	struct cpuid_regs ext = cpuid(0x80000001, 0);

	has_nx = ext.edx & CPUID_80000001_EDX_NX;
	has_1g = ext.edx & CPUID_80000001_EDX_PDPE1GB;
	table_alloc = alloc_page;
	root = table_new(&root_phys);
	if (!root)
		return false;
	if (!map_image())
		return false;
	/* The APs' start-up code runs there with paging on, executable. */
	return !identity_page ||
	       paging_map_page(identity_page, identity_page, PAGE_SIZE, PTE_W);
}

void paging_switch(void)
{
	write_cr3(root_phys);
}

void paging_drop_identity_map(void)
{
	root[0] = 0;
	write_cr3(root_phys);
}

