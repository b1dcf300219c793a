/*
 * The fatal stop of the other CPUs (base/panic.h, stop_other_cpus): the
 * CPU that won the fatal path NMIs every other CPU the hypervisor
 * started, and each, in its NMI handler, waits for its turn, prints where
 * the NMI found it and halts for good. Turns go by CPU number, one CPU at
 * a time, so that the reports never interleave on the console. Every wait
 * of the winner is bounded: a CPU that does not answer the NMI within
 * SMP_STOP_ANSWER_US (wedged with NMIs held, say) is named and skipped,
 * one whose report takes longer than SMP_STOP_REPORT_US is named and left
 * to it, and a CPU that answers after the turns are over halts without a
 * word.
 */
#include "arch/x86/smp.h"
#include "arch/x86/backtrace.h"
#include "arch/x86/cpu.h"
#include "arch/x86/lapic.h"
#include "arch/x86/percpu.h"
#include "arch/x86/traps.h"
#include "arch/x86/tsc.h"
#include "base/ksyms.h"
#include "base/log.h"
#include "base/trace.h"
#include "lib/format.h"
#include "lib/spinlock.h"


/* Trace events each stopped CPU shows of what it did last. */
#define SMP_STOP_TRACE_EVENTS 8
/* Where each CPU is in the stop. */
enum smp_stop_state {
	SMP_STOP_RUNNING = 0,  /* has not taken the NMI (yet) */
	SMP_STOP_WAITING = 1,  /* in its NMI handler, waiting for its turn */
	SMP_STOP_REPORTED = 2, /* printed its report; halted */
};

static bool stop_requested;
static bool stop_turns_over;
static int stop_turn = -1; /* the CPU that may print now */
static uint8_t stop_state[MAX_CPUS];

bool smp_stop_requested(void)
{
	return __atomic_load_n(&stop_requested, __ATOMIC_ACQUIRE);
}

/* "in the hypervisor" or "in its guest (...)": where the NMI found it. */
static void smp_stop_describe_place(const struct percpu *p, char *buf,
				    size_t size)
{
	const volatile uint64_t *guest_rip =
	    __atomic_load_n(&p->nmi_guest_rip, __ATOMIC_RELAXED);

	if (guest_rip)
		fmt_snprintf(buf, size,
			     "in its guest (vcpu%u at guest RIP %#llx), which it left for the NMI",
			     p->nmi_guest_vcpu, (unsigned long long)*guest_rip);
	else
		fmt_snprintf(buf, size, "in the hypervisor");
}

/*
 * This CPU's report: where it was, the registers the NMI interrupted
 * (the NMI frame and the general registers as the entry stub saved
 * them, the control registers as they are), and the backtrace from the
 * interrupted frame.
 */
static void smp_stop_report(const struct trap_frame *f)
{
	const struct percpu *p = this_cpu();
	char place[120];
	uint64_t off, size;
	const char *fn = ksyms_lookup(f->rip, &off, &size);

	smp_stop_describe_place(p, place, sizeof(place));
	if (fn)
		log_printf(LOG_ERROR, "NMI stop of cpu%u: %s, RIP %016llx %s+%#llx",
			   p->cpu_id, place, (unsigned long long)f->rip, fn,
			   (unsigned long long)off);
	else
		log_printf(LOG_ERROR, "NMI stop of cpu%u: %s, RIP %016llx",
			   p->cpu_id, place, (unsigned long long)f->rip);
	trap_print_registers(f);
	backtrace_print_interrupted(f->rip, f->rsp, f->rbp);
	/* What it did last, beyond its stack (when tracing was on). */
	trace_report_cpu(p->cpu_id, SMP_STOP_TRACE_EVENTS);
}

__noreturn void smp_stop_this_cpu(const struct trap_frame *f)
{
	unsigned me = this_cpu_id();

	__atomic_store_n(&stop_state[me], SMP_STOP_WAITING, __ATOMIC_RELEASE);
	for (;;) {
		if (__atomic_load_n(&stop_turn, __ATOMIC_ACQUIRE) == (int)me) {
			smp_stop_report(f);
			__atomic_store_n(&stop_state[me], SMP_STOP_REPORTED,
					 __ATOMIC_RELEASE);
			break;
		}
		if (__atomic_load_n(&stop_turns_over, __ATOMIC_ACQUIRE))
			break;
		cpu_relax();
	}
	cpu_halt_forever();
}

/*
 * Waits until cpu's state is at least state, or until deadline_us of TSC
 * time; false when the deadline passed first.
 */
static bool smp_stop_wait(unsigned cpu, uint8_t state, uint64_t deadline_us)
{
	while (__atomic_load_n(&stop_state[cpu], __ATOMIC_ACQUIRE) < state) {
		if (tsc_us_since_boot() > deadline_us)
			return false;
		cpu_relax();
	}
	return true;
}

/* Gives cpu its turn once it has answered, and waits for its report. */
static void smp_stop_take_report(unsigned cpu, uint64_t sent_us)
{
	if (!smp_stop_wait(cpu, SMP_STOP_WAITING, sent_us + SMP_STOP_ANSWER_US)) {
		pr_err("cpu%u did not answer the NMI within %llu s (it holds NMIs off, or is wedged): skipped",
		       cpu, SMP_STOP_ANSWER_US / 1000000);
		return;
	}
	__atomic_store_n(&stop_turn, (int)cpu, __ATOMIC_RELEASE);
	if (!smp_stop_wait(cpu, SMP_STOP_REPORTED,
			   tsc_us_since_boot() + SMP_STOP_REPORT_US))
		pr_err("cpu%u has not finished its report after %llu s: going on without it",
		       cpu, SMP_STOP_REPORT_US / 1000000);
}

unsigned smp_stop_other_cpus(void)
{
	unsigned me = this_cpu_id(), asked = 0;
	uint64_t sent_us;

	/* Before the NMIs: a CPU that takes one must see the stop. */
	__atomic_store_n(&stop_requested, true, __ATOMIC_SEQ_CST);
	/*
	 * Only the CPUs we started: others may sit in firmware code whose
	 * IDT is memory we have reused.
	 */
	for (unsigned i = 0; i < MAX_CPUS; i++) {
		if (i == me || !percpu_area[i].online)
			continue;
		lapic_send_nmi(percpu_area[i].apic_id);
		asked++;
	}
	if (asked)
		pr_err("fatal: NMI sent to %u other CPU(s): each reports where it was, in turn",
		       asked);
	sent_us = tsc_us_since_boot();
	for (unsigned i = 0; i < MAX_CPUS; i++)
		if (i != me && percpu_area[i].online)
			smp_stop_take_report(i, sent_us);
	__atomic_store_n(&stop_turn, -1, __ATOMIC_RELEASE);
	__atomic_store_n(&stop_turns_over, true, __ATOMIC_RELEASE);
	return asked;
}

__noreturn void smp_selftest_hold_nmis(void)
{
	struct percpu *p = this_cpu();

	__atomic_store_n(&p->hold_nmis, true, __ATOMIC_SEQ_CST);
	lapic_send_nmi(p->apic_id);
	for (;;)
		cpu_relax(); /* until the NMI comes, which never returns */
}
