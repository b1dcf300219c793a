/*
 * Host tests of arch/x86/direct_map_plan.c: the direct map planned from
 * memory maps of real machines and emulators (QEMU's e820 and OVMF's EFI
 * map as the hypervisor printed them, sanitized by mm/memmap.c first as
 * at boot), checked run by run, plus the rules every plan must keep:
 * nothing mapped that is not usable RAM, ACPI tables or an extra the
 * hypervisor asked for; every whole page of usable RAM mapped; large
 * pages only over one kind; the page-table pages counted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86/direct_map_plan.h"
#include "boot/efi_memtype.h"
#include "mm/memmap.h"

#define R(b, l, t)  ((struct mem_range){(b), (l), (t)})
#define X(b, l, k)  ((struct dmap_range){(b), (l), (k)})
#define RUN(b, e, ps, k) ((struct dmap_run){(b), (e) - (b), (ps), (k)})
#define K4	    (4 * KiB)
#define M2	    (2 * MiB)
#define G1	    GiB
#define LIMIT	    0x7f8000000000ull /* DIRECT_MAP_SIZE */
#define RANGES_MAX  1200
#define RUNS_MAX    (RANGES_MAX * DMAP_RUNS_PER_RANGE)

struct plan {
	struct mem_range map[BOOT_MEMMAP_MAX];
	size_t n;
	const struct dmap_range *extra;
	size_t nextra;
	bool use_1g;
	struct dmap_range ranges[RANGES_MAX];
	size_t nranges;
	struct dmap_run runs[RUNS_MAX];
	size_t nruns;
	struct dmap_stats stats;
};

static const char *kind_name(uint32_t k)
{
	static const char *const names[] = {"none", "RAM", "read-only", "WC",
					    "UC"};

	return k < DMAP_KINDS ? names[k] : "?";
}

static void print_runs(const struct plan *p)
{
	for (size_t i = 0; i < p->nruns; i++)
		print_message("  RUN(%#llx, %#llx, %s, %s)\n",
			      (unsigned long long)p->runs[i].base,
			      (unsigned long long)(p->runs[i].base +
						   p->runs[i].length),
			      p->runs[i].page_size == G1   ? "G1" :
			      p->runs[i].page_size == M2   ? "M2" :
							     "K4",
			      kind_name(p->runs[i].kind));
}

/*
 * A claim the plan may map a page for: a whole page of usable RAM, or an
 * ACPI-reclaimable range or an extra rounded out to pages.
 */
struct claim {
	uint64_t b, e;
	uint32_t kind;
};

static size_t claims_of(const struct plan *p, struct claim *c)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n; i++) {
		const struct mem_range *r = &p->map[i];

		if (r->type == MEM_USABLE)
			c[n++] = (struct claim){ALIGN_UP(r->base, K4),
						ALIGN_DOWN(r->base + r->length,
							   K4),
						DMAP_RAM};
		else if (r->type == MEM_ACPI_RECLAIM)
			c[n++] = (struct claim){ALIGN_DOWN(r->base, K4),
						ALIGN_UP(r->base + r->length,
							 K4),
						DMAP_READ_ONLY};
	}
	for (size_t i = 0; i < p->nextra; i++)
		if (p->extra[i].kind > DMAP_NONE &&
		    p->extra[i].kind < DMAP_KINDS)
			c[n++] = (struct claim){
		    ALIGN_DOWN(p->extra[i].base, K4),
		    ALIGN_UP(p->extra[i].base + p->extra[i].length, K4),
		    p->extra[i].kind};
	return n;
}

/* The kind the plan must give addr: the largest claim on it. */
static uint32_t claimed_kind(const struct claim *c, size_t n, uint64_t addr)
{
	uint32_t k = DMAP_NONE;

	for (size_t i = 0; i < n; i++)
		if (c[i].b <= addr && addr < c[i].e && c[i].kind > k)
			k = c[i].kind;
	return k;
}

/* The plan's kind at addr, from the ranges. */
static uint32_t planned_kind(const struct plan *p, uint64_t addr)
{
	for (size_t i = 0; i < p->nranges; i++)
		if (p->ranges[i].base <= addr &&
		    addr - p->ranges[i].base < p->ranges[i].length)
			return p->ranges[i].kind;
	return DMAP_NONE;
}

/*
 * The rules every plan keeps, checked at every address where a claim or
 * a planned range begins or ends (the kind is constant between them):
 * the plan's kind is the largest claim's, so nothing outside the claims
 * is ever mapped and every claimed page is.
 */
