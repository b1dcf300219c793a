/*
 * Host tests of mm/memmap.c: sanitizing firmware memory maps and carving
 * reserved ranges out of usable RAM.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "mm/memmap.h"

#define R(b, l, t) ((struct mem_range){(b), (l), (t)})
#define PG(n)	   ((uint64_t)(n)*PAGE_SIZE)

static void expect_map(const struct mem_range *got, size_t n,
		       const struct mem_range *want, size_t nwant)
{
	if (n != nwant) {
		for (size_t i = 0; i < n; i++)
			print_message("  [%zu] %#llx+%#llx type %u\n", i,
				      (unsigned long long)got[i].base,
				      (unsigned long long)got[i].length,
				      got[i].type);
	}
	assert_int_equal(n, nwant);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(got[i].base, want[i].base);
		assert_int_equal(got[i].length, want[i].length);
		assert_int_equal(got[i].type, want[i].type);
	}
}

/* Sanitizes in[0..n) with capacity cap and checks it yields want. */
static void check_sanitize(const struct mem_range *in, size_t n, size_t cap,
			   const struct mem_range *want, size_t nwant,
			   unsigned want_dropped)
{
	struct mem_range buf[64];
	unsigned dropped = 12345;
	size_t got;

	assert_true(n <= ARRAY_SIZE(buf) && cap <= ARRAY_SIZE(buf));
	for (size_t i = 0; i < n; i++)
		buf[i] = in[i];
	got = memmap_sanitize(buf, n, cap, &dropped);
	expect_map(buf, got, want, nwant);
	assert_int_equal(dropped, want_dropped);
}

#define CHECK(in, want)                                                        \
	check_sanitize(in, ARRAY_SIZE(in), 64, want, ARRAY_SIZE(want), 0)

static void test_empty(void **state)
{
	struct mem_range r[1];

	assert_int_equal(memmap_sanitize(r, 0, 1, NULL), 0);
}

/* Two partly overlapping ranges of every pair of types, in both orders. */
static void test_overlap_every_type_pair(void **state)
{
	for (uint32_t a = MEM_USABLE; a <= MEM_BAD; a++) {
		for (uint32_t b = MEM_USABLE; b <= MEM_BAD; b++) {
			struct mem_range in[2] = {R(PG(1), PG(4), a),
						  R(PG(3), PG(5), b)};
			struct mem_range rev[2] = {in[1], in[0]};
			struct mem_range want[2];
			size_t nwant = 2;

			if (a == b) {
				want[0] = R(PG(1), PG(7), a);
				nwant = 1;
			} else if (a > b) {
				want[0] = R(PG(1), PG(4), a);
				want[1] = R(PG(5), PG(3), b);
			} else {
				want[0] = R(PG(1), PG(2), a);
				want[1] = R(PG(3), PG(5), b);
			}
			check_sanitize(in, 2, 8, want, nwant, 0);
			check_sanitize(rev, 2, 8, want, nwant, 0);
		}
	}
}

/* One range inside another, of every pair of types, in both orders. */
static void test_contained_every_type_pair(void **state)
{
	for (uint32_t outer = MEM_USABLE; outer <= MEM_BAD; outer++) {
		for (uint32_t inner = MEM_USABLE; inner <= MEM_BAD; inner++) {
			struct mem_range in[2] = {R(PG(0), PG(10), outer),
						  R(PG(4), PG(2), inner)};
			struct mem_range rev[2] = {in[1], in[0]};
			struct mem_range want[3] = {
			    R(PG(0), PG(10), outer),
			};
			size_t nwant = 1;

			if (inner > outer) {
				want[0] = R(PG(0), PG(4), outer);
				want[1] = R(PG(4), PG(2), inner);
				want[2] = R(PG(6), PG(4), outer);
				nwant = 3;
			}
			check_sanitize(in, 2, 8, want, nwant, 0);
			check_sanitize(rev, 2, 8, want, nwant, 0);
		}
	}
}

