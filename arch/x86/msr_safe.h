/*
 * MSR access that survives a #GP (an MSR the CPU or an outer hypervisor
 * does not implement). The faulting instruction is listed in .ex_table with
 * where to resume; trap_dispatch() finds it there, sets the frame's RSI to 1
 * (the "faulted" output below) and resumes after the instruction.
 */
#ifndef ARCH_X86_MSR_SAFE_H
#define ARCH_X86_MSR_SAFE_H

#include "lib/compiler.h"

struct ex_table_entry {
	uint64_t fault_rip;
	uint64_t resume_rip;
};

#define EX_TABLE_ENTRY(fault, resume)                                          \
	".pushsection .ex_table, \"a\"\n\t.balign 8\n\t.quad " #fault          \
	", " #resume "\n\t.popsection\n\t"

static inline bool rdmsr_safe(uint32_t msr, uint64_t *value)
{
	uint32_t lo = 0, hi = 0;
	uint64_t faulted = 0;

	__asm__ volatile("1: rdmsr\n2:\n\t" EX_TABLE_ENTRY(1b, 2b)
			 : "=a"(lo), "=d"(hi), "+S"(faulted)
			 : "c"(msr));
	*value = ((uint64_t)hi << 32) | lo;
	return !faulted;
}

static inline bool wrmsr_safe(uint32_t msr, uint64_t value)
{
	uint64_t faulted = 0;

	__asm__ volatile("1: wrmsr\n2:\n\t" EX_TABLE_ENTRY(1b, 2b)
			 : "+S"(faulted)
			 : "c"(msr), "a"((uint32_t)value),
			   "d"((uint32_t)(value >> 32))
			 : "memory");
	return !faulted;
}

/* The resume address for a fault at rip, or 0 when it is not listed. */
uint64_t ex_table_find(uint64_t rip);

#endif