static void check_against_claims(const struct plan *p)
{
	static struct claim c[BOOT_MEMMAP_MAX + 64];
	size_t nc = claims_of(p, c);

	for (size_t i = 0; i < nc + p->nranges; i++) {
		uint64_t edges[2], b, e;

		if (i < nc) {
			b = c[i].b, e = c[i].e;
		} else {
			b = p->ranges[i - nc].base;
			e = b + p->ranges[i - nc].length;
		}
		if (b >= e)
			continue;
		edges[0] = b, edges[1] = e;
		for (int k = 0; k < 2; k++) {
			uint64_t a = edges[k];

			if (a >= LIMIT)
				continue;
			if (planned_kind(p, a) != claimed_kind(c, nc, a))
				fail_msg("at %#llx: planned %s, claimed %s",
					 (unsigned long long)a,
					 kind_name(planned_kind(p, a)),
					 kind_name(claimed_kind(c, nc, a)));
			if (a >= K4 && planned_kind(p, a - K4) !=
					   claimed_kind(c, nc, a - K4))
				fail_msg("at %#llx: planned %s, claimed %s",
					 (unsigned long long)(a - K4),
					 kind_name(planned_kind(p, a - K4)),
					 kind_name(claimed_kind(c, nc, a - K4)));
		}
	}
}

/* Ranges sorted, disjoint, page-aligned, neighbours of one kind merged. */
static void check_ranges_shape(const struct plan *p)
{
	for (size_t i = 0; i < p->nranges; i++) {
		const struct dmap_range *r = &p->ranges[i];

		assert_true(r->length > 0);
		assert_true(IS_ALIGNED(r->base, K4));
		assert_true(IS_ALIGNED(r->length, K4));
		assert_true(r->kind > DMAP_NONE && r->kind < DMAP_KINDS);
		assert_true(r->base + r->length <= LIMIT);
		if (i) {
			const struct dmap_range *q = &p->ranges[i - 1];

			assert_true(q->base + q->length <= r->base);
			assert_false(q->base + q->length == r->base &&
				     q->kind == r->kind);
		}
	}
}

/*
 * The runs tile the ranges exactly; each page aligned to its size and of
 * one allowed size; a larger page would not have fitted at the start of
 * any run of smaller pages (the largest pages are used).
 */
static void check_runs_shape(const struct plan *p)
{
	size_t r = 0;

	for (size_t i = 0; i < p->nranges; i++) {
		uint64_t pos = p->ranges[i].base;
		uint64_t end = pos + p->ranges[i].length;

		while (pos < end) {
			const struct dmap_run *run = &p->runs[r++];

			assert_true(r <= p->nruns);
			assert_int_equal(run->base, pos);
			assert_int_equal(run->kind, p->ranges[i].kind);
			assert_true(run->page_size == K4 ||
				    run->page_size == M2 ||
				    (run->page_size == G1 && p->use_1g));
			assert_true(IS_ALIGNED(run->base, run->page_size));
			assert_true(run->length > 0 &&
				    IS_ALIGNED(run->length, run->page_size));
			for (uint64_t big = M2; big <= G1; big *= 512) {
				uint64_t at;

				if (big <= run->page_size ||
				    (big == G1 && !p->use_1g))
					continue;
				/* No whole big page inside this run. */
				at = ALIGN_UP(run->base, big);
				assert_false(at + big <= run->base + run->length &&
					     at >= run->base);
			}
			pos += run->length;
		}
		assert_int_equal(pos, end);
	}
	assert_int_equal(r, p->nruns);
}

/* Plans map[0..n) (sanitized first, as at boot) with the extras. */
static struct plan *plan_new(const struct mem_range *map, size_t n,
			     const struct dmap_range *extra, size_t nextra,
			     bool use_1g)
{
	struct plan *p = calloc(1, sizeof(*p));
	unsigned dropped = 0;

	assert_non_null(p);
	assert_true(n <= BOOT_MEMMAP_MAX);
	memcpy(p->map, map, n * sizeof(*map));
	p->n = memmap_sanitize(p->map, n, BOOT_MEMMAP_MAX, &dropped);
	assert_int_equal(dropped, 0);
	p->extra = extra;
	p->nextra = nextra;
	p->use_1g = use_1g;
	p->nranges = dmap_plan_ranges(p->map, p->n, extra, nextra, LIMIT,
				      p->ranges, RANGES_MAX);
	assert_true(p->nranges <= RANGES_MAX);
	for (size_t i = 0; i < p->nranges; i++) {
		size_t k = dmap_plan_runs(&p->ranges[i], use_1g,
					  p->runs + p->nruns);

		assert_true(k >= 1 && k <= DMAP_RUNS_PER_RANGE);
		for (size_t j = 0; j < k; j++)
			dmap_stats_add(&p->stats, &p->runs[p->nruns + j]);
		p->nruns += k;
	}
	check_ranges_shape(p);
	check_runs_shape(p);
	check_against_claims(p);
	return p;
}