/* Same base, same end, and one range sharing an edge with another. */
static void test_shared_edges(void **state)
{
	struct mem_range same[] = {
	    R(PG(2), PG(2), MEM_USABLE),
	    R(PG(2), PG(2), MEM_ACPI_NVS),
	    R(PG(2), PG(2), MEM_USABLE),
	};
	struct mem_range same_want[] = {R(PG(2), PG(2), MEM_ACPI_NVS)};
	struct mem_range start[] = {
	    R(PG(0), PG(8), MEM_USABLE),
	    R(PG(0), PG(2), MEM_RESERVED),
	};
	struct mem_range start_want[] = {
	    R(PG(0), PG(2), MEM_RESERVED),
	    R(PG(2), PG(6), MEM_USABLE),
	};
	struct mem_range end[] = {
	    R(PG(0), PG(8), MEM_USABLE),
	    R(PG(6), PG(2), MEM_RESERVED),
	};
	struct mem_range end_want[] = {
	    R(PG(0), PG(6), MEM_USABLE),
	    R(PG(6), PG(2), MEM_RESERVED),
	};

	CHECK(same, same_want);
	CHECK(start, start_want);
	CHECK(end, end_want);
}

static void test_unsorted_with_holes(void **state)
{
	struct mem_range in[] = {
	    R(0x100000000ull, 0x40000000, MEM_USABLE),
	    R(0xfec00000, 0x1000, MEM_RESERVED),
	    R(0x100000, 0x7ff00000, MEM_USABLE),
	    R(0, 0x9fc00, MEM_USABLE),
	    R(0xf0000, 0x10000, MEM_RESERVED),
	    R(0x9fc00, 0x400, MEM_RESERVED),
	};
	struct mem_range want[] = {
	    R(0, 0x9fc00, MEM_USABLE),
	    R(0x9fc00, 0x400, MEM_RESERVED),
	    R(0xf0000, 0x10000, MEM_RESERVED),
	    R(0x100000, 0x7ff00000, MEM_USABLE),
	    R(0xfec00000, 0x1000, MEM_RESERVED),
	    R(0x100000000ull, 0x40000000, MEM_USABLE),
	};

	CHECK(in, want);
}

static void test_zero_length_dropped(void **state)
{
	struct mem_range in[] = {
	    R(PG(5), 0, MEM_RESERVED), R(PG(0), PG(10), MEM_USABLE),
	    R(PG(3), 0, MEM_BAD),      R(PG(20), 0, MEM_USABLE),
	    R(0, 0, MEM_USABLE),
	};
	struct mem_range want[] = {R(PG(0), PG(10), MEM_USABLE)};
	struct mem_range only_empty[] = {R(PG(5), 0, MEM_USABLE)};

	CHECK(in, want);
	check_sanitize(only_empty, 1, 1, NULL, 0, 0);
}

static void test_adjacent_merge(void **state)
{
	struct mem_range in[] = {
	    R(PG(4), PG(4), MEM_USABLE),   R(PG(0), PG(4), MEM_USABLE),
	    R(PG(8), PG(1), MEM_ACPI_NVS), R(PG(9), PG(1), MEM_ACPI_NVS),
	    R(PG(10), PG(2), MEM_USABLE),  R(PG(13), PG(1), MEM_USABLE),
	};
	struct mem_range want[] = {
	    R(PG(0), PG(8), MEM_USABLE),
	    R(PG(8), PG(2), MEM_ACPI_NVS),
	    R(PG(10), PG(2), MEM_USABLE),
	    R(PG(13), PG(1), MEM_USABLE),
	};

	CHECK(in, want);
}

/* A restrictive range cutting a usable one leaves halves that re-merge. */
static void test_remerge_after_cut(void **state)
{
	struct mem_range in[] = {
	    R(PG(0), PG(4), MEM_RESERVED),
	    R(PG(4), PG(4), MEM_USABLE),
	    R(PG(4), PG(4), MEM_RESERVED),
	    R(PG(0), PG(16), MEM_USABLE),
	};
	struct mem_range want[] = {
	    R(PG(0), PG(8), MEM_RESERVED),
	    R(PG(8), PG(8), MEM_USABLE),
	};

	CHECK(in, want);
}

