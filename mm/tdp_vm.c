/*
 * A VM's tree as a whole: creation and teardown, entering and leaving an
 * operation, and the per-CPU cache of table pages.
 */
#include "mm/tdp_internal.h"

void tdp_report(struct tdp_vm *vm, const char *file, int line, const char *what,
		bool fatal)
{
	if (!fatal)
		tdp_stat_add(vm, warnings, 1);
	vm->plat->report(vm->plat->ctx, file, line, what, fatal);
}

/* A zeroed page for a table, straight from the platform. */
uint64_t tdp_alloc_table(struct tdp_vm *vm)
{
	return vm->plat->alloc_pages(vm->plat->ctx, 0, true);
}

bool tdp_cache_topup(struct tdp_vm *vm, struct tdp_cpu *c, unsigned n)
{
	while (c->ncache < n) {
		uint64_t page = tdp_alloc_table(vm);

		if (!page)
			return false;
		c->cache[c->ncache++] = page;
	}
	return true;
}

bool tdp_vm_init(struct tdp_vm *vm, const struct tdp_format *fmt,
		 const struct tdp_platform *plat, unsigned max_level)
{
	memset(vm, 0, sizeof(*vm));
	vm->fmt = fmt;
	vm->plat = plat;
	vm->root_level = fmt->levels;
	vm->max_level = MIN(MAX(max_level, 1u), fmt->max_leaf_level);
	if (!plat->nr_cpus || plat->nr_cpus > TDP_MAX_CPUS)
		return false;
	vm->root = tdp_alloc_table(vm);
	return vm->root != 0;
}

/*
 * Every page goes back: the tree is zapped (its tables pass through the
 * grace period like any others, which is immediate with no operation
 * running), then the root, the slots' backing and the CPU caches.
 */
void tdp_vm_destroy(struct tdp_vm *vm)
{
	struct tdp_flush_debt debt = {0};
	struct tdp_cpu *c = tdp_op_begin(vm, true);
	uint64_t end = tdp_level_pages(vm->root_level + 1), n;
	unsigned i;

	n = tdp_zap_locked(vm, 0, end, &debt);
	tdp_op_end(vm, c, true);
	trace_record(TRACE_ZAP, 0, end, n);
	tdp_flush(vm);
	tdp_flush_settle(vm, &debt);
	tdp_reclaim_barrier(vm);
	for (i = 0; i < TDP_MAX_SLOTS; i++)
		if (vm->slots[i].npages)
			tdp_slot_remove(vm, i);
	for (i = 0; i < TDP_MAX_CPUS; i++) {
		struct tdp_cpu *c = &vm->cpu[i];

		while (c->ncache)
			vm->plat->free_pages(vm->plat->ctx,
					     c->cache[--c->ncache], 0);
	}
	if (vm->root)
		vm->plat->free_pages(vm->plat->ctx, vm->root, 0);
	vm->root = 0;
}

/*
 * The CPU's sequence is odd from before it can read any entry until after
 * it read its last: a grace period that began while it was even, or that
 * saw it change, cannot end while this CPU still holds a disconnected table.
 *
 * The same sequence excludes: a shared operation enters only while no
 * exclusive one is announced, and an exclusive one, once announced, waits
 * for every other CPU to be outside. Both sides write, then read the
 * other's word, with full barriers between, so at least one sees the
 * other. Shared operations touch no common cache line.
 */
static void op_wait_exclusive_done(struct tdp_vm *vm)
{
	uint32_t owner = __atomic_load_n(&vm->exclusive, __ATOMIC_ACQUIRE);
	struct tdp_wait w = TDP_WAIT_INIT((int)owner - 1,
					  "end its exclusive MMU operation");

	while (__atomic_load_n(&vm->exclusive, __ATOMIC_ACQUIRE))
		tdp_vm_relax(vm, &w);
}

static void op_wait_others_outside(struct tdp_vm *vm, struct tdp_cpu *self)
{
	unsigned i;

	for (i = 0; i < vm->plat->nr_cpus; i++) {
		struct tdp_wait w = TDP_WAIT_INIT(
		    (int)i, "leave its MMU operation for an exclusive one");

		while (
		    &vm->cpu[i] != self &&
		    (__atomic_load_n(&vm->cpu[i].qs_seq, __ATOMIC_ACQUIRE) & 1))
			tdp_vm_relax(vm, &w);
	}
}

struct tdp_cpu *tdp_op_begin(struct tdp_vm *vm, bool exclusive)
{
	unsigned cpu = vm->plat->cpu_id(vm->plat->ctx);
	struct tdp_cpu *c = &vm->cpu[cpu];

	if (exclusive) {
		tdp_vm_lock(vm, &vm->exclusive_lock,
			    "take the MMU's exclusive-operation lock");
		__atomic_store_n(&vm->exclusive, cpu + 1, __ATOMIC_SEQ_CST);
		__atomic_fetch_add(&c->qs_seq, 1, __ATOMIC_SEQ_CST);
		tdp_smp_mb();
		op_wait_others_outside(vm, c);
		return c;
	}
	for (;;) {
		__atomic_fetch_add(&c->qs_seq, 1, __ATOMIC_SEQ_CST);
		tdp_smp_mb();
		if (!__atomic_load_n(&vm->exclusive, __ATOMIC_SEQ_CST))
			return c;
		__atomic_fetch_add(&c->qs_seq, 1, __ATOMIC_RELEASE);
		op_wait_exclusive_done(vm);
	}
}

void tdp_op_end(struct tdp_vm *vm, struct tdp_cpu *c, bool exclusive)
{
	if (exclusive) {
		__atomic_store_n(&vm->exclusive, 0, __ATOMIC_RELEASE);
		tdp_unlock(&vm->exclusive_lock);
	}
	__atomic_fetch_add(&c->qs_seq, 1, __ATOMIC_RELEASE);
	tdp_reclaim_poll(vm);
}

/* Every CPU slot is summed, not only the first nr_cpus: a share is never
 * lost, whatever id the platform hands out. */
void tdp_get_stats(struct tdp_vm *vm, struct tdp_stats *st)
{
	int64_t *dst = (int64_t *)st;
	unsigned cpu;
	size_t i;

	memset(st, 0, sizeof(*st));
	for (cpu = 0; cpu < TDP_MAX_CPUS; cpu++) {
		const int64_t *src = (const int64_t *)&vm->cpu[cpu].stats;

		for (i = 0; i < sizeof(*st) / sizeof(int64_t); i++)
			dst[i] += __atomic_load_n(&src[i], __ATOMIC_RELAXED);
	}
}
