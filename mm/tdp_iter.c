/*
 * The walk every range operation uses: pre-order over the entries mapping
 * [start, end), root first, never below min_level, restarting at the root
 * whenever it meets DISCONNECTED_PTE.
 */
#include "mm/tdp_internal.h"

static void iter_read(struct tdp_iter *it)
{
	it->ptep = &it->pt[it->level][tdp_index(it->gfn, it->level)];
	it->old = tdp_pte_read(it->ptep);
}

/* Back to the root, heading for it->target. The root is never
 * disconnected while operations run. */
static void iter_restart(struct tdp_iter *it)
{
	it->level = it->vm->root_level;
	it->pt[it->level] = tdp_virt(it->vm, it->vm->root);
	it->gfn = ALIGN_DOWN(it->target, tdp_level_pages(it->level));
	iter_read(it);
}

void tdp_iter_start(struct tdp_iter *it, struct tdp_vm *vm, uint64_t start,
		    uint64_t end, unsigned min_level)
{
	it->vm = vm;
	it->start = start;
	it->end = end;
	it->target = start;
	it->min_level = min_level;
	it->valid = start < end && start < tdp_level_pages(vm->root_level + 1);
	if (it->valid)
		iter_restart(it);
}

/* Into the table the current entry links, if it is one; re-reads the
 * entry, since the caller may just have replaced it. */
static bool iter_step_down(struct tdp_iter *it)
{
	const struct tdp_format *f = it->vm->fmt;
	uint64_t pte;

	if (it->level <= it->min_level)
		return false;
	pte = tdp_pte_read(it->ptep);
	if (!tdp_pte_present(f, pte) || tdp_pte_leaf(f, pte, it->level))
		return false;
	TDP_RACE_POINT(it->vm, TDP_RACE_WALK_DESCEND, it->ptep, pte);
	it->pt[it->level - 1] =
	    tdp_virt(it->vm, tdp_pte_addr(f, pte, it->level));
	it->level--;
	it->gfn = ALIGN_DOWN(it->target, tdp_level_pages(it->level));
	if (it->gfn < it->start)
		it->gfn = ALIGN_DOWN(it->start, tdp_level_pages(it->level));
	iter_read(it);
	return true;
}

/* To the next entry of the range at this level or above. */
static bool iter_step_side(struct tdp_iter *it)
{
	for (;;) {
		uint64_t next = it->gfn + tdp_level_pages(it->level);

		if (next >= it->end)
			return false;
		if (tdp_index(next, it->level) != 0) {
			it->gfn = next;
			it->target = next;
			iter_read(it);
			return true;
		}
		if (it->level == it->vm->root_level)
			return false;
		it->level++;
		it->gfn = ALIGN_DOWN(it->gfn, tdp_level_pages(it->level));
	}
}

void tdp_iter_next(struct tdp_iter *it)
{
	if (tdp_pte_read(it->ptep) == DISCONNECTED_PTE) {
		tdp_stat_add(it->vm, walk_restarts, 1);
		it->target = MAX(it->gfn, it->start);
		iter_restart(it);
	} else if (!iter_step_down(it) && !iter_step_side(it)) {
		it->valid = false;
		return;
	}
	while (it->old == DISCONNECTED_PTE) {
		tdp_stat_add(it->vm, walk_restarts, 1);
		it->target = MAX(it->gfn, it->start);
		iter_restart(it);
	}
}

bool tdp_iter_set(struct tdp_iter *it, uint64_t new)
{
	uint64_t old = it->old;

	if (!tdp_pte_cmpxchg(it->ptep, &it->old, new))
		return false;
	handle_changed_pte(it->vm, it->gfn, old, new, it->level);
	it->old = new;
	return true;
}
