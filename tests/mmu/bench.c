/*
 * Benchmark of the MMU core (not a test: it prints figures).
 *
 *   mmu_bench            everything below, one table per measurement
 *   mmu_bench --faults   only the table of 4K demand faults
 *   mmu_bench --warm N   only N warm 4K faults in bench_warm_faults(), for
 *                        counting instructions under callgrind
 *
 * Measured: 4K demand faults per second with 1, 2, 4 and 8 threads on
 * disjoint and on overlapping ranges, lock-free and with the lock taken
 * exclusively in the fault path; zap+refault cost; teardown cost per GiB
 * mapped; table pages per GiB at each page size against the minimum; pages
 * left after teardown.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sched.h>
#include <unistd.h>
#include <sys/resource.h>

#include "arch/x86/ept_format.h"
#include "mm/tdp_internal.h"
#include "tests/mmu/host_platform.h"

#define FAULT_PAGES 32768ull /* per thread: 128 MiB */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

struct bench_vm {
	struct host_platform hp;
	struct tdp_vm vm;
};

/*
 * Cache-line aligned: calloc() would not honour the alignment of the
 * per-CPU structs inside struct tdp_vm, and two CPUs sharing a line there
 * would be measured as contention in the MMU core.
 */
static struct bench_vm *bench_vm_new(unsigned cpus, unsigned max_level,
				     uint64_t pool_pages)
{
	struct bench_vm *b = aligned_alloc(64, ALIGN_UP(sizeof(*b), 64));

	if (!b)
		abort();
	memset(b, 0, sizeof(*b));
	host_platform_init(&b->hp, cpus, false);
	if (pool_pages)
		host_platform_use_pool(&b->hp, pool_pages);
	host_platform_set_cpu(0);
	if (!tdp_vm_init(&b->vm, &ept_format, &b->hp.plat, max_level))
		abort();
	return b;
}

/* Tears down and returns the pages left over (should be 0). */
static int64_t bench_vm_free(struct bench_vm *b)
{
	int64_t left;

	host_platform_set_cpu(0);
	tdp_vm_destroy(&b->vm);
	left = host_live_pages(&b->hp);
	host_platform_fini(&b->hp);
	free(b);
	return left;
}

/* A demand-paged slot whose arrays (backing, dirty and young bitmaps) the
 * host has mapped already, as the hypervisor's memory always is. */
static void slot_add_prefaulted(struct tdp_vm *vm, uint64_t gfn, uint64_t n)
{
	int id = tdp_slot_add(vm, gfn << PAGE_SHIFT, n << PAGE_SHIFT, 0);
	struct tdp_memslot *s;

	if (id < 0)
		abort();
	s = &vm->slots[id];
	host_prefault(s->backing, PAGE_SIZE << s->backing_order);
	host_prefault(s->dirty, PAGE_SIZE << s->bitmap_order);
	host_prefault(s->young, PAGE_SIZE << s->bitmap_order);
}

enum fault_kind {
	FAULT_FIRST,   /* first touch: backing allocated and zeroed */
	FAULT_BACKED,  /* tables rebuilt, backing present (no zeroing) */
	FAULT_ZEROING, /* the platform's page allocation + zeroing alone */
};

struct fault_run {
	struct bench_vm *b;
	enum fault_kind kind;
	unsigned nthreads;
	unsigned ready; /* threads at the start line */
	uint64_t host_faults;
};

/* One thread's state, on cache lines of its own: it writes its times. */
struct fault_thread {
	struct fault_run *run;
	unsigned id;
	uint64_t first, count, stride;
	double start, end;
	long host_faults;
} __attribute__((aligned(64)));

static long thread_host_faults(void)
{
	struct rusage ru;

	getrusage(RUSAGE_THREAD, &ru);
	return ru.ru_minflt + ru.ru_majflt;
}

/*
 * The threads start together without the main thread: each spins (giving
 * the CPU away, in case there are more threads than CPUs) until all are
 * at the start line, then times its own loop. Waking threads from a
 * barrier would time the host's wake-up of an idle vCPU.
 */
