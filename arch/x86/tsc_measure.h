/*
 * Measuring the TSC against reference counters: TSC_WINDOWS windows of
 * about TSC_WINDOW_NS each, timed by the first reference and measured
 * against all of them at once, so that the cross-checks cost no extra
 * time.
 */
#ifndef ARCH_X86_TSC_MEASURE_H
#define ARCH_X86_TSC_MEASURE_H

#include "arch/x86/tsc_ref.h"

#define TSC_WINDOWS 5
#define TSC_WINDOW_NS 10000000ull /* 10 ms */

/*
 * Fills out[r][w] for every reference r and window w. Each edge of a
 * window reads the TSC just before and just after the reference, so that
 * tsc_calc_estimate() can tell the windows whose edge reads were
 * interrupted (an SMI) from the others. A window ends when refs[0] has
 * advanced TSC_WINDOW_NS, or after a bounded number of reads of it.
 */
void tsc_measure(const struct tsc_ref *refs, unsigned n,
		 struct tsc_window out[][TSC_WINDOWS]);

#endif
