/*
 * The arithmetic of TSC calibration, apart from any hardware: counter
 * deltas across a wrap, reference ticks to nanoseconds, TSC ticks and
 * nanoseconds to kHz, the choice among several measurement windows, how
 * far two figures are apart, and what the CPU itself says (CPUID leaves
 * 0x15 and 0x16, AMD's P-state 0). Host-tested (tests/unit/test_tsc_calc.c).
 */
#ifndef ARCH_X86_TSC_CALC_H
#define ARCH_X86_TSC_CALC_H

#include "lib/compiler.h"

/* Tick periods of the fixed-rate references, in femtoseconds. */
#define TSC_CALC_FS_PER_S 1000000000000000ull
#define PM_TIMER_HZ 3579545ull /* ACPI: 3.579545 MHz */
#define PIT_HZ 1193182ull
#define PM_TIMER_PERIOD_FS (TSC_CALC_FS_PER_S / PM_TIMER_HZ)
#define PIT_PERIOD_FS (TSC_CALC_FS_PER_S / PIT_HZ)

/*
 * The HPET's COUNTER_CLK_PERIOD may be at most 100 ns (IA-PC HPET 1.0a,
 * 2.3.4); below 0.1 ns (10 GHz) it is nonsense too.
 */
#define HPET_PERIOD_MAX_FS 100000000ull
#define HPET_PERIOD_MIN_FS 100000ull

/* A frequency we believe: 1 MHz (slow emulators) to 10 GHz. */
#define TSC_KHZ_MIN 1000ull
#define TSC_KHZ_MAX 10000000ull

/* Windows shorter or longer than this say nothing we can trust. */
#define TSC_WINDOW_NS_MIN 1000000ull    /* 1 ms */
#define TSC_WINDOW_NS_MAX 1000000000ull /* 1 s */

#define TSC_CALC_WINDOWS_MAX 16

/*
 * Ticks from start to end of a counter of `bits` bits (1..64) that wrapped
 * at most once.
 */
uint64_t tsc_calc_counter_delta(uint64_t start, uint64_t end, unsigned bits);

/* Whether an HPET's COUNTER_CLK_PERIOD (femtoseconds) can be used. */
bool tsc_calc_hpet_period_valid(uint64_t period_fs);

/* Nanoseconds of `ticks` ticks of period_fs each; saturates at UINT64_MAX. */
uint64_t tsc_calc_ticks_to_ns(uint64_t ticks, uint64_t period_fs);

/* The TSC's kHz when it advanced tsc_ticks in ns nanoseconds; 0 if ns is 0. */
uint64_t tsc_calc_khz(uint64_t tsc_ticks, uint64_t ns);

bool tsc_calc_khz_plausible(uint64_t khz);

/* How far a is from b, in parts per million of b; saturates at UINT32_MAX. */
uint32_t tsc_calc_diff_ppm(uint64_t a, uint64_t b);

/*
 * One measurement window against a reference: the TSC ticks between the
 * two edges, the reference's ticks between them, and the TSC ticks the two
 * edge reads took (the TSC read just before and just after each reference
 * read). An SMI or a preempted emulator at an edge makes that read take
 * far longer than the others.
 */
struct tsc_window {
	uint64_t tsc_ticks;
	uint64_t ref_ticks;
	uint64_t edge_tsc;
};

/*
 * A window whose edge reads took more than TSC_EDGE_COST_FACTOR times
 * those of the least disturbed window is dropped, unless they took less
 * than TSC_EDGE_NEGLIGIBLE_PPM of the window: too little to matter.
 */
#define TSC_EDGE_COST_FACTOR 3
#define TSC_EDGE_NEGLIGIBLE_PPM 20

struct tsc_estimate {
	uint64_t khz;        /* the median of the windows kept */
	unsigned windows;    /* windows measured */
	unsigned used;       /* windows kept */
	uint32_t spread_ppm; /* (highest - lowest) / median of those kept */
};

/*
 * The TSC frequency from n windows against a reference of period_fs:
 * windows that are too short or too long or give an implausible figure
 * are ignored; of the rest, those whose edge reads were disturbed (more
 * than TSC_EDGE_COST_FACTOR times the least disturbed window's, and not
 * negligible) are dropped, and the median of the others is taken. False
 * (and out->used 0) when no window is left.
 */
bool tsc_calc_estimate(const struct tsc_window *w, unsigned n,
		       uint64_t period_fs, struct tsc_estimate *out);

/* CPUID leaf 0x15: TSC = crystal (ECX Hz) * EBX / EAX. 0 when a field is 0. */
uint64_t tsc_calc_cpuid15_khz(uint32_t eax, uint32_t ebx, uint32_t ecx);

/* CPUID leaf 0x16: EAX[15:0] is the base frequency in MHz. 0 when absent. */
uint64_t tsc_calc_cpuid16_khz(uint32_t eax);

/* The display family of CPUID leaf 1 EAX (base + extended when base is 0xf). */
unsigned tsc_calc_cpu_family(uint32_t leaf1_eax);

/*
 * The core frequency of AMD P-state 0 from MSR C001_0064 on families 17h
 * and 19h (PstateEn bit 63; CpuFid bits 7:0 in 25 MHz steps divided by
 * CpuDfsId bits 13:8 in eighths: 200 * CpuFid / CpuDfsId MHz). 0 when the
 * state is not enabled, a field is out of range, or the family is another.
 */
uint64_t tsc_calc_amd_p0_khz(unsigned family, uint64_t pstate_def);

#endif
