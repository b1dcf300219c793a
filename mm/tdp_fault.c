/*
 * The fault path: map one guest page, lock-free against every other fault
 * and range operation.
 *
 * The walk installs missing tables from this CPU's cache (filled before it
 * starts, so nothing is allocated mid-walk) and ends at the largest leaf the
 * slot allows. Losing a cmpxchg re-reads the entry and goes on; meeting
 * DISCONNECTED_PTE starts again from the root.
 *
 * Where large leaves may not be executable (vm->large_leaves_nx), a fault
 * that executes wants a 4 KiB leaf: a large one in its way is split, down
 * to level 1, and only the page that faulted becomes executable.
 *
 * The trace gets each entry a fault installs as soon as it is in place,
 * while the values are at hand for the change handler anyway: one branch
 * while nothing records. The fault itself, its address, access and
 * result, is recorded by the caller, which has them all at hand
 * (hv/exit.c), so that the fault path keeps nothing alive for it.
 */
#include "mm/tdp_internal.h"

#define FAULT_MAX_RESTARTS 64

struct fault {
	uint64_t gfn;
	unsigned access; /* what the guest tried */
	unsigned rights; /* what the leaf gets */
	unsigned level;	 /* leaf level wanted */
	struct tdp_memslot *slot;
};

/* The leaf for this fault: the slot's rights (less exec for a large leaf
 * that may not have it), accessed, dirty if written. A dirty-logged slot
 * is mapped writable only by a write, which it logs. */
static uint64_t fault_make_leaf(struct tdp_vm *vm, const struct fault *flt,
				unsigned level)
{
	const struct tdp_format *f = vm->fmt;
	struct tdp_memslot *s = flt->slot;
	uint64_t first = ALIGN_DOWN(flt->gfn, tdp_level_pages(level));
	uint64_t phys =
	    __atomic_load_n(&s->backing[first - s->base_gfn], __ATOMIC_ACQUIRE);
	uint64_t pte = tdp_make_leaf(f, phys, level,
				     tdp_leaf_rights(vm, flt->rights, level));

	pte |= f->accessed_mask;
	if (flt->access & TDP_ACC_WRITE)
		pte |= f->dirty_mask;
	return pte;
}

static void fault_log_write(struct tdp_vm *vm, const struct fault *flt,
			    unsigned level)
{
	if (flt->access & TDP_ACC_WRITE)
		tdp_slot_mark(flt->slot, flt->slot->dirty,
			      ALIGN_DOWN(flt->gfn, tdp_level_pages(level)),
			      tdp_level_pages(level));
}

/*
 * A present leaf that lacks the access: the same page with the rights the
 * access needs (write protection and dirty logging only ever remove write;
 * a leaf split from a large one that was not executable lacks exec), as
 * far as the leaf may have them at its level.
 */
static bool fault_upgrade_leaf(struct tdp_vm *vm, struct fault *flt,
			       uint64_t *ptep, uint64_t *old, unsigned level,
			       uint64_t base)
{
	const struct tdp_format *f = vm->fmt;
	uint64_t new = *old | f->accessed_mask;
	unsigned rights = tdp_leaf_rights(vm, flt->rights, level);

	if (flt->access & TDP_ACC_WRITE)
		new |= f->write_mask | f->dirty_mask;
	if (flt->access & rights & TDP_ACC_EXEC)
		new = tdp_pte_grant_exec(f, new);
	if (!tdp_pte_cmpxchg(ptep, old, new))
		return false;
	trace_record(TRACE_INSTALL, base, level, new);
	handle_changed_pte(vm, base, *old, new, level);
	fault_log_write(vm, flt, level);
	return true;
}

/* A large leaf lacks the access of a fault that executes, where large
 * leaves may not be executable: it must be split, not upgraded. */
static bool fault_must_split(const struct tdp_vm *vm, const struct fault *flt,
			     unsigned level)
{
	return vm->large_leaves_nx && level > 1 &&
	       (flt->access & TDP_ACC_EXEC);
}