static void expect_runs(const struct plan *p, const struct dmap_run *want,
			size_t n)
{
	if (p->nruns != n)
		print_runs(p);
	assert_int_equal(p->nruns, n);
	for (size_t i = 0; i < n; i++) {
		if (memcmp(&p->runs[i], &want[i], sizeof(want[i])) != 0) {
			print_runs(p);
			fail_msg("run %zu differs", i);
		}
	}
}

/* Pages of each size and the page-table pages, from the runs. */
static void expect_pages(const struct plan *p, uint64_t p1g, uint64_t p2m,
			 uint64_t p4k, uint64_t tables)
{
	assert_int_equal(p->stats.pages_1g, p1g);
	assert_int_equal(p->stats.pages_2m, p2m);
	assert_int_equal(p->stats.pages_4k, p4k);
	assert_int_equal(p->stats.table_pages, tables);
}

static void expect_unmapped(const struct plan *p, uint64_t addr)
{
	if (planned_kind(p, addr) != DMAP_NONE)
		fail_msg("%#llx is mapped (%s)", (unsigned long long)addr,
			 kind_name(planned_kind(p, addr)));
}

/* --- memory maps of real machines and emulators --- */

/* QEMU 7.2 q35 + SeaBIOS, -m 1024 (e820, as the hypervisor printed it). */
static const struct mem_range qemu_e820_1g[] = {
    R(0x000000000, 0x9fc00, MEM_USABLE),
    R(0x00009fc00, 0x400, MEM_RESERVED),
    R(0x0000f0000, 0x10000, MEM_RESERVED),
    R(0x000100000, 0x3fedf000, MEM_USABLE),
    R(0x03ffdf000, 0x21000, MEM_RESERVED),
    R(0x0b0000000, 0x10000000, MEM_RESERVED),
    R(0x0fed1c000, 0x4000, MEM_RESERVED),
    R(0x0fffc0000, 0x40000, MEM_RESERVED),
    R(0xfd00000000, 0x300000000, MEM_RESERVED),
};

/* The same with -m 4096: 2 GiB below the PCI hole, 2 GiB above 4 GiB. */
static const struct mem_range qemu_e820_4g[] = {
    R(0x000000000, 0x9fc00, MEM_USABLE),
    R(0x00009fc00, 0x400, MEM_RESERVED),
    R(0x0000f0000, 0x10000, MEM_RESERVED),
    R(0x000100000, 0x7fedf000, MEM_USABLE),
    R(0x07ffdf000, 0x21000, MEM_RESERVED),
    R(0x0b0000000, 0x10000000, MEM_RESERVED),
    R(0x0fed1c000, 0x4000, MEM_RESERVED),
    R(0x0fffc0000, 0x40000, MEM_RESERVED),
    R(0x100000000, 0x80000000, MEM_USABLE),
    R(0xfd00000000, 0x300000000, MEM_RESERVED),
};

/* OVMF (Debian's OVMF_CODE_4M) under QEMU q35, -m 1024, EFI map. */
static const struct mem_range ovmf_1g[] = {
    R(0x000000000, 0xa0000, MEM_USABLE),
    R(0x000100000, 0x706000, MEM_USABLE),
    R(0x000806000, 0x2000, MEM_ACPI_NVS),
    R(0x000808000, 0x8000, MEM_USABLE),
    R(0x000810000, 0xf0000, MEM_ACPI_NVS),
    R(0x000900000, 0x3e1a0000, MEM_USABLE),
    R(0x03eaa0000, 0x102000, MEM_RESERVED),
    R(0x03eba2000, 0x94a000, MEM_USABLE),
    R(0x03f4ec000, 0x280000, MEM_RESERVED),
    R(0x03f76c000, 0x12000, MEM_ACPI_RECLAIM),
    R(0x03f77e000, 0x80000, MEM_ACPI_NVS),
    R(0x03f7fe000, 0x6f6000, MEM_USABLE),
    R(0x03fef4000, 0x84000, MEM_RESERVED),
    R(0x03ff78000, 0x88000, MEM_ACPI_NVS),
    R(0x0b0000000, 0x10000000, MEM_RESERVED),
    R(0x0ffc00000, 0x400000, MEM_RESERVED),
};

