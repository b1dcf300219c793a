/*
 * The guest's test memory: the pattern each word must hold, and access to
 * it by guest-physical address (paging is off: address = gpa). Every
 * access is volatile: the hypervisor unmaps and remaps the pages under the
 * guest, and each access must really reach memory.
 */
#ifndef GUEST_MEMORY_H
#define GUEST_MEMORY_H

#include "guest/guest.h"

#define GUEST_PAGE_SIZE	   4096u
#define GUEST_PATTERN_MARK 0xa5ull

/*
 * The word `word` of page gfn as written by vCPU vcpu in round `round`:
 * never zero (a lost page reads as zero), and readable in a hex dump
 * (a5 | gfn:24 | vcpu:8 | round:16 | word:8), so a wrong value says whose
 * and which it is.
 */
static inline uint64_t pattern_word(uint32_t gfn, uint32_t vcpu, uint32_t round,
				    uint32_t word)
{
	return GUEST_PATTERN_MARK << 56 | (uint64_t)(gfn & 0xffffff) << 32 |
	       (vcpu & 0xff) << 24 | (round & 0xffff) << 8 | (word & 0xff);
}

static inline void mem_write64(uint32_t gpa, uint64_t value)
{
	*(volatile uint64_t *)(uintptr_t)gpa = value;
}

static inline uint64_t mem_read64(uint32_t gpa)
{
	return *(volatile uint64_t *)(uintptr_t)gpa;
}

/*
 * Compares what gpa holds with want; a difference is a data error of ctx,
 * and the first few are printed.
 */
void mem_check64(struct guest_ctx *ctx, uint32_t gpa, uint64_t want);

/*
 * Code in test memory: code_write() puts at gpa a function that returns
 * value (MOV EAX, imm32; RET: 6 bytes, written as one word), and
 * code_check() calls it and compares what it returns with want, a
 * difference being a data error of ctx. The instruction fetches must reach
 * the page as the data accesses do, through whatever mapping the
 * hypervisor gives it meanwhile (a large page it may have to split).
 */
void code_write(uint32_t gpa, uint32_t value);
void code_check(struct guest_ctx *ctx, uint32_t gpa, uint32_t want);

#endif