static void test_above_4g_and_overflow(void **state)
{
	struct mem_range in[] = {
	    R(0xfffffffffffff000ull, 0x10000, MEM_RESERVED),
	    R(0x4000000000ull, 0x100000000ull, MEM_USABLE),
	    R(0x4080000000ull, 0x1000, MEM_BAD),
	    R(UINT64_MAX, 5, MEM_USABLE),
	};
	struct mem_range want[] = {
	    R(0x4000000000ull, 0x80000000ull, MEM_USABLE),
	    R(0x4080000000ull, 0x1000, MEM_BAD),
	    R(0x4080001000ull, 0x7ffff000ull, MEM_USABLE),
	    R(0xfffffffffffff000ull, 0xfff, MEM_RESERVED),
	};

	CHECK(in, want);
}

static void test_unknown_type_is_reserved(void **state)
{
	struct mem_range in[] = {
	    R(PG(0), PG(8), MEM_USABLE),
	    R(PG(2), PG(2), 0),
	    R(PG(4), PG(2), 77),
	};
	struct mem_range want[] = {
	    R(PG(0), PG(2), MEM_USABLE),
	    R(PG(2), PG(4), MEM_RESERVED),
	    R(PG(6), PG(2), MEM_USABLE),
	};

	CHECK(in, want);
}

static void test_many_overlapping(void **state)
{
	struct mem_range in[] = {
	    R(PG(0), PG(100), MEM_USABLE), R(PG(10), PG(30), MEM_ACPI_RECLAIM),
	    R(PG(20), PG(5), MEM_BAD),	   R(PG(15), PG(40), MEM_ACPI_NVS),
	    R(PG(50), PG(60), MEM_USABLE), R(PG(90), PG(30), MEM_RESERVED),
	};
	struct mem_range want[] = {
	    R(PG(0), PG(10), MEM_USABLE),    R(PG(10), PG(5), MEM_ACPI_RECLAIM),
	    R(PG(15), PG(5), MEM_ACPI_NVS),  R(PG(20), PG(5), MEM_BAD),
	    R(PG(25), PG(30), MEM_ACPI_NVS), R(PG(55), PG(35), MEM_USABLE),
	    R(PG(90), PG(30), MEM_RESERVED),
	};

	CHECK(in, want);
}

/* A full array: what does not fit goes from the top and leaves holes. */
static void test_full_capacity(void **state)
{
	struct mem_range in[] = {
	    R(PG(0), PG(100), MEM_USABLE),
	    R(PG(10), PG(1), MEM_RESERVED),
	    R(PG(20), PG(1), MEM_RESERVED),
	    R(PG(30), PG(1), MEM_RESERVED),
	};
	/* Needs 7 entries; 4 fit. */
	struct mem_range want[] = {
	    R(PG(0), PG(10), MEM_USABLE),
	    R(PG(10), PG(1), MEM_RESERVED),
	    R(PG(11), PG(9), MEM_USABLE),
	    R(PG(20), PG(1), MEM_RESERVED),
	};
	struct mem_range exact[] = {
	    R(PG(0), PG(10), MEM_USABLE),
	    R(PG(10), PG(1), MEM_RESERVED),
	};
	struct mem_range exact_want[] = {
	    R(PG(0), PG(10), MEM_USABLE),
	    R(PG(10), PG(1), MEM_RESERVED),
	};

	check_sanitize(in, 4, 4, want, 4, 2);
	check_sanitize(exact, 2, 2, exact_want, 2, 0);
}

/* A caller passing more entries than cap gets at most cap back. */
static void test_count_above_cap(void **state)
{
	struct mem_range in[] = {
	    R(PG(0), PG(1), MEM_USABLE),
	    R(PG(2), PG(1), MEM_USABLE),
	    R(PG(4), PG(1), MEM_USABLE),
	    R(PG(6), PG(1), MEM_USABLE),
	};
	struct mem_range want[] = {
	    R(PG(0), PG(1), MEM_USABLE),
	    R(PG(2), PG(1), MEM_USABLE),
	};

	check_sanitize(in, 4, 2, want, 2, 2);
}