/* What the hypervisor adds at boot: its image, the VGA text screen. */
#define IMAGE	 X(0x200000, 0x75000, DMAP_READ_ONLY)
#define VGA_TEXT X(0xb8000, 80 * 25 * 2, DMAP_MMIO_WC)

static void test_qemu_e820_1g(void **state)
{
	static const struct dmap_range extra[] = {IMAGE, VGA_TEXT};
	static const struct dmap_run want[] = {
	    RUN(0x0, 0x9f000, K4, DMAP_RAM), /* 0x9fc00: not a whole page */
	    RUN(0xb8000, 0xb9000, K4, DMAP_MMIO_WC),
	    RUN(0x100000, 0x200000, K4, DMAP_RAM),
	    RUN(0x200000, 0x275000, K4, DMAP_READ_ONLY),
	    RUN(0x275000, 0x400000, K4, DMAP_RAM),
	    RUN(0x400000, 0x3fe00000, M2, DMAP_RAM),
	    RUN(0x3fe00000, 0x3ffdf000, K4, DMAP_RAM),
	};
	struct plan *p = plan_new(qemu_e820_1g, ARRAY_SIZE(qemu_e820_1g),
				  extra, ARRAY_SIZE(extra), true);

	expect_runs(p, want, ARRAY_SIZE(want));
	expect_unmapped(p, 0x9f000); /* EBDA */
	expect_unmapped(p, 0xa0000); /* legacy VGA window */
	expect_unmapped(p, 0xf0000); /* BIOS */
	expect_unmapped(p, 0x3ffdf000); /* reserved: ACPI tables inside */
	expect_unmapped(p, 0xb0000000); /* MMCONFIG */
	expect_unmapped(p, 0xfee00000); /* the LAPIC: only when asked */
	/* PDPT, a page directory for GiB 0, tables for 0, 2 MiB, 1 GiB-2 MiB. */
	expect_pages(p, 0, 509,
		     0x9f + 1 + 0x100 + 0x75 + 0x18b + 0x1df, 5);
	assert_int_equal(p->stats.bytes[DMAP_RAM],
			 0x9f000 + 0x3fedf000 - 0x75000);
	free(p);
}

/*
 * 4 GiB: no whole GiB of RAM below the PCI hole (RAM ends 132 KiB short
 * of 2 GiB), two 1 GiB pages above 4 GiB.
 */
static void test_qemu_e820_4g(void **state)
{
	static const struct dmap_range extra[] = {IMAGE, VGA_TEXT};
	static const struct dmap_run want[] = {
	    RUN(0x0, 0x9f000, K4, DMAP_RAM),
	    RUN(0xb8000, 0xb9000, K4, DMAP_MMIO_WC),
	    RUN(0x100000, 0x200000, K4, DMAP_RAM),
	    RUN(0x200000, 0x275000, K4, DMAP_READ_ONLY),
	    RUN(0x275000, 0x400000, K4, DMAP_RAM),
	    RUN(0x400000, 0x7fe00000, M2, DMAP_RAM),
	    RUN(0x7fe00000, 0x7ffdf000, K4, DMAP_RAM),
	    RUN(0x100000000, 0x180000000, G1, DMAP_RAM),
	};
	struct plan *p = plan_new(qemu_e820_4g, ARRAY_SIZE(qemu_e820_4g),
				  extra, ARRAY_SIZE(extra), true);

	expect_runs(p, want, ARRAY_SIZE(want));
	expect_unmapped(p, 0x80000000); /* the PCI hole */
	expect_unmapped(p, 0xfffc0000);
	expect_unmapped(p, 0x180000000);
	/* PDPT; directories for GiB 0 and 1; tables for 0, 2 MiB, 2 GiB-2 MiB. */
	expect_pages(p, 2, 1021,
		     0x9f + 1 + 0x100 + 0x75 + 0x18b + 0x1df, 6);
	free(p);

	/* Without 1 GiB pages: two more directories, 1024 more 2 MiB pages. */
	p = plan_new(qemu_e820_4g, ARRAY_SIZE(qemu_e820_4g), extra,
		     ARRAY_SIZE(extra), false);
	expect_pages(p, 0, 1021 + 1024,
		     0x9f + 1 + 0x100 + 0x75 + 0x18b + 0x1df, 8);
	free(p);
}

