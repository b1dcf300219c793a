/*
 * Stress of the MMU core: threads (twice the cores by default) access
 * guest memory through the tree, faulting random and overlapping pages in,
 * while they also zap, split, collapse, write-protect, age and dirty-log
 * random ranges, for a fixed number of operations.
 *
 * Every thread owns one 64-bit word of every guest page and remembers what
 * it wrote there, so a read through whatever mapping exists at the moment
 * must return it: data survives every zap, split and collapse, and a leaf
 * never maps another page's backing. At checkpoints (all threads parked)
 * and at the end: the audit finds no DISCONNECTED_PTE reachable from the
 * root, every leaf maps its slot's backing for its gfn with at most the
 * slot's rights, the books equal a fresh walk; after a reclaim barrier the
 * pages the platform has out equal exactly what the books say is in use;
 * after teardown nothing is left and nothing was freed twice.
 *
 * Each thread is a CPU with a TLB (tests/mmu/tlb_model.h): its accesses
 * use the translations it cached until a flush drops them, so a flush
 * that is missing or late lets a write through a stale translation. The
 * dirty log and aging of the demand-paged slot are checked against a
 * clock that every access ticks before it starts and every get-and-clear
 * or aging ticks after it returns: at each checkpoint (after a
 * get-and-clear and an aging of the whole slot) every page written since
 * the last get-and-clear that reported it, and every page whose leaf a
 * walk found since the last aging that reported it young, fails the run.
 * A walk without a TLB miss sets nothing in the tree, as on the hardware,
 * so only walks count for aging.
 *
 * --large-nx turns on the rule that no leaf above 4 KiB is executable
 * (tdp_vm.large_leaves_nx) and makes a quarter of the reads instruction
 * fetches, which split large leaves under the other threads' operations;
 * the audit then also finds any executable large leaf.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arch/x86/ept_format.h"
#include "arch/x86/npt_format.h"
#include "mm/tdp_internal.h"
#include "tests/mmu/guest_access.h"
#include "tests/mmu/host_platform.h"

#define DEMAND_GPA   0ull
#define DEMAND_PAGES 4096ull /* 16 MiB, 4K leaves */
#define DEMAND_GFN   (DEMAND_GPA >> PAGE_SHIFT)
#define SMALL_GPA    (64 * MiB)
#define SMALL_PAGES  2048ull /* 8 MiB, 2M leaves */
#define HUGE_GPA     (1 * GiB)
#define HUGE_PAGES   (1ull << 18) /* 1 GiB, one 1G leaf */
#define HUGE_STRIDE  64		  /* pages of it that are accessed */
#define MMIO_GPA     (3 * GiB)
#define HOT_PAGES    1024ull /* where half the work goes */

struct options {
	unsigned threads;
	uint64_t ops;	     /* per thread */
	uint64_t checkpoint; /* ops between checkpoints */
	uint64_t seed;
	bool hot;	   /* everything within HOT_PAGES of two slots */
	bool strict_flush; /* check_flushed() also when nothing was changed */
	bool large_nx;	   /* large leaves not executable, fetches too */
	const struct tdp_format *fmt;
};

struct stress {
	struct options opt;
	struct host_platform hp;
	struct tdp_vm vm;
	int slot_demand, slot_small, slot_huge;
	uint64_t npages; /* pages in the model */
	pthread_barrier_t barrier;
	uint64_t clock; /* ticked by accesses, get-and-clears and agings */
	uint64_t stale; /* translations left by an operation that returned */
	uint64_t lost;	/* writes and accesses the dirty log or aging lost */
	uint64_t exec_large; /* accesses that found an executable large leaf */
	bool failed;
};

