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
 *
 * Kicks. A kick is a fixed IPI: the guest runs with physical interrupts
 * intercepted and not masked by its own RFLAGS.IF (SVM: V_INTR_MASKING
 * with the host's IF set at VMRUN, APM Vol. 2, 15.21.1 "Physical (INTR)
 * Interrupt Masking in EFLAGS"; VMX: external-interrupt exiting, SDM
 * Vol. 3C, "Pin-Based VM-Execution Controls"), so it exits at once,
 * whatever the guest did with IF. A vCPU that has not left the guest
 * after VCPU_NMI_KICK_US is kicked again with an NMI, which no guest
 * state can hold off (NMIs are intercepted). Bochs 2.7 (and Bochs up to
 * at least 3.0) needs that: it evaluates the guest's RFLAGS.IF while
 * loading the guest state, before it marks the CPU as in guest mode
 * (cpu/svm.cc SvmEnterLoadCheckGuestState and cpu/vmx.cc
 * VMenterLoadCheckGuestState call setEFlags first), so a guest entered
 * with IF = 0 has physical interrupts masked until it sets IF itself: the
 * IPI stays pending while the guest spins, and every CPU that flushes
 * waits for it. Hardware needs no NMI; the IPI always comes first, so
 * the NMI is only the fallback, and no wait is unbounded: one that lasts
 * is reported and then ends the run (arch/x86/spin_wait.h).
 */
#include "hv/vm.h"
#include "hv/monitor.h"
#include "hv/vm_trace.h"
#include "arch/x86/cpu.h"
#include "arch/x86/idt.h"
#include "arch/x86/lapic.h"
#include "arch/x86/percpu.h"
#include "arch/x86/smp.h"
#include "arch/x86/spin_wait.h"
#include "arch/x86/tsc.h"
#include "base/log.h"
#include "base/panic.h"

/* APIC timer ticks between watchdog looks (bus clock / 16: ~1-20 ms). */
#define VCPU_TICK_COUNT 100000

/* When a kicked vCPU still runs its guest: NMI it, and again this often. */
#define VCPU_NMI_KICK_US 1000ull
#define VCPU_NMI_KICK_AGAIN_US 100000ull

/* Whether v may still run on translations from before flush seq. */
static bool vcpu_holds_stale_tlb(struct vcpu *v, uint64_t seq)
{
	return __atomic_load_n(&v->mode, __ATOMIC_ACQUIRE) == VCPU_IN_GUEST &&
	       __atomic_load_n(&v->flush_seen, __ATOMIC_ACQUIRE) < seq;
}

/*
 * Waits until v has left the guest or entered it after flush seq, with
 * NMI kicks when the IPI kick did not take it out (see above).
 */
static void vcpu_wait_flushed(struct vcpu *v, uint64_t seq)
{
	struct spin_wait w = SPIN_WAIT_INIT(
	    (int)v->cpu, "leave the guest for a TLB flush (kicked by IPI, then NMI)");
	uint64_t next_nmi_us = VCPU_NMI_KICK_US;

	while (vcpu_holds_stale_tlb(v, seq)) {
		if (spin_wait_step(&w) >= next_nmi_us) {
			smp_kick_nmi(v->cpu);
			__atomic_fetch_add(&v->vm->nmi_kicks, 1,
					   __ATOMIC_RELAXED);
			next_nmi_us += VCPU_NMI_KICK_AGAIN_US;
		}
	}
	spin_wait_end(&w);
}

void vm_flush_tlb(struct vm *vm)
{
	uint64_t seq = __atomic_add_fetch(&vm->flush_seq, 1, __ATOMIC_SEQ_CST);

	__atomic_fetch_add(&vm->flushes, 1, __ATOMIC_RELAXED);
	for (unsigned i = 0; i < vm->vcpu_count; i++)
		if (vcpu_holds_stale_tlb(&vm->vcpus[i], seq))
			smp_kick(vm->vcpus[i].cpu);
	for (unsigned i = 0; i < vm->vcpu_count; i++)
		vcpu_wait_flushed(&vm->vcpus[i], seq);
}

/*
 * selftest=deaf-cpu: behaves as a CPU wedged in guest mode with NMIs held
 * would, and one that was writing a line when it wedged. It claims to be
 * in the guest and answers no kick and no NMI again, not even the fatal
 * path's, which must name it and go on without its report.
 */
static __noreturn void vcpu_play_deaf(struct vcpu *v)
{
	irq_disable();
	pr_info("selftest: cpu%u (vcpu%u) stops answering kicks, holding the log lock and NMIs off",
		v->cpu, v->id);
	log_selftest_hold_lock();
	__atomic_store_n(&v->mode, VCPU_IN_GUEST, __ATOMIC_SEQ_CST);
	smp_selftest_hold_nmis();
}