/* QEMU's e820 for -m 65536: 2 GiB low, 62 GiB above the PCI hole. */
static void test_64g(void **state)
{
	struct mem_range map[ARRAY_SIZE(qemu_e820_4g)];
	static const struct dmap_range extra[] = {IMAGE, VGA_TEXT};
	struct plan *p;

	memcpy(map, qemu_e820_4g, sizeof(map));
	map[8].length = 62 * GiB;
	p = plan_new(map, ARRAY_SIZE(map), extra, ARRAY_SIZE(extra), true);
	assert_int_equal(p->nruns, 8);
	assert_int_equal(p->runs[7].base, 4 * GiB);
	assert_int_equal(p->runs[7].length, 62 * GiB);
	assert_int_equal(p->runs[7].page_size, G1);
	expect_pages(p, 62, 1021, 0x9f + 1 + 0x100 + 0x75 + 0x18b + 0x1df, 6);
	free(p);

	p = plan_new(map, ARRAY_SIZE(map), extra, ARRAY_SIZE(extra), false);
	expect_pages(p, 0, 1021 + 62 * 512,
		     0x9f + 1 + 0x100 + 0x75 + 0x18b + 0x1df, 2 + 62 + 1 + 3);
	free(p);
}

/*
 * OVMF: ACPI NVS in the middle of a 2 MiB block and at the top of RAM,
 * firmware-reserved ranges between RAM, ACPI tables mapped read-only.
 */
static void test_ovmf_1g(void **state)
{
	static const struct dmap_range extra[] = {IMAGE};
	static const struct dmap_run want[] = {
	    RUN(0x0, 0xa0000, K4, DMAP_RAM),
	    RUN(0x100000, 0x200000, K4, DMAP_RAM),
	    RUN(0x200000, 0x275000, K4, DMAP_READ_ONLY),
	    RUN(0x275000, 0x400000, K4, DMAP_RAM),
	    RUN(0x400000, 0x800000, M2, DMAP_RAM),
	    RUN(0x800000, 0x806000, K4, DMAP_RAM),
	    RUN(0x808000, 0x810000, K4, DMAP_RAM),
	    RUN(0x900000, 0xa00000, K4, DMAP_RAM),
	    RUN(0xa00000, 0x3ea00000, M2, DMAP_RAM),
	    RUN(0x3ea00000, 0x3eaa0000, K4, DMAP_RAM),
	    RUN(0x3eba2000, 0x3ec00000, K4, DMAP_RAM),
	    RUN(0x3ec00000, 0x3f400000, M2, DMAP_RAM),
	    RUN(0x3f400000, 0x3f4ec000, K4, DMAP_RAM),
	    RUN(0x3f76c000, 0x3f77e000, K4, DMAP_READ_ONLY),
	    RUN(0x3f7fe000, 0x3f800000, K4, DMAP_RAM),
	    RUN(0x3f800000, 0x3fe00000, M2, DMAP_RAM),
	    RUN(0x3fe00000, 0x3fef4000, K4, DMAP_RAM),
	};
	struct plan *p = plan_new(ovmf_1g, ARRAY_SIZE(ovmf_1g), extra,
				  ARRAY_SIZE(extra), true);

	expect_runs(p, want, ARRAY_SIZE(want));
	expect_unmapped(p, 0x806000);	 /* ACPI NVS, mid-2 MiB */
	expect_unmapped(p, 0x8ff000);	 /* ACPI NVS */
	expect_unmapped(p, 0x3eaa0000); /* reserved */
	expect_unmapped(p, 0x3f77e000); /* ACPI NVS after the tables */
	expect_unmapped(p, 0x3ff78000); /* ACPI NVS at the top */
	/*
	 * PDPT, directory for GiB 0, tables for the 2 MiB blocks at 0, 2, 8
	 * (RAM between the NVS ranges), 1002 (around the reserved range),
	 * 1012, 1014 (the ACPI tables) and 1022 MiB.
	 */
	assert_int_equal(p->stats.table_pages, 2 + 7);
	free(p);
}

/*
 * OVMF's raw descriptors for the same layout, through the UEFI type
 * mapping: EfiUnusableMemory is bad RAM and never mapped, nor MMIO,
 * runtime services or persistent memory; loader and boot-services memory
 * is RAM.
 */