struct worker {
	struct stress *st;
	unsigned id;
	uint64_t rng;
	uint64_t *expect; /* what this thread's word of each page holds */
	uint64_t counts[10];
	/* Per page of the demand slot, clock values: before this thread's
	 * last write to it, and after its last get-and-clear that reported
	 * it; before its last access that walked to the page's leaf, and
	 * after its last aging that reported it young. */
	uint64_t *wrote, *reported;
	uint64_t *walked, *young;
};

enum op {
	OP_WRITE,
	OP_READ,
	OP_ZAP,
	OP_SPLIT,
	OP_COLLAPSE,
	OP_WP,
	OP_AGE,
	OP_DIRTY,
	OP_MMIO,
	OP_COUNT
};
static const char *const op_names[] = {"write", "read",	    "zap",
				       "split", "collapse", "wprot",
				       "age",	"dirty",    "mmio"};

static uint64_t rnd(struct worker *w)
{
	w->rng ^= w->rng << 13;
	w->rng ^= w->rng >> 7;
	w->rng ^= w->rng << 17;
	return w->rng;
}

/* Model index -> gfn: the demand slot, the small slot, then every
 * HUGE_STRIDE-th page of the huge slot. */
static uint64_t page_gfn(uint64_t i)
{
	if (i < DEMAND_PAGES)
		return (DEMAND_GPA >> PAGE_SHIFT) + i;
	i -= DEMAND_PAGES;
	if (i < SMALL_PAGES)
		return (SMALL_GPA >> PAGE_SHIFT) + i;
	i -= SMALL_PAGES;
	return (HUGE_GPA >> PAGE_SHIFT) + i * HUGE_STRIDE + (i % 7);
}

/* The first few of a kind of failure are told in full. */
#define FAILS_TOLD 5

static uint64_t tick(struct stress *st)
{
	return __atomic_add_fetch(&st->clock, 1, __ATOMIC_SEQ_CST);
}

static void fail(struct stress *st, const char *what, uint64_t a, uint64_t b)
{
	fprintf(stderr, "FAIL: %s (%#llx, %#llx)\n", what,
		(unsigned long long)a, (unsigned long long)b);
	__atomic_store_n(&st->failed, true, __ATOMIC_RELAXED);
}

/* A range of gfns: mostly up to two 2 MiB blocks somewhere in a slot,
 * sometimes a whole slot. */
static void random_range(struct worker *w, uint64_t *start, uint64_t *end)
{
	static const uint64_t base[] = {DEMAND_GPA >> 12, SMALL_GPA >> 12,
					HUGE_GPA >> 12};
	static const uint64_t size[] = {DEMAND_PAGES, SMALL_PAGES, HUGE_PAGES};
	unsigned s = rnd(w) % 3;
	uint64_t len;

	if (w->st->opt.hot) {
		s = rnd(w) % 2;
		*start = base[s] + rnd(w) % HOT_PAGES;
		*end = MIN(*start + 1 + rnd(w) % 64, base[s] + HOT_PAGES);
		if (rnd(w) % 4 == 0) {
			*start = ALIGN_DOWN(*start, 512);
			*end = *start + 512;
		}
		return;
	}
	if (rnd(w) % 16 == 0) {
		*start = base[s];
		*end = base[s] + size[s];
		return;
	}
	len = 1 + rnd(w) % 1024;
	*start = base[s] + rnd(w) % (rnd(w) % 2 ? HOT_PAGES : size[s]);
	if (rnd(w) % 2)
		*start = ALIGN_DOWN(*start, 512);
	*end = MIN(*start + len, base[s] + size[s]);
}

/* Records when pages of the demand slot were reported: bit j of bits is
 * gfn first + j, for n gfns. */
static void note_reported(struct worker *w, uint64_t *when,
			  const uint64_t *bits, uint64_t first, uint64_t n)
{
	uint64_t t = tick(w->st), j;

	for (j = 0; j < n; j++)
		if (first + j - DEMAND_GFN < DEMAND_PAGES &&
		    (bits[j / 64] >> (j % 64) & 1))
			when[first + j - DEMAND_GFN] = t;
}