/* A whole BOOT_MEMMAP_MAX map of disjoint entries, backwards. */
static void test_boot_memmap_max(void **state)
{
	static struct mem_range map[BOOT_MEMMAP_MAX];
	unsigned dropped;
	size_t n;

	for (size_t i = 0; i < BOOT_MEMMAP_MAX; i++)
		map[i] = R(PG(2 * (BOOT_MEMMAP_MAX - i)), PG(1),
			   i % 2 ? MEM_USABLE : MEM_RESERVED);
	n = memmap_sanitize(map, BOOT_MEMMAP_MAX, BOOT_MEMMAP_MAX, &dropped);
	assert_int_equal(n, BOOT_MEMMAP_MAX);
	assert_int_equal(dropped, 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(map[i].base, PG(2 * (i + 1)));
}

/* --- random maps against a page-by-page model ----------------------------- */

#define MODEL_PAGES 64

static uint32_t rng_state = 12345;

static uint32_t rng(void)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return rng_state >> 8;
}

/* The type of each page as the firmware meant it (0: not described). */
static void model_truth(const struct mem_range *in, size_t n,
			uint32_t truth[MODEL_PAGES])
{
	for (size_t p = 0; p < MODEL_PAGES; p++)
		truth[p] = 0;
	for (size_t i = 0; i < n; i++)
		for (uint64_t p = in[i].base / PAGE_SIZE;
		     p < (in[i].base + in[i].length) / PAGE_SIZE; p++)
			truth[p] = MAX(truth[p], in[i].type);
}

/*
 * Checks out is sorted, disjoint, merged, and agrees with the model up to
 * some address and is a hole above it; exact says that address is the top.
 */
static void model_check(const struct mem_range *out, size_t n,
			const uint32_t truth[MODEL_PAGES], bool exact)
{
	uint32_t got[MODEL_PAGES] = {0};

	for (size_t i = 0; i < n; i++) {
		assert_true(out[i].length > 0);
		assert_true(out[i].base + out[i].length <= PG(MODEL_PAGES));
		if (i) {
			uint64_t prev_end = out[i - 1].base + out[i - 1].length;

			assert_true(prev_end <= out[i].base);
			assert_false(prev_end == out[i].base &&
				     out[i - 1].type == out[i].type);
		}
		for (uint64_t p = out[i].base / PAGE_SIZE;
		     p < (out[i].base + out[i].length) / PAGE_SIZE; p++)
			got[p] = out[i].type;
	}
	size_t p = 0;

	while (p < MODEL_PAGES && got[p] == truth[p])
		p++;
	assert_true(!exact || p == MODEL_PAGES);
	for (; p < MODEL_PAGES; p++)
		assert_int_equal(got[p], 0);
}

static void test_random_against_model(void **state)
{
	int truncated = 0;

	for (int iter = 0; iter < 20000; iter++) {
		struct mem_range in[12], buf[32];
		uint32_t truth[MODEL_PAGES];
		size_t n = 1 + rng() % 12, cap = iter % 2 ? 32 : n;
		unsigned dropped;
		size_t got;

		for (size_t i = 0; i < n; i++) {
			uint64_t b = rng() % MODEL_PAGES;
			uint64_t l = rng() % (MODEL_PAGES - b + 1);

			in[i] = R(PG(b), PG(l), MEM_USABLE + rng() % 5);
			buf[i] = in[i];
		}
		model_truth(in, n, truth);
		got = memmap_sanitize(buf, n, cap, &dropped);
		assert_true(got <= cap);
		model_check(buf, got, truth, dropped == 0);
		if (cap == 32)
			assert_int_equal(dropped, 0);
		truncated += dropped > 0;
	}
	/* The small-capacity half must have exercised truncation. */
	assert_true(truncated > 1000);
}

/* --- memmap_usable ------------------------------------------------------- */

static void check_usable(const struct mem_range *map, size_t n,
			 const struct mem_range *res, size_t nres,
			 const struct mem_range *want, size_t nwant)
{
	struct mem_range out[32];
	size_t got = memmap_usable(map, n, res, nres, out, ARRAY_SIZE(out));

	expect_map(out, got, want, nwant);
}

static void test_usable_shrinks_inward(void **state)
{
	struct mem_range map[] = {
	    R(0x1800, 0x4000, MEM_USABLE),
	    R(0x10000, 0xfff, MEM_USABLE),
	    R(0x20000, 0x1000, MEM_ACPI_RECLAIM),
	    R(0x30000, 0x2001, MEM_USABLE),
	    R(0x40001, 0x1ffe, MEM_USABLE),
	};
	struct mem_range want[] = {
	    R(0x2000, 0x3000, MEM_USABLE),
	    R(0x30000, 0x2000, MEM_USABLE),
	};

	check_usable(map, ARRAY_SIZE(map), NULL, 0, want, ARRAY_SIZE(want));
}

