/*
 * Fatal errors and checked invariants. Each report names file:line and the
 * CPU and prints a symbolized backtrace; panic() and BUG_ON() then stop every
 * CPU and end the run with "hv: done: FAIL: <reason>".
 *
 * The fatal path, on whichever CPU gets there first: its own report, then
 * every other CPU's, one after the other (registers and backtrace of where
 * an NMI found it; one that does not answer is named and skipped), then the
 * last lines the log held before the first report began, framed:
 *
 *   --- last 20 log lines before the report ---
 *   [    1.234567] cpu0 ...
 *   --- end of the log lines ---
 *
 * and at last the end hook (summary, "hv: done: FAIL: <reason>", and what
 * panic= asks for), with the other CPUs stopped.
 *
 * This sits below arch/: what the fatal path needs from the machine comes
 * through the hooks below, which arch/x86 registers
 * (arch/x86/base_hooks.c), and the end of the run through the one hv/
 * registers.
 */
#ifndef BASE_PANIC_H
#define BASE_PANIC_H

#include "lib/compiler.h"

__noreturn void panic_at(const char *file, int line, const char *fmt, ...)
	__printf(3, 4);
void warn_at(const char *file, int line, const char *what);

#define panic(...) panic_at(__FILE__, __LINE__, __VA_ARGS__)

#define BUG_ON(cond)                                                           \
	do {                                                                   \
		if (unlikely(cond))                                            \
			panic_at(__FILE__, __LINE__, "BUG_ON(%s)", #cond);     \
	} while (0)

#define WARN_ON(cond)                                                          \
	({                                                                     \
		bool warn_on_ = !!(cond);                                      \
		if (unlikely(warn_on_))                                        \
			warn_at(__FILE__, __LINE__, #cond);                    \
		unlikely(warn_on_);                                            \
	})

/*
 * The end of every fatal path (panic, BUG_ON, unexpected exception): the
 * first CPU to get here stops the others (each reports in turn), says how
 * many, prints the tail of the log ring and ends the run through the hook
 * hv/ registered; any other CPU just halts (and reports when the first
 * one's NMI reaches it).
 */
__noreturn void fatal_stop(const char *reason);

#define FATAL_LOG_TAIL_LINES 20

/*
 * The first thing every fatal report does (panic_at, the exception and
 * machine-check reports): marks where the log stood, so that the tail
 * printed at the end is what came before the first report, not the
 * reports themselves. Only the first call on any CPU counts.
 */
void fatal_report_begin(void);

/*
 * What the fatal path needs from the machine. Each hook may be called on
 * any CPU, in any context (NMI and exception handlers included), with the
 * machine in any state: none may take a lock.
 */
struct panic_hooks {
	/* This CPU's number (0 = the boot CPU). */
	unsigned (*cpu_id)(void);
	/* Masks maskable interrupts on this CPU. */
	void (*irq_mask)(void);
	/* Prints a symbolized backtrace that starts in its caller. */
	void (*backtrace_caller)(void);
	/*
	 * Makes every other CPU the hypervisor started print, one after
	 * the other, where it was (registers, backtrace), then halt for
	 * good; a CPU that does not answer is named and skipped, so this
	 * returns in bounded time. Called with the log in panic mode.
	 * Returns how many CPUs were asked.
	 */
	unsigned (*stop_other_cpus)(void);
	/* Halts this CPU for good, interrupts masked. */
	__noreturn void (*halt)(void);
};

/*
 * Registers the hooks; hooks must stay valid for good. Call on the boot
 * CPU before any other CPU starts. Until then the fatal path says "cpu0",
 * prints no backtrace, stops no other CPU (none runs yet) and spins where
 * it would halt.
 */
void panic_set_hooks(const struct panic_hooks *hooks);

/*
 * Registers how a failed run ends: end(reason) prints the summary and the
 * "hv: done: FAIL: <reason>" line and leaves the machine as panic= says
 * (hv/report.c): the debug monitor opens from there. It is called once,
 * by the CPU that won the fatal path, with the other CPUs stopped and the
 * log unlocked. Until it is registered, that CPU halts after the tail of
 * the log.
 */
void panic_set_end(__noreturn void (*end)(const char *reason));

#endif
