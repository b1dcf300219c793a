/*
 * What the CPU itself says about its TSC's frequency: CPUID leaf 0x15
 * (crystal and ratio) and leaf 0x16 (base frequency) on Intel, P-state 0
 * on AMD families 17h and 19h, whose TSC counts at that frequency.
 */
#ifndef ARCH_X86_TSC_CPU_H
#define ARCH_X86_TSC_CPU_H

#include "arch/x86/tsc_report.h"

/* Fills f[TSC_CPUID_15], f[TSC_CPUID_16], f[TSC_AMD_P0]; khz 0 for none. */
void tsc_cpu_figures(struct tsc_figure f[TSC_METHODS]);

#endif
