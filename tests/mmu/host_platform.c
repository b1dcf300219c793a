/* The host platform of the MMU core's tests (see host_platform.h). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "tests/mmu/host_platform.h"

#define ENTRY_LIVE 0x800ull
#define ENTRY_TOMB 1ull

_Static_assert((HOST_FREED_WORD & 7) == 0 &&
		   HOST_FREED_WORD != DISCONNECTED_PTE,
	       "HOST_FREED_WORD must not be a valid entry in either format");

static __thread unsigned host_cpu;

void host_platform_set_cpu(unsigned cpu)
{
	host_cpu = cpu;
}

static unsigned host_cpu_id(void *ctx)
{
	return host_cpu;
}

static uint64_t slot_of(struct host_platform *hp, uint64_t phys)
{
	return ((phys >> PAGE_SHIFT) * 0x9e3779b97f4a7c15ull) &
	       (hp->table_size - 1);
}

static bool track_insert(struct host_platform *hp, uint64_t phys,
			 unsigned order)
{
	uint64_t i = slot_of(hp, phys), n;

	for (n = 0; n < hp->table_size; n++, i = (i + 1) & (hp->table_size - 1))
		if (hp->table[i] <= ENTRY_TOMB) {
			hp->table[i] = phys | ENTRY_LIVE | order;
			return true;
		}
	return false;
}

/* Removes phys; false if it was not live with that order. */
static bool track_remove(struct host_platform *hp, uint64_t phys,
			 unsigned order)
{
	uint64_t i = slot_of(hp, phys), n;

	for (n = 0; n < hp->table_size;
	     n++, i = (i + 1) & (hp->table_size - 1)) {
		uint64_t e = hp->table[i];

		if (!e)
			return false;
		if (e != ENTRY_TOMB && (e & ~0xfffull) == phys) {
			if ((e & 0x7ff) != order)
				return false;
			hp->table[i] = ENTRY_TOMB;
			return true;
		}
	}
	return false;
}

void host_prefault(void *p, uint64_t size)
{
	uint8_t *a = (uint8_t *)ALIGN_DOWN((uintptr_t)p, PAGE_SIZE);
	uint8_t *end = (uint8_t *)ALIGN_UP((uintptr_t)p + size, PAGE_SIZE);
	uint64_t off, n = end - a;

#ifdef MADV_POPULATE_WRITE
	if (!madvise(a, n, MADV_POPULATE_WRITE))
		return;
#endif
	/* Adding zero atomically writes without changing the contents. */
	for (off = 0; off < n; off += PAGE_SIZE)
		__atomic_fetch_add(&a[off], 0, __ATOMIC_RELAXED);
}

