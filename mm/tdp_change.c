/*
 * The change handler: the one place that keeps the books after an entry
 * changed, and that takes apart a table unlinked from the tree.
 *
 * It runs after the change is visible, so the books may lag the tree for a
 * moment, but every change is accounted exactly once: by the CPU whose
 * cmpxchg or xchg produced it.
 */
#include "mm/tdp_internal.h"

static void handle_disconnected_pt(struct tdp_vm *vm, uint64_t table,
				   unsigned level, uint64_t base_gfn);

/*
 * A leaf stopped mapping its page: its dirty and accessed state survive in
 * the slot's bitmaps, unless a split handed them to the children of the
 * table that replaced it (split_child copies them), where they stay.
 */
static void account_leaf_gone(struct tdp_vm *vm, struct tdp_stats *st,
			      uint64_t gfn, uint64_t old, unsigned level,
			      bool state_in_children)
{
	const struct tdp_format *f = vm->fmt;
	uint64_t n = tdp_level_pages(level);
	bool has_ad = tdp_format_has_ad(f);
	bool dirty = (old & f->write_mask) && (!has_ad || (old & f->dirty_mask));
	bool young = !has_ad || (old & f->accessed_mask);
	struct tdp_memslot *s;

	stat_add(&st->leaves[level], -1);
	stat_add(&st->mapped_pages, -(int64_t)n);
	if (state_in_children || (!dirty && !young))
		return;
	s = tdp_slot_find(vm, gfn);
	if (TDP_WARN_ON(vm, !s))
		return;
	if (dirty)
		tdp_slot_mark(s, s->dirty, gfn, n);
	if (young)
		tdp_slot_mark(s, s->young, gfn, n);
}

/*
 * Same page, other rights: a writable dirty leaf losing either keeps its
 * dirtiness in the bitmap. Not in a logged slot: there a leaf became
 * writable only through a logged write, and the protection that follows a
 * get-and-clear must not report that write a second time. Clearing the
 * accessed bit is aging's business.
 */
static void account_leaf_rights(struct tdp_vm *vm, uint64_t gfn, uint64_t old,
				uint64_t new, unsigned level)
{
	const struct tdp_format *f = vm->fmt;
	uint64_t wd = f->write_mask | f->dirty_mask;
	struct tdp_memslot *s;

	if ((old & wd) != wd || (new &wd) == wd)
		return;
	s = tdp_slot_find(vm, gfn);
	if (!TDP_WARN_ON(vm, !s) && !s->dirty_log)
		tdp_slot_mark(s, s->dirty, gfn, tdp_level_pages(level));
}

void handle_changed_pte(struct tdp_vm *vm, uint64_t gfn, uint64_t old,
			uint64_t new, unsigned level)
{
	const struct tdp_format *f = vm->fmt;
	bool was_present = tdp_pte_present(f, old);
	bool is_present = tdp_pte_present(f, new);
	bool was_leaf = was_present && tdp_pte_leaf(f, old, level);
	bool is_leaf = is_present && tdp_pte_leaf(f, new, level);
	struct tdp_stats *st;
	bool same_page;

	TDP_BUG_ON(vm, level < 1 || level > vm->root_level);
	TDP_BUG_ON(vm, !IS_ALIGNED(gfn, tdp_level_pages(level)));

	/*
	 * Non-present to non-present happens only when a table on its way
	 * out has its entries marked; anything else is a bug that has not
	 * changed what the guest sees.
	 */
	if (!was_present && !is_present) {
		TDP_WARN_ON(vm, new != DISCONNECTED_PTE);
		return;
	}

	same_page = was_present && is_present && was_leaf == is_leaf &&
		    tdp_pte_addr(f, old, level) == tdp_pte_addr(f, new, level);
	st = tdp_my_stats(vm);

	if (was_leaf) {
		if (same_page)
			account_leaf_rights(vm, gfn, old, new, level);
		else
			account_leaf_gone(vm, st, gfn, old, level,
					  is_present && !is_leaf);
	}
	if (is_leaf && !same_page) {
		stat_add(&st->leaves[level], 1);
		stat_add(&st->mapped_pages, tdp_level_pages(level));
	}
	if (is_present && !is_leaf && !same_page)
		stat_add(&st->table_pages, 1);

	/*
	 * A table that was linked here is gone from the tree: become the one
	 * owner of everything it mapped.
	 */
	if (was_present && !was_leaf && !same_page) {
		stat_add(&st->table_pages, -1);
		handle_disconnected_pt(vm, tdp_pte_addr(f, old, level),
				       level - 1, gfn);
	}
}

/*
 * Exchanges every entry of an unlinked table for DISCONNECTED_PTE, so that a
 * CPU still walking it restarts at the root and a CPU that changed an entry
 * just before is not lost: its value is what the exchange returns, and the
 * handler accounts for it. Then the table waits for its grace period.
 */
static void handle_disconnected_pt(struct tdp_vm *vm, uint64_t table,
				   unsigned level, uint64_t base_gfn)
{
	uint64_t *pt = tdp_virt(vm, table);
	uint64_t n = tdp_level_pages(level);
	unsigned i;

	trace_record(TRACE_DISCONNECT, table, level, base_gfn);
	for (i = 0; i < TDP_PT_ENTRIES; i++) {
		TDP_RACE_POINT(vm, TDP_RACE_DISCONNECT, &pt[i], 0);
		uint64_t old = tdp_pte_xchg(&pt[i], DISCONNECTED_PTE);

		TDP_BUG_ON(vm, old == DISCONNECTED_PTE);
		handle_changed_pte(vm, base_gfn + i * n, old, DISCONNECTED_PTE,
				   level);
	}
	tdp_reclaim_queue(vm, table);
}
