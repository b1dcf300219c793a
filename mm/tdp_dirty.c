/*
 * Write protection and dirty logging.
 *
 * In a logged slot a leaf becomes writable only by a write fault, which
 * sets the page's bit. Get-and-clear takes the bits, then write-protects
 * the pages it took: a write before the protection is in what the caller
 * copies after the call returns, a write after it faults and sets the bit
 * again. Before logging starts, the change handler keeps the dirtiness of
 * writable dirty leaves that lose their write right or go away.
 */
#include "mm/tdp_internal.h"

uint64_t tdp_write_protect_locked(struct tdp_vm *vm, uint64_t start,
				  uint64_t end, struct tdp_flush_debt *debt)
{
	const struct tdp_format *f = vm->fmt;
	struct tdp_iter it;
	uint64_t changed = 0;

	tdp_for_each_pte(it, vm, start, end, 1)
	{
	retry:
		if (!tdp_pte_present(f, it.old) ||
		    !tdp_pte_leaf(f, it.old, it.level) ||
		    !(it.old & f->write_mask))
			continue;
		tdp_flush_owe(vm, debt);
		TDP_RACE_POINT(vm, TDP_RACE_WRPROT, it.ptep, it.old);
		if (!tdp_iter_set(&it,
				  it.old & ~(f->write_mask | f->dirty_mask)))
			goto retry;
		changed++;
	}
	return changed;
}

uint64_t tdp_write_protect_range(struct tdp_vm *vm, uint64_t start,
				 uint64_t end)
{
	struct tdp_flush_debt debt = {0};
	struct tdp_cpu *c = tdp_op_begin(vm, false);
	uint64_t n = tdp_write_protect_locked(vm, start, end, &debt);

	tdp_flush_look(vm, &debt);
	tdp_op_end(vm, c, false);
	tdp_flush_settle(vm, &debt);
	trace_record(TRACE_WRPROTECT, start, end, n);
	return n;
}

/*
 * From now on the slot is mapped with 4 KiB leaves, writable only after a
 * logged write. Exclusive: no fault can map a large leaf behind it. The
 * protection runs before the slot counts as logged, so that every page
 * written until now is in the bitmap.
 */
void tdp_dirty_log_start(struct tdp_vm *vm, int id)
{
	struct tdp_memslot *s = &vm->slots[id];
	struct tdp_flush_debt debt = {0};
	struct tdp_cpu *c = tdp_op_begin(vm, true);

	if (s->npages && !s->dirty_log) {
		uint64_t end = s->base_gfn + s->npages, split, wp;

		split = tdp_split_locked(vm, c, s->base_gfn, end, 1);
		wp = tdp_write_protect_locked(vm, s->base_gfn, end, &debt);
		tdp_flush(vm);
		s->dirty_log = true;
		trace_record(TRACE_SPLIT, s->base_gfn, end, split);
		trace_record(TRACE_WRPROTECT, s->base_gfn, end, wp);
	}
	tdp_op_end(vm, c, true);
	tdp_flush_settle(vm, &debt);
}

void tdp_dirty_log_stop(struct tdp_vm *vm, int id)
{
	struct tdp_cpu *c = tdp_op_begin(vm, true);

	vm->slots[id].dirty_log = false;
	tdp_op_end(vm, c, true);
}

/*
 * A page whose bit was taken is write-protected before the call returns,
 * and no CPU still holds a writable translation of it: not one from this
 * call's protection, nor one from a protection another CPU made and has
 * not flushed yet (the page found read-only: tdp_flush.c). A later write
 * faults and sets the bit again.
 */
uint64_t tdp_dirty_log_get_and_clear(struct tdp_vm *vm, int id, uint64_t *out)
{
	struct tdp_flush_debt debt = {0};
	struct tdp_cpu *c = tdp_op_begin(vm, false);
	struct tdp_memslot *s = &vm->slots[id];
	uint64_t w, i, words = ALIGN_UP(s->npages, 64) / 64, count = 0;
	uint64_t protected = 0;

	for (w = 0; w < words; w++) {
		TDP_RACE_POINT(vm, TDP_RACE_DIRTY_TAKE, &s->dirty[w], 0);
		uint64_t bits =
		    __atomic_exchange_n(&s->dirty[w], 0, __ATOMIC_ACQ_REL);

		out[w] = bits;
		count += bits_popcount(bits);
		for (i = 0; bits; i++, bits >>= 1) {
			uint64_t gfn = s->base_gfn + w * 64 + i;

			if (bits & 1)
				protected += tdp_write_protect_locked(
				    vm, gfn, gfn + 1, &debt);
		}
	}
	trace_record(TRACE_WRPROTECT, s->base_gfn, s->base_gfn + s->npages,
		     protected);
	tdp_flush_look(vm, &debt);
	tdp_op_end(vm, c, false);
	tdp_flush_settle(vm, &debt);
	return count;
}
