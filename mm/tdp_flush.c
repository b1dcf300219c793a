/*
 * TLB flushes of a VM, by generation, and the debts of the changes that
 * need them.
 *
 * flush_started counts the flushes begun; flush_done is the highest
 * generation completed. A caller that needs a flush that began after some
 * moment reads flush_started then (seen) and returns once flush_done has
 * passed it: it joins a flush another CPU began meanwhile, or begins one.
 * So a flush already done serves every later waiter without another round
 * of IPIs, and concurrent callers share one.
 *
 * A change that takes rights away (zap, write protection, clearing the
 * accessed bit, collapse) is a debt until a flush that began after it has
 * completed: the operation that makes it counts itself in flush_debts
 * before its first such change, and leaves only after that flush. An
 * operation that may rely on such a change, its own or one it found made
 * by another CPU (an entry already read-only, already gone), settles
 * before it returns: while anyone owes, it waits for a flush that began
 * after it looked. KVM's rule, that a flush is due whenever work was
 * found and not only when the caller made the change, is this one.
 */
#include "mm/tdp_internal.h"

void tdp_flush_after(struct tdp_vm *vm, uint64_t seen)
{
	struct tdp_wait w = TDP_WAIT_INIT(-1, "complete a TLB flush of the VM");

	for (;;) {
		uint64_t started =
		    __atomic_load_n(&vm->flush_started, __ATOMIC_SEQ_CST);

		if (__atomic_load_n(&vm->flush_done, __ATOMIC_ACQUIRE) > seen)
			break;
		if (started > seen) {
			/* Begun after seen by another CPU: it will do. */
			tdp_vm_relax(vm, &w);
			continue;
		}
		if (__atomic_compare_exchange_n(&vm->flush_started, &started,
						started + 1, false,
						__ATOMIC_SEQ_CST,
						__ATOMIC_SEQ_CST)) {
			uint64_t done;

			trace_record(TRACE_FLUSH, TRACE_FLUSH_BEGIN,
				     started + 1, 0);
			vm->plat->flush_tlb(vm->plat->ctx);
			done = __atomic_load_n(&vm->flush_done, __ATOMIC_RELAXED);
			while (done < started + 1 &&
			       !__atomic_compare_exchange_n(
				   &vm->flush_done, &done, started + 1, false,
				   __ATOMIC_RELEASE, __ATOMIC_RELAXED))
				;
			trace_record(TRACE_FLUSH, TRACE_FLUSH_DONE, started + 1,
				     0);
			return;
		}
	}
	trace_record(TRACE_FLUSH, TRACE_FLUSH_JOINED, seen + 1, 0);
}

void tdp_flush_owe(struct tdp_vm *vm, struct tdp_flush_debt *d)
{
	if (d->owed)
		return;
	d->owed = true;
	__atomic_fetch_add(&vm->flush_debts, 1, __ATOMIC_SEQ_CST);
}

void tdp_flush_look(struct tdp_vm *vm, struct tdp_flush_debt *d)
{
	d->seen = tdp_flush_mark(vm);
	d->needed = d->owed ||
		    __atomic_load_n(&vm->flush_debts, __ATOMIC_SEQ_CST) != 0;
}

void tdp_flush_settle(struct tdp_vm *vm, struct tdp_flush_debt *d)
{
	if (d->needed)
		tdp_flush_after(vm, d->seen);
	if (d->owed)
		__atomic_fetch_sub(&vm->flush_debts, 1, __ATOMIC_SEQ_CST);
	*d = (struct tdp_flush_debt){0};
}
