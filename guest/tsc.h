/* The time stamp counter, for the guest's benchmarks. */
#ifndef GUEST_TSC_H
#define GUEST_TSC_H

#include "lib/compiler.h"

/* RDTSC after every earlier instruction has completed (LFENCE first). */
static inline uint64_t tsc_read(void)
{
	uint32_t lo, hi;

	asm volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return ((uint64_t)hi << 32) | lo;
}

#endif
