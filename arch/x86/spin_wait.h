/*
 * Bounded busy waits. Every wait in the hypervisor for another CPU goes
 * through spin_wait_step(), so none can hang silently: after
 * SPIN_WAIT_REPORT_US it says once which CPU waits for which and for what,
 * and after SPIN_WAIT_FAIL_US, when the other CPU is taken to be wedged,
 * the run ends in a FAIL with that diagnosis.
 */
#ifndef ARCH_X86_SPIN_WAIT_H
#define ARCH_X86_SPIN_WAIT_H

#include "lib/compiler.h"

#define SPIN_WAIT_REPORT_US 1000000ull /* 1 s: name the wait once */
#define SPIN_WAIT_FAIL_US 10000000ull  /* 10 s: it will never end */

struct spin_wait {
	const char *what; /* completes "cpuN waits for cpuM to ..." */
	int cpu;          /* the CPU waited for; -1 when not known */
	uint64_t since_us; /* 0 until the first step */
	bool reported;
};

#define SPIN_WAIT_INIT(cpu_, what_) { .what = (what_), .cpu = (cpu_) }

/*
 * One PAUSE of a wait; returns how long the wait has lasted, in
 * microseconds of TSC time. Reports once after SPIN_WAIT_REPORT_US and
 * panics after SPIN_WAIT_FAIL_US. Safe with interrupts off.
 */
uint64_t spin_wait_step(struct spin_wait *w);

/* Says (once, if the wait was long enough to be reported) that it ended. */
void spin_wait_end(struct spin_wait *w);

#endif