/*
 * selftest=stuck-vcpu: behaves as a CPU that never comes back from the
 * guest (a microcode loop, say): it claims to be in the guest and never
 * ends, so the VM cannot be torn down; the run must still end with a FAIL
 * and every figure of the summary.
 */
static __noreturn void vcpu_play_stuck(struct vcpu *v)
{
	irq_disable();
	pr_info("selftest: cpu%u (vcpu%u) never comes back from the guest",
		v->cpu, v->id);
	__atomic_store_n(&v->mode, VCPU_IN_GUEST, __ATOMIC_SEQ_CST);
	for (;;)
		cpu_relax();
}

void vcpu_selftest_flush_deaf(struct vm *vm)
{
	struct vcpu *v = &vm->vcpus[vm->deaf_vcpu - 1];
	struct spin_wait w = SPIN_WAIT_INIT((int)v->cpu, "play deaf");

	while (__atomic_load_n(&v->mode, __ATOMIC_ACQUIRE) != VCPU_IN_GUEST)
		spin_wait_step(&w);
	pr_info("selftest: cpu%u asks for a TLB flush", this_cpu_id());
	vm_flush_tlb(vm);
	panic("selftest=deaf-cpu: the TLB flush returned while cpu%u was deaf",
	      v->cpu);
}

/*
 * While the debug monitor holds the VM (vm_pause), the vCPU waits here,
 * outside the guest, interrupts on: flushes do not wait for it and it
 * is in no MMU operation, so the monitor's range operations go on.
 */
static void vcpu_wait_while_paused(struct vcpu *v)
{
	__atomic_store_n(&v->parked, true, __ATOMIC_RELEASE);
	while (__atomic_load_n(&v->vm->paused, __ATOMIC_ACQUIRE) &&
	       !vm_is_stopped(v->vm))
		cpu_relax();
	__atomic_store_n(&v->parked, false, __ATOMIC_RELEASE);
}

/*
 * Enters the guest once, interrupts off around the entry; returns with the
 * exit described and interrupts on (a kick IPI is taken here). False when
 * the VM was stopped before the entry. While the VM is paused, waits
 * first. The announcement of VCPU_IN_GUEST comes before the looks at
 * stopped and paused (both seq_cst): vm_stop() and vm_pause() kick after
 * their stores, so either this CPU sees them or they see it in the guest.
 */
static bool vcpu_enter(struct vcpu *v, struct vcpu_exit *exit)
{
	struct vm *vm = v->vm;
	uint64_t seq;

	for (;;) {
		irq_disable();
		__atomic_store_n(&v->mode, VCPU_IN_GUEST, __ATOMIC_SEQ_CST);
		if (vm_is_stopped(vm)) {
			__atomic_store_n(&v->mode, VCPU_OUTSIDE_GUEST,
					 __ATOMIC_RELEASE);
			irq_enable();
			return false;
		}
		if (!__atomic_load_n(&vm->paused, __ATOMIC_SEQ_CST))
			break;
		__atomic_store_n(&v->mode, VCPU_OUTSIDE_GUEST, __ATOMIC_RELEASE);
		irq_enable();
		vcpu_wait_while_paused(v);
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
	if (exit->kind < VCPU_EXIT_KINDS) {
		v->exits_by_kind[exit->kind]++;
		v->last_exit = exit->kind;
	}
	return true;
}

static bool vcpu_read_guest(void *vm, uint64_t gpa, void *buf, size_t len)
{
	return vm_read_guest(vm, gpa, buf, len);
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
		.break_guest_state = vm->break_guest_state && v->id == 0,
		.read_guest = vcpu_read_guest,
		.guest_mem = vm,
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
	if (vm->deaf_vcpu == v->id + 1)
		vcpu_play_deaf(v);
	if (vm->stuck_vcpu == v->id + 1)
		vcpu_play_stuck(v);
	/* Ticks make a guest that never exits come back for the watchdog. */
	lapic_timer_start_periodic(VEC_TICK, VCPU_TICK_COUNT);
	while (!v->done && vcpu_enter(v, &exit)) {
		vm_trace_exit(&exit);
		if (exit.kind == VCPU_EXIT_INTERRUPT &&
		    tsc_us_since_boot() > vm->deadline_us)
			vm_stop(vm, "watchdog: the guest still ran after %llu s (guest_timeout_s=)",
				(unsigned long long)vm->timeout_s);
		vcpu_handle_exit(v, &exit);
		if (v->cpu == 0) /* the boot CPU also serves the console */
			monitor_poll(v);
	}
	lapic_timer_stop();
	be->vcpu_destroy(v->hw);
	v->hw = NULL;
disable:
	be->cpu_disable();
out:
	__atomic_store_n(&v->ended, true, __ATOMIC_RELEASE);
	__atomic_fetch_sub(&vm->vcpus_running, 1, __ATOMIC_ACQ_REL);
}