static void test_efi_types(void **state)
{
	static const struct {
		uint64_t base, pages;
		uint32_t type;
	} efi[] = {
	    {0x0, 0xa0, EFI_CONVENTIONAL_MEMORY},
	    {0x100000, 0x100, EFI_LOADER_DATA},
	    {0x200000, 0x200, EFI_LOADER_CODE},
	    {0x400000, 0x3, EFI_BOOT_SERVICES_DATA},
	    {0x403000, 0x1, EFI_UNUSABLE_MEMORY},
	    {0x404000, 0xffc, EFI_BOOT_SERVICES_CODE},
	    {0x1400000, 0x100, EFI_RUNTIME_SERVICES_DATA},
	    {0x1500000, 0x100, EFI_PERSISTENT_MEMORY},
	    {0x1600000, 0x200, EFI_CONVENTIONAL_MEMORY},
	    {0xfec00000, 0x1, EFI_MEMORY_MAPPED_IO},
	};
	static const struct dmap_run want[] = {
	    RUN(0x0, 0xa0000, K4, DMAP_RAM),
	    RUN(0x100000, 0x200000, K4, DMAP_RAM),
	    RUN(0x200000, 0x400000, M2, DMAP_RAM),
	    RUN(0x400000, 0x403000, K4, DMAP_RAM),
	    RUN(0x404000, 0x600000, K4, DMAP_RAM),
	    RUN(0x600000, 0x1400000, M2, DMAP_RAM),
	    RUN(0x1600000, 0x1800000, M2, DMAP_RAM),
	};
	struct mem_range map[ARRAY_SIZE(efi)];
	struct plan *p;

	for (size_t i = 0; i < ARRAY_SIZE(efi); i++)
		map[i] = R(efi[i].base, efi[i].pages * K4,
			   efi_memtype_to_mem_type(efi[i].type));
	p = plan_new(map, ARRAY_SIZE(map), NULL, 0, true);
	expect_runs(p, want, ARRAY_SIZE(want));
	expect_unmapped(p, 0x403000);
	expect_unmapped(p, 0x1400000);
	expect_unmapped(p, 0x1500000);
	expect_unmapped(p, 0xfec00000);
	free(p);
}

/*
 * e820 type 5 (bad RAM) inside a usable range, as a BIOS that tested its
 * memory reports it: the page is never mapped, and the 2 MiB block it is
 * in takes 4 KiB pages; the GiB it is in loses its 1 GiB page.
 */
static void test_bad_ram(void **state)
{
	static const struct mem_range map[] = {
	    R(0x100000, 0xbff00000, MEM_USABLE),
	    R(0x40123000, 0x2000, MEM_BAD),
	};
	static const struct dmap_run want[] = {
	    RUN(0x100000, 0x200000, K4, DMAP_RAM),
	    RUN(0x200000, 0x40000000, M2, DMAP_RAM),
	    RUN(0x40000000, 0x40123000, K4, DMAP_RAM),
	    RUN(0x40125000, 0x40200000, K4, DMAP_RAM),
	    RUN(0x40200000, 0x80000000, M2, DMAP_RAM),
	    RUN(0x80000000, 0xc0000000, G1, DMAP_RAM),
	};
	struct plan *p = plan_new(map, ARRAY_SIZE(map), NULL, 0, true);

	expect_runs(p, want, ARRAY_SIZE(want));
	expect_unmapped(p, 0x40123000);
	expect_unmapped(p, 0x40124000);
	free(p);
}

/*
 * A hole in the middle of a 2 MiB block (firmware that leaves a few pages
 * out of the map, as some laptops do around their graphics memory): the
 * block is mapped with 4 KiB pages around the hole, and the partial pages
 * at the edges of RAM are left out.
 */
static void test_hole_mid_2m(void **state)
{
	static const struct mem_range map[] = {
	    R(0x100000, 0x1234800, MEM_USABLE),
	    R(0x1337000, 0x3ecc9000, MEM_USABLE),
	};
	static const struct dmap_run want[] = {
	    RUN(0x100000, 0x200000, K4, DMAP_RAM),
	    RUN(0x200000, 0x1200000, M2, DMAP_RAM),
	    RUN(0x1200000, 0x1334000, K4, DMAP_RAM),
	    RUN(0x1337000, 0x1400000, K4, DMAP_RAM),
	    RUN(0x1400000, 0x40000000, M2, DMAP_RAM),
	};
	struct plan *p = plan_new(map, ARRAY_SIZE(map), NULL, 0, true);

	expect_runs(p, want, ARRAY_SIZE(want));
	expect_unmapped(p, 0x1334000); /* half usable: not RAM */
	expect_unmapped(p, 0x1336000);
	free(p);
}

/*
 * MMIO inside what would be large pages of RAM: a register page the
 * firmware listed as RAM, and a framebuffer in stolen memory. The more
 * restrictive type wins; the large pages around them break up, the
 * framebuffer itself gets write-combining 2 MiB pages.
 */
