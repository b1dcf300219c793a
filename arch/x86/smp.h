/* Starting the application processors, and reaching them afterwards. */
#ifndef ARCH_X86_SMP_H
#define ARCH_X86_SMP_H

#include "arch/x86/acpi.h"

/*
 * Starts every CPU the MADT lists (besides this one) with INIT-SIPI-SIPI,
 * up to maxcpus CPUs in all, one at a time. A CPU that does not report in
 * within timeout_ms is reported and skipped. trampoline_page is a free
 * physical page below 1 MiB. Returns the number of CPUs online.
 */
unsigned smp_start_aps(const struct acpi_cpus *cpus, unsigned maxcpus,
		       unsigned timeout_ms, uint64_t trampoline_page);

unsigned smp_online_count(void);

/* Runs fn on every other online CPU and waits until all have run it. */
void smp_call_others(void (*fn)(void));

/*
 * Hands fn(arg) to the idle loop of online CPU cpu_id (not this one),
 * which runs it with interrupts enabled, outside any interrupt handler.
 * Returns false if that CPU still has work it has not started.
 */
bool smp_run_on(unsigned cpu_id, void (*fn)(void *arg), void *arg);

/* Makes CPU cpu_id leave guest mode or halt, so it looks at its work. */
void smp_kick(unsigned cpu_id);

/*
 * Kicks CPU cpu_id with an NMI: for a CPU that may be in a guest that
 * holds maskable interrupts off (see hv/vcpu.c). Its NMI handler knows
 * the NMI for a kick and returns.
 */
void smp_kick_nmi(unsigned cpu_id);

/*
 * In the NMI handler: true (and one fewer pending) when an NMI kick was
 * sent to this CPU and not yet taken, so the NMI was that kick.
 */
bool smp_take_nmi_kick(void);

/* Runs fn on online CPU cpu_id (not this one) without waiting for it. */
void smp_call_one(unsigned cpu_id, void (*fn)(void));

/*
 * For the fatal path (arch/x86/smp_stop.c): NMIs every other CPU the
 * hypervisor started; each prints, in turn by CPU number, the registers
 * and backtrace of where the NMI found it, then halts for good. A CPU
 * that does not answer within SMP_STOP_ANSWER_US is named and skipped.
 * Returns how many CPUs were asked.
 */
#define SMP_STOP_ANSWER_US 1000000ull  /* 1 s to answer the NMI */
#define SMP_STOP_REPORT_US 5000000ull  /* 5 s to print the report */
unsigned smp_stop_other_cpus(void);

/* In the NMI handler: whether smp_stop_other_cpus() has begun. */
bool smp_stop_requested(void);

/*
 * In the NMI handler, once smp_stop_requested(): waits for this CPU's
 * turn, reports where frame says the NMI found it, halts for good.
 */
struct trap_frame;
__noreturn void smp_stop_this_cpu(const struct trap_frame *frame);

/*
 * selftest=deaf-cpu: this CPU takes an NMI of its own and never returns
 * from the handler, so it answers no NMI from then on, as a CPU wedged
 * with NMIs held would.
 */
__noreturn void smp_selftest_hold_nmis(void);

#endif
