/*
 * Race amplifiers of the MMU core: small tests of two or three threads, each
 * aimed at a few of the windows that mm/tdp_race.h names.
 *
 * Built with -DTDP_RACE_HOOKS, every race point of the core calls
 * tdp_race_point() below, which holds the window open the way the running
 * test asks (a random short spin, a yield, or a wait until another thread
 * reaches a matching point) and, when the window closes, counts whether
 * another thread really got in: the entry changed under a cmpxchg about to
 * be tried, the table was disconnected while a walker was inside, a grace
 * period began while a walker still held a disconnected table. Each test
 * prints those counts and fails if its windows were never hit (it runs
 * longer, up to 20 times its time, until they are).
 *
 * The platform is the host platform (every page tracked; guest accesses
 * through the TLB model) behind a wrapper that poisons every page the core
 * frees and holds it back for a while, so that a walker still inside a
 * freed table is seen at its next race point, a guest walk into one by the
 * TLB model, and a write into one when the page leaves the quarantine;
 * that numbers the TLB flushes and checks that every table freed was
 * disconnected before a flush that has completed; and that can make every
 * flush slow.
 *
 * A test runs in rounds. Between rounds, every thread parked: the audit
 * (no DISCONNECTED_PTE reachable, the books equal the tree), every word
 * every thread wrote reads back, and after a reclaim barrier the pages out
 * equal the pages in use, every disconnected table has been freed, nothing
 * was written after its free, no guest walk read a freed table; no
 * warning, no bad free. Tests that log dirty pages or age them check, as
 * they go, that every write (access) is reported by a later get-and-clear
 * (aging).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arch/x86/ept_format.h"
#include "arch/x86/npt_format.h"
#include "mm/tdp_internal.h"
#include "tests/mmu/guest_access.h"
#include "tests/mmu/host_platform.h"

#define DEMAND_GPA   0ull
#define DEMAND_PAGES 1024ull /* 4 MiB, 4K leaves: two tables of leaves */
#define LARGE_GPA    (64 * MiB)
#define LARGE_PAGES  1024ull /* 4 MiB, backing for two 2M leaves */
#define MAX_THREADS  3

/* What a freed page is filled with: never an entry (host_platform.h),
 * and what a guest walk through the TLB model recognizes as freed. */
#define POISON HOST_FREED_WORD

#define QUARANTINE_PAGES 4096
#define MAP_SLOTS	 (1u << 16)

/* --- counters --- */

/* Three counters per race point, then the ones a test keeps itself. */
enum { PC_CALLS, PC_CHANGED, PC_DISCONNECTED, PC_PER_POINT };
#define PC(point, what) ((point)*PC_PER_POINT + (what))

enum extra_counter {
	X_MET = TDP_RACE_NR * PC_PER_POINT, /* two threads met at a window */
	X_TAKEN_BACK,	  /* a fault's entry landed in a table being taken
			   * apart: the disconnection's exchange took it back */
	X_MET_RESTART,	  /* the fault's cmpxchg met DISCONNECTED_PTE instead */
	X_FAULT_IN_TAKEN, /* a fault was inside a table taken apart: one of
			   * the two above, or its entry disconnected */
	X_GP_HELD,	  /* a grace period began while a walker was inside a
			   * table being disconnected */
	X_BARRIER_HELD,	  /* a barrier ran while another CPU held batches off
			   * the lists, not yet freed */
	X_ZAP_OVER_REPORT, /* a get-and-clear ran inside a zap's window */
	X_DIRTY_CHECKED,  /* writes whose report was checked */
	X_YOUNG_CHECKED,  /* accesses whose report was checked */
	X_FAULTS,	  /* guest accesses (each faults until it succeeds) */
	X_OPS,		  /* range operations and barriers */
	X_COUNT
};

static const char *const point_names[TDP_RACE_NR] = {
    [TDP_RACE_FAULT_READ] = "fault read -> install/descend",
    [TDP_RACE_WALK_DESCEND] = "range walk pointer -> table",
    [TDP_RACE_ZAP] = "zap read -> cmpxchg",
    [TDP_RACE_WRPROT] = "write-protect read -> cmpxchg",
    [TDP_RACE_SPLIT] = "split read -> swap",
    [TDP_RACE_COLLAPSE] = "collapse read -> swap",
    [TDP_RACE_AGE] = "age read -> clear",
    [TDP_RACE_DISCONNECT] = "unlinked -> exchange",
    [TDP_RACE_DIRTY_TAKE] = "dirty word -> taken",
    [TDP_RACE_GP_FLUSHED] = "grace period flush -> snapshot",
    [TDP_RACE_RECLAIM_FREE] = "off the lists -> freed",
};

static const char *const extra_names[] = {
    [X_MET - X_MET] = "threads met in a window",
    [X_TAKEN_BACK - X_MET] = "fault entry taken back by the exchange",
    [X_MET_RESTART - X_MET] = "fault cmpxchg met DISCONNECTED_PTE",
    [X_FAULT_IN_TAKEN - X_MET] = "faults inside a table taken apart",
    [X_GP_HELD - X_MET] = "grace periods begun over a walker",
    [X_BARRIER_HELD - X_MET] = "barriers over another CPU's freeing",
    [X_ZAP_OVER_REPORT - X_MET] = "get-and-clears inside a zap's window",
    [X_DIRTY_CHECKED - X_MET] = "writes checked reported",
    [X_YOUNG_CHECKED - X_MET] = "accesses checked reported",
    [X_FAULTS - X_MET] = "guest accesses",
    [X_OPS - X_MET] = "range operations",
};

/* --- the platform seen by the core --- */

/* Pages with a number each: open addressing, linear probing. */
struct page_map {
	uint64_t page[MAP_SLOTS]; /* 0: free slot */
	uint64_t value[MAP_SLOTS];
	uint64_t count;
};

struct race_platform {
	/* The real one, first: the guest accesses of tests/mmu/guest_access.c
	 * take the VM's platform context for a struct host_platform. */
	struct host_platform hp;
	struct tdp_platform plat; /* handed to the VM; ctx is this */
	unsigned slow_flush_us;	  /* each flush sleeps this long */
	uint64_t flush_started;	  /* flushes begun (their numbers) */
	uint64_t flush_done;	  /* highest number completed */
	pthread_mutex_t lock;	  /* what follows */
	struct page_map live;	  /* single pages handed out */
	/* Tables disconnected and not yet freed: page -> flush_started
	 * when they were. */
	struct page_map unlinked;
	uint64_t quarantine[QUARANTINE_PAGES];
	unsigned q_head, q_count;
	uint64_t errors; /* broken promises seen by the platform */
};

/* --- a test and its threads --- */

struct race_ctx;

struct race_thread {
	struct race_ctx *rc;
	unsigned id;
	uint64_t rng;
	uint64_t *expect;     /* this thread's word of each data page */
	unsigned fault_level; /* level of the fault walk's last read */
	bool met_pending;     /* met at an install, outcome not yet seen */
	uint64_t paced;	      /* the guest's beat at this thread's last op */
	uint64_t met_restarts;
	uint64_t mine[64]; /* tables it disconnected since its last barrier */
	unsigned nmine;
	uint64_t n[X_COUNT];
	uint64_t beat __aligned(64); /* race points passed, for the others */
} __aligned(64);

struct race_test {
	const char *name;
	const char *what;
	unsigned threads;
	unsigned slow_flush_us;
	bool log_dirty;		 /* the demand slot is dirty-logged */
	unsigned fault_wait_pct; /* % of faults at a leaf that wait */
	uint64_t data_gpa;	 /* the pages threads write */
	uint64_t data_pages;
	void (*step)(struct race_thread *t);
	void (*point)(struct race_thread *t, enum tdp_race_point p,
		      uint64_t *ptep, uint64_t old);
	const int *needs; /* counters that must not stay 0; -1 ends */
};

