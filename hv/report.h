/*
 * The end of every run, as tests read it from the serial log:
 *
 *   hv: summary cpus=4 vendor=amd virt=svm mem_mib=1983 ...
 *   hv: done: PASS            (or  hv: done: FAIL: <reason>)
 *
 * Figures are recorded while the run goes on and printed once at the end.
 */
#ifndef HV_REPORT_H
#define HV_REPORT_H

#include "lib/compiler.h"

/* Records (or replaces) a figure; keys are printed in first-set order. */
void report_set_u64(const char *key, uint64_t value);
void report_set_str(const char *key, const char *value);

/*
 * Prints the summary and the done line, then ends the run as the command
 * line's exit= says (QEMU or Bochs exit port, else halts this CPU).
 */
__noreturn void report_finish(bool pass, const char *reason);

/* How report_finish() leaves: enum exit_mode. */
void report_set_exit_mode(unsigned mode);

/*
 * How long report_finish() waits after the done line before an exit port
 * (not halting) ends the run, on the fatal path too: time to read the screen, or for a test to
 * take a picture of it (exit_delay_ms=).
 */
void report_set_exit_delay_ms(unsigned ms);

/*
 * The end of the fatal path (base/panic.h's end hook), with the other
 * CPUs stopped: the summary and the done line as report_finish() prints
 * them, then what panic= says (machine_end_fatal(), arch/x86/machine.h):
 * under an emulator's exit= the exit port by default; otherwise halt,
 * reboot, or the debug monitor registered below (by default).
 */
__noreturn void report_finish_fatal(const char *reason);

/* How report_finish_fatal() leaves: enum panic_mode. */
void report_set_panic_mode(unsigned mode);

/*
 * The debug monitor the fatal path opens after the done line
 * (panic=monitor, the default without an exit port): it runs on the CPU
 * that won the fatal path, with the other CPUs stopped, the log in panic
 * mode (base/log.h: log_write_raw() and log_ring_tail() work), and the
 * console's input (console_poll_input()) to itself. NULL, the default,
 * or a monitor that returns: that CPU halts.
 */
void report_set_panic_monitor(void (*monitor)(void));

#endif
