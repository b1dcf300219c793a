/*
 * Zap: remove every mapping of a gfn range. An entry whose whole range is
 * inside goes at once (a table with everything below it, through the
 * change handler's disconnection); a large leaf that sticks out goes whole,
 * which is safe because the slot keeps the backing.
 */
#include "mm/tdp_internal.h"

uint64_t tdp_zap_locked(struct tdp_vm *vm, uint64_t start, uint64_t end,
			struct tdp_flush_debt *debt)
{
	const struct tdp_format *f = vm->fmt;
	struct tdp_iter it;
	uint64_t removed = 0;

	tdp_for_each_pte(it, vm, start, end, 1)
	{
	retry:
		if (!tdp_pte_present(f, it.old))
			continue;
		if (!tdp_iter_covered(&it) &&
		    !tdp_pte_leaf(f, it.old, it.level))
			continue;
		tdp_flush_owe(vm, debt);
		TDP_RACE_POINT(vm, TDP_RACE_ZAP, it.ptep, it.old);
		if (!tdp_iter_set(&it, 0))
			goto retry;
		removed++;
	}
	return removed;
}

/*
 * Returns once no CPU can reach the range through a translation from
 * before the call, whoever removed it: an entry another CPU zapped a
 * moment ago counts as well (tdp_flush.c).
 */
uint64_t tdp_zap_range(struct tdp_vm *vm, uint64_t start, uint64_t end)
{
	struct tdp_flush_debt debt = {0};
	struct tdp_cpu *c = tdp_op_begin(vm, false);
	uint64_t n = tdp_zap_locked(vm, start, end, &debt);

	tdp_flush_look(vm, &debt);
	tdp_op_end(vm, c, false);
	tdp_flush_settle(vm, &debt);
	trace_record(TRACE_ZAP, start, end, n);
	return n;
}
