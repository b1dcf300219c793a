/*
 * The MMU core's plain lock, for short sections. Waiting goes through a
 * relax function so that a host test with more threads than CPUs can yield
 * instead of spinning against a preempted holder; the hypervisor passes
 * NULL (PAUSE). (Shared and exclusive operations are in tdp_vm.c.)
 */
#ifndef MM_TDP_LOCK_H
#define MM_TDP_LOCK_H

#include "lib/spinlock.h"

/*
 * What a waiting CPU waits for, handed to every relax call of one wait so
 * that the platform can name a wait that lasts (and end one that never
 * will). since and reported are the platform's; they start at zero.
 */
struct tdp_wait {
	const char *what; /* completes "cpuN waits for cpuM to ..." */
	int cpu;          /* the CPU waited for; -1 when not known */
	uint64_t since;
	bool reported;
};

#define TDP_WAIT_INIT(cpu_, what_) { .what = (what_), .cpu = (cpu_) }

typedef void (*tdp_relax_fn)(void *ctx, struct tdp_wait *w);

struct tdp_lock {
	uint32_t locked;
};

static inline void tdp_relax(tdp_relax_fn relax, void *ctx, struct tdp_wait *w)
{
	if (relax)
		relax(ctx, w);
	else
		cpu_relax();
}

/* what names the lock for a wait that lasts. */
static inline void tdp_lock(struct tdp_lock *l, tdp_relax_fn relax, void *ctx,
			    const char *what)
{
	struct tdp_wait w = TDP_WAIT_INIT(-1, what);

	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			tdp_relax(relax, ctx, &w);
}

static inline bool tdp_trylock(struct tdp_lock *l)
{
	return !__atomic_load_n(&l->locked, __ATOMIC_RELAXED) &&
	       !__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE);
}

static inline void tdp_unlock(struct tdp_lock *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

#endif
