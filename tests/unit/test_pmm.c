/*
 * Host tests of mm/pmm.c. "Physical memory" is an anonymous mapping whose
 * first byte stands for a nonzero fake physical base; the holes between
 * usable ranges are mapped PROT_NONE, so the allocator touching memory it
 * does not own crashes the test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/mman.h>
#include <cmocka.h>

#include "mm/pmm.h"

#define R(b, e) ((struct mem_range){(b), (e) - (b), MEM_USABLE})

struct layout {
	uint64_t base; /* fake physical address of the arena's first byte */
	uint64_t size;
	const struct mem_range *ranges;
	size_t n;
	/* Where the frame table should land: start of this range. */
	size_t meta_range;
};

/* 1 GiB .. 3.5 GiB, with [2 GiB, 3 GiB) whole: one 1 GiB block. */
static const struct mem_range big_ranges[] = {
    R(0x80000000ull, 0xc1103000ull),
    R(0x40003000ull, 0x401fb000ull),
    R(0x40401000ull, 0x52c00000ull),
};
static const struct layout big = {
    .base = 0x40000000ull,
    .size = 0xa0000000ull,
    .ranges = big_ranges,
    .n = ARRAY_SIZE(big_ranges),
    .meta_range = 1,
};

/* 256 MiB .. 320 MiB: small enough to touch every page. */
static const struct mem_range small_ranges[] = {
    R(0x10001000ull, 0x10800000ull),
    R(0x10a00000ull, 0x11000000ull),
    R(0x12000000ull, 0x13fff000ull),
};
static const struct layout small = {
    .base = 0x10000000ull,
    .size = 0x4000000ull,
    .ranges = small_ranges,
    .n = ARRAY_SIZE(small_ranges),
    .meta_range = 1,
};

/* Memory from physical 0, which must never be handed out. */
static const struct mem_range zero_ranges[] = {R(0, 0x800000)};
static const struct layout zero = {
    .base = 0,
    .size = 0x800000,
    .ranges = zero_ranges,
    .n = 1,
    .meta_range = 0,
};

static struct {
	const struct layout *lay;
	uint8_t *mem;
	struct pmm_stats start;
} arena;

static void *fake_phys_to_virt(uint64_t phys)
{
	if (phys < arena.lay->base ||
	    phys - arena.lay->base >= arena.lay->size) {
		fprintf(stderr, "phys_to_virt(%#llx) outside the arena\n",
			(unsigned long long)phys);
		abort();
	}
	return arena.mem + (phys - arena.lay->base);
}

static __thread unsigned this_cpu;

static unsigned fake_cpu_id(void)
{
	return this_cpu;
}

static void fatal_fails_test(const char *msg)
{
	fail_msg("pmm fatal: %s", msg);
}

static const char *last_fatal;
static unsigned fatal_count;

static void fatal_records(const char *msg)
{
	last_fatal = msg;
	__atomic_fetch_add(&fatal_count, 1, __ATOMIC_RELAXED);
}

static struct pmm_platform plat = {
    .phys_to_virt = fake_phys_to_virt,
    .cpu_id = fake_cpu_id,
    .fatal = fatal_fails_test,
};

static uint64_t range_end(const struct mem_range *r)
{
	return r->base + r->length;
}

