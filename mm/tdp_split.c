/*
 * Split and collapse: change the page size of a mapping, never what it
 * translates to.
 *
 * Split builds a full table of smaller leaves, private until linked, and
 * swaps it in for the large leaf with one cmpxchg. Collapse swaps a table
 * for one large leaf; the change handler then takes the table apart.
 *
 * Where large leaves may not be executable (vm->large_leaves_nx), neither
 * builds one that is: a leaf the split leaves above level 1 loses exec,
 * and collapse makes its leaf without it. Neither then changes the page
 * size of an executable translation: a large one never was, and the small
 * executable ones a collapse replaces are flushed before it returns.
 */
#include "mm/tdp_internal.h"

/* Child i of a large leaf split one level down: same translation, rights
 * (less exec for a child still large, if large leaves are not executable)
 * and accessed/dirty state. */
static uint64_t split_child(struct tdp_vm *vm, uint64_t leaf, unsigned level,
			    unsigned i)
{
	const struct tdp_format *f = vm->fmt;
	uint64_t keep = f->accessed_mask | f->dirty_mask;
	uint64_t step = tdp_level_pages(level - 1) << PAGE_SHIFT;
	unsigned rights =
	    tdp_leaf_rights(vm, tdp_pte_access(f, leaf), level - 1);

	return tdp_make_leaf(f, tdp_pte_addr(f, leaf, level) + i * step,
			     level - 1, rights) |
	       (leaf & keep);
}

static void split_fill_table(struct tdp_vm *vm, uint64_t *pt, uint64_t leaf,
			     unsigned level)
{
	unsigned i;

	for (i = 0; i < TDP_PT_ENTRIES; i++)
		pt[i] = split_child(vm, leaf, level, i);
}

/*
 * The children were written while only this CPU could see them; once the
 * table is linked they are accounted like any other change (0 -> leaf),
 * from the values written: another CPU may already have changed them, and
 * accounted its own change from those values.
 */
static void split_account_children(struct tdp_vm *vm, uint64_t leaf,
				   uint64_t base, unsigned level)
{
	unsigned i;

	for (i = 0; i < TDP_PT_ENTRIES; i++)
		handle_changed_pte(vm, base + i * tdp_level_pages(level - 1), 0,
				   split_child(vm, leaf, level, i), level - 1);
}

bool tdp_split_leaf(struct tdp_vm *vm, struct tdp_cpu *c, uint64_t *ptep,
		    uint64_t *old, uint64_t gfn, unsigned level)
{
	const struct tdp_format *f = vm->fmt;
	uint64_t table = c->cache[c->ncache - 1];
	uint64_t *pt = tdp_virt(vm, table);
	uint64_t leaf = *old, new = tdp_make_table(f, table), stamp;

	split_fill_table(vm, pt, leaf, level);
	TDP_RACE_POINT(vm, TDP_RACE_SPLIT, ptep, *old);
	stamp = trace_stamp();
	if (!tdp_pte_cmpxchg(ptep, old, new)) {
		memset(pt, 0, PAGE_SIZE);
		return false;
	}
	c->ncache--;
	handle_changed_pte(vm, gfn, leaf, new, level);
	split_account_children(vm, leaf, gfn, level);
	trace_record_at(stamp, TRACE_INSTALL, gfn, table | level, new);
	*old = new;
	return true;
}

uint64_t tdp_split_locked(struct tdp_vm *vm, struct tdp_cpu *c, uint64_t start,
			  uint64_t end, unsigned level)
{
	const struct tdp_format *f = vm->fmt;
	struct tdp_iter it;
	uint64_t split = 0;

	tdp_for_each_pte(it, vm, start, end, level + 1)
	{
	retry:
		if (!tdp_pte_present(f, it.old) ||
		    !tdp_pte_leaf(f, it.old, it.level) || it.level <= level)
			continue;
		if (!tdp_cache_topup(vm, c, 1))
			break;
		if (!tdp_split_leaf(vm, c, it.ptep, &it.old, it.gfn, it.level))
			goto retry;
		split++;
	}
	return split;
}

uint64_t tdp_split_range(struct tdp_vm *vm, uint64_t start, uint64_t end,
			 unsigned level)
{
	struct tdp_cpu *c = tdp_op_begin(vm, false);
	uint64_t n = tdp_split_locked(vm, c, start, end, MAX(level, 1u));

	tdp_op_end(vm, c, false);
	trace_record(TRACE_SPLIT, start, end, n);
	return n;
}

/* The leaf a table at this level can become, with the slot's rights less
 * exec where large leaves may not have it, or 0 if the slot's backing
 * does not allow one. */
static uint64_t collapse_make_leaf(struct tdp_vm *vm, uint64_t gfn,
				   unsigned level)
{
	struct tdp_memslot *s = tdp_slot_find(vm, gfn);

	if (!s || tdp_slot_max_level(vm, s, gfn) < level)
		return 0;
	return tdp_make_leaf(vm->fmt, s->backing[gfn - s->base_gfn], level,
			     tdp_leaf_rights(vm, tdp_slot_access(s), level));
}

uint64_t tdp_collapse_range(struct tdp_vm *vm, uint64_t start, uint64_t end)
{
	const struct tdp_format *f = vm->fmt;
	struct tdp_flush_debt debt = {0};
	struct tdp_cpu *c = tdp_op_begin(vm, false);
	struct tdp_iter it;
	uint64_t collapsed = 0;

	tdp_for_each_pte(it, vm, start, end, 2)
	{
		uint64_t leaf;

	retry:
		if (!tdp_pte_present(f, it.old) ||
		    tdp_pte_leaf(f, it.old, it.level) ||
		    it.level > vm->max_level || !tdp_iter_covered(&it))
			continue;
		leaf = collapse_make_leaf(vm, it.gfn, it.level);
		if (!leaf)
			continue;
		/* Stale small writable translations would write around the new
		 * leaf's dirty bit: a debt like any lost right. */
		tdp_flush_owe(vm, &debt);
		TDP_RACE_POINT(vm, TDP_RACE_COLLAPSE, it.ptep, it.old);
		if (!tdp_iter_set(&it, leaf))
			goto retry;
		trace_record(TRACE_INSTALL, it.gfn, it.level, leaf);
		collapsed++;
	}
	tdp_flush_look(vm, &debt);
	tdp_op_end(vm, c, false);
	tdp_flush_settle(vm, &debt);
	trace_record(TRACE_COLLAPSE, start, end, collapsed);
	return collapsed;
}