static void test_usable_never_page_zero(void **state)
{
	struct mem_range map[] = {R(0, 0x9fc00, MEM_USABLE)};
	struct mem_range one[] = {R(0, 0x1000, MEM_USABLE)};
	struct mem_range want[] = {R(0x1000, 0x9e000, MEM_USABLE)};

	check_usable(map, 1, NULL, 0, want, 1);
	check_usable(one, 1, NULL, 0, NULL, 0);
}

static void test_usable_reserved_unaligned(void **state)
{
	struct mem_range map[] = {R(PG(1), PG(15), MEM_USABLE)};
	struct mem_range res[] = {
	    R(PG(4) + 0x100, 0x100, MEM_RESERVED),   /* inside page 4 */
	    R(PG(8) - 1, 2, MEM_RESERVED),	     /* pages 7 and 8 */
	    R(PG(12) + 0xfff, 0x1001, MEM_RESERVED), /* pages 12, 13 */
	    R(PG(2), 0, MEM_RESERVED),		     /* empty: ignored */
	};
	struct mem_range want[] = {
	    R(PG(1), PG(3), MEM_USABLE),
	    R(PG(5), PG(2), MEM_USABLE),
	    R(PG(9), PG(3), MEM_USABLE),
	    R(PG(14), PG(2), MEM_USABLE),
	};

	check_usable(map, 1, res, ARRAY_SIZE(res), want, ARRAY_SIZE(want));
}

static void test_usable_reserved_covers_ranges(void **state)
{
	struct mem_range map[] = {
	    R(PG(1), PG(3), MEM_USABLE),
	    R(PG(10), PG(4), MEM_USABLE),
	    R(PG(20), PG(4), MEM_USABLE),
	    R(PG(30), PG(4), MEM_USABLE),
	};
	struct mem_range res[] = {
	    /* unsorted, overlapping each other */
	    R(PG(22), PG(20), MEM_RESERVED),
	    R(PG(9), PG(3), MEM_RESERVED),
	    R(PG(11), PG(10), MEM_RESERVED),
	    R(PG(1), PG(3), MEM_RESERVED),
	};
	struct mem_range want[] = {R(PG(21), PG(1), MEM_USABLE)};

	check_usable(map, ARRAY_SIZE(map), res, ARRAY_SIZE(res), want, 1);
}

static void test_usable_reserved_to_the_top(void **state)
{
	struct mem_range map[] = {
	    R(PG(1), PG(7), MEM_USABLE),
	    R(0x100000000ull, 0x100000000ull, MEM_USABLE),
	    R(0xffffffffffff0000ull, 0xffff, MEM_USABLE),
	};
	struct mem_range res[] = {
	    R(0x180000000ull, UINT64_MAX, MEM_RESERVED),
	};
	struct mem_range res_top[] = {
	    R(0xfffffffffffffff0ull, 0x10, MEM_RESERVED)};
	struct mem_range want[] = {
	    R(PG(1), PG(7), MEM_USABLE),
	    R(0x100000000ull, 0x80000000ull, MEM_USABLE),
	};
	struct mem_range want_top[] = {
	    R(PG(1), PG(7), MEM_USABLE),
	    R(0x100000000ull, 0x100000000ull, MEM_USABLE),
	    R(0xffffffffffff0000ull, 0xf000, MEM_USABLE),
	};

	check_usable(map, 3, res, 1, want, 2);
	check_usable(map, 3, res_top, 1, want_top, 3);
}

static void test_usable_cap(void **state)
{
	struct mem_range map[] = {R(PG(1), PG(20), MEM_USABLE)};
	struct mem_range res[] = {
	    R(PG(5), PG(1), MEM_RESERVED),
	    R(PG(10), PG(1), MEM_RESERVED),
	};
	struct mem_range out[2];

	assert_int_equal(memmap_usable(map, 1, res, 2, out, 2), 2);
	assert_int_equal(out[0].base, PG(1));
	assert_int_equal(out[1].base, PG(6));
	assert_int_equal(memmap_usable(map, 1, res, 2, out, 0), 0);
}