/*
 * With --large-nx, no leaf above 4 KiB may ever be executable, whoever
 * made it and whatever runs meanwhile: the leaf that maps gpa right after
 * an access is looked at, so that one made by a fault, split or collapse
 * is found where the threads work, not only at a checkpoint.
 */
static void check_not_exec_large(struct stress *st, uint64_t gpa)
{
	uint64_t ptes[TDP_MAX_LEVELS + 1];
	unsigned level = tdp_walk(&st->vm, gpa, ptes);

	if (level <= 1 || !tdp_pte_present(st->vm.fmt, ptes[level]) ||
	    !(tdp_pte_access(st->vm.fmt, ptes[level]) & TDP_ACC_EXEC))
		return;
	if (__atomic_fetch_add(&st->exec_large, 1, __ATOMIC_RELAXED) <
	    FAILS_TOLD)
		fprintf(stderr,
			"FAIL: gpa %#llx is mapped by an executable level-%u "
			"leaf with --large-nx\n",
			(unsigned long long)gpa, level);
	__atomic_store_n(&st->failed, true, __ATOMIC_RELAXED);
}

/* A read, a write or (with --large-nx, a quarter of the reads) an
 * instruction fetch of this thread's word of a random page. */
static void do_access(struct worker *w, bool write)
{
	struct stress *st = w->st;
	uint64_t v, i = rnd(w) % st->npages;
	uint64_t gpa, t, walks;

	/* Half of the accesses go to the first pages of the two small
	 * slots, where the range operations meet them most. */
	if (st->opt.hot || rnd(w) % 2)
		i = (rnd(w) % 2 ? 0 : DEMAND_PAGES) + rnd(w) % HOT_PAGES;
	gpa = (page_gfn(i) << PAGE_SHIFT) + w->id * 8;
	/* The demand slot's pages: when, and did it walk? */
	t = i < DEMAND_PAGES ? tick(st) : 0;
	walks = guest_walks(&st->vm);

	if (write) {
		v = (rnd(w) << 8) | w->id;
		if (!guest_write_faulting(&st->vm, gpa, v))
			fail(st, "write fault failed", gpa, 0);
		w->expect[i] = v;
	} else if (st->opt.large_nx && rnd(w) % 4 == 0) {
		if (!guest_fetch_faulting(&st->vm, gpa, &v))
			fail(st, "fetch fault failed", gpa, 0);
		else if (v != w->expect[i])
			fail(st, "fetched wrong data", gpa, v);
	} else {
		if (!guest_read_faulting(&st->vm, gpa, &v))
			fail(st, "read fault failed", gpa, 0);
		else if (v != w->expect[i])
			fail(st, "read back wrong data", gpa, v);
	}
	if (st->opt.large_nx)
		check_not_exec_large(st, gpa);
	if (i < DEMAND_PAGES) {
		if (write)
			w->wrote[i] = t;
		if (guest_walks(&st->vm) != walks)
			w->walked[i] = t;
	}
}

/*
 * Once a range operation has returned, no CPU may hold a translation it
 * removed (DESIGN.md, "Flushes"): none of [start, end) (of pages, if
 * given) cached before the operation began at TLB clock before; after a
 * write protection, none with write access. Checked after an operation
 * that changed something itself; with --strict-flush also after one that
 * found its work done, by another CPU whose flush it must then wait for
 * or make.
 */