/* size bytes aligned to align (both powers of two, at least a page). */
static uint8_t *map_aligned(uint64_t size, uint64_t align)
{
	uint8_t *p = mmap(NULL, size + align, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	uint8_t *a;

	if (p == MAP_FAILED)
		return NULL;
	a = (uint8_t *)ALIGN_UP((uintptr_t)p, align);
	if (a > p)
		munmap(p, a - p);
	munmap(a + size, p + size + align - (a + size));
	return a;
}

static void *pool_alloc(struct host_platform *hp)
{
	struct host_pool *pool = &hp->pools[host_cpu];
	void *p = pool->free;

	if (p) {
		pool->free = *(void **)p;
	} else if (pool->next < pool->end) {
		p = pool->next;
		pool->next += PAGE_SIZE;
	}
	if (p)
		pool->live++;
	return p;
}

/* A page may come back on another CPU than the one it left: it joins
 * that CPU's list. */
static void pool_free(struct host_platform *hp, void *p)
{
	struct host_pool *pool = &hp->pools[host_cpu];

	*(void **)p = pool->free;
	pool->free = p;
	pool->live--;
}

static bool in_pool(struct host_platform *hp, uint64_t phys)
{
	return hp->pools && phys >= (uintptr_t)hp->pool_base &&
	       phys < (uintptr_t)hp->pool_end;
}

int64_t host_live_pages(struct host_platform *hp)
{
	int64_t n = __atomic_load_n(&hp->live_pages, __ATOMIC_RELAXED);
	unsigned i;

	for (i = 0; hp->pools && i < hp->plat.nr_cpus; i++)
		n += __atomic_load_n(&hp->pools[i].live, __ATOMIC_RELAXED);
	return n;
}

/*
 * The pools live in 2 MiB-aligned memory that the host may back with huge
 * pages (as the hypervisor's direct map is), all of it mapped before use.
 * The pool heads are cache-line aligned: calloc() would not honour the
 * alignment of struct host_pool, and two CPUs' heads on one line would
 * bounce it on every allocation.
 */
void host_platform_use_pool(struct host_platform *hp, uint64_t pages_per_cpu)
{
	uint64_t bytes = pages_per_cpu * PAGE_SIZE;
	uint64_t total = ALIGN_UP(bytes * hp->plat.nr_cpus, 2 * MiB);
	size_t heads = hp->plat.nr_cpus * sizeof(*hp->pools);
	unsigned i;

	hp->pool_base = map_aligned(total, 2 * MiB);
	if (!hp->pool_base)
		abort();
#ifdef MADV_HUGEPAGE
	madvise(hp->pool_base, total, MADV_HUGEPAGE);
#endif
	host_prefault(hp->pool_base, total);
	hp->pool_end = hp->pool_base + total;
	hp->pools = aligned_alloc(64, ALIGN_UP(heads, 64));
	if (!hp->pools)
		abort();
	memset(hp->pools, 0, heads);
	for (i = 0; i < hp->plat.nr_cpus; i++) {
		hp->pools[i].next = hp->pool_base + bytes * i;
		hp->pools[i].end = hp->pools[i].next + bytes;
	}
}

/*
 * A freed page, filled with HOST_FREED_WORD, waits in a ring before it goes
 * back to the C library: a walk from a stale cached pointer reads that
 * word rather than whatever the page holds next.
 */
static void quarantine_put(struct host_platform *hp, void *page)
{
	uint64_t *w = page;
	void *oldest = NULL;
	unsigned i;

	for (i = 0; i < PAGE_SIZE / sizeof(*w); i++)
		__atomic_store_n(&w[i], HOST_FREED_WORD, __ATOMIC_RELAXED);
	pthread_mutex_lock(&hp->lock);
	if (hp->quarantine_count == HOST_QUARANTINE_PAGES) {
		oldest = hp->quarantine[hp->quarantine_head];
		hp->quarantine_count--;
		hp->quarantine_head =
		    (hp->quarantine_head + 1) % HOST_QUARANTINE_PAGES;
	}
	hp->quarantine[(hp->quarantine_head + hp->quarantine_count++) %
		       HOST_QUARANTINE_PAGES] = page;
	pthread_mutex_unlock(&hp->lock);
	free(oldest);
}

static uint64_t host_alloc_pages(void *ctx, unsigned order, bool zero)
{
	struct host_platform *hp = ctx;
	int64_t n = 1ll << order;
	void *p;

	if (hp->pools && order == 0 && (p = pool_alloc(hp))) {
		if (zero)
			memset(p, 0, PAGE_SIZE);
		return (uintptr_t)p;
	}

	if (hp->limit_pages &&
	    __atomic_add_fetch(&hp->live_pages, n, __ATOMIC_RELAXED) >
		hp->limit_pages) {
		__atomic_sub_fetch(&hp->live_pages, n, __ATOMIC_RELAXED);
		return 0;
	}
	if (order == 0) {
		p = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
		if (p && zero)
			memset(p, 0, PAGE_SIZE);
		else if (p)
			memset(p, 0xa5, PAGE_SIZE); /* catch reliance on zero */
	} else {
		/* zero already */
		p = map_aligned(PAGE_SIZE << order, PAGE_SIZE << order);
	}
	if (!p) {
		if (hp->limit_pages)
			__atomic_sub_fetch(&hp->live_pages, n,
					   __ATOMIC_RELAXED);
		return 0;
	}
	if (!hp->limit_pages)
		__atomic_add_fetch(&hp->live_pages, n, __ATOMIC_RELAXED);
	__atomic_add_fetch(&hp->allocs, 1, __ATOMIC_RELAXED);
	if (hp->track) {
		pthread_mutex_lock(&hp->lock);
		if (!track_insert(hp, (uintptr_t)p, order))
			abort();
		pthread_mutex_unlock(&hp->lock);
	}
	return (uintptr_t)p;
}

static void host_free_pages(void *ctx, uint64_t phys, unsigned order)
{
	struct host_platform *hp = ctx;

	if (in_pool(hp, phys)) {
		pool_free(hp, (void *)(uintptr_t)phys);
		return;
	}
	if (hp->track) {
		bool ok;

		pthread_mutex_lock(&hp->lock);
		ok = track_remove(hp, phys, order);
		pthread_mutex_unlock(&hp->lock);
		if (!ok) {
			fprintf(stderr, "bad free of %#llx order %u\n",
				(unsigned long long)phys, order);
			__atomic_add_fetch(&hp->bad_frees, 1, __ATOMIC_RELAXED);
			return;
		}
	}
	if (order == 0 && hp->tlb) {
		quarantine_put(hp, (void *)(uintptr_t)phys);
	} else if (order == 0) {
		memset((void *)(uintptr_t)phys, 0x5a, PAGE_SIZE);
		free((void *)(uintptr_t)phys);
	} else {
		munmap((void *)(uintptr_t)phys, PAGE_SIZE << order);
	}
	__atomic_sub_fetch(&hp->live_pages, 1ll << order, __ATOMIC_RELAXED);
	__atomic_add_fetch(&hp->frees, 1, __ATOMIC_RELAXED);
}

static void *host_phys_to_virt(void *ctx, uint64_t phys)
{
	return (void *)(uintptr_t)phys;
}

/* The flush of host_hold_flush()'s CPU waits here for its release. */
static void flush_hold(struct host_platform *hp)
{
	pthread_mutex_lock(&hp->hold_lock);
	if (hp->hold_cpu == (int)host_cpu) {
		__atomic_store_n(&hp->hold_cpu, -1, __ATOMIC_RELAXED);
		hp->flush_held = true;
		pthread_cond_broadcast(&hp->hold_cond);
		while (!hp->flush_released)
			pthread_cond_wait(&hp->hold_cond, &hp->hold_lock);
		hp->flush_held = false;
		hp->flush_released = false;
	}
	pthread_mutex_unlock(&hp->hold_lock);
}

static void host_flush_tlb(void *ctx)
{
	struct host_platform *hp = ctx;

	__atomic_add_fetch(&hp->flushes, 1, __ATOMIC_RELAXED);
	if (__atomic_load_n(&hp->hold_cpu, __ATOMIC_RELAXED) == (int)host_cpu)
		flush_hold(hp);
	if (hp->tlb)
		tlb_flush_all(hp->tlb);
}

void host_hold_flush(struct host_platform *hp, unsigned cpu)
{
	pthread_mutex_lock(&hp->hold_lock);
	hp->flush_released = false;
	__atomic_store_n(&hp->hold_cpu, (int)cpu, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&hp->hold_lock);
}

bool host_flush_held(struct host_platform *hp)
{
	bool held;

	pthread_mutex_lock(&hp->hold_lock);
	held = hp->flush_held;
	pthread_mutex_unlock(&hp->hold_lock);
	return held;
}

void host_release_flush(struct host_platform *hp)
{
	pthread_mutex_lock(&hp->hold_lock);
	__atomic_store_n(&hp->hold_cpu, -1, __ATOMIC_RELAXED);
	hp->flush_released = true;
	pthread_cond_broadcast(&hp->hold_cond);
	pthread_mutex_unlock(&hp->hold_lock);
}

static uint64_t host_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/*
 * More threads than CPUs: let a preempted lock holder run. A wait that
 * outlasts hp->wait_limit_ns will not end (two CPUs wait for each other):
 * the program says who waits for what and exits with status 1, rather
 * than hang until some outer timeout with nothing said.
 */
static void host_relax(void *ctx, struct tdp_wait *w)
{
	struct host_platform *hp = ctx;
	uint64_t now = host_now_ns();

	__atomic_add_fetch(&hp->waits[host_cpu], 1, __ATOMIC_RELAXED);
	if (!w->since) {
		w->since = now;
	} else if (hp->wait_limit_ns && now - w->since > hp->wait_limit_ns) {
		char who[16] = "another CPU";

		if (w->cpu >= 0)
			snprintf(who, sizeof(who), "cpu%d", w->cpu);
		fprintf(stderr,
			"FAIL: cpu%u waits for %s to %s: nothing ended this "
			"wait in %llu s\n",
			host_cpu, who, w->what,
			(unsigned long long)(hp->wait_limit_ns / 1000000000ull));
		fflush(stderr);
		_exit(1);
	}
	sched_yield();
}

static void host_report(void *ctx, const char *file, int line, const char *what,
			bool fatal)
{
	struct host_platform *hp = ctx;

	__atomic_add_fetch(&hp->reports, 1, __ATOMIC_RELAXED);
	fprintf(stderr, "%s:%d: %s: %s\n", file, line,
		fatal ? "BUG" : "WARNING", what);
	if (fatal)
		abort();
}

void host_platform_init(struct host_platform *hp, unsigned nr_cpus, bool track)
{
	memset(hp, 0, sizeof(*hp));
	pthread_mutex_init(&hp->lock, NULL);
	pthread_mutex_init(&hp->hold_lock, NULL);
	pthread_cond_init(&hp->hold_cond, NULL);
	hp->hold_cpu = -1;
	hp->track = track;
	hp->wait_limit_ns = HOST_WAIT_LIMIT_NS;
	if (track) {
		hp->table_size = 1ull << 22;
		hp->table = calloc(hp->table_size, sizeof(uint64_t));
		if (!hp->table)
			abort();
	}
	hp->plat = (struct tdp_platform){
	    .ctx = hp,
	    .alloc_pages = host_alloc_pages,
	    .free_pages = host_free_pages,
	    .phys_to_virt = host_phys_to_virt,
	    .cpu_id = host_cpu_id,
	    .nr_cpus = nr_cpus,
	    .flush_tlb = host_flush_tlb,
	    .relax = host_relax,
	    .report = host_report,
	};
}

void host_platform_model_tlb(struct host_platform *hp)
{
	hp->tlb = tlb_model_create(hp->plat.nr_cpus);
	hp->quarantine = calloc(HOST_QUARANTINE_PAGES, sizeof(void *));
	if (!hp->quarantine)
		abort();
}

void host_platform_fini(struct host_platform *hp)
{
	if (hp->tlb) {
		unsigned i;

		for (i = 0; i < hp->quarantine_count; i++)
			free(hp->quarantine[(hp->quarantine_head + i) %
					    HOST_QUARANTINE_PAGES]);
		free(hp->quarantine);
		tlb_model_destroy(hp->tlb);
	}
	if (hp->pools) {
		munmap(hp->pool_base, hp->pool_end - hp->pool_base);
		free(hp->pools);
	}
	free(hp->table);
	pthread_cond_destroy(&hp->hold_cond);
	pthread_mutex_destroy(&hp->hold_lock);
	pthread_mutex_destroy(&hp->lock);
}
