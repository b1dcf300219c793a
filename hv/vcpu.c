/*
 * The vCPU run loop and the remote TLB flush.
 *
 * Flush protocol. A vCPU announces VCPU_IN_GUEST, then (after a full
 * barrier) reads vm->flush_seq and, if it moved, asks the backend to flush
 * at this entry and records it in flush_seen. A flusher bumps flush_seq
 * (full barrier), then waits for every vCPU that is in the guest with an
 * older flush_seen, kicking it out with an IPI. One of the two always sees
 * the other's write, so no vCPU runs on a translation from before the
 * flush once vm_flush_tlb() returns. vCPUs outside the guest are not waited
 * for: they flush at their next entry, so waiting flushers never wait on
 * each other.
 */
#include "hv/vm.h"
#include "hv/log.h"
#include "arch/x86/cpu.h"
#include "arch/x86/percpu.h"
#include "arch/x86/idt.h"
#include "arch/x86/lapic.h"
#include "arch/x86/smp.h"
#include "arch/x86/tsc.h"

/* APIC timer ticks between watchdog looks (bus clock / 16: ~1-20 ms). */
#define VCPU_TICK_COUNT 100000

void vm_flush_tlb(struct vm *vm)
{
	uint64_t seq = __atomic_add_fetch(&vm->flush_seq, 1, __ATOMIC_SEQ_CST);

	__atomic_fetch_add(&vm->flushes, 1, __ATOMIC_RELAXED);
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		struct vcpu *v = &vm->vcpus[i];

		if (__atomic_load_n(&v->mode, __ATOMIC_SEQ_CST) == VCPU_IN_GUEST &&
		    __atomic_load_n(&v->flush_seen, __ATOMIC_ACQUIRE) < seq)
			smp_kick(v->cpu);
	}
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		struct vcpu *v = &vm->vcpus[i];

		while (__atomic_load_n(&v->mode, __ATOMIC_ACQUIRE) ==
			       VCPU_IN_GUEST &&
		       __atomic_load_n(&v->flush_seen, __ATOMIC_ACQUIRE) < seq)
			cpu_relax();
	}
}

/*
 * Enters the guest once, interrupts off around the entry; returns with the
 * exit described and interrupts on (a kick IPI is taken here). False when
 * the VM was stopped before the entry.
 */
static bool vcpu_enter(struct vcpu *v, struct vcpu_exit *exit)
{
	struct vm *vm = v->vm;
	uint64_t seq;

	irq_disable();
	__atomic_store_n(&v->mode, VCPU_IN_GUEST, __ATOMIC_SEQ_CST);
	if (vm_is_stopped(vm)) {
		__atomic_store_n(&v->mode, VCPU_OUTSIDE_GUEST, __ATOMIC_RELEASE);
		irq_enable();
		return false;
	}
	seq = __atomic_load_n(&vm->flush_seq, __ATOMIC_SEQ_CST);
	if (seq != v->flush_seen) {
		vm->backend->vcpu_request_flush(v->hw);
		__atomic_store_n(&v->flush_seen, seq, __ATOMIC_RELEASE);
	}
	vm->backend->vcpu_run(v->hw, &v->regs, exit);
	__atomic_store_n(&v->mode, VCPU_OUTSIDE_GUEST, __ATOMIC_RELEASE);
	irq_enable();
	v->exits++;
	return true;
}

void vcpu_run_loop(struct vcpu *v)
{
	struct vm *vm = v->vm;
	const struct virt_backend *be = vm->backend;
	struct vcpu_config cfg = {
		.vcpu_id = v->id,
		.tdp_root = vm->mmu.root,
		.tdp_levels = vm->mmu.root_level,
		.asid = vm->asid,
		.entry = {
			.rip = HV_GUEST_LOAD_GPA,
			.regs = {
				.rax = HV_GUEST_MAGIC,
				.rbx = v->id,
				.rcx = vm->vcpu_count,
				.rsi = HV_GUEST_PARAMS_GPA,
			},
		},
	};
	struct vcpu_exit exit;
	char err[160];

	if (!be->cpu_enable(err, sizeof(err))) {
		vm_stop(vm, "vcpu%u: cpu%u cannot run guests: %s", v->id,
			this_cpu_id(), err);
		goto out;
	}
	v->regs = cfg.entry.regs;
	v->hw = be->vcpu_create(&cfg, err, sizeof(err));
	if (!v->hw) {
		vm_stop(vm, "vcpu%u: %s", v->id, err);
		goto disable;
	}
	/* Ticks make a guest that never exits come back for the watchdog. */
	lapic_timer_start_periodic(VEC_TICK, VCPU_TICK_COUNT);
	while (!v->done && vcpu_enter(v, &exit)) {
		if (exit.kind == VCPU_EXIT_INTERRUPT &&
		    tsc_us_since_boot() > vm->deadline_us)
			vm_stop(vm, "watchdog: the guest still ran after %llu s (guest_timeout_s=)",
				(unsigned long long)vm->timeout_s);
		vcpu_handle_exit(v, &exit);
	}
	lapic_timer_stop();
	be->vcpu_destroy(v->hw);
	v->hw = NULL;
disable:
	be->cpu_disable();
out:
	__atomic_fetch_sub(&vm->vcpus_running, 1, __ATOMIC_ACQ_REL);
}
