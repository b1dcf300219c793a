/*
 * The MMU core's plain lock, for short sections. Waiting goes through a
 * relax function so that a host test with more threads than CPUs can yield
 * instead of spinning against a preempted holder; the hypervisor passes
 * NULL (PAUSE). (Shared and exclusive operations are in tdp_vm.c.)
 */
#ifndef MM_TDP_LOCK_H
#define MM_TDP_LOCK_H

#include "lib/spinlock.h"

typedef void (*tdp_relax_fn)(void *ctx);

struct tdp_lock {
	uint32_t locked;
};

static inline void tdp_relax(tdp_relax_fn relax, void *ctx)
{
	if (relax)
		relax(ctx);
	else
		cpu_relax();
}

static inline void tdp_lock(struct tdp_lock *l, tdp_relax_fn relax, void *ctx)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			tdp_relax(relax, ctx);
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
