/*
 * Benchmark of the MMU core (not a test: it prints figures).
 *
 *   mmu_bench            everything below, one table per measurement
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
#include <unistd.h>

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

static struct bench_vm *bench_vm_new(unsigned cpus, unsigned max_level,
				     uint64_t pool_pages)
{
	struct bench_vm *b = calloc(1, sizeof(*b));

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

struct fault_thread {
	struct bench_vm *b;
	pthread_barrier_t *go;
	unsigned id;
	uint64_t first, count, stride;
};

static void *fault_thread_main(void *arg)
{
	struct fault_thread *t = arg;
	uint64_t i, gfn;

	host_platform_set_cpu(t->id);
	pthread_barrier_wait(t->go);
	for (i = 0; i < t->count; i++) {
		/* Overlapping threads walk the same pages from different
		 * starting points. */
		gfn = t->first + (i + t->id * t->stride) % t->count;
		if (tdp_fault(&t->b->vm, gfn << PAGE_SHIFT, TDP_ACC_WRITE) !=
		    TDP_FAULT_OK)
			abort();
	}
	return NULL;
}

/* Faults per second (fault calls, every one of which maps or finds the
 * page mapped) for nthreads threads. */
static double bench_faults(unsigned nthreads, bool overlap, bool exclusive,
			   int64_t *leaked)
{
	struct bench_vm *b = bench_vm_new(nthreads, 1, FAULT_PAGES + 1024);
	uint64_t pages = overlap ? FAULT_PAGES : FAULT_PAGES * nthreads;
	struct fault_thread t[8];
	pthread_t tid[8];
	pthread_barrier_t go;
	double t0;
	unsigned i;

	b->vm.exclusive_faults = exclusive;
	if (tdp_slot_add(&b->vm, 0, pages << PAGE_SHIFT, 0) < 0)
		abort();
	pthread_barrier_init(&go, NULL, nthreads + 1);
	for (i = 0; i < nthreads; i++) {
		t[i] = (struct fault_thread){
		    .b = b,
		    .go = &go,
		    .id = i,
		    .first = overlap ? 0 : i * FAULT_PAGES,
		    .count = FAULT_PAGES,
		    .stride = overlap ? FAULT_PAGES / nthreads : 0,
		};
		pthread_create(&tid[i], NULL, fault_thread_main, &t[i]);
	}
	pthread_barrier_wait(&go);
	t0 = now();
	for (i = 0; i < nthreads; i++)
		pthread_join(tid[i], NULL);
	t0 = now() - t0;
	pthread_barrier_destroy(&go);
	*leaked += bench_vm_free(b);
	return FAULT_PAGES * nthreads / t0;
}

/* The best of three runs: the machine may be busy with other work. */
static double best_faults(unsigned nthreads, unsigned mode, int64_t *leaked)
{
	double best = 0;
	int run;

	for (run = 0; run < 3; run++)
		best = MAX(best,
			   bench_faults(nthreads, mode & 1, mode & 2, leaked));
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
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned i, mode;

	printf(
	    "\n4K demand faults (first touch: backing page allocated from a "
	    "per-CPU pool and zeroed), %llu per thread, Mfaults/s, best of 3\n",
	    (unsigned long long)FAULT_PAGES);
	printf("| threads | disjoint | overlapping | disjoint, exclusive lock "
	       "| overlapping, exclusive lock |\n|---|---|---|---|---|\n");
	for (i = 0; i < ARRAY_SIZE(threads); i++) {
		printf("| %u |", threads[i]);
		for (mode = 0; mode < 4; mode++) {
			if ((mode & 2) && threads[i] > cpus) {
				printf(" - |");
				continue;
			}
			printf(" %.3f |",
			       best_faults(threads[i], mode, leaked) / 1e6);
		}
		printf("\n");
	}
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
		struct bench_vm *b = bench_vm_new(1, level, 4096);
		struct tdp_stats st;
		uint64_t gfn, n = 262144;
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
	table_zap(&leaked);
	table_sizes(&leaked);
	printf("\npages left after every teardown: %lld\n", (long long)leaked);
	return leaked != 0;
}