static void check_flushed(struct worker *w, const char *op, uint64_t start,
			  uint64_t end, const uint64_t *pages, uint64_t before,
			  bool writable)
{
	struct stress *st = w->st;
	struct tlb_entry e;
	unsigned cpu;

	if (!tlb_find_older(st->hp.tlb, st->vm.root, start, end, pages, before,
			    writable, &cpu, &e))
		return;
	if (__atomic_fetch_add(&st->stale, 1, __ATOMIC_RELAXED) < FAILS_TOLD)
		fprintf(stderr,
			"FAIL: %s of [%#llx, %#llx) returned on cpu%u while "
			"cpu%u still had the%s translation of gfn %#llx "
			"(level %u) it cached before the operation began\n",
			op, (unsigned long long)start, (unsigned long long)end,
			w->id, cpu, e.rights & TDP_ACC_WRITE ? " writable" : "",
			(unsigned long long)(e.tag << tdp_level_shift(e.level)),
			e.level);
	__atomic_store_n(&st->failed, true, __ATOMIC_RELAXED);
}

static void do_op(struct worker *w)
{
	struct stress *st = w->st;
	struct tdp_vm *vm = &st->vm;
	uint64_t r = rnd(w) % 100, start, end, out[4096 / 64], t;
	enum op op;

	if (r < 30)
		op = OP_WRITE;
	else if (r < 55)
		op = OP_READ;
	else if (r < 99)
		op = OP_ZAP + (r - 55) % 6;
	else
		op = rnd(w) % 2 ? OP_DIRTY : OP_MMIO;
	w->counts[op]++;
	random_range(w, &start, &end);
	switch (op) {
	case OP_WRITE:
	case OP_READ:
		do_access(w, op == OP_WRITE);
		break;
	case OP_ZAP:
		t = tlb_tick(st->hp.tlb);
		if (tdp_zap_range(vm, start, end) || st->opt.strict_flush)
			check_flushed(w, "zap", start, end, NULL, t, false);
		break;
	case OP_SPLIT:
		tdp_split_range(vm, start, end, 1 + rnd(w) % 2);
		break;
	case OP_COLLAPSE:
		tdp_collapse_range(vm, start, end);
		break;
	case OP_WP:
		t = tlb_tick(st->hp.tlb);
		if (tdp_write_protect_range(vm, start, end) ||
		    st->opt.strict_flush)
			check_flushed(w, "write protection", start, end, NULL,
				      t, true);
		break;
	case OP_AGE: {
		uint64_t *young = calloc(ALIGN_UP(end - start, 64) / 8, 1);

		tdp_age_range(vm, start, end, young);
		note_reported(w, w->young, young, start, end - start);
		free(young);
		break;
	}
	case OP_DIRTY:
		switch (rnd(w) % 4) {
		case 0:
			tdp_dirty_log_start(vm, st->slot_demand);
			break;
		case 1:
			tdp_dirty_log_stop(vm, st->slot_demand);
			break;
		default:
			t = tlb_tick(st->hp.tlb);
			tdp_dirty_log_get_and_clear(vm, st->slot_demand, out);
			note_reported(w, w->reported, out, DEMAND_GFN,
				      DEMAND_PAGES);
			/* Whether it protected anything itself is not told. */
			if (st->opt.strict_flush)
				check_flushed(w, "get-and-clear", DEMAND_GFN,
					      DEMAND_GFN + DEMAND_PAGES, out, t,
					      true);
		}
		break;
	case OP_MMIO:
		if (tdp_fault(vm, MMIO_GPA + (rnd(w) % 1024) * PAGE_SIZE,
			      TDP_ACC_WRITE) != TDP_FAULT_MMIO)
			fail(st, "fault outside the slots not MMIO", 0, 0);
		break;
	default:
		break;
	}
}

/* Pages of the slots' arrays, from the orders they were allocated with. */
static int64_t slot_array_pages(struct tdp_vm *vm)
{
	int64_t n = 0;
	unsigned i;

	for (i = 0; i < TDP_MAX_SLOTS; i++) {
		struct tdp_memslot *s = &vm->slots[i];

		if (s->npages)
			n += (1ll << s->backing_order) +
			     2 * (1ll << s->bitmap_order);
	}
	return n;
}

/* Page i was done to (what) by cpu at clock when, after the last call
 * that reported it (by) had returned, at clock reported. */
