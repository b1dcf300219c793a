/* Time from the TSC, calibrated against the PIT at boot. */
#ifndef ARCH_X86_TSC_H
#define ARCH_X86_TSC_H

#include "lib/compiler.h"

/*
 * Measures the TSC frequency (CPUID leaf 0x15 when it states it, else
 * 10 ms of PIT channel 2). Returns the frequency in kHz; on failure
 * assumes 1 GHz so that time still advances, and says so via *note.
 */
uint64_t tsc_calibrate(const char **note);

uint64_t tsc_khz(void);
uint64_t tsc_us_since_boot(void);

/* Busy-waits at least us microseconds. */
void tsc_delay_us(uint64_t us);

#endif
