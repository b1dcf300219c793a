/*
 * Which of the TSC figures found at boot is used, and the console lines
 * that say so: the figure, how it was found, how well the other methods
 * agree with it, and a warning for each that disagrees by more than
 * TSC_AGREE_PPM. Pure text (host-tested in tests/unit/test_tsc_calc.c).
 */
#ifndef ARCH_X86_TSC_REPORT_H
#define ARCH_X86_TSC_REPORT_H

#include "arch/x86/tsc_calc.h"

/* The methods, in order of preference: the timers, then what the CPU says. */
enum tsc_method {
	TSC_PM_TIMER,
	TSC_HPET,
	TSC_PIT,
	TSC_CPUID_15,
	TSC_AMD_P0,
	TSC_CPUID_16,
	TSC_METHODS,
};

#define TSC_TIMERS (TSC_PIT + 1)
#define TSC_AGREE_PPM 10000 /* 1% */
#define TSC_ASSUMED_KHZ 1000000ull

/* What one method found: khz 0 when it is absent or failed. */
struct tsc_figure {
	uint64_t khz;
	struct tsc_estimate est; /* timers only */
};

const char *tsc_method_name(enum tsc_method m);

/* The first method, in order of preference, with a figure; else TSC_METHODS. */
enum tsc_method tsc_report_choose(const struct tsc_figure f[TSC_METHODS]);

/*
 * The line that says which figure is used, e.g.
 * "tsc: 2893.4 MHz measured against the ACPI PM timer (5 of 5 windows,
 * spread 0.021%, 52 ms); HPET agrees within 0.004%, PIT within 0.083%".
 * took_ms is how long the measurement took.
 */
void tsc_report_line(const struct tsc_figure f[TSC_METHODS],
		     enum tsc_method chosen, uint64_t took_ms, char *buf,
		     size_t size);

/*
 * The warning when method `other` disagrees with the chosen one by more
 * than TSC_AGREE_PPM, naming both figures; false (buf untouched) when it
 * agrees or has no figure.
 */
bool tsc_report_disagreement(const struct tsc_figure f[TSC_METHODS],
			     enum tsc_method chosen, enum tsc_method other,
			     char *buf, size_t size);

#endif