struct race_ctx {
	const struct race_test *test;
	const struct tdp_format *fmt;
	struct race_platform rp;
	struct tdp_vm vm;
	int slot_demand, slot_large;
	struct race_thread threads[MAX_THREADS];
	pthread_barrier_t barrier;
	uint64_t end_ns, round_ns, next_round_ns;
	uint64_t give_up_ns; /* the end, if the windows were not all hit */
	uint32_t pause;	     /* thread 0 asks for the end of a round */
	uint32_t stop;
	uint32_t quiet; /* the checks run: hold nothing, count nothing */
	uint32_t failed;
	uint64_t rounds;
	uint64_t meet;		/* 0, key|MEET_WAITING or key|MEET_MET */
	uint64_t grace_periods; /* grace periods begun (GP_FLUSHED) */
	uint32_t freeing;	/* CPUs inside RECLAIM_FREE */
	uint64_t hot; /* pages an operation works on: first << 32 | count */
	/* Dirty log and aging, per page of the demand slot: reports over it
	 * that ended, the first that must show it, the last that did. */
	uint64_t reports_ended[DEMAND_PAGES];
	uint64_t must_report[DEMAND_PAGES];
	uint64_t last_report[DEMAND_PAGES];
	uint64_t checked[DEMAND_PAGES]; /* must_report last checked */
};

/* Waits for another thread, and the moments by which one of two threads
 * that met lets the other go ahead, last this many times longer under the
 * thread sanitizer, which slows every thread's way. */
#ifdef __SANITIZE_THREAD__
#define WAIT_SCALE 4
#else
#define WAIT_SCALE 1
#endif

static __thread struct race_thread *race_self;
static double ns_per_pause = 20;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static uint64_t rnd(struct race_thread *t)
{
	t->rng ^= t->rng << 13;
	t->rng ^= t->rng >> 7;
	t->rng ^= t->rng << 17;
	return t->rng;
}

static void fail(struct race_ctx *rc, const char *what, uint64_t a, uint64_t b)
{
	fprintf(stderr, "FAIL: %s/%s: %s (%#llx, %#llx)\n", rc->test->name,
		rc->fmt->name, what, (unsigned long long)a,
		(unsigned long long)b);
	__atomic_store_n(&rc->failed, 1, __ATOMIC_RELAXED);
}

/* --- the platform --- */

static struct race_platform *rp_of(void *ctx)
{
	return ctx;
}

static void rp_error(struct race_platform *rp, const char *what, uint64_t a,
		     uint64_t b)
{
	fprintf(stderr, "FAIL: %s (%#llx, %#llx)\n", what,
		(unsigned long long)a, (unsigned long long)b);
	__atomic_add_fetch(&rp->errors, 1, __ATOMIC_RELAXED);
}

static uint64_t map_slot(uint64_t page)
{
	return ((page >> PAGE_SHIFT) * 0x9e3779b97f4a7c15ull) >> 48;
}

/* False if page is there already. */
static bool map_add(struct page_map *m, uint64_t page, uint64_t value)
{
	uint64_t i = map_slot(page);

	while (m->page[i] && m->page[i] != page)
		i = (i + 1) % MAP_SLOTS;
	if (m->page[i] == page)
		return false;
	m->page[i] = page;
	m->value[i] = value;
	if (++m->count > MAP_SLOTS / 2)
		abort();
	return true;
}

static bool map_find(struct page_map *m, uint64_t page, uint64_t *value)
{
	uint64_t i = map_slot(page);

	while (m->page[i] && m->page[i] != page)
		i = (i + 1) % MAP_SLOTS;
	*value = m->value[i];
	return m->page[i] != 0;
}

/* Removes page; false if it was not there. */
static bool map_take(struct page_map *m, uint64_t page, uint64_t *value)
{
	uint64_t i = map_slot(page), j, k;

	while (m->page[i] && m->page[i] != page)
		i = (i + 1) % MAP_SLOTS;
	if (!m->page[i])
		return false;
	*value = m->value[i];
	m->page[i] = 0;
	m->count--;
	/* Close the gap: move back each entry that can no longer be
	 * reached from its home slot. */
	for (j = (i + 1) % MAP_SLOTS; m->page[j]; j = (j + 1) % MAP_SLOTS) {
		k = map_slot(m->page[j]);
		if ((j > i && (k <= i || k > j)) ||
		    (j < i && k <= i && k > j)) {
			m->page[i] = m->page[j];
			m->value[i] = m->value[j];
			m->page[j] = 0;
			i = j;
		}
	}
	return true;
}

static uint64_t rp_alloc_pages(void *ctx, unsigned order, bool zero)
{
	struct race_platform *rp = rp_of(ctx);
	uint64_t page = rp->hp.plat.alloc_pages(&rp->hp, order, zero);

	if (page && !order) {
		pthread_mutex_lock(&rp->lock);
		if (!map_add(&rp->live, page, 0))
			abort();
		pthread_mutex_unlock(&rp->lock);
	}
	return page;
}

/* The page goes back to the host platform, after a check that nothing
 * wrote to it since it was freed. Called with rp->lock. */
static void quarantine_release(struct race_platform *rp, uint64_t page)
{
	const uint64_t *w = (const uint64_t *)(uintptr_t)page;
	unsigned i;

	for (i = 0; i < PAGE_SIZE / 8; i++)
		if (w[i] != POISON) {
			rp_error(rp, "a freed page was written", page + i * 8,
				 w[i]);
			break;
		}
	rp->hp.plat.free_pages(&rp->hp, page, 0);
}

static void quarantine_drain(struct race_platform *rp)
{
	pthread_mutex_lock(&rp->lock);
	while (rp->q_count) {
		quarantine_release(rp, rp->quarantine[rp->q_head]);
		rp->q_head = (rp->q_head + 1) % QUARANTINE_PAGES;
		rp->q_count--;
	}
	pthread_mutex_unlock(&rp->lock);
}

/*
 * A table may be freed only once a flush that began after it was
 * disconnected has completed. The page is poisoned and kept back.
 */
static void rp_free_pages(void *ctx, uint64_t phys, unsigned order)
{
	struct race_platform *rp = rp_of(ctx);
	uint64_t *w = (uint64_t *)(uintptr_t)phys, flush;
	unsigned i;

	if (order) {
		rp->hp.plat.free_pages(&rp->hp, phys, order);
		return;
	}
	pthread_mutex_lock(&rp->lock);
	if (!map_take(&rp->live, phys, &flush)) {
		pthread_mutex_unlock(&rp->lock);
		rp_error(rp, "a page freed that is not allocated", phys, 0);
		return;
	}
	if (map_take(&rp->unlinked, phys, &flush) &&
	    __atomic_load_n(&rp->flush_done, __ATOMIC_ACQUIRE) <= flush)
		rp_error(rp,
			 "a table freed before a flush begun after its "
			 "disconnection completed",
			 phys, flush);
	for (i = 0; i < PAGE_SIZE / 8; i++)
		w[i] = POISON;
	if (rp->q_count == QUARANTINE_PAGES) {
		quarantine_release(rp, rp->quarantine[rp->q_head]);
		rp->q_head = (rp->q_head + 1) % QUARANTINE_PAGES;
		rp->q_count--;
	}
	rp->quarantine[(rp->q_head + rp->q_count++) % QUARANTINE_PAGES] = phys;
	pthread_mutex_unlock(&rp->lock);
}

static void *rp_phys_to_virt(void *ctx, uint64_t phys)
{
	return (void *)(uintptr_t)phys;
}