static void *fault_thread_main(void *arg)
{
	struct fault_thread *t = arg;
	struct fault_run *run = t->run;
	struct tdp_vm *vm = &run->b->vm;
	void *ctx = run->b->hp.plat.ctx;
	uint64_t i, gfn;

	host_platform_set_cpu(t->id);
	__atomic_add_fetch(&run->ready, 1, __ATOMIC_ACQ_REL);
	while (__atomic_load_n(&run->ready, __ATOMIC_ACQUIRE) < run->nthreads)
		sched_yield();
	t->host_faults = thread_host_faults();
	t->start = now();
	for (i = 0; i < t->count; i++) {
		if (run->kind == FAULT_ZEROING) {
			if (!run->b->hp.plat.alloc_pages(ctx, 0, true))
				abort();
			continue;
		}
		/* Overlapping threads walk the same pages from different
		 * starting points. */
		gfn = t->first + (i + t->id * t->stride) % t->count;
		if (tdp_fault(vm, gfn << PAGE_SHIFT, TDP_ACC_WRITE) !=
		    TDP_FAULT_OK)
			abort();
	}
	t->end = now();
	t->host_faults = thread_host_faults() - t->host_faults;
	return NULL;
}

/* Backing for every page of every thread, from that thread's pool, and
 * then no tables: the timed faults rebuild the tables only. */
static void fault_back_all(struct fault_run *run, struct fault_thread *t)
{
	struct tdp_vm *vm = &run->b->vm;
	unsigned i;
	uint64_t gfn;

	for (i = 0; i < run->nthreads; i++) {
		host_platform_set_cpu(i);
		for (gfn = t[i].first; gfn < t[i].first + t[i].count; gfn++)
			if (tdp_fault(vm, gfn << PAGE_SHIFT, TDP_ACC_WRITE) !=
			    TDP_FAULT_OK)
				abort();
	}
	host_platform_set_cpu(0);
	tdp_zap_range(vm, 0, t[0].first + t[0].count * run->nthreads);
	tdp_reclaim_barrier(vm);
}

/*
 * Faults per second (fault calls, every one of which maps or finds the
 * page mapped) for nthreads threads: from the first thread's start to the
 * last one's end. Everything the timed loops use is allocated and mapped
 * by the host before they start (per-CPU pools, the slot's arrays).
 */
static double bench_faults(unsigned nthreads, bool overlap, bool exclusive,
			   enum fault_kind kind, struct fault_run *total,
			   int64_t *leaked)
{
	uint64_t pool = FAULT_PAGES + 1024;
	uint64_t pages = overlap ? FAULT_PAGES : FAULT_PAGES * nthreads;
	struct fault_run run = {
	    .b = bench_vm_new(nthreads, 1, pool),
	    .kind = kind,
	    .nthreads = nthreads,
	};
	unsigned cpus = sysconf(_SC_NPROCESSORS_ONLN);
	struct fault_thread *t;
	pthread_t tid[8];
	double start = 1e300, end = 0;
	unsigned i;

	t = aligned_alloc(64, nthreads * sizeof(*t));
	if (!t)
		abort();
	run.b->vm.exclusive_faults = exclusive;
	slot_add_prefaulted(&run.b->vm, 0, pages);
	for (i = 0; i < nthreads; i++)
		t[i] = (struct fault_thread){
		    .run = &run,
		    .id = i,
		    .first = overlap ? 0 : i * FAULT_PAGES,
		    .count = FAULT_PAGES,
		    .stride = overlap ? FAULT_PAGES / nthreads : 0,
		};
	if (kind == FAULT_BACKED)
		fault_back_all(&run, t);
	for (i = 0; i < nthreads; i++) {
		pthread_attr_t attr;
		cpu_set_t set;

		/* Thread i on CPU i (round robin): two threads left on one
		 * CPU while another idles would time the host's load
		 * balancing. */
		CPU_ZERO(&set);
		CPU_SET(i % cpus, &set);
		pthread_attr_init(&attr);
		pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
		if (pthread_create(&tid[i], &attr, fault_thread_main, &t[i]))
			abort();
		pthread_attr_destroy(&attr);
	}
	for (i = 0; i < nthreads; i++) {
		pthread_join(tid[i], NULL);
		start = MIN(start, t[i].start);
		end = MAX(end, t[i].end);
		total->host_faults += t[i].host_faults;
	}
	free(t);
	*leaked += bench_vm_free(run.b);
	if (kind == FAULT_ZEROING) /* pages taken from the pools, not the VM */
		*leaked -= FAULT_PAGES * nthreads;
	return FAULT_PAGES * nthreads / (end - start);
}

