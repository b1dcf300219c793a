/*
 * Aging: which pages has the guest touched since the last look? A leaf's
 * accessed bit, set by the fault that made it and by hardware, is cleared
 * here; a leaf that went away with it set left a bit in the slot's young
 * bitmap, which is consumed here too. Where hardware keeps no accessed
 * bit, a present leaf counts as touched and is unmapped instead, so the
 * next touch faults it in again (the slot keeps the backing).
 */
#include "mm/tdp_internal.h"

static void age_mark(uint64_t *young, uint64_t start, uint64_t end,
		     uint64_t gfn, uint64_t n)
{
	uint64_t i, first = MAX(gfn, start), last = MIN(gfn + n, end);

	for (i = first; i < last; i++)
		young[(i - start) / 64] |= 1ull << ((i - start) % 64);
}

/* Consumes the slots' young bits of [start, end) into young. */
static void age_slots(struct tdp_vm *vm, uint64_t start, uint64_t end,
		      uint64_t *young)
{
	unsigned id;

	for (id = 0; id < TDP_MAX_SLOTS; id++) {
		struct tdp_memslot *s = &vm->slots[id];
		uint64_t first = MAX(start, s->base_gfn);
		uint64_t last = MIN(end, s->base_gfn + s->npages);
		uint64_t gfn;

		for (gfn = first; gfn < last; gfn++) {
			uint64_t i = gfn - s->base_gfn;
			uint64_t bit = 1ull << (i % 64);
			uint64_t *w = &s->young[i / 64];

			if ((__atomic_load_n(w, __ATOMIC_RELAXED) & bit) &&
			    (__atomic_fetch_and(w, ~bit, __ATOMIC_RELAXED) &
			     bit))
				age_mark(young, start, end, gfn, 1);
		}
	}
}

/*
 * A large leaf reaches past the range aged: its accessed bit, cleared,
 * spoke for every page it maps, so the pages outside the range keep their
 * youth in the slot's bitmap for the next aging that looks at them.
 */
static void age_keep_outside(struct tdp_vm *vm, uint64_t start, uint64_t end,
			     uint64_t gfn, uint64_t n)
{
	struct tdp_memslot *s;

	if (gfn >= start && gfn + n <= end)
		return;
	s = tdp_slot_find(vm, gfn);
	if (TDP_WARN_ON(vm, !s))
		return;
	if (gfn < start)
		tdp_slot_mark(s, s->young, gfn, start - gfn);
	if (gfn + n > end)
		tdp_slot_mark(s, s->young, end, gfn + n - end);
}

static uint64_t age_count(const uint64_t *young, uint64_t n)
{
	uint64_t w, count = 0;

	for (w = 0; w < ALIGN_UP(n, 64) / 64; w++)
		count += bits_popcount(young[w]);
	return count;
}

uint64_t tdp_age_range(struct tdp_vm *vm, uint64_t start, uint64_t end,
		       uint64_t *young)
{
	const struct tdp_format *f = vm->fmt;
	uint64_t *out = young, count;
	bool has_ad = tdp_format_has_ad(f);
	struct tdp_flush_debt debt = {0};
	struct tdp_iter it;
	struct tdp_cpu *c;

	if (start >= end)
		return 0;
	c = tdp_op_begin(vm, false);
	memset(out, 0, ALIGN_UP(end - start, 64) / 8);
	tdp_for_each_pte(it, vm, start, end, 1)
	{
	retry:
		if (!tdp_pte_present(f, it.old) ||
		    !tdp_pte_leaf(f, it.old, it.level) ||
		    (has_ad && !(it.old & f->accessed_mask)))
			continue;
		tdp_flush_owe(vm, &debt);
		TDP_RACE_POINT(vm, TDP_RACE_AGE, it.ptep, it.old);
		if (!tdp_iter_set(&it, has_ad ? it.old & ~f->accessed_mask : 0))
			goto retry;
		age_mark(out, start, end, it.gfn, tdp_level_pages(it.level));
		if (has_ad)
			age_keep_outside(vm, start, end, it.gfn,
					 tdp_level_pages(it.level));
	}
	age_slots(vm, start, end, out);
	count = age_count(out, end - start);
	tdp_flush_look(vm, &debt);
	tdp_op_end(vm, c, false);
	tdp_flush_settle(vm, &debt);
	trace_record(TRACE_AGE, start, end, count);
	return count;
}