/* Maps the arena with only the usable ranges accessible. */
static void arena_map(const struct layout *lay)
{
	arena.lay = lay;
	arena.mem = mmap(NULL, lay->size, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	assert_true(arena.mem != MAP_FAILED);
	for (size_t i = 0; i < lay->n; i++) {
		const struct mem_range *r = &lay->ranges[i];
		uint64_t b = MAX(r->base, PAGE_SIZE);

		assert_int_equal(mprotect(fake_phys_to_virt(b),
					  range_end(r) - b,
					  PROT_READ | PROT_WRITE),
				 0);
	}
}

static int arena_setup(const struct layout *lay, void (*fatal)(const char *))
{
	arena_map(lay);
	plat.fatal = fatal;
	last_fatal = NULL;
	fatal_count = 0;
	this_cpu = 0;
	if (!pmm_init(&plat, lay->ranges, lay->n))
		return -1;
	pmm_get_stats(&arena.start);
	return 0;
}

static int setup_big(void **state)
{
	return arena_setup(&big, fatal_fails_test);
}

static int setup_small(void **state)
{
	return arena_setup(&small, fatal_fails_test);
}

static int setup_small_recording(void **state)
{
	return arena_setup(&small, fatal_records);
}

static int setup_zero(void **state)
{
	return arena_setup(&zero, fatal_fails_test);
}

static int teardown(void **state)
{
	munmap(arena.mem, arena.lay->size);
	return 0;
}

/* Frame-table pages pmm_init() must take, for the current layout. */
static uint64_t layout_meta_pages(const struct layout *lay)
{
	uint64_t lo = UINT64_MAX, hi = 0;

	for (size_t i = 0; i < lay->n; i++) {
		lo = MIN(lo, MAX(lay->ranges[i].base, PAGE_SIZE));
		hi = MAX(hi, range_end(&lay->ranges[i]));
	}
	return ((hi - lo) / PAGE_SIZE + PAGE_SIZE - 1) / PAGE_SIZE;
}

/* The pieces of memory the allocator should manage: ranges less page 0
 * and less the frame table. Returns the count. */
static size_t layout_pieces(const struct layout *lay, struct mem_range *out)
{
	size_t n = 0;

	for (size_t i = 0; i < lay->n; i++) {
		struct mem_range r = lay->ranges[i];

		if (r.base == 0) {
			r.base = PAGE_SIZE;
			r.length -= PAGE_SIZE;
		}
		if (i == lay->meta_range) {
			r.base += layout_meta_pages(lay) * PAGE_SIZE;
			r.length -= layout_meta_pages(lay) * PAGE_SIZE;
		}
		out[n++] = r;
	}
	return n;
}

static uint64_t layout_managed_pages(const struct layout *lay)
{
	struct mem_range p[8];
	size_t n = layout_pieces(lay, p);
	uint64_t sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += p[i].length / PAGE_SIZE;
	return sum;
}

/* How many aligned 2^order-page blocks fit in the managed pieces. */
static uint64_t layout_blocks(const struct layout *lay, unsigned order)
{
	struct mem_range p[8];
	size_t n = layout_pieces(lay, p);
	uint64_t size = PAGE_SIZE << order, sum = 0;

	for (size_t i = 0; i < n; i++) {
		uint64_t b = ALIGN_UP(p[i].base, size);
		uint64_t e = ALIGN_DOWN(range_end(&p[i]), size);

		if (e > b)
			sum += (e - b) / size;
	}
	return sum;
}

/* Asserts [phys, phys + 2^order pages) is aligned and inside one piece. */
static void check_block(uint64_t phys, unsigned order)
{
	struct mem_range p[8];
	size_t n = layout_pieces(arena.lay, p);
	uint64_t size = PAGE_SIZE << order;

	assert_true(phys != 0);
	assert_true(IS_ALIGNED(phys, size));
	for (size_t i = 0; i < n; i++)
		if (phys >= p[i].base && phys + size <= range_end(&p[i]))
			return;
	fail_msg("block %#llx order %u outside the managed memory",
		 (unsigned long long)phys, order);
}

static void check_stats_at_start(void)
{
	struct pmm_stats st;

	for (unsigned cpu = 0; cpu < PMM_MAX_CPUS; cpu++)
		pmm_drain_cpu_cache(cpu);
	pmm_get_stats(&st);
	assert_int_equal(st.cached_pages, 0);
	assert_int_equal(st.free_pages, arena.start.free_pages);
	assert_memory_equal(st.free_blocks, arena.start.free_blocks,
			    sizeof(st.free_blocks));
}

static uint32_t rng(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

static void shuffle(uint64_t *v, size_t n, uint32_t *s)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = rng(s) % i;
		uint64_t t = v[i - 1];

		v[i - 1] = v[j];
		v[j] = t;
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* --- tests ---------------------------------------------------------------- */

static void test_init_stats(void **state)
{
	struct mem_range p[8];
	size_t n = layout_pieces(&big, p);
	uint64_t want[PMM_MAX_ORDER + 1] = {0}, sum = 0;

	assert_int_equal(arena.start.metadata_pages, layout_meta_pages(&big));
	assert_int_equal(arena.start.managed_pages, layout_managed_pages(&big));
	assert_int_equal(arena.start.free_pages, arena.start.managed_pages);
	assert_int_equal(arena.start.cached_pages, 0);
	assert_int_equal(arena.start.free_blocks[PMM_ORDER_1G], 1);

	/* Each piece as its largest aligned blocks, lowest first. */
	for (size_t i = 0; i < n; i++) {
		uint64_t pfn = p[i].base / PAGE_SIZE;
		uint64_t end = range_end(&p[i]) / PAGE_SIZE;

		while (pfn < end) {
			unsigned k = PMM_MAX_ORDER;

			while (!IS_ALIGNED(pfn, 1ull << k) ||
			       pfn + (1ull << k) > end)
				k--;
			want[k]++;
			pfn += 1ull << k;
		}
	}
	for (unsigned k = 0; k <= PMM_MAX_ORDER; k++)
		sum += arena.start.free_blocks[k] << k;
	assert_int_equal(sum, arena.start.free_pages);
	assert_memory_equal(arena.start.free_blocks, want, sizeof(want));
}

static void test_every_order(void **state)
{
	for (unsigned k = 0; k <= PMM_MAX_ORDER; k++) {
		uint64_t phys = pmm_alloc(k);
		struct pmm_stats st;
		uint8_t *v;

		check_block(phys, k);
		v = fake_phys_to_virt(phys);
		v[0] = 0xa5;
		v[(PAGE_SIZE << k) - 1] = 0x5a;
		pmm_get_stats(&st);
		assert_int_equal(st.free_pages,
				 arena.start.free_pages - (1ull << k));
		pmm_free(phys, k);
		check_stats_at_start();
	}
	assert_int_equal(pmm_alloc(PMM_MAX_ORDER + 1), 0);
}

static void test_one_gib_block(void **state)
{
	uint64_t g = pmm_alloc(PMM_ORDER_1G);

	assert_int_equal(g, 0x80000000ull);
	assert_int_equal(pmm_alloc(PMM_ORDER_1G), 0);
	pmm_free(g, PMM_ORDER_1G);
	/* Split all the way down and merged back, it is whole again. */
	for (int i = 0; i < 3; i++) {
		uint64_t p = pmm_alloc(0), q = pmm_alloc(PMM_ORDER_2M);

		check_block(p, 0);
		check_block(q, PMM_ORDER_2M);
		pmm_free(p, 0);
		pmm_free(q, PMM_ORDER_2M);
	}
	assert_int_equal(pmm_alloc(PMM_ORDER_1G), 0x80000000ull);
	pmm_free(0x80000000ull, PMM_ORDER_1G);
	check_stats_at_start();
}

/* Many blocks of mixed orders, freed in another order, merge back. */
static void test_split_and_merge_back(void **state)
{
	enum { N = 1500 };
	static uint64_t phys[N], sorted[N];
	static unsigned order[N];
	uint32_t s = 7;
	size_t n = 0;

	for (size_t i = 0; i < N; i++) {
		unsigned k = rng(&s) % 10;
		uint64_t p = pmm_alloc(k);

		if (!p)
			continue;
		check_block(p, k);
		*(uint64_t *)fake_phys_to_virt(p) = p;
		phys[n] = p;
		order[n++] = k;
	}
	assert_true(n > N / 2);

	/* No two blocks overlap. */
	for (size_t i = 0; i < n; i++)
		sorted[i] = phys[i] | order[i];
	qsort(sorted, n, sizeof(sorted[0]), cmp_u64);
	for (size_t i = 1; i < n; i++) {
		uint64_t prev = sorted[i - 1] & ~(PAGE_SIZE - 1);
		unsigned prev_order = sorted[i - 1] & (PAGE_SIZE - 1);

		assert_true(prev + (PAGE_SIZE << prev_order) <=
			    (sorted[i] & ~(PAGE_SIZE - 1)));
	}

	/* Free in a random order; every block still holds its address. */
	for (size_t i = n; i > 1; i--) {
		size_t j = rng(&s) % i;
		uint64_t tp = phys[i - 1];
		unsigned to = order[i - 1];

		phys[i - 1] = phys[j];
		order[i - 1] = order[j];
		phys[j] = tp;
		order[j] = to;
	}
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(*(uint64_t *)fake_phys_to_virt(phys[i]),
				 phys[i]);
		pmm_free(phys[i], order[i]);
	}
	check_stats_at_start();
}

/* Exhausts memory at each order: exactly the aligned blocks there are. */
static void test_exhaust_and_refill(void **state)
{
	static const unsigned orders[] = {12, 9, 5, 1, 0};
	static uint64_t got[1 << 15];
	uint32_t s = 3;

	for (size_t o = 0; o < ARRAY_SIZE(orders); o++) {
		unsigned k = orders[o];
		uint64_t want = layout_blocks(&small, k), n = 0, p;

		while ((p = pmm_alloc(k)) != 0) {
			assert_true(n < ARRAY_SIZE(got));
			check_block(p, k);
			*(uint64_t *)fake_phys_to_virt(p) = p;
			got[n++] = p;
		}
		assert_int_equal(n, want);
		if (k == 0)
			assert_int_equal(n, layout_managed_pages(&small));
		for (uint64_t i = 0; i < n; i++)
			assert_int_equal(*(uint64_t *)fake_phys_to_virt(got[i]),
					 got[i]);
		shuffle(got, n, &s);
		for (uint64_t i = 0; i < n; i++)
			pmm_free(got[i], k);
		check_stats_at_start();
	}
}

/* The per-CPU cache takes a batch at once and hands it out lock-free. */
static void test_cache_batches(void **state)
{
	static uint64_t pages[200];
	struct pmm_stats first, st;

	this_cpu = 5;
	pages[0] = pmm_alloc_page();
	check_block(pages[0], 0);
	pmm_get_stats(&first);
	assert_int_equal(first.cached_pages, 31);
	assert_int_equal(first.free_pages, arena.start.free_pages - 1);

	/* The rest of the batch comes without touching the buddy lists. */
	for (int i = 1; i < 32; i++) {
		pages[i] = pmm_alloc_page();
		check_block(pages[i], 0);
	}
	pmm_get_stats(&st);
	assert_int_equal(st.cached_pages, 0);
	assert_memory_equal(st.free_blocks, first.free_blocks,
			    sizeof(st.free_blocks));

	/* A full cache (64) gives back its 32 coldest pages at once. */
	for (int i = 32; i < 200; i++)
		pages[i] = pmm_alloc_page();
	for (int i = 0, prev = 0, drains = 0; i < 200; i++) {
		pmm_free_page(pages[i]);
		pmm_get_stats(&st);
		assert_true(st.cached_pages >= 1 && st.cached_pages <= 64);
		if ((int)st.cached_pages < prev) {
			assert_int_equal(prev, 64);
			assert_int_equal(st.cached_pages, 33);
			drains++;
		}
		prev = st.cached_pages;
		if (i == 199)
			assert_true(drains >= 4);
	}
	/* Another CPU's cache is its own: it takes a batch of its own. */
	pmm_get_stats(&first);
	this_cpu = 6;
	pages[0] = pmm_alloc_page();
	pmm_get_stats(&st);
	assert_int_equal(st.cached_pages, first.cached_pages + 31);
	pmm_free_page(pages[0]);
	check_stats_at_start();
}

/* Every page goes out through one CPU's cache and comes back. */
static void test_exhaust_through_cache(void **state)
{
	static uint64_t got[1 << 15];
	uint64_t n = 0, p;
	uint32_t s = 11;

	this_cpu = 3;
	while ((p = pmm_alloc_page()) != 0) {
		assert_true(n < ARRAY_SIZE(got));
		*(uint64_t *)fake_phys_to_virt(p) = p;
		got[n++] = p;
	}
	assert_int_equal(n, layout_managed_pages(&small));
	assert_int_equal(pmm_alloc(0), 0);
	qsort(got, n, sizeof(got[0]), cmp_u64);
	for (uint64_t i = 0; i < n; i++) {
		check_block(got[i], 0);
		assert_true(i == 0 || got[i - 1] < got[i]);
		assert_int_equal(*(uint64_t *)fake_phys_to_virt(got[i]),
				 got[i]);
	}
	shuffle(got, n, &s);
	for (uint64_t i = 0; i < n; i++)
		pmm_free_page(got[i]);
	check_stats_at_start();
}

static void expect_fatal(const char *what)
{
	assert_non_null(last_fatal);
	if (!strstr(last_fatal, what))
		fail_msg("fatal \"%s\", expected \"%s\"", last_fatal, what);
	last_fatal = NULL;
}

static void test_bad_frees_detected(void **state)
{
	struct pmm_stats before, st;
	uint64_t p, q;

	p = pmm_alloc(0);
	pmm_free(p, 0);
	pmm_get_stats(&before);
	pmm_free(p, 0);
	expect_fatal("double free");
	pmm_get_stats(&st);
	assert_memory_equal(&st, &before, sizeof(st));

	p = pmm_alloc_page();
	pmm_free_page(p);
	pmm_free_page(p);
	expect_fatal("double free");
	pmm_free(p, 0);
	expect_fatal("double free");

	q = pmm_alloc(2);
	pmm_free(q + PAGE_SIZE, 2);
	expect_fatal("misaligned");
	pmm_free(q + 0x10, 0);
	expect_fatal("misaligned");
	pmm_free_page(q + 0x800);
	expect_fatal("misaligned");
	pmm_free(q, 1);
	expect_fatal("another order");
	pmm_free(q + PAGE_SIZE, 0);
	expect_fatal("never allocated");
	pmm_free_page(q + 3 * PAGE_SIZE);
	expect_fatal("never allocated");
	pmm_free(q, PMM_MAX_ORDER + 1);
	expect_fatal("above PMM_MAX_ORDER");
	pmm_free(q, 2);
	assert_null(last_fatal);

	/* Inside a free block, in a hole, in the frame table, outside. */
	pmm_free(small_ranges[2].base + 5 * PAGE_SIZE, 0);
	expect_fatal("never allocated");
	pmm_free(0x10900000ull, 0);
	expect_fatal("never allocated");
	pmm_free(small_ranges[1].base, 0);
	expect_fatal("never allocated");
	pmm_free(0x1000, 0);
	expect_fatal("does not manage");
	pmm_free(0x14000000ull, 0);
	expect_fatal("does not manage");
	pmm_free(0x13ffe000ull, 1);
	expect_fatal("does not manage");

	assert_int_equal(fatal_count, 16);
	check_stats_at_start();
}

static void test_cpu_id_out_of_range(void **state)
{
	uint64_t p;

	this_cpu = PMM_MAX_CPUS;
	p = pmm_alloc_page();
	expect_fatal("cpu_id");
	check_block(p, 0);
	pmm_free_page(p);
	expect_fatal("cpu_id");
	this_cpu = 0;
	check_stats_at_start();
}

static void test_page_zero_never_used(void **state)
{
	static uint64_t got[2048];
	uint64_t n = 0, p;

	assert_int_equal(arena.start.metadata_pages, 1);
	assert_int_equal(arena.start.managed_pages, 2046);
	while ((p = pmm_alloc(0)) != 0) {
		assert_true(n < ARRAY_SIZE(got));
		check_block(p, 0);
		got[n++] = p;
	}
	assert_int_equal(n, 2046);
	for (uint64_t i = 0; i < n; i++)
		pmm_free(got[i], 0);
	check_stats_at_start();
}

static void test_init_failures_keep_state(void **state)
{
	const struct mem_range far_apart[] = {
	    R(0x10001000ull, 0x10002000ull),
	    R(0x13ffe000ull, 0x13fff000ull),
	};
	const struct mem_range only_page_zero[] = {R(0, 0x1000)};
	const struct mem_range sub_page[] = {
	    {0x10001800ull, 0x800, MEM_USABLE},
	};
	uint64_t p = pmm_alloc(3);

	assert_false(pmm_init(&plat, NULL, 0));
	assert_false(pmm_init(&plat, far_apart, 2));
	assert_false(pmm_init(&plat, only_page_zero, 1));
	assert_false(pmm_init(&plat, sub_page, 1));
	/* The allocator set up before is untouched. */
	pmm_free(p, 3);
	check_stats_at_start();
}

static void test_init_unaligned_ranges(void **state)
{
	const struct mem_range ragged[] = {
	    {0x10001800ull, 0x10000 - 0x1810, MEM_USABLE},
	    {0x12000001ull, 0x3000, MEM_USABLE},
	};
	struct pmm_stats st;
	uint64_t p;

	uint64_t n = 0;

	/* Frames 0x10002..0x1000e and 0x12001..0x12002; 3 table pages. */
	assert_true(pmm_init(&plat, ragged, 2));
	pmm_get_stats(&st);
	assert_int_equal(st.metadata_pages, 3);
	assert_int_equal(st.managed_pages, 13 - 3 + 2);
	while ((p = pmm_alloc(0)) != 0) {
		assert_true((p >= 0x10005000ull && p < 0x1000f000ull) ||
			    (p >= 0x12001000ull && p < 0x12003000ull));
		n++;
	}
	assert_int_equal(n, 12);
}

/* --- many CPUs at once --------------------------------------------------- */

enum { THREADS = 8, HELD_MAX = 300, STEPS = 40000 };

struct worker {
	pthread_t thread;
	unsigned cpu;
	unsigned corrupt;
	uint64_t allocs;
};

static uint64_t page_tag(unsigned cpu, uint64_t phys)
{
	return ((uint64_t)cpu << 56) ^ phys ^ 0x5a5a5a5a5aull;
}

static void page_fill(unsigned cpu, uint64_t phys)
{
	uint64_t *v = fake_phys_to_virt(phys);

	v[0] = page_tag(cpu, phys);
	v[PAGE_SIZE / 8 - 1] = ~page_tag(cpu, phys);
}

static bool page_intact(unsigned cpu, uint64_t phys)
{
	uint64_t *v = fake_phys_to_virt(phys);

	return v[0] == page_tag(cpu, phys) &&
	       v[PAGE_SIZE / 8 - 1] == ~page_tag(cpu, phys);
}

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	uint64_t held[HELD_MAX];
	size_t n = 0;
	uint32_t s = 1000 + w->cpu;

	this_cpu = w->cpu;
	for (int step = 0; step < STEPS; step++) {
		uint32_t r = rng(&s);

		if (r % 997 == 0) {
			/* Now and then a larger block through the lock. */
			unsigned k = 1 + r % 4;
			uint64_t b = pmm_alloc(k);

			if (b) {
				page_fill(w->cpu, b);
				if (!page_intact(w->cpu, b))
					w->corrupt++;
				pmm_free(b, k);
			}
		} else if (n < HELD_MAX && (n == 0 || r % 8 < 5)) {
			uint64_t p = pmm_alloc_page();

			if (p) {
				page_fill(w->cpu, p);
				held[n++] = p;
				w->allocs++;
			}
		} else {
			size_t i = r % n;

			if (!page_intact(w->cpu, held[i]))
				w->corrupt++;
			pmm_free_page(held[i]);
			held[i] = held[--n];
		}
	}
	while (n) {
		n--;
		if (!page_intact(w->cpu, held[n]))
			w->corrupt++;
		pmm_free_page(held[n]);
	}
	return NULL;
}

