/*
 * The MMU core's platform on a host: pages from the C library or mmap,
 * physical address = virtual address, a thread-local CPU id, TLB flushes
 * counted. Every page handed out is tracked, so a test can tell what is
 * still allocated and catch a page freed twice or with the wrong order.
 *
 * With the TLB model (host_platform_model_tlb), each simulated CPU caches
 * the translations its guest accesses walked (tests/mmu/tlb_model.h) and
 * the flush empties every CPU's caches; a freed page is filled with
 * HOST_FREED_WORD and not handed back to the C library for a while, so
 * that a walk into a freed table reads that word and is reported.
 */
#ifndef TESTS_MMU_HOST_PLATFORM_H
#define TESTS_MMU_HOST_PLATFORM_H

#include <pthread.h>
#include "mm/tdp.h"
#include "tests/mmu/tlb_model.h"

/* Every word of a freed page: not present in either format (EPT bits 2:0
 * and NPT bit 0 clear) and not DISCONNECTED_PTE, so never a valid entry. */
#define HOST_FREED_WORD 0xdeadbeefdeadbee0ull

/* No wait of the core lasts this long unless it never ends: the stress
 * and race programs fail with who waits for what (host_relax). */
#define HOST_WAIT_LIMIT_NS (15ull * 1000 * 1000 * 1000)

/* Freed pages kept from the C library (TLB model only). */
#define HOST_QUARANTINE_PAGES 1024

/* Per-CPU pool of single pages (pages never shared between CPU lists). */
struct host_pool {
	uint8_t *next; /* bump pointer */
	uint8_t *end;
	void *free; /* freed pages, linked through their first word */
	int64_t live;
} __attribute__((aligned(64)));

struct host_platform {
	struct tdp_platform plat;
	struct host_pool *pools; /* NULL: pages come from the C library */
	uint8_t *pool_base, *pool_end;
	pthread_mutex_t lock;
	uint64_t *table; /* open-addressed set of live allocations */
	uint64_t table_size;
	bool track;
	int64_t live_pages;  /* 4 KiB pages currently allocated */
	int64_t limit_pages; /* allocations fail beyond this (0: none) */
	int64_t allocs, frees;
	int64_t bad_frees; /* unknown address or wrong order */
	int64_t flushes;
	int64_t reports;
	int64_t waits[TDP_MAX_CPUS]; /* turns of waits (relax calls) per CPU */
	uint64_t wait_limit_ns;	     /* a longer wait fails the program */

	/* The TLB model: NULL when off. */
	struct tlb_model *tlb;
	int64_t freed_walks; /* walks that read a freed table */
	void **quarantine;   /* ring of freed pages, oldest at the head */
	unsigned quarantine_head, quarantine_count;

	/* A flush held in flight (host_hold_flush). */
	pthread_mutex_t hold_lock;
	pthread_cond_t hold_cond;
	int hold_cpu; /* the CPU whose next flush is held; -1: none */
	bool flush_held, flush_released;
};

/* track: keep the set of live allocations (slower, catches bad frees). */
void host_platform_init(struct host_platform *hp, unsigned nr_cpus, bool track);
void host_platform_fini(struct host_platform *hp);
/* Single pages from per-CPU pools of pages_per_cpu pre-faulted pages (in
 * huge pages where the host allows), pool heads on cache lines of their
 * own: no lock, no false sharing and no host page fault on the way
 * (benchmarks). Order > 0 still goes to mmap, mapped on first touch. */
void host_platform_use_pool(struct host_platform *hp, uint64_t pages_per_cpu);
/* Has the host map every page of [p, p + size) now, contents unchanged:
 * what a timed loop touches must not fault in the host kernel. */
void host_prefault(void *p, uint64_t size);
/* The CPU id the calling thread reports to the MMU core. */
void host_platform_set_cpu(unsigned cpu);

/* Turns the TLB model on (see above); before any VM is created. Guest
 * accesses (guest_access.h) need it; the benchmark runs without it. */
void host_platform_model_tlb(struct host_platform *hp);

/*
 * A flush in flight: the next flush_tlb called on CPU cpu waits, before it
 * drops anything, until host_release_flush(). host_flush_held() tells
 * whether that flush has begun waiting. Other CPUs' flushes go on.
 */
void host_hold_flush(struct host_platform *hp, unsigned cpu);
bool host_flush_held(struct host_platform *hp);
void host_release_flush(struct host_platform *hp);

/* Pages handed out and not freed yet. */
int64_t host_live_pages(struct host_platform *hp);

#endif
