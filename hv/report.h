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
 * (not halting) ends the run: time to read the screen, or for a test to
 * take a picture of it (exit_delay_ms=).
 */
void report_set_exit_delay_ms(unsigned ms);

#endif