static void test_many_cpus_at_once(void **state)
{
	struct worker w[THREADS];

	for (unsigned i = 0; i < THREADS; i++) {
		w[i] = (struct worker){.cpu = i * 7 + 1};
		assert_int_equal(
		    pthread_create(&w[i].thread, NULL, worker_run, &w[i]), 0);
	}
	for (unsigned i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_join(w[i].thread, NULL), 0);
		assert_int_equal(w[i].corrupt, 0);
		assert_true(w[i].allocs > STEPS / 4);
	}
	assert_int_equal(fatal_count, 0);
	check_stats_at_start();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_init_stats, setup_big,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_every_order, setup_big,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_one_gib_block, setup_big,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_split_and_merge_back,
					    setup_big, teardown),
	    cmocka_unit_test_setup_teardown(test_exhaust_and_refill,
					    setup_small, teardown),
	    cmocka_unit_test_setup_teardown(test_cache_batches, setup_small,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_exhaust_through_cache,
					    setup_small, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_frees_detected,
					    setup_small_recording, teardown),
	    cmocka_unit_test_setup_teardown(test_cpu_id_out_of_range,
					    setup_small_recording, teardown),
	    cmocka_unit_test_setup_teardown(test_page_zero_never_used,
					    setup_zero, teardown),
	    cmocka_unit_test_setup_teardown(test_init_failures_keep_state,
					    setup_small, teardown),
	    cmocka_unit_test_setup_teardown(test_init_unaligned_ranges,
					    setup_small, teardown),
	    cmocka_unit_test_setup_teardown(test_many_cpus_at_once,
					    setup_small_recording, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