static void lost(struct stress *st, const char *what, const char *by,
		 uint64_t i, unsigned cpu, uint64_t when, uint64_t reported)
{
	if (__atomic_fetch_add(&st->lost, 1, __ATOMIC_RELAXED) < FAILS_TOLD)
		fprintf(stderr,
			"FAIL: gfn %#llx %s by cpu%u (clock %llu) after the "
			"last %s reporting it had returned (clock %llu), and "
			"never reported since\n",
			(unsigned long long)page_gfn(i), what, cpu,
			(unsigned long long)when, by,
			(unsigned long long)reported);
	__atomic_store_n(&st->failed, true, __ATOMIC_RELAXED);
}

/*
 * All threads parked: a get-and-clear of the demand slot (logging first
 * turned on, which moves the dirtiness kept in writable leaves into the
 * bitmap) and an aging of all of it; then every page written since it was
 * last reported dirty, and every page walked to since it was last
 * reported young, is lost.
 */
static void check_dirty_and_young(struct stress *st, struct worker *workers)
{
	struct tdp_vm *vm = &st->vm;
	uint64_t bits[DEMAND_PAGES / 64], i;
	struct worker *me = &workers[0];
	unsigned t;

	tdp_dirty_log_start(vm, st->slot_demand);
	tdp_dirty_log_get_and_clear(vm, st->slot_demand, bits);
	note_reported(me, me->reported, bits, DEMAND_GFN, DEMAND_PAGES);
	tdp_age_range(vm, DEMAND_GFN, DEMAND_GFN + DEMAND_PAGES, bits);
	note_reported(me, me->young, bits, DEMAND_GFN, DEMAND_PAGES);
	for (i = 0; i < DEMAND_PAGES; i++) {
		uint64_t wrote = 0, reported = 0, walked = 0, young = 0;
		unsigned writer = 0, walker = 0;

		for (t = 0; t < st->opt.threads; t++) {
			struct worker *w = &workers[t];

			if (w->wrote[i] > wrote)
				wrote = w->wrote[i], writer = t;
			if (w->walked[i] > walked)
				walked = w->walked[i], walker = t;
			reported = MAX(reported, w->reported[i]);
			young = MAX(young, w->young[i]);
		}
		if (wrote > reported)
			lost(st, "written", "get-and-clear", i, writer, wrote,
			     reported);
		if (walked > young)
			lost(st, "walked to", "aging", i, walker, walked,
			     young);
	}
}

/* All threads parked: the tree, the books, the dirty log and aging, the
 * data and the pages. */
static void checkpoint(struct stress *st, struct worker *workers)
{
	struct tdp_vm *vm = &st->vm;
	struct tdp_audit a;
	struct tdp_stats s;
	int64_t cached = 0, expected;
	uint64_t i, v;
	unsigned t;

	if (!tdp_audit(vm, &a))
		fail(st, "audit", a.disconnected,
		     a.bad_leaves * 1000000 + a.bad_entries);
	if (a.exec_large)
		fail(st, "executable leaves above 4 KiB with --large-nx",
		     a.exec_large, 0);
	check_dirty_and_young(st, workers);
	for (t = 0; t < st->opt.threads; t++)
		for (i = 0; i < st->npages; i++) {
			uint64_t gpa = (page_gfn(i) << PAGE_SHIFT) + t * 8;

			if (!guest_read_faulting(vm, gpa, &v) ||
			    v != workers[t].expect[i])
				fail(st, "data lost", gpa, v);
		}
	tdp_reclaim_barrier(vm);
	tdp_get_stats(vm, &s);
	for (t = 0; t < TDP_MAX_CPUS; t++)
		cached += vm->cpu[t].ncache;
	expected =
	    1 + s.table_pages + s.backing_pages + slot_array_pages(vm) + cached;
	if (s.pending_free || host_live_pages(&st->hp) != expected)
		fail(st, "pages out != pages in use", host_live_pages(&st->hp),
		     expected);
	if (s.warnings || st->hp.bad_frees)
		fail(st, "warnings or bad frees", s.warnings, st->hp.bad_frees);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg, *all = w - w->id;
	struct stress *st = w->st;
	uint64_t n;

	host_platform_set_cpu(w->id);
	for (n = 1; n <= st->opt.ops; n++) {
		do_op(w);
		if (n % st->opt.checkpoint == 0 || n == st->opt.ops) {
			pthread_barrier_wait(&st->barrier);
			if (w->id == 0)
				checkpoint(st, all);
			pthread_barrier_wait(&st->barrier);
		}
	}
	return NULL;
}