static unsigned rp_cpu_id(void *ctx)
{
	struct host_platform *hp = &rp_of(ctx)->hp;

	return hp->plat.cpu_id(hp);
}

static void rp_flush_tlb(void *ctx)
{
	struct race_platform *rp = rp_of(ctx);
	uint64_t n =
	    __atomic_add_fetch(&rp->flush_started, 1, __ATOMIC_SEQ_CST);
	uint64_t done = __atomic_load_n(&rp->flush_done, __ATOMIC_RELAXED);

	if (rp->slow_flush_us)
		usleep(rp->slow_flush_us);
	rp->hp.plat.flush_tlb(&rp->hp);
	while (done < n &&
	       !__atomic_compare_exchange_n(&rp->flush_done, &done, n, false,
					    __ATOMIC_RELEASE, __ATOMIC_RELAXED))
		;
}

static void rp_relax(void *ctx, struct tdp_wait *w)
{
	struct host_platform *hp = &rp_of(ctx)->hp;

	hp->plat.relax(hp, w);
}

static void rp_report(void *ctx, const char *file, int line, const char *what,
		      bool fatal)
{
	struct host_platform *hp = &rp_of(ctx)->hp;

	hp->plat.report(hp, file, line, what, fatal);
}

static void rp_init(struct race_platform *rp, unsigned nr_cpus,
		    unsigned slow_flush_us)
{
	memset(rp, 0, sizeof(*rp));
	host_platform_init(&rp->hp, nr_cpus, true);
	/* Guest accesses translate through each CPU's TLB, as hardware's. */
	host_platform_model_tlb(&rp->hp);
	pthread_mutex_init(&rp->lock, NULL);
	rp->slow_flush_us = slow_flush_us;
	rp->plat = (struct tdp_platform){
	    .ctx = rp,
	    .alloc_pages = rp_alloc_pages,
	    .free_pages = rp_free_pages,
	    .phys_to_virt = rp_phys_to_virt,
	    .cpu_id = rp_cpu_id,
	    .nr_cpus = nr_cpus,
	    .flush_tlb = rp_flush_tlb,
	    .relax = rp_relax,
	    .report = rp_report,
	};
}

static void rp_fini(struct race_platform *rp)
{
	quarantine_drain(rp);
	host_platform_fini(&rp->hp);
	pthread_mutex_destroy(&rp->lock);
}

/* --- holding a window open --- */

/* The other threads' beats: a sum that moves while any of them runs. */
static uint64_t others_beat(struct race_thread *t)
{
	uint64_t sum = 0;
	unsigned i;

	for (i = 0; i < t->rc->test->threads; i++)
		if (i != t->id)
			sum += __atomic_load_n(&t->rc->threads[i].beat,
					       __ATOMIC_RELAXED);
	return sum;
}

/*
 * Holds a window open a random time of at most max_ns, spinning while the
 * other threads run on the other CPUs. If none of them moved meanwhile
 * (the CPUs are busy with something else, and they wait for this one),
 * yields as well, so that they can run here.
 */
static void hold(struct race_thread *t, unsigned max_ns)
{
	uint64_t n = rnd(t) % ((uint64_t)(max_ns / ns_per_pause) + 1);
	uint64_t beat = others_beat(t);

	if (n < 8)
		return;
	while (n--)
		cpu_relax();
	if (others_beat(t) == beat)
		sched_yield();
}

/*
 * After two threads met, the one that waited lets the other go ahead a
 * random number of pauses, up to max_ns: a sweep, in steps of one pause,
 * over the moments where their changes of the entry cross (an exchange
 * that is only a read then a store loses a change made in between).
 */
static void jitter(struct race_thread *t, unsigned max_ns)
{
	uint64_t n = rnd(t) % ((uint64_t)(max_ns / ns_per_pause) + 1);

	while (n--)
		cpu_relax();
}

/*
 * Two threads meet at a window: one waits at a point with a key (the
 * entry it is about to replace, or the table it is about to enter), the
 * other offers the same key when it reaches the point that races with it.
 * Keys of entries are their 8-aligned address, with MEET_UNLINKED for the
 * exchange of a disconnection; keys of tables carry MEET_TABLE.
 */
#define MEET_WAITING  1ull
#define MEET_MET      2ull
#define MEET_TABLE    4ull
#define MEET_UNLINKED (1ull << 63)
#define MEET_REPORTED (1ull << 62) /* a get-and-clear has returned */

static uint64_t key_entry(uint64_t *ptep)
{
	return (uintptr_t)ptep;
}

/* The entry at ptep, once its table is unlinked. */
static uint64_t key_unlinked(uint64_t *ptep)
{
	return (uintptr_t)ptep | MEET_UNLINKED;
}

static uint64_t key_table(const struct tdp_format *f, uint64_t pte)
{
	return (pte & f->addr_mask) | MEET_TABLE;
}

/* Waits about max_ns for a thread offering key (longer if this thread
 * loses its CPU meanwhile); true if one came. */