/* Returns OK once a leaf grants the access, RETRY after too many restarts. */
static enum tdp_fault_result fault_walk(struct tdp_vm *vm, struct tdp_cpu *c,
					struct fault *flt)
{
	const struct tdp_format *f = vm->fmt;
	unsigned restarts = 0, level, want;
	uint64_t *pt, *ptep, old, base;

restart:
	if (restarts++ == FAULT_MAX_RESTARTS)
		return TDP_FAULT_RETRY;
	if (restarts > 1) {
		c->restarts++;
		tdp_stat_add(vm, walk_restarts, 1);
	}
	level = vm->root_level;
	want = flt->level;
	pt = tdp_virt(vm, vm->root);
	for (;;) {
		ptep = &pt[tdp_index(flt->gfn, level)];
		base = ALIGN_DOWN(flt->gfn, tdp_level_pages(level));
		old = tdp_pte_read(ptep);
		TDP_RACE_POINT(vm, TDP_RACE_FAULT_READ, ptep, old);
	reread:
		if (old == DISCONNECTED_PTE)
			goto restart;
		if (tdp_pte_present(f, old) && tdp_pte_leaf(f, old, level)) {
			if ((tdp_pte_access(f, old) & flt->access) ==
			    flt->access)
				return TDP_FAULT_OK;
			if (!fault_must_split(vm, flt, level)) {
				if (!fault_upgrade_leaf(vm, flt, ptep, &old,
							level, base))
					goto reread;
				return TDP_FAULT_OK;
			}
			/* Into the table that replaces it, down to 4 KiB. */
			if (!c->ncache)
				return TDP_FAULT_RETRY;
			if (!tdp_split_leaf(vm, c, ptep, &old, base, level))
				goto reread;
			tdp_stat_add(vm, nx_splits, 1);
		}
		if (!tdp_pte_present(f, old) && level == want) {
			uint64_t new;

			new = fault_make_leaf(vm, flt, level);
			if (!tdp_pte_cmpxchg(ptep, &old, new))
				goto reread;
			trace_record(TRACE_INSTALL, base, level, new);
			handle_changed_pte(vm, base, old, new, level);
			fault_log_write(vm, flt, level);
			return TDP_FAULT_OK;
		}
		if (!tdp_pte_present(f, old)) {
			uint64_t table, new, stamp;

			if (!c->ncache)
				return TDP_FAULT_RETRY;
			table = c->cache[c->ncache - 1];
			stamp = trace_stamp();
			new = tdp_make_table(f, table);
			if (!tdp_pte_cmpxchg(ptep, &old, new))
				goto reread; /* the page stays cached */
			c->ncache--;
			handle_changed_pte(vm, base, old, new, level);
			trace_record_at(stamp, TRACE_INSTALL, base,
					table | level, new);
			old = new;
		}
		/* A table where a large leaf was wanted: map below it. */
		if (level == want)
			want--;
		pt = tdp_virt(vm, tdp_pte_addr(f, old, level));
		level--;
	}
}

static enum tdp_fault_result fault_prepare(struct tdp_vm *vm, struct tdp_cpu *c,
					   struct fault *flt)
{
	struct tdp_memslot *s = tdp_slot_find(vm, flt->gfn);
	if (!s)
		return TDP_FAULT_MMIO;
	if ((flt->access & ~tdp_slot_access(s)) & TDP_ACC_WRITE)
		return TDP_FAULT_MMIO;
	flt->slot = s;
	flt->rights = tdp_slot_access(s);
	/* Writable only through a write where that write must be seen: a
	 * logged slot, or a format whose hardware sets no dirty flag. */
	if ((s->dirty_log || !tdp_format_has_ad(vm->fmt)) &&
	    !(flt->access & TDP_ACC_WRITE))
		flt->rights &= ~TDP_ACC_WRITE;
	flt->level = tdp_slot_max_level(vm, s, flt->gfn);
	/* A page that is executed gets a small leaf where a large one could
	 * not be executable. */
	if (vm->large_leaves_nx && (flt->access & TDP_ACC_EXEC))
		flt->level = 1;
	/* Demand paging; a preallocated slot has all of it, contiguous in
	 * chunks at least as large as any leaf it allows. */
	if (!tdp_slot_backing(vm, s, flt->gfn))
		return TDP_FAULT_ERROR;
	if (!tdp_cache_topup(vm, c, vm->root_level - 1))
		return TDP_FAULT_ERROR;
	return TDP_FAULT_OK;
}

enum tdp_fault_result tdp_fault(struct tdp_vm *vm, uint64_t gpa,
				unsigned access)
{
	bool excl = vm->exclusive_faults;
	struct tdp_cpu *c = tdp_op_begin(vm, excl);
	struct fault flt = {
	    .gfn = gpa >> PAGE_SHIFT,
	    .access = access & TDP_ACC_ALL,
	};
	enum tdp_fault_result r = TDP_FAULT_MMIO;

	if (flt.gfn < tdp_level_pages(vm->root_level + 1))
		r = fault_prepare(vm, c, &flt);
	if (r == TDP_FAULT_OK)
		r = fault_walk(vm, c, &flt);
	tdp_op_end(vm, c, excl);
	return r;
}
