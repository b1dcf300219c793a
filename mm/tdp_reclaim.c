/*
 * Deferred freeing of disconnected tables.
 *
 * A table unlinked from the tree may still be walked: by another CPU that
 * read the entry linking it just before, and by the paging-structure caches
 * of every CPU that ran the VM. So it waits: first for a TLB flush of the VM
 * that began after it was unlinked, then for every CPU to have been outside
 * an MMU operation (a quiescent state) at some moment after that flush.
 *
 * Tables queue up in pending batches; one grace period at a time takes the
 * whole pending list to waiting, flushes and snapshots the CPUs' sequences;
 * the first poll that finds every CPU past its snapshot frees the lot.
 */
#include "mm/tdp_internal.h"

static struct tdp_free_batch *batch_at(struct tdp_vm *vm, uint64_t phys)
{
	return tdp_virt(vm, phys);
}

/* A page for a new batch: this CPU's spare table page if it has one (so
 * a CPU short of memory still makes progress), else a fresh one. */
static uint64_t batch_alloc(struct tdp_vm *vm)
{
	struct tdp_cpu *c = &vm->cpu[vm->plat->cpu_id(vm->plat->ctx)];

	if (c->ncache)
		return c->cache[--c->ncache];
	return vm->plat->alloc_pages(vm->plat->ctx, 0, false);
}

void tdp_reclaim_queue(struct tdp_vm *vm, uint64_t table)
{
	struct tdp_reclaim *r = &vm->reclaim;
	struct tdp_free_batch *b = NULL;

	tdp_vm_lock(vm, &r->queue_lock, "take the reclaim queue lock");
	if (r->pending)
		b = batch_at(vm, r->pending);
	if (!b || b->count == ARRAY_SIZE(b->tables)) {
		uint64_t page = batch_alloc(vm);

		if (TDP_WARN_ON(vm, !page)) {
			tdp_stat_add(vm, reclaim_leaked, 1);
			tdp_unlock(&r->queue_lock);
			return;
		}
		b = batch_at(vm, page);
		b->next = r->pending;
		b->count = 0;
		__atomic_store_n(&r->pending, page, __ATOMIC_RELAXED);
	}
	b->tables[b->count++] = table;
	tdp_stat_add(vm, pending_free, 1);
	tdp_unlock(&r->queue_lock);
}

static bool grace_period_over(struct tdp_vm *vm)
{
	struct tdp_reclaim *r = &vm->reclaim;
	unsigned i;

	for (i = 0; i < vm->plat->nr_cpus; i++) {
		uint64_t snap = r->snap[i];

		if ((snap & 1) && __atomic_load_n(&vm->cpu[i].qs_seq,
						  __ATOMIC_ACQUIRE) == snap)
			return false;
	}
	return true;
}

/*
 * Starts a grace period for everything pending; called with gp_lock. Its
 * flush is one that began after the tables were taken: the flush of the
 * operation that disconnected them serves when it began later (zap's, as
 * it settles after leaving the operation), else one begins here.
 */
static void grace_period_begin(struct tdp_vm *vm)
{
	struct tdp_reclaim *r = &vm->reclaim;
	uint64_t seen;
	unsigned i;

	tdp_vm_lock(vm, &r->queue_lock, "take the reclaim queue lock");
	/* waiting first: a barrier that sees pending at 0 (acquire) sees
	 * the batches in waiting. */
	__atomic_store_n(&r->waiting, r->pending, __ATOMIC_RELAXED);
	__atomic_store_n(&r->pending, 0, __ATOMIC_RELEASE);
	tdp_unlock(&r->queue_lock);
	if (!r->waiting)
		return;
	seen = tdp_flush_mark(vm);
	tdp_flush_after(vm, seen);
	TDP_RACE_POINT(vm, TDP_RACE_GP_FLUSHED, NULL, 0);
	tdp_smp_mb();
	for (i = 0; i < vm->plat->nr_cpus; i++)
		r->snap[i] =
		    __atomic_load_n(&vm->cpu[i].qs_seq, __ATOMIC_SEQ_CST);
	trace_record(TRACE_GRACE, TRACE_GRACE_BEGIN, seen + 1, 0);
}

/* Each table's free is recorded before the page can be handed out again. */
static void free_batches(struct tdp_vm *vm, uint64_t list)
{
	uint64_t freed = 0;

	while (list) {
		struct tdp_free_batch *b = batch_at(vm, list);
		uint64_t next = b->next, i;

		for (i = 0; i < b->count; i++) {
			trace_record(TRACE_FREE, b->tables[i], 0, 0);
			vm->plat->free_pages(vm->plat->ctx, b->tables[i], 0);
		}
		tdp_stat_add(vm, pending_free, -(int64_t)b->count);
		tdp_stat_add(vm, freed_tables, b->count);
		freed += b->count;
		vm->plat->free_pages(vm->plat->ctx, list, 0);
		list = next;
	}
	trace_record(TRACE_GRACE, TRACE_GRACE_END, freed, 0);
}

void tdp_reclaim_poll(struct tdp_vm *vm)
{
	struct tdp_reclaim *r = &vm->reclaim;
	uint64_t done = 0;

	if (!__atomic_load_n(&r->pending, __ATOMIC_RELAXED) &&
	    !__atomic_load_n(&r->waiting, __ATOMIC_RELAXED))
		return;
	if (!tdp_trylock(&r->gp_lock))
		return;
	if (r->waiting && grace_period_over(vm)) {
		done = r->waiting;
		/*
		 * freeing goes up before waiting goes to 0: a barrier that
		 * sees waiting at 0 (acquire) then sees the batch as being
		 * freed, never a moment when it is in neither.
		 */
		__atomic_fetch_add(&r->freeing, 1, __ATOMIC_SEQ_CST);
		__atomic_store_n(&r->waiting, 0, __ATOMIC_RELEASE);
	}
	if (!r->waiting)
		grace_period_begin(vm);
	tdp_unlock(&r->gp_lock);
	if (done) {
		TDP_RACE_POINT(vm, TDP_RACE_RECLAIM_FREE, NULL, done);
		free_batches(vm, done);
		__atomic_fetch_sub(&r->freeing, 1, __ATOMIC_RELEASE);
	}
}

void tdp_reclaim_barrier(struct tdp_vm *vm)
{
	struct tdp_reclaim *r = &vm->reclaim;
	struct tdp_wait w = TDP_WAIT_INIT(-1, "see a grace period end");

	for (;;) {
		tdp_reclaim_poll(vm);
		/* In this order: see the stores' order in the functions above. */
		if (!__atomic_load_n(&r->pending, __ATOMIC_ACQUIRE) &&
		    !__atomic_load_n(&r->waiting, __ATOMIC_ACQUIRE) &&
		    !__atomic_load_n(&r->freeing, __ATOMIC_ACQUIRE))
			return;
		tdp_vm_relax(vm, &w);
	}
}