static void test_usable_random_against_model(void **state)
{
	for (int iter = 0; iter < 5000; iter++) {
		struct mem_range map[16], res[6], out[64];
		uint32_t truth[MODEL_PAGES];
		bool want[MODEL_PAGES];
		size_t n = 1 + rng() % 12, nres = rng() % 6, got;

		for (size_t i = 0; i < n; i++) {
			uint64_t b = rng() % MODEL_PAGES;
			uint64_t l = rng() % (MODEL_PAGES - b + 1);

			map[i] = R(PG(b), PG(l), MEM_USABLE + rng() % 2);
		}
		n = memmap_sanitize(map, n, ARRAY_SIZE(map), NULL);
		model_truth(map, n, truth);
		for (size_t p = 0; p < MODEL_PAGES; p++)
			want[p] = p > 0 && truth[p] == MEM_USABLE;
		for (size_t i = 0; i < nres; i++) {
			uint64_t b = rng() % (PG(MODEL_PAGES));
			uint64_t l = rng() % PG(8);

			res[i] = R(b, l, MEM_RESERVED);
			if (!l)
				continue;
			for (uint64_t p = b / PAGE_SIZE;
			     p <= (b + l - 1) / PAGE_SIZE && p < MODEL_PAGES;
			     p++)
				want[p] = false;
		}
		got = memmap_usable(map, n, res, nres, out, ARRAY_SIZE(out));
		for (size_t i = 0; i < got; i++) {
			assert_true(IS_ALIGNED(out[i].base, PAGE_SIZE));
			assert_true(IS_ALIGNED(out[i].length, PAGE_SIZE));
			assert_true(out[i].length > 0);
			if (i)
				assert_true(out[i - 1].base +
						out[i - 1].length <
					    out[i].base);
			for (uint64_t p = out[i].base / PAGE_SIZE;
			     p < (out[i].base + out[i].length) / PAGE_SIZE;
			     p++) {
				assert_true(want[p]);
				want[p] = false;
			}
		}
		for (size_t p = 0; p < MODEL_PAGES; p++)
			assert_false(want[p]);
	}
}

static void test_total(void **state)
{
	struct mem_range map[] = {
	    R(0, 0x9fc00, MEM_USABLE),
	    R(0x9fc00, 0x400, MEM_RESERVED),
	    R(0x100000, 0x7ff00000, MEM_USABLE),
	    R(0x100000000ull, 0x100000000ull, MEM_USABLE),
	};

	assert_int_equal(memmap_total(map, 4, MEM_USABLE),
			 0x9fc00 + 0x7ff00000 + 0x100000000ull);
	assert_int_equal(memmap_total(map, 4, MEM_RESERVED), 0x400);
	assert_int_equal(memmap_total(map, 4, MEM_BAD), 0);
	assert_int_equal(memmap_total(map, 0, MEM_USABLE), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_empty),
	    cmocka_unit_test(test_overlap_every_type_pair),
	    cmocka_unit_test(test_contained_every_type_pair),
	    cmocka_unit_test(test_shared_edges),
	    cmocka_unit_test(test_unsorted_with_holes),
	    cmocka_unit_test(test_zero_length_dropped),
	    cmocka_unit_test(test_adjacent_merge),
	    cmocka_unit_test(test_remerge_after_cut),
	    cmocka_unit_test(test_above_4g_and_overflow),
	    cmocka_unit_test(test_unknown_type_is_reserved),
	    cmocka_unit_test(test_many_overlapping),
	    cmocka_unit_test(test_full_capacity),
	    cmocka_unit_test(test_count_above_cap),
	    cmocka_unit_test(test_boot_memmap_max),
	    cmocka_unit_test(test_random_against_model),
	    cmocka_unit_test(test_usable_shrinks_inward),
	    cmocka_unit_test(test_usable_never_page_zero),
	    cmocka_unit_test(test_usable_reserved_unaligned),
	    cmocka_unit_test(test_usable_reserved_covers_ranges),
	    cmocka_unit_test(test_usable_reserved_to_the_top),
	    cmocka_unit_test(test_usable_cap),
	    cmocka_unit_test(test_usable_random_against_model),
	    cmocka_unit_test(test_total),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
