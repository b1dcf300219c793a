/*
 * Time from the TSC, calibrated at boot against the ACPI PM timer, the
 * HPET and the PIT, cross-checked with what the CPU states.
 */
#ifndef ARCH_X86_TSC_H
#define ARCH_X86_TSC_H

#include "arch/x86/acpi_timers.h"

/* Marks the moment times are counted from: the first thing at boot. */
void tsc_mark_boot(void);

/*
 * Finds the TSC frequency: measured against the first timer that counts
 * of the ACPI PM timer, the HPET and the PIT (5 windows of 10 ms, the
 * disturbed ones dropped, the median taken), else from what the CPU
 * states (CPUID leaf 0x15, AMD P-state 0, CPUID leaf 0x16), else 1 GHz
 * assumed so that time still advances. Logs one line saying which and
 * how well the other methods agree, and a warning for each that disagrees
 * by more than 1%. Leaves the HPET and the PIT as it found them. Until it
 * has run, tsc_khz() and tsc_us_since_boot() are 0. Returns kHz.
 */
uint64_t tsc_calibrate(const struct acpi_timers *timers);

uint64_t tsc_khz(void);
uint64_t tsc_us_since_boot(void);
/* TSC ticks since tsc_mark_boot() (0 on a CPU whose TSC is behind). */
uint64_t tsc_ticks_since_boot(void);
/* Microseconds in ticks TSC ticks; 0 until calibrated. */
uint64_t tsc_ticks_to_us(uint64_t ticks);

/* Busy-waits at least us microseconds (assuming 1 GHz before calibration). */
void tsc_delay_us(uint64_t us);

#endif
