/*
 * Pausing a VM for the debug monitor. The monitor's CPU sets vm->paused
 * and asks for a TLB flush: the flush takes every vCPU out of the guest
 * (IPI, then NMI: hv/vcpu.c), and a vCPU that tries to enter again sees
 * the flag and waits (vcpu_enter), so none runs guest code until
 * vm_resume(). A pause therefore counts as one TLB flush in the summary.
 */
#include "hv/vm.h"
#include "arch/x86/cpu.h"
#include "arch/x86/tsc.h"
#include "base/log.h"

static bool vm_vcpu_is_held(const struct vcpu *v)
{
	return __atomic_load_n(&v->parked, __ATOMIC_ACQUIRE) ||
	       __atomic_load_n(&v->ended, __ATOMIC_ACQUIRE);
}

bool vm_pause(struct vm *vm, const struct vcpu *self)
{
	uint64_t give_up_us;
	bool all = true;

	__atomic_store_n(&vm->paused, 1, __ATOMIC_SEQ_CST);
	vm->paused_at_us = tsc_us_since_boot();
	vm_flush_tlb(vm);
	give_up_us = tsc_us_since_boot() + VM_PAUSE_WAIT_US;
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		const struct vcpu *v = &vm->vcpus[i];

		if (v == self)
			continue;
		while (!vm_vcpu_is_held(v) && tsc_us_since_boot() < give_up_us)
			cpu_relax();
		if (vm_vcpu_is_held(v))
			continue;
		all = false;
		pr_warn("monitor: vcpu%u on cpu%u did not stop within %llu ms (%s): it runs on",
			   i, v->cpu,
			   (unsigned long long)(VM_PAUSE_WAIT_US / 1000),
			   __atomic_load_n(&v->mode, __ATOMIC_ACQUIRE) ==
				   VCPU_IN_GUEST
			       ? "in the guest"
			       : "busy in the hypervisor");
	}
	return all;
}

void vm_resume(struct vm *vm)
{
	uint64_t held = tsc_us_since_boot() - vm->paused_at_us;

	/* The watchdog measures the guest's time, not the monitor's. */
	vm->deadline_us += held;
	__atomic_store_n(&vm->paused, 0, __ATOMIC_SEQ_CST);
}