static bool setup(struct stress *st)
{
	struct tdp_vm *vm = &st->vm;

	host_platform_init(&st->hp, st->opt.threads, true);
	host_platform_model_tlb(&st->hp);
	host_platform_set_cpu(0);
	if (!tdp_vm_init(vm, st->opt.fmt, &st->hp.plat, 3))
		return false;
	vm->large_leaves_nx = st->opt.large_nx;
	st->slot_demand =
	    tdp_slot_add(vm, DEMAND_GPA, DEMAND_PAGES * PAGE_SIZE, 0);
	st->slot_small = tdp_slot_add(vm, SMALL_GPA, SMALL_PAGES * PAGE_SIZE,
				      TDP_SLOT_PREALLOC);
	st->slot_huge = tdp_slot_add(vm, HUGE_GPA, HUGE_PAGES * PAGE_SIZE,
				     TDP_SLOT_PREALLOC);
	st->npages = DEMAND_PAGES + SMALL_PAGES + HUGE_PAGES / HUGE_STRIDE;
	return st->slot_demand >= 0 && st->slot_small >= 0 &&
	       st->slot_huge >= 0;
}

static int run(struct options *opt)
{
	struct stress *st = calloc(1, sizeof(*st));
	struct worker *w = calloc(opt->threads, sizeof(*w));
	pthread_t *tid = calloc(opt->threads, sizeof(*tid));
	uint64_t totals[OP_COUNT] = {0};
	struct tlb_stats tlb;
	struct tdp_stats s;
	unsigned t, i;
	bool ok;

	st->opt = *opt;
	if (!setup(st)) {
		fprintf(stderr, "setup failed\n");
		return 1;
	}
	pthread_barrier_init(&st->barrier, NULL, opt->threads);
	for (t = 0; t < opt->threads; t++) {
		w[t] = (struct worker){
		    .st = st, .id = t, .rng = opt->seed * 7919 + t + 1};
		w[t].expect = calloc(st->npages, sizeof(uint64_t));
		w[t].wrote = calloc(DEMAND_PAGES, sizeof(uint64_t));
		w[t].reported = calloc(DEMAND_PAGES, sizeof(uint64_t));
		w[t].walked = calloc(DEMAND_PAGES, sizeof(uint64_t));
		w[t].young = calloc(DEMAND_PAGES, sizeof(uint64_t));
		pthread_create(&tid[t], NULL, worker_main, &w[t]);
	}
	for (t = 0; t < opt->threads; t++)
		pthread_join(tid[t], NULL);
	tdp_get_stats(&st->vm, &s);
	for (t = 0; t < opt->threads; t++)
		for (i = 0; i < OP_COUNT; i++)
			totals[i] += w[t].counts[i];
	printf("%s: %u threads x %llu ops:", opt->fmt->name, opt->threads,
	       (unsigned long long)opt->ops);
	for (i = 0; i < OP_COUNT; i++)
		printf(" %s %llu", op_names[i], (unsigned long long)totals[i]);
	printf("\n  tables freed %lld, flushes %lld, splits for a fetch %lld, "
	       "walks restarted %lld, of them faults",
	       (long long)s.freed_tables, (long long)st->hp.flushes,
	       (long long)s.nx_splits, (long long)s.walk_restarts);
	{
		uint64_t restarts = 0;

		for (t = 0; t < opt->threads; t++)
			restarts += st->vm.cpu[t].restarts;
		printf(" %llu\n", (unsigned long long)restarts);
	}
	tlb_get_stats(st->hp.tlb, &tlb);
	printf("  TLB: hits %llu, walks %llu (from a cached table %llu, to "
	       "set dirty %llu), faults %llu\n",
	       (unsigned long long)tlb.hits, (unsigned long long)tlb.walks,
	       (unsigned long long)tlb.table_walks,
	       (unsigned long long)tlb.dirty_walks,
	       (unsigned long long)tlb.faults);
	tdp_vm_destroy(&st->vm);
	if (host_live_pages(&st->hp) != 0 || st->hp.bad_frees ||
	    st->hp.allocs != st->hp.frees)
		fail(st, "teardown left pages", host_live_pages(&st->hp),
		     st->hp.bad_frees);
	if (st->hp.freed_walks)
		fail(st, "walks read a freed table", st->hp.freed_walks, 0);
	if (st->stale || st->lost)
		fail(st,
		     "translations left after a flush, writes or accesses "
		     "lost",
		     st->stale, st->lost);
	ok = !st->failed && !st->hp.reports;
	printf("  %s\n", ok ? "ok" : "FAILED");
	for (t = 0; t < opt->threads; t++) {
		free(w[t].expect);
		free(w[t].wrote);
		free(w[t].reported);
		free(w[t].walked);
		free(w[t].young);
	}
	pthread_barrier_destroy(&st->barrier);
	host_platform_fini(&st->hp);
	free(tid);
	free(w);
	free(st);
	return ok ? 0 : 1;
}