#define FAULT_RUNS 5

/* The best of FAULT_RUNS runs: the machine may be busy with other work. */
static double best_faults(unsigned nthreads, bool overlap, bool exclusive,
			  enum fault_kind kind, struct fault_run *total,
			  int64_t *leaked)
{
	double best = 0;
	int run;

	for (run = 0; run < FAULT_RUNS; run++)
		best = MAX(best, bench_faults(nthreads, overlap, exclusive,
					      kind, total, leaked));
	return best;
}

/*
 * Spinning for a lock whose holder is preempted makes no sense to measure:
 * the exclusive-lock columns stop at one thread per CPU, as in the
 * hypervisor (one vCPU per CPU).
 */
static void table_faults(int64_t *leaked)
{
	static const unsigned threads[] = {1, 2, 4, 8};
	static const struct {
		bool overlap, exclusive;
		enum fault_kind kind;
	} cols[] = {
	    {false, false, FAULT_FIRST},  {true, false, FAULT_FIRST},
	    {false, true, FAULT_FIRST},	  {true, true, FAULT_FIRST},
	    {false, false, FAULT_BACKED}, {false, false, FAULT_ZEROING},
	};
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	struct fault_run total = {0};
	unsigned i, c;

	printf("\n4K demand faults, %llu per thread, millions per second, "
	       "best of %d\n",
	       (unsigned long long)FAULT_PAGES, FAULT_RUNS);
	printf("| threads | disjoint | overlapping | disjoint, exclusive lock "
	       "| overlapping, exclusive lock | disjoint, backing present "
	       "| zeroing alone (no MMU) |\n|---|---|---|---|---|---|---|\n");
	for (i = 0; i < ARRAY_SIZE(threads); i++) {
		printf("| %u |", threads[i]);
		for (c = 0; c < ARRAY_SIZE(cols); c++) {
			if (cols[c].exclusive && threads[i] > cpus) {
				printf(" - |");
				continue;
			}
			printf(" %.3f |",
			       best_faults(threads[i], cols[c].overlap,
					   cols[c].exclusive, cols[c].kind,
					   &total, leaked) /
				   1e6);
		}
		printf("\n");
	}
	printf("\nhost page faults inside the timed loops (all runs): %llu\n",
	       (unsigned long long)total.host_faults);
}

static void fault_all(struct tdp_vm *vm, uint64_t n)
{
	uint64_t gfn;

	for (gfn = 0; gfn < n; gfn++)
		if (tdp_fault(vm, gfn << PAGE_SHIFT, TDP_ACC_WRITE) !=
		    TDP_FAULT_OK)
			abort();
}

/* Faults n pages whose tables and backing are present (callgrind counts
 * the instructions of this function and what it calls). */
__attribute__((noinline)) void bench_warm_faults(struct tdp_vm *vm, uint64_t n);
void bench_warm_faults(struct tdp_vm *vm, uint64_t n)
{
	fault_all(vm, n);
}

static void zap_leaves(struct tdp_vm *vm, uint64_t n)
{
	uint64_t gfn;

	for (gfn = 0; gfn < n; gfn += 512)
		tdp_zap_range(vm, gfn, gfn + MIN(511ull, n - gfn));
	for (gfn = 511; gfn < n; gfn += 512)
		tdp_zap_range(vm, gfn, gfn + 1);
}