static void test_mmio_inside_ram_large_page(void **state)
{
	static const struct mem_range map[] = {
	    R(0x100000, 0xbff00000, MEM_USABLE),
	};
	static const struct dmap_range extra[] = {
	    X(0x40003000, 0x100, DMAP_MMIO_UC),
	    X(0x80000000, 8 * MiB, DMAP_MMIO_WC),
	};
	static const struct dmap_run want[] = {
	    RUN(0x100000, 0x200000, K4, DMAP_RAM),
	    RUN(0x200000, 0x40000000, M2, DMAP_RAM),
	    RUN(0x40000000, 0x40003000, K4, DMAP_RAM),
	    RUN(0x40003000, 0x40004000, K4, DMAP_MMIO_UC),
	    RUN(0x40004000, 0x40200000, K4, DMAP_RAM),
	    RUN(0x40200000, 0x80000000, M2, DMAP_RAM),
	    RUN(0x80000000, 0x80800000, M2, DMAP_MMIO_WC),
	    RUN(0x80800000, 0xc0000000, M2, DMAP_RAM),
	};
	struct plan *p = plan_new(map, ARRAY_SIZE(map), extra,
				  ARRAY_SIZE(extra), true);

	expect_runs(p, want, ARRAY_SIZE(want));
	/* PDPT, directories for GiB 0, 1, 2, tables for 0 and 1 GiB. */
	expect_pages(p, 0, 511 + 511 + 4 + 508, 0x100 + 3 + 1 + 0x1fc, 6);
	free(p);
}

/*
 * The LAPIC and I/O APIC pages in the hole below 4 GiB, next to nothing:
 * mapped uncached on their own, with one directory and one table.
 */
static void test_mmio_in_hole(void **state)
{
	static const struct dmap_range extra[] = {
	    X(0xfee00000, K4, DMAP_MMIO_UC),
	    X(0xfec00000, 0x20, DMAP_MMIO_UC),
	};
	static const struct dmap_run want[] = {
	    RUN(0xfec00000, 0xfec01000, K4, DMAP_MMIO_UC),
	    RUN(0xfee00000, 0xfee01000, K4, DMAP_MMIO_UC),
	};
	struct plan *p = plan_new(qemu_e820_1g, ARRAY_SIZE(qemu_e820_1g),
				  extra, ARRAY_SIZE(extra), true);

	assert_int_equal(p->nruns, 4 + 2);
	assert_memory_equal(&p->runs[4], want, sizeof(want));
	/* Two 2 MiB blocks in GiB 3: one more directory, two tables. */
	assert_int_equal(p->stats.table_pages, 4 + 1 + 2);
	free(p);
}

/*
 * ACPI tables and RAM sharing a page: RAM shrinks inward, the tables
 * round outward, so the shared page is read-only, never writable RAM.
 * Boot modules are read-only where they lie in RAM.
 */
static void test_edges_in_one_page(void **state)
{
	static const struct mem_range map[] = {
	    R(0x100000, 0x7ee0800, MEM_USABLE),
	    R(0x7fe0800, 0xf800, MEM_ACPI_RECLAIM),
	    R(0x7ff0000, 0x10000, MEM_ACPI_NVS),
	};
	static const struct dmap_range extra[] = {
	    X(0x1000000, 0x12345, DMAP_READ_ONLY), /* a module */
	};
	static const struct dmap_run want[] = {
	    RUN(0x100000, 0x200000, K4, DMAP_RAM),
	    RUN(0x200000, 0x1000000, M2, DMAP_RAM),
	    RUN(0x1000000, 0x1013000, K4, DMAP_READ_ONLY),
	    RUN(0x1013000, 0x1200000, K4, DMAP_RAM),
	    RUN(0x1200000, 0x7e00000, M2, DMAP_RAM),
	    RUN(0x7e00000, 0x7fe0000, K4, DMAP_RAM),
	    RUN(0x7fe0000, 0x7ff0000, K4, DMAP_READ_ONLY),
	};
	struct plan *p = plan_new(map, ARRAY_SIZE(map), extra,
				  ARRAY_SIZE(extra), true);

	expect_runs(p, want, ARRAY_SIZE(want));
	expect_unmapped(p, 0x7ff0000);
	free(p);
}

/*
 * Nothing at or above the limit (the direct map's size), whatever the
 * map claims; a range that runs to the top of the address space (the
 * sanitizer clamps at 2^64) and an extra that would wrap are clipped.
 */
