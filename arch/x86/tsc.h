/* Time from the TSC, calibrated against the PIT at boot. */
#ifndef ARCH_X86_TSC_H
#define ARCH_X86_TSC_H

#include "lib/compiler.h"

/*
 * Finds the TSC frequency: CPUID leaf 0x15 when it states it, else 10 ms
 * of PIT channel 2, else CPUID leaf 0x16's base frequency, else it assumes
 * 1 GHz so that time still advances. Returns kHz; *note says which.
 */
uint64_t tsc_calibrate(const char **note);

uint64_t tsc_khz(void);
uint64_t tsc_us_since_boot(void);

/* Busy-waits at least us microseconds. */
void tsc_delay_us(uint64_t us);

#endif