static bool meet_wait(struct race_thread *t, uint64_t key, unsigned max_ns)
{
	struct race_ctx *rc = t->rc;
	uint64_t idle = 0, waiting = key | MEET_WAITING, deadline;
	uint64_t beat = others_beat(t);
	unsigned spins = 0;

	if (!__atomic_compare_exchange_n(&rc->meet, &idle, waiting, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
		return false;
	deadline = now_ns() + (uint64_t)max_ns * WAIT_SCALE;
	for (;;) {
		if (__atomic_load_n(&rc->meet, __ATOMIC_ACQUIRE) != waiting)
			break;
		cpu_relax();
		if (++spins % 64 == 0) {
			uint64_t now = others_beat(t);

			if (now == beat)
				sched_yield(); /* they may need this CPU */
			beat = now;
		}
		if (spins % 16 == 0 && now_ns() > deadline) {
			if (__atomic_compare_exchange_n(&rc->meet, &waiting, 0,
							false, __ATOMIC_ACQ_REL,
							__ATOMIC_ACQUIRE))
				return false;
			break; /* met just now */
		}
	}
	__atomic_store_n(&rc->meet, 0, __ATOMIC_RELEASE);
	t->n[X_MET]++;
	jitter(t, 1000 * WAIT_SCALE);
	return true;
}

/*
 * Releases a thread waiting for key, if there is one, and goes on once it
 * has seen the release: both run now, and the other's jitter decides
 * which changes the entry first.
 */
static bool meet_offer(struct race_thread *t, uint64_t key)
{
	struct race_ctx *rc = t->rc;
	uint64_t waiting = key | MEET_WAITING, deadline, beat;
	unsigned spins = 0;

	if (__atomic_load_n(&rc->meet, __ATOMIC_RELAXED) != waiting ||
	    !__atomic_compare_exchange_n(&rc->meet, &waiting, key | MEET_MET,
					 false, __ATOMIC_ACQ_REL,
					 __ATOMIC_RELAXED))
		return false;
	deadline = now_ns() + 100000 * WAIT_SCALE;
	beat = others_beat(t);
	while (__atomic_load_n(&rc->meet, __ATOMIC_ACQUIRE) ==
	       (key | MEET_MET)) {
		cpu_relax();
		if (++spins % 64 == 0) {
			uint64_t now = others_beat(t);

			if (now == beat)
				sched_yield();
			beat = now;
			if (now_ns() > deadline)
				break;
		}
	}
	return true;
}

/* Range operations keep pace with the guest (thread 0): each waits, a
 * while at most, for it to have moved since the last one, so that there
 * is something to work on. */
static void pace(struct race_thread *t)
{
	struct race_thread *guest = &t->rc->threads[0];
	uint64_t deadline = now_ns() + 50000 * WAIT_SCALE;
	unsigned spins = 0;

	while (__atomic_load_n(&guest->beat, __ATOMIC_RELAXED) == t->paced) {
		cpu_relax();
		if (++spins % 64 == 0) {
			sched_yield();
			if (now_ns() > deadline)
				break;
		}
	}
	t->paced = __atomic_load_n(&guest->beat, __ATOMIC_RELAXED);
}

/* --- the hook --- */

static bool pte_is_table(const struct tdp_format *f, uint64_t pte,
			 unsigned level)
{
	return tdp_pte_present(f, pte) && !tdp_pte_leaf(f, pte, level);
}

/* The level of the entry a fault walk just read: the root's level when
 * ptep is in the root, else one below the walk's previous read. */
static unsigned fault_level(struct race_thread *t, uint64_t *ptep)
{
	struct tdp_vm *vm = &t->rc->vm;

	if (ALIGN_DOWN((uintptr_t)ptep, PAGE_SIZE) == vm->root)
		t->fault_level = vm->root_level;
	else if (t->fault_level > 1)
		t->fault_level--;
	return t->fault_level;
}

/* What became of a fault that met the disconnection of its entry: a
 * restart since means its cmpxchg found DISCONNECTED_PTE; none means its
 * entry went in, and the exchange took it back. */
static void met_outcome(struct race_thread *t)
{
	struct tdp_cpu *c = &t->rc->vm.cpu[t->id];

	if (!t->met_pending)
		return;
	t->met_pending = false;
	t->n[X_FAULT_IN_TAKEN]++;
	if (__atomic_load_n(&c->restarts, __ATOMIC_RELAXED) != t->met_restarts)
		t->n[X_MET_RESTART]++;
	else
		t->n[X_TAKEN_BACK]++;
}

/* Before the window: the value it holds, and the page it walks into. */
static void point_enter(struct race_thread *t, enum tdp_race_point p,
			uint64_t *ptep, uint64_t old)
{
	const struct tdp_format *f = t->rc->fmt;

	if (old == POISON)
		fail(t->rc, "read an entry of a freed table", (uintptr_t)ptep,
		     p);
	if (p == TDP_RACE_WALK_DESCEND &&
	    __atomic_load_n((uint64_t *)(uintptr_t)(old & f->addr_mask),
			    __ATOMIC_ACQUIRE) == POISON)
		fail(t->rc, "about to walk a freed table", old, p);
}

/* After it: did another CPU get in? Was the table freed meanwhile? */
static void point_leave(struct race_thread *t, enum tdp_race_point p,
			uint64_t *ptep, uint64_t before, uint64_t gp)
{
	struct race_ctx *rc = t->rc;
	uint64_t after = __atomic_load_n(ptep, __ATOMIC_ACQUIRE);

	if (after == POISON) {
		fail(rc, "a table was freed while a CPU was inside it",
		     (uintptr_t)ptep, p);
		return;
	}
	if (after == before)
		return;
	t->n[PC(p, PC_CHANGED)]++;
	if (after != DISCONNECTED_PTE)
		return;
	t->n[PC(p, PC_DISCONNECTED)]++;
	if (p == TDP_RACE_FAULT_READ)
		t->n[X_FAULT_IN_TAKEN]++;
	if (__atomic_load_n(&rc->grace_periods, __ATOMIC_RELAXED) != gp)
		t->n[X_GP_HELD]++;
}

/* A table's disconnection begins (the exchange of its first entry is
 * next): the flush it waits for must begin after now. */
static void note_unlinked(struct race_thread *t, uint64_t table)
{
	struct race_platform *rp = &t->rc->rp;

	pthread_mutex_lock(&rp->lock);
	if (!map_add(&rp->unlinked, table,
		     __atomic_load_n(&rp->flush_started, __ATOMIC_SEQ_CST)))
		fail(t->rc, "a table disconnected twice", table, 0);
	pthread_mutex_unlock(&rp->lock);
	if (t->nmine < ARRAY_SIZE(t->mine))
		t->mine[t->nmine++] = table;
}

/* The other CPUs' sequences summed: moves whenever one of them enters or
 * leaves an MMU operation. */
static uint64_t others_seq(struct race_thread *t)
{
	uint64_t sum = 0;
	unsigned i;

	for (i = 0; i < t->rc->test->threads; i++)
		if (i != t->id)
			sum += __atomic_load_n(&t->rc->vm.cpu[i].qs_seq,
					       __ATOMIC_ACQUIRE);
	return sum;
}

/*
 * Every race point of the core lands here (tdp_race.h). The test holds
 * the window; around it, the checks and counts that every test shares.
 * A window without an entry (the grace period's, the freeing's) counts as
 * changed when another CPU entered or left an operation meanwhile.
 */
void tdp_race_point(struct tdp_vm *vm, enum tdp_race_point p, uint64_t *ptep,
		    uint64_t old)
{
	struct race_thread *t = race_self;
	struct race_ctx *rc = t ? t->rc : NULL;
	uint64_t before = old, gp;

	if (!t || __atomic_load_n(&rc->quiet, __ATOMIC_RELAXED))
		return;
	__atomic_store_n(&t->beat, t->beat + 1, __ATOMIC_RELAXED);
	t->n[PC(p, PC_CALLS)]++;
	if (p == TDP_RACE_DIRTY_TAKE) {
		/* A bitmap word, not an entry: changed means marked. */
		before = __atomic_load_n(ptep, __ATOMIC_ACQUIRE);
		rc->test->point(t, p, ptep, old);
		if (__atomic_load_n(ptep, __ATOMIC_ACQUIRE) != before)
			t->n[PC(p, PC_CHANGED)]++;
		return;
	}
	if (p == TDP_RACE_FAULT_READ)
		met_outcome(t);
	if (p == TDP_RACE_GP_FLUSHED)
		__atomic_add_fetch(&rc->grace_periods, 1, __ATOMIC_RELAXED);
	if (p == TDP_RACE_DISCONNECT) {
		before = __atomic_load_n(ptep, __ATOMIC_ACQUIRE);
		if (IS_ALIGNED((uintptr_t)ptep, PAGE_SIZE))
			note_unlinked(t, (uintptr_t)ptep);
	}
	if (ptep)
		point_enter(t, p, ptep, old);
	else
		before = others_seq(t);
	if (p == TDP_RACE_RECLAIM_FREE)
		__atomic_add_fetch(&rc->freeing, 1, __ATOMIC_SEQ_CST);
	gp = __atomic_load_n(&rc->grace_periods, __ATOMIC_RELAXED);
	rc->test->point(t, p, ptep, old);
	if (p == TDP_RACE_RECLAIM_FREE)
		__atomic_sub_fetch(&rc->freeing, 1, __ATOMIC_SEQ_CST);
	if (ptep)
		point_leave(t, p, ptep, before, gp);
	else if (others_seq(t) != before)
		t->n[PC(p, PC_CHANGED)]++;
}

/* --- what threads do --- */

static uint64_t data_gpa(struct race_thread *t, uint64_t page)
{
	return t->rc->test->data_gpa + page * PAGE_SIZE + t->id * 8;
}

/* The pages a range operation is about to work on, so that the guest
 * touches them while it does (pages of the data region). */
static void set_hot(struct race_ctx *rc, uint64_t first, uint64_t n)
{
	__atomic_store_n(&rc->hot, first << 32 | n, __ATOMIC_RELAXED);
}

/*
 * The pages of the data region that the entry at ptep maps, if it is a
 * leaf's or a table's of that region: the data is in the first GiB, under
 * the first entry of the root and of the table below it.
 */
static bool entry_pages(struct race_ctx *rc, uint64_t *ptep, uint64_t *first,
			uint64_t *n)
{
	const struct tdp_format *f = rc->fmt;
	uint64_t page = ALIGN_DOWN((uintptr_t)ptep, PAGE_SIZE);
	uint64_t idx = ((uintptr_t)ptep - page) / 8, *l2, e, i;
	uint64_t block = (rc->test->data_gpa >> PAGE_SHIFT) / 512;
	uint64_t blocks = rc->test->data_pages / 512;

	e = __atomic_load_n((uint64_t *)(uintptr_t)rc->vm.root,
			    __ATOMIC_ACQUIRE);
	if (!pte_is_table(f, e, 4))
		return false;
	e = __atomic_load_n((uint64_t *)(uintptr_t)(e & f->addr_mask),
			    __ATOMIC_ACQUIRE);
	if (!pte_is_table(f, e, 3))
		return false;
	l2 = (uint64_t *)(uintptr_t)(e & f->addr_mask);
	if (page == (uintptr_t)l2 && idx - block < blocks) {
		*first = (idx - block) * 512;
		*n = 512;
		return true;
	}
	for (i = 0; i < blocks; i++) {
		e = __atomic_load_n(&l2[block + i], __ATOMIC_ACQUIRE);
		if (pte_is_table(f, e, 2) && (e & f->addr_mask) == page) {
			*first = i * 512 + idx;
			*n = 1;
			return true;
		}
	}
	return false;
}

/* A page of the data region: half the time one the operations are busy
 * with. */
static uint64_t pick_page(struct race_thread *t)
{
	uint64_t hot = __atomic_load_n(&t->rc->hot, __ATOMIC_RELAXED);
	uint64_t n = hot & 0xffffffff;

	if (n && rnd(t) % 2)
		return (hot >> 32) + rnd(t) % n;
	return rnd(t) % t->rc->test->data_pages;
}

/* A write or a read of this thread's word of page; the read must find
 * what was written last. */
static void access_page(struct race_thread *t, uint64_t page, bool write)
{
	struct race_ctx *rc = t->rc;
	uint64_t gpa = data_gpa(t, page), v;

	if (write) {
		v = (rnd(t) << 8) | t->id | 1;
		if (!guest_write_faulting(&rc->vm, gpa, v))
			fail(rc, "write fault failed", gpa, 0);
		t->expect[page] = v;
	} else if (!guest_read_faulting(&rc->vm, gpa, &v)) {
		fail(rc, "read fault failed", gpa, 0);
	} else if (v != t->expect[page]) {
		fail(rc, "read back wrong data", gpa, v);
	}
	met_outcome(t);
	t->n[X_FAULTS]++;
}

/*
 * An access that a report (dirty log or aging) must show: by the first
 * report over the page that had not ended when the access began, or by a
 * later one.
 */
static void reported_access(struct race_thread *t, bool write)
{
	struct race_ctx *rc = t->rc;
	uint64_t page = pick_page(t);
	uint64_t first =
	    __atomic_load_n(&rc->reports_ended[page], __ATOMIC_ACQUIRE) + 1;

	access_page(t, page, write);
	if (__atomic_load_n(&rc->must_report[page], __ATOMIC_RELAXED) < first)
		__atomic_store_n(&rc->must_report[page], first,
				 __ATOMIC_RELEASE);
}

/*
 * One report over the pages [first, first + n) of the demand slot: the
 * dirty log's get-and-clear (the whole slot) or aging. Every access that
 * was complete before it began (must_report read before the call) must
 * have been reported by now, by this report or an earlier one numbered at
 * least must_report.
 */
static void report_and_check(struct race_thread *t, bool dirty, uint64_t first,
			     uint64_t n)
{
	struct race_ctx *rc = t->rc;
	uint64_t snap[DEMAND_PAGES], bits[DEMAND_PAGES / 64], p, k;
	uint64_t base = (DEMAND_GPA >> PAGE_SHIFT) + first;

	for (p = first; p < first + n; p++)
		snap[p] =
		    __atomic_load_n(&rc->must_report[p], __ATOMIC_ACQUIRE);
	set_hot(rc, first, n);
	if (dirty)
		tdp_dirty_log_get_and_clear(&rc->vm, rc->slot_demand, bits);
	else
		tdp_age_range(&rc->vm, base, base + n, bits);
	for (p = first; p < first + n; p++) {
		uint64_t bit = dirty ? p : p - first;

		k = rc->reports_ended[p] + 1;
		if (bits[bit / 64] & (1ull << (bit % 64)))
			rc->last_report[p] = k;
		if (snap[p] && rc->last_report[p] < snap[p])
			fail(rc,
			     dirty ? "a write not reported dirty"
				   : "an access not reported young",
			     base + p - first, snap[p] << 32 | k);
		else if (snap[p] > rc->checked[p])
			t->n[dirty ? X_DIRTY_CHECKED : X_YOUNG_CHECKED]++;
		rc->checked[p] = snap[p];
		__atomic_store_n(&rc->reports_ended[p], k, __ATOMIC_RELEASE);
	}
	t->n[X_OPS]++;
	if (dirty)
		meet_offer(t, MEET_REPORTED);
}

/* A range of the demand slot: one table's worth, a few pages, or the
 * whole first GiB (the table of tables above both); the guest is steered
 * to its pages. */
static void demand_range(struct race_thread *t, uint64_t *start, uint64_t *end)
{
	uint64_t base = DEMAND_GPA >> PAGE_SHIFT, r = rnd(t) % 4;
	uint64_t len = 1 + rnd(t) % 16;

	if (r < 2) {
		*start = base + (rnd(t) % 2) * 512;
		*end = *start + 512;
	} else if (r == 2) {
		*start = base + rnd(t) % DEMAND_PAGES;
		*end = MIN(*start + len, base + DEMAND_PAGES);
	} else {
		*start = 0;
		*end = tdp_level_pages(3);
	}
	if (*end - *start <= DEMAND_PAGES)
		set_hot(t->rc, *start - base, *end - *start);
	else
		set_hot(t->rc, 0, 0);
}

/*
 * At a fault's read. It first releases an operation waiting at the same
 * entry. Then, at a leaf's entry (to install or upgrade), some of the time
 * it waits for the disconnection of that entry's table to reach it; at a
 * table pointer below the root, a quarter of the time for that table to be
 * unlinked; else it holds the window a little.
 */
static void fault_hold(struct race_thread *t, uint64_t *ptep, uint64_t old)
{
	const struct tdp_format *f = t->rc->fmt;
	unsigned level = fault_level(t, ptep);

	if (tdp_pte_present(f, old))
		meet_offer(t, key_entry(ptep));
	if (level == 1 && rnd(t) % 100 < t->rc->test->fault_wait_pct) {
		t->met_restarts = t->rc->vm.cpu[t->id].restarts;
		t->met_pending = meet_wait(t, key_unlinked(ptep), 30000);
	} else if (pte_is_table(f, old, level) &&
		   level < t->rc->vm.root_level && rnd(t) % 4 == 0) {
		meet_wait(t, key_table(f, old), 30000);
	} else {
		hold(t, 1000);
	}
}

/*
 * At an operation about to replace *ptep: releases a fault waiting for the
 * table old points to, or another thread waiting at the same entry; then,
 * a quarter of the time, waits there itself for another thread's change
 * of the entry, else holds the window. Either way the guest is steered to
 * the pages the entry maps.
 */
static void op_hold(struct race_thread *t, uint64_t *ptep, uint64_t old,
		    unsigned max_ns)
{
	struct race_ctx *rc = t->rc;
	uint64_t hot = __atomic_load_n(&rc->hot, __ATOMIC_RELAXED), first, n;

	if (tdp_pte_present(rc->fmt, old))
		meet_offer(t, key_table(rc->fmt, old));
	meet_offer(t, key_entry(ptep));
	if (entry_pages(rc, ptep, &first, &n))
		set_hot(rc, first, n);
	if (rnd(t) % 4 == 0)
		meet_wait(t, key_entry(ptep), 20000);
	else
		hold(t, max_ns);
	__atomic_store_n(&rc->hot, hot, __ATOMIC_RELAXED);
}

/*
 * Get-and-clear is about to take a word of the dirty bitmap: the guest is
 * steered to the 64 pages of that word, where its writes fault and mark
 * the word (the pages reported so far are write-protected), while the
 * window is held.
 */
static void dirty_take_hold(struct race_thread *t, uint64_t *word)
{
	struct race_ctx *rc = t->rc;
	uint64_t hot = __atomic_load_n(&rc->hot, __ATOMIC_RELAXED);
	uint64_t first = (uint64_t)(word - rc->vm.slots[rc->slot_demand].dirty);

	set_hot(rc, first * 64, 64);
	hold(t, 4000);
	__atomic_store_n(&rc->hot, hot, __ATOMIC_RELAXED);
}

/* What every test but the reclaim one does at the race points. */
static void standard_point(struct race_thread *t, enum tdp_race_point p,
			   uint64_t *ptep, uint64_t old)
{
	switch (p) {
	case TDP_RACE_FAULT_READ:
		fault_hold(t, ptep, old);
		break;
	case TDP_RACE_WALK_DESCEND:
		hold(t, 300);
		break;
	case TDP_RACE_ZAP:
	case TDP_RACE_WRPROT:
	case TDP_RACE_SPLIT:
	case TDP_RACE_COLLAPSE:
	case TDP_RACE_AGE:
		op_hold(t, ptep, old, 1500);
		break;
	case TDP_RACE_DISCONNECT:
		/* Released, the fault's jitter and this hold decide whether
		 * its cmpxchg or the exchange comes first: both happen. */
		if (meet_offer(t, key_unlinked(ptep)))
			hold(t, 1000 * WAIT_SCALE);
		break;
	case TDP_RACE_DIRTY_TAKE:
		dirty_take_hold(t, ptep);
		break;
	case TDP_RACE_GP_FLUSHED:
	case TDP_RACE_RECLAIM_FREE:
		hold(t, 2000);
		break;
	default:
		break;
	}
}

/* --- fault vs zap of the same table --- */

static void fz_step(struct race_thread *t)
{
	uint64_t start, end;

	if (t->id == 0) {
		access_page(t, pick_page(t), rnd(t) % 2);
		return;
	}
	pace(t);
	demand_range(t, &start, &end);
	tdp_zap_range(&t->rc->vm, start, end);
	t->n[X_OPS]++;
}

static const int fz_needs[] = {PC(TDP_RACE_FAULT_READ, PC_DISCONNECTED),
			       PC(TDP_RACE_DISCONNECT, PC_CHANGED),
			       X_TAKEN_BACK, -1};

/* --- fault vs split and vs collapse --- */

static void fsc_step(struct race_thread *t)
{
	struct tdp_vm *vm = &t->rc->vm;
	uint64_t start = LARGE_GPA >> PAGE_SHIFT, end = start + LARGE_PAGES;
	uint64_t r = rnd(t) % 8, half = (rnd(t) % 2) * 512;

	if (t->id == 0) {
		access_page(t, pick_page(t), rnd(t) % 2);
		return;
	}
	pace(t);
	switch (t->id) {
	case 1:
		/* Split and protected, a block is written through upgrades
		 * of its small leaves, inside the table collapse takes. */
		set_hot(t->rc, half, 512);
		if (r)
			tdp_split_range(vm, start + half, start + half + 512,
					1);
		tdp_write_protect_range(vm, start + half, start + half + 512);
		break;
	default:
		tdp_collapse_range(vm, start, end);
		break;
	}
	t->n[X_OPS]++;
}

static const int fsc_needs[] = {PC(TDP_RACE_SPLIT, PC_CHANGED),
				PC(TDP_RACE_FAULT_READ, PC_CHANGED),
				X_FAULT_IN_TAKEN, -1};

/* --- dirty log: get-and-clear vs write protection and vs zap --- */

static void dl_step(struct race_thread *t)
{
	uint64_t start, end, r;

	switch (t->id) {
	case 0:
		if (rnd(t) % 4)
			reported_access(t, true);
		else
			access_page(t, pick_page(t), false);
		return;
	case 1:
		pace(t);
		report_and_check(t, true, 0, DEMAND_PAGES);
		return;
	default:
		pace(t);
		demand_range(t, &start, &end);
		r = rnd(t) % 3;
		/* Zapping read-only leaves: a write fault may upgrade one in
		 * the zap's window. */
		if (r != 1)
			tdp_write_protect_range(&t->rc->vm, start, end);
		if (r != 0)
			tdp_zap_range(&t->rc->vm, start, end);
		t->n[X_OPS]++;
		return;
	}
}

/*
 * A zap holds its window across a whole get-and-clear some of the time:
 * the report runs while the entry it saw is still there, the guest writes
 * the entry's pages meanwhile and just after, and the zap goes on.
 */
static void dl_point(struct race_thread *t, enum tdp_race_point p,
		     uint64_t *ptep, uint64_t old)
{
	struct race_ctx *rc = t->rc;
	uint64_t hot = __atomic_load_n(&rc->hot, __ATOMIC_RELAXED), first, n;

	if (p != TDP_RACE_ZAP || rnd(t) % 4 || !entry_pages(rc, ptep, &first, &n)) {
		standard_point(t, p, ptep, old);
		return;
	}
	set_hot(rc, first, n);
	if (meet_wait(t, MEET_REPORTED, 50000)) {
		t->n[X_ZAP_OVER_REPORT]++;
		hold(t, 5000 * WAIT_SCALE);
	}
	__atomic_store_n(&rc->hot, hot, __ATOMIC_RELAXED);
}

static const int dl_needs[] = {
    PC(TDP_RACE_FAULT_READ, PC_CHANGED), PC(TDP_RACE_WRPROT, PC_CHANGED),
    PC(TDP_RACE_WRPROT, PC_DISCONNECTED), PC(TDP_RACE_DIRTY_TAKE, PC_CHANGED),
    X_ZAP_OVER_REPORT, X_DIRTY_CHECKED, -1};

/* --- aging vs fault --- */

static void age_step(struct race_thread *t)
{
	uint64_t first = ALIGN_DOWN(rnd(t) % DEMAND_PAGES, 64);

	if (t->id == 0) {
		reported_access(t, rnd(t) % 2);
		return;
	}
	pace(t);
	switch (rnd(t) % 8) {
	case 0:
		report_and_check(t, false, 0, DEMAND_PAGES);
		break;
	case 1:
		/* Leaves go, the slot's young bitmap keeps what they had. */
		tdp_zap_range(&t->rc->vm, first, first + 64);
		break;
	case 2:
	case 3:
	case 4:
		/* Writes to the range fault again while it is aged: an
		 * upgrade in the window of the accessed bit's clearing. */
		tdp_write_protect_range(&t->rc->vm, first, first + 64);
		/* fall through */
	default:
		report_and_check(t, false, first, 64);
		break;
	}
}

static const int age_needs[] = {PC(TDP_RACE_AGE, PC_CHANGED), X_YOUNG_CHECKED,
				-1};

/* --- concurrent reclaim barriers, slow flushes, yields --- */

/* The barrier's promise, as this thread sees it: every table it
 * disconnected before the call is freed when the call returns. */
static void checked_barrier(struct race_thread *t)
{
	struct race_ctx *rc = t->rc;
	uint64_t value;
	unsigned i;

	if (__atomic_load_n(&rc->freeing, __ATOMIC_SEQ_CST))
		t->n[X_BARRIER_HELD]++;
	tdp_reclaim_barrier(&rc->vm);
	pthread_mutex_lock(&rc->rp.lock);
	for (i = 0; i < t->nmine; i++)
		if (map_find(&rc->rp.unlinked, t->mine[i], &value))
			fail(rc,
			     "a barrier returned before a table disconnected "
			     "earlier was freed",
			     t->mine[i], 0);
	pthread_mutex_unlock(&rc->rp.lock);
	t->nmine = 0;
	t->n[X_OPS]++;
}

static void rb_step(struct race_thread *t)
{
	uint64_t r = rnd(t) % 100, start, end;

	if (r < 60) {
		access_page(t, pick_page(t), rnd(t) % 2);
	} else if (r < 85) {
		demand_range(t, &start, &end);
		tdp_zap_range(&t->rc->vm, start, end);
		t->n[X_OPS]++;
	} else {
		checked_barrier(t);
	}
}

static void rb_point(struct race_thread *t, enum tdp_race_point p,
		     uint64_t *ptep, uint64_t old)
{
	switch (p) {
	case TDP_RACE_FAULT_READ:
		fault_level(t, ptep);
		/* fall through */
	case TDP_RACE_WALK_DESCEND:
	case TDP_RACE_GP_FLUSHED:
	case TDP_RACE_RECLAIM_FREE:
		if (rnd(t) % 8 == 0)
			sched_yield();
		else
			hold(t, 2000);
		break;
	case TDP_RACE_ZAP:
		hold(t, 500);
		break;
	default:
		break;
	}
}

static const int rb_needs[] = {PC(TDP_RACE_FAULT_READ, PC_DISCONNECTED),
			       PC(TDP_RACE_GP_FLUSHED, PC_CHANGED),
			       PC(TDP_RACE_RECLAIM_FREE, PC_CHANGED),
			       X_GP_HELD,
			       X_BARRIER_HELD,
			       -1};

static const struct race_test tests[] = {
    {
	.name = "fault-zap",
	.what = "a fault installs in the table a zap takes apart",
	.threads = 2,
	.fault_wait_pct = 50,
	.data_gpa = DEMAND_GPA,
	.data_pages = DEMAND_PAGES,
	.step = fz_step,
	.point = standard_point,
	.needs = fz_needs,
    },
    {
	.name = "fault-split-collapse",
	.what = "faults against split, collapse and write protection of 2M "
		"blocks",
	.threads = 3,
	.fault_wait_pct = 50,
	.data_gpa = LARGE_GPA,
	.data_pages = LARGE_PAGES,
	.step = fsc_step,
	.point = standard_point,
	.needs = fsc_needs,
    },
    {
	.name = "dirty-log",
	.what = "get-and-clear against write protection and zap; every "
		"write reported",
	.threads = 3,
	.log_dirty = true,
	.fault_wait_pct = 10,
	.data_gpa = DEMAND_GPA,
	.data_pages = DEMAND_PAGES,
	.step = dl_step,
	.point = dl_point,
	.needs = dl_needs,
    },
    {
	.name = "age-fault",
	.what = "aging against faults and accesses; every access reported",
	.threads = 2,
	.fault_wait_pct = 10,
	.data_gpa = DEMAND_GPA,
	.data_pages = DEMAND_PAGES,
	.step = age_step,
	.point = standard_point,
	.needs = age_needs,
    },
    {
	.name = "reclaim-barrier",
	.what = "barriers from every thread among faults and zaps, slow "
		"flushes, yields in the windows",
	.threads = 3,
	.slow_flush_us = 20,
	.fault_wait_pct = 25,
	.data_gpa = DEMAND_GPA,
	.data_pages = DEMAND_PAGES,
	.step = rb_step,
	.point = rb_point,
	.needs = rb_needs,
    },
};

/* --- rounds and checks --- */

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

/* Every thread parked: the tree, the books, the data and the pages. */
static void round_check(struct race_ctx *rc)
{
	struct tdp_vm *vm = &rc->vm;
	struct race_platform *rp = &rc->rp;
	struct tdp_audit a;
	struct tdp_stats s;
	int64_t cached = 0, expected;
	uint64_t i, v;
	unsigned t;

	__atomic_store_n(&rc->quiet, 1, __ATOMIC_SEQ_CST);
	if (!tdp_audit(vm, &a))
		fail(rc, "audit: the books differ from the tree",
		     a.disconnected, a.bad_leaves * 1000000 + a.bad_entries);
	for (t = 0; t < rc->test->threads; t++)
		for (i = 0; i < rc->test->data_pages; i++) {
			uint64_t gpa =
			    rc->test->data_gpa + i * PAGE_SIZE + t * 8;

			if (!guest_read_faulting(vm, gpa, &v) ||
			    v != rc->threads[t].expect[i])
				fail(rc, "data lost", gpa, v);
		}
	tdp_reclaim_barrier(vm);
	quarantine_drain(rp);
	tdp_get_stats(vm, &s);
	for (t = 0; t < TDP_MAX_CPUS; t++)
		cached += vm->cpu[t].ncache;
	expected =
	    1 + s.table_pages + s.backing_pages + slot_array_pages(vm) + cached;
	if (s.pending_free || host_live_pages(&rp->hp) != expected)
		fail(rc, "pages out != pages in use", host_live_pages(&rp->hp),
		     expected);
	if (rp->unlinked.count)
		fail(rc, "disconnected tables not freed after a barrier",
		     rp->unlinked.count, 0);
	if (rp->hp.freed_walks)
		fail(rc, "guest walks read a freed table", rp->hp.freed_walks,
		     0);
	if (s.warnings || rp->hp.bad_frees || rp->hp.reports || rp->errors)
		fail(rc, "warnings, bad frees or broken promises",
		     s.warnings + rp->hp.reports,
		     rp->hp.bad_frees + rp->errors);
	for (t = 0; t < rc->test->threads; t++)
		rc->threads[t].nmine = 0;
	rc->rounds++;
	__atomic_store_n(&rc->quiet, 0, __ATOMIC_SEQ_CST);
}

/* The sum of counter c over the threads (all parked). */
static uint64_t count_of(struct race_ctx *rc, int c)
{
	uint64_t sum = 0;
	unsigned t;

	for (t = 0; t < rc->test->threads; t++)
		sum += rc->threads[t].n[c];
	return sum;
}

/* Whether every window the test aims at was hit (all parked). */
static bool needs_met(struct race_ctx *rc)
{
	unsigned i;

	for (i = 0; rc->test->needs[i] >= 0; i++)
		if (!count_of(rc, rc->test->needs[i]))
			return false;
	return true;
}

static void *thread_main(void *arg)
{
	struct race_thread *t = arg;
	struct race_ctx *rc = t->rc;

	host_platform_set_cpu(t->id);
	race_self = t;
	pthread_barrier_wait(&rc->barrier);
	while (!__atomic_load_n(&rc->stop, __ATOMIC_ACQUIRE)) {
		rc->test->step(t);
		__atomic_store_n(&t->beat, t->beat + 1, __ATOMIC_RELAXED);
		if (t->id == 0 && now_ns() >= rc->next_round_ns)
			__atomic_store_n(&rc->pause, 1, __ATOMIC_RELEASE);
		if (!__atomic_load_n(&rc->pause, __ATOMIC_ACQUIRE))
			continue;
		pthread_barrier_wait(&rc->barrier);
		if (t->id == 0) {
			round_check(rc);
			rc->next_round_ns = now_ns() + rc->round_ns;
			__atomic_store_n(&rc->pause, 0, __ATOMIC_RELAXED);
			if ((now_ns() >= rc->end_ns &&
			     (needs_met(rc) || now_ns() >= rc->give_up_ns)) ||
			    __atomic_load_n(&rc->failed, __ATOMIC_RELAXED))
				__atomic_store_n(&rc->stop, 1,
						 __ATOMIC_RELEASE);
		}
		pthread_barrier_wait(&rc->barrier);
	}
	race_self = NULL;
	return NULL;
}

static bool setup(struct race_ctx *rc)
{
	struct tdp_vm *vm = &rc->vm;

	rp_init(&rc->rp, rc->test->threads, rc->test->slow_flush_us);
	host_platform_set_cpu(0);
	if (!tdp_vm_init(vm, rc->fmt, &rc->rp.plat, 3))
		return false;
	rc->slot_demand =
	    tdp_slot_add(vm, DEMAND_GPA, DEMAND_PAGES * PAGE_SIZE, 0);
	rc->slot_large = tdp_slot_add(vm, LARGE_GPA, LARGE_PAGES * PAGE_SIZE,
				      TDP_SLOT_PREALLOC);
	if (rc->slot_demand < 0 || rc->slot_large < 0)
		return false;
	if (rc->test->log_dirty)
		tdp_dirty_log_start(vm, rc->slot_demand);
	return true;
}

static void print_counts(struct race_ctx *rc, const uint64_t *n)
{
	unsigned p, x;

	for (p = 0; p < TDP_RACE_NR; p++) {
		if (!n[PC(p, PC_CALLS)])
			continue;
		printf("  %-32s %9llu held", point_names[p],
		       (unsigned long long)n[PC(p, PC_CALLS)]);
		if (n[PC(p, PC_CHANGED)])
			printf(", %llu changed under it",
			       (unsigned long long)n[PC(p, PC_CHANGED)]);
		if (n[PC(p, PC_DISCONNECTED)])
			printf(" (%llu disconnected)",
			       (unsigned long long)n[PC(p, PC_DISCONNECTED)]);
		printf("\n");
	}
	for (x = X_MET; x < X_COUNT; x++)
		if (n[x])
			printf("  %-32s %9llu\n", extra_names[x - X_MET],
			       (unsigned long long)n[x]);
}

static bool run(const struct race_test *test, const struct tdp_format *fmt,
		uint64_t ms, uint64_t seed)
{
	struct race_ctx *rc = aligned_alloc(64, ALIGN_UP(sizeof(*rc), 64));
	pthread_t tid[MAX_THREADS];
	uint64_t n[X_COUNT] = {0}, start;
	unsigned t, i;
	bool ok;

	memset(rc, 0, sizeof(*rc));
	rc->test = test;
	rc->fmt = fmt;
	if (!setup(rc)) {
		fprintf(stderr, "%s: setup failed\n", test->name);
		return false;
	}
	pthread_barrier_init(&rc->barrier, NULL, test->threads);
	start = now_ns();
	rc->end_ns = start + ms * 1000000;
	/* A loaded machine (a shared CI host) hits the windows more slowly:
	 * keep going until each was hit, for up to 20 times the duration. */
	rc->give_up_ns = start + 20 * ms * 1000000;
	rc->round_ns = MIN(ms, 100ull) * 1000000;
	rc->next_round_ns = start + rc->round_ns;
	for (t = 0; t < test->threads; t++) {
		struct race_thread *th = &rc->threads[t];

		th->rc = rc;
		th->id = t;
		th->rng = seed * 7919 + t * 104729 + 1;
		th->expect = calloc(test->data_pages, sizeof(uint64_t));
		pthread_create(&tid[t], NULL, thread_main, th);
	}
	for (t = 0; t < test->threads; t++)
		pthread_join(tid[t], NULL);
	for (t = 0; t < test->threads; t++)
		for (i = 0; i < X_COUNT; i++)
			n[i] += rc->threads[t].n[i];

	tdp_vm_destroy(&rc->vm);
	quarantine_drain(&rc->rp);
	if (host_live_pages(&rc->rp.hp) || rc->rp.hp.bad_frees ||
	    rc->rp.hp.allocs != rc->rp.hp.frees || rc->rp.errors)
		fail(rc, "teardown left pages or freed some twice",
		     host_live_pages(&rc->rp.hp), rc->rp.hp.bad_frees);
	printf("%s/%s: %s\n  %.2f s, %llu rounds, %llu flushes\n", test->name,
	       fmt->name, test->what, (now_ns() - start) / 1e9,
	       (unsigned long long)rc->rounds,
	       (unsigned long long)rc->rp.flush_started);
	print_counts(rc, n);
	for (i = 0; test->needs[i] >= 0; i++) {
		static const char *const what[PC_PER_POINT] = {
		    "held", "changed under it", "disconnected under it"};
		int c = test->needs[i];
		char name[128];

		if (n[c])
			continue;
		if (c >= X_MET)
			snprintf(name, sizeof(name), "window never hit: %s",
				 extra_names[c - X_MET]);
		else
			snprintf(name, sizeof(name), "window never hit: %s, %s",
				 point_names[c / PC_PER_POINT],
				 what[c % PC_PER_POINT]);
		fail(rc, name, n[c], 0);
	}
	ok = !rc->failed && !rc->rp.hp.reports;
	printf("  %s\n", ok ? "ok" : "FAILED");
	for (t = 0; t < test->threads; t++)
		free(rc->threads[t].expect);
	pthread_barrier_destroy(&rc->barrier);
	rp_fini(&rc->rp);
	free(rc);
	return ok;
}

static void calibrate(void)
{
	uint64_t t0 = now_ns(), i;

	for (i = 0; i < 100000; i++)
		cpu_relax();
	ns_per_pause = MAX((double)(now_ns() - t0) / 100000, 1.0);
}

static void usage(void)
{
	unsigned i;

	fprintf(stderr,
		"usage: mmu_race [-t test[,test...]] [-d ms] [-s seed] "
		"[-f ept|npt|both|ept-no-ad]\n"
		"  -d: each test runs ms per format, longer (up to 20 times)\n"
		"      until each of its windows was hit\ntests:");
	for (i = 0; i < ARRAY_SIZE(tests); i++)
		fprintf(stderr, " %s", tests[i].name);
	fprintf(stderr, "\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct tdp_format *const formats[] = {
	    &ept_format, &npt_format, &ept_format_no_ad};
	const char *only = NULL, *fmt = "both";
	uint64_t ms = 1000, seed = 1;
	unsigned i, f, failed = 0, ran = 0;
	int a;

	for (a = 1; a < argc; a++) {
		const char *v = a + 1 < argc ? argv[a + 1] : NULL;

		if (v && !strcmp(argv[a], "-t"))
			only = v, a++;
		else if (v && !strcmp(argv[a], "-d"))
			ms = strtoull(v, NULL, 0), a++;
		else if (v && !strcmp(argv[a], "-s"))
			seed = strtoull(v, NULL, 0), a++;
		else if (v && !strcmp(argv[a], "-f"))
			fmt = v, a++;
		else
			usage();
	}
	if (!ms)
		usage();
	calibrate();
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < ARRAY_SIZE(tests); i++) {
		if (only && !strstr(only, tests[i].name))
			continue;
		for (f = 0; f < ARRAY_SIZE(formats); f++) {
			if (strcmp(fmt, formats[f]->name) &&
			    (strcmp(fmt, "both") || f > 1))
				continue;
			ran++;
			failed += !run(&tests[i], formats[f], ms, seed + i);
		}
	}
	if (!ran)
		usage();
	printf("%u runs, %u failed\n", ran, failed);
	return failed ? 1 : 0;
}