static void usage(void)
{
	fprintf(stderr, "usage: mmu_stress [-t threads] [-n ops-per-thread] "
			"[-c checkpoint-every] [-s seed] [-f ept|npt|both|ept-no-ad] "
			"[--hot] [--soak] [--strict-flush] [--large-nx]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct options opt = {.ops = 20000, .checkpoint = 5000, .seed = 1};
	const char *fmt = "both";
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	int i, rc = 0;

	opt.threads = MAX(4, 2 * (cores > 0 ? cores : 1));
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--soak")) {
			opt.ops = 2000000;
			opt.checkpoint = 100000;
		} else if (!strcmp(a, "--hot")) {
			opt.hot = true;
		} else if (!strcmp(a, "--strict-flush")) {
			opt.strict_flush = true;
		} else if (!strcmp(a, "--large-nx")) {
			opt.large_nx = true;
		} else if (v && !strcmp(a, "-t")) {
			opt.threads = strtoul(v, NULL, 0), i++;
		} else if (v && !strcmp(a, "-n")) {
			opt.ops = strtoull(v, NULL, 0), i++;
		} else if (v && !strcmp(a, "-c")) {
			opt.checkpoint = strtoull(v, NULL, 0), i++;
		} else if (v && !strcmp(a, "-s")) {
			opt.seed = strtoull(v, NULL, 0), i++;
		} else if (v && !strcmp(a, "-f")) {
			fmt = v, i++;
		} else {
			usage();
		}
	}
	if (!opt.threads || opt.threads > TDP_MAX_CPUS || !opt.ops ||
	    !opt.checkpoint)
		usage();
	if (!strcmp(fmt, "ept-no-ad")) {
		/* EPT whose hardware sets no accessed or dirty flag. */
		opt.fmt = &ept_format_no_ad;
		return run(&opt);
	}
	if (strcmp(fmt, "npt")) {
		opt.fmt = &ept_format;
		rc |= run(&opt);
	}
	if (strcmp(fmt, "ept")) {
		opt.fmt = &npt_format;
		rc |= run(&opt);
	}
	return rc;
}
