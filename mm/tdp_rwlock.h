/*
 * Reader-writer spinlock for the MMU core: any number of readers (faults
 * and range operations) or one writer (teardown, slot changes). A waiting
 * writer stops new readers, so writers are not starved.
 */
#ifndef MM_TDP_RWLOCK_H
#define MM_TDP_RWLOCK_H

#include "lib/spinlock.h"

#define TDP_RWLOCK_WRITER (1u << 31)

struct tdp_rwlock {
	uint32_t state; /* TDP_RWLOCK_WRITER | number of readers */
	struct spinlock writers;
};

static inline void tdp_read_lock(struct tdp_rwlock *l)
{
	for (;;) {
		uint32_t s = __atomic_fetch_add(&l->state, 1, __ATOMIC_ACQUIRE);

		if (!(s & TDP_RWLOCK_WRITER))
			return;
		__atomic_fetch_sub(&l->state, 1, __ATOMIC_RELAXED);
		while (__atomic_load_n(&l->state, __ATOMIC_RELAXED) &
		       TDP_RWLOCK_WRITER)
			cpu_relax();
	}
}

static inline void tdp_read_unlock(struct tdp_rwlock *l)
{
	__atomic_fetch_sub(&l->state, 1, __ATOMIC_RELEASE);
}

static inline void tdp_write_lock(struct tdp_rwlock *l)
{
	spin_lock(&l->writers);
	__atomic_fetch_or(&l->state, TDP_RWLOCK_WRITER, __ATOMIC_ACQUIRE);
	while (__atomic_load_n(&l->state, __ATOMIC_ACQUIRE) !=
	       TDP_RWLOCK_WRITER)
		cpu_relax();
}

static inline void tdp_write_unlock(struct tdp_rwlock *l)
{
	__atomic_fetch_and(&l->state, ~TDP_RWLOCK_WRITER, __ATOMIC_RELEASE);
	spin_unlock(&l->writers);
}

#endif