static void table_zap(int64_t *leaked)
{
	uint64_t n = 262144; /* 1 GiB */
	struct bench_vm *b = bench_vm_new(1, 1, 262144 + 2048);
	double t;

	if (tdp_slot_add(&b->vm, 0, n << PAGE_SHIFT, 0) < 0)
		abort();
	fault_all(&b->vm, n); /* backing allocated */
	printf("\nzap + refault, 1 GiB of 4K pages, ns per page\n");
	printf("| operation | ns/page |\n|---|---|\n");
	t = now();
	zap_leaves(&b->vm, n);
	printf("| zap of the leaves (tables stay) | %.1f |\n",
	       (now() - t) * 1e9 / n);
	t = now();
	bench_warm_faults(&b->vm, n);
	printf("| warm refault (tables and backing present) | %.1f |\n",
	       (now() - t) * 1e9 / n);
	t = now();
	tdp_zap_range(&b->vm, 0, n);
	tdp_reclaim_barrier(&b->vm);
	printf("| zap of the whole range (tables freed) | %.1f |\n",
	       (now() - t) * 1e9 / n);
	t = now();
	fault_all(&b->vm, n);
	printf("| refault (tables rebuilt, backing present) | %.1f |\n",
	       (now() - t) * 1e9 / n);
	*leaked += bench_vm_free(b);
}

/* 1 GiB mapped at one page size: table pages, and the cost of unmapping
 * it all (zap + grace period + freeing) and of destroying the VM. */
static void table_sizes(int64_t *leaked)
{
	static const int64_t minimum[] = {0, 1 + 1 + 512, 1 + 1, 1};
	unsigned level;

	printf("\n1 GiB mapped per page size\n");
	printf(
	    "| page size | table pages (incl. root) | minimum | unmap ms/GiB "
	    "| destroy ms/GiB (incl. backing) |\n|---|---|---|---|---|\n");
	for (level = 1; level <= 3; level++) {
		uint64_t gfn, n = 262144;
		/* At 4K the backing is n single pages: from the pool, not
		 * from the C library, whose costs are not ours. */
		struct bench_vm *b =
		    bench_vm_new(1, level, level == 1 ? n + 4096 : 4096);
		struct tdp_stats st;
		double t, unmap;

		if (tdp_slot_add(&b->vm, 1 * GiB, 1 * GiB, TDP_SLOT_PREALLOC) <
		    0)
			abort();
		for (gfn = 0; gfn < n; gfn += tdp_level_pages(level))
			if (tdp_fault(&b->vm, (1 * GiB) + (gfn << PAGE_SHIFT),
				      TDP_ACC_WRITE) != TDP_FAULT_OK)
				abort();
		tdp_get_stats(&b->vm, &st);
		t = now();
		tdp_zap_range(&b->vm, 0, 1ull << 36);
		tdp_reclaim_barrier(&b->vm);
		unmap = now() - t;
		for (gfn = 0; gfn < n; gfn += tdp_level_pages(level))
			tdp_fault(&b->vm, (1 * GiB) + (gfn << PAGE_SHIFT),
				  TDP_ACC_WRITE);
		t = now();
		*leaked += bench_vm_free(b);
		printf("| %s | %lld | %lld | %.2f | %.2f |\n",
		       level == 1   ? "4K"
		       : level == 2 ? "2M"
				    : "1G",
		       (long long)st.table_pages + 1,
		       (long long)minimum[level] + 1, unmap * 1e3,
		       (now() - t) * 1e3);
	}
}

int main(int argc, char **argv)
{
	int64_t leaked = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && !strcmp(argv[1], "--warm")) {
		uint64_t n = strtoull(argv[2], NULL, 0);
		struct bench_vm *b = bench_vm_new(1, 1, n + 2048);

		if (tdp_slot_add(&b->vm, 0, ALIGN_UP(n, 512) << PAGE_SHIFT, 0) <
		    0)
			abort();
		fault_all(&b->vm, n);
		zap_leaves(&b->vm, n);
		bench_warm_faults(&b->vm, n);
		return bench_vm_free(b) != 0;
	}
	table_faults(&leaked);
	if (argc == 2 && !strcmp(argv[1], "--faults"))
		return leaked != 0;
	table_zap(&leaked);
	table_sizes(&leaked);
	printf("\npages left after every teardown: %lld\n", (long long)leaked);
	return leaked != 0;
}