static void test_limit(void **state)
{
	static const struct mem_range map[] = {
	    R(0x100000000, 0x40000000, MEM_USABLE),
	    R(LIMIT - G1, UINT64_MAX - (LIMIT - G1), MEM_USABLE),
	};
	static const struct dmap_range extra[] = {
	    X(LIMIT - K4, 3 * K4, DMAP_MMIO_UC),
	    X(UINT64_MAX - K4, 2 * K4, DMAP_MMIO_UC),
	    X(0x200000000, K4, DMAP_NONE), /* asks for nothing */
	    X(0x200001000, K4, 17),	     /* no such kind */
	};
	static const struct dmap_run want[] = {
	    RUN(0x100000000, 0x140000000, G1, DMAP_RAM),
	    RUN(LIMIT - G1, LIMIT - M2, M2, DMAP_RAM),
	    RUN(LIMIT - M2, LIMIT - K4, K4, DMAP_RAM),
	    RUN(LIMIT - K4, LIMIT, K4, DMAP_MMIO_UC),
	};
	struct plan *p = plan_new(map, ARRAY_SIZE(map), extra,
				  ARRAY_SIZE(extra), true);

	expect_runs(p, want, ARRAY_SIZE(want));
	/* Two PDPTs (first and last 512 GiB), a directory and a table. */
	assert_int_equal(p->stats.table_pages, 2 + 1 + 1);
	free(p);
}

/* No RAM at all: nothing mapped, no tables. */
static void test_empty(void **state)
{
	static const struct mem_range map[] = {
	    R(0xf0000, 0x10000, MEM_RESERVED),
	    R(0x100000, 0x800, MEM_USABLE), /* less than a page */
	};
	struct dmap_range out[1];
	struct plan *p = plan_new(map, ARRAY_SIZE(map), NULL, 0, true);

	assert_int_equal(p->nranges, 0);
	expect_pages(p, 0, 0, 0, 0);
	free(p);
	assert_int_equal(dmap_plan_ranges(NULL, 0, NULL, 0, LIMIT, out, 1), 0);
}

/*
 * The output's capacity: the count is exact even when it does not fit,
 * and what fits is the first ranges, unchanged by what did not.
 */
static void test_capacity(void **state)
{
	struct mem_range map[9];
	struct dmap_range out[4];

	memcpy(map, qemu_e820_1g, sizeof(map));
	assert_int_equal(dmap_plan_ranges(map, 9, NULL, 0, LIMIT, out, 4), 2);
	memset(out, 0x5a, sizeof(out));
	{
		static const struct dmap_range extra[] = {IMAGE, VGA_TEXT};

		assert_int_equal(dmap_plan_ranges(map, 9, extra, 2, LIMIT, out,
						  2),
				 5);
	}
	assert_int_equal(out[0].base, 0);
	assert_int_equal(out[0].length, 0x9f000);
	assert_int_equal(out[1].base, 0xb8000);
	assert_int_equal(out[1].kind, DMAP_MMIO_WC);
	assert_int_equal(out[2].base, 0x5a5a5a5a5a5a5a5aull);
}

/*
 * A server's map at the sanitizer's limit (512 ranges), RAM and reserved
 * ranges alternating in 2 MiB steps with ragged edges: every rule holds.
 */
static void test_many_ranges(void **state)
{
	static struct mem_range map[BOOT_MEMMAP_MAX];
	static const struct dmap_range extra[] = {IMAGE, VGA_TEXT};
	struct plan *p;
	uint64_t pos = 0x100000;

	for (size_t i = 0; i < BOOT_MEMMAP_MAX; i++) {
		uint64_t len = (i % 2 ? 0x1000 : 0x1ff000) + (i % 7) * 0x800;

		map[i] = R(pos, len, i % 2 ? MEM_RESERVED : MEM_USABLE);
		pos += len;
	}
	p = plan_new(map, BOOT_MEMMAP_MAX, extra, ARRAY_SIZE(extra), true);
	assert_true(p->nranges > BOOT_MEMMAP_MAX / 2);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_qemu_e820_1g),
	    cmocka_unit_test(test_qemu_e820_4g),
	    cmocka_unit_test(test_64g),
	    cmocka_unit_test(test_ovmf_1g),
	    cmocka_unit_test(test_efi_types),
	    cmocka_unit_test(test_bad_ram),
	    cmocka_unit_test(test_hole_mid_2m),
	    cmocka_unit_test(test_mmio_inside_ram_large_page),
	    cmocka_unit_test(test_mmio_in_hole),
	    cmocka_unit_test(test_edges_in_one_page),
	    cmocka_unit_test(test_limit),
	    cmocka_unit_test(test_empty),
	    cmocka_unit_test(test_capacity),
	    cmocka_unit_test(test_many_ranges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
