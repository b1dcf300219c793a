/* The interrupt descriptor table, shared by every CPU. */
#ifndef ARCH_X86_IDT_H
#define ARCH_X86_IDT_H

#include "lib/compiler.h"

enum {
	VEC_DIVIDE_ERROR = 0,
	VEC_DEBUG = 1,
	VEC_NMI = 2,
	VEC_BREAKPOINT = 3,
	VEC_OVERFLOW = 4,
	VEC_INVALID_OPCODE = 6,
	VEC_DOUBLE_FAULT = 8,
	VEC_GENERAL_PROTECTION = 13,
	VEC_PAGE_FAULT = 14,
	VEC_ALIGNMENT_CHECK = 17,
	VEC_MACHINE_CHECK = 18,
	VEC_FIRST_EXTERNAL = 32,
	VEC_IPI_CALL = 0xf0,  /* run a function on another CPU */
	VEC_KICK = 0xf1,      /* just interrupt: leave guest mode, leave HLT */
	VEC_TICK = 0xf2,      /* periodic APIC timer while a vCPU runs */
	VEC_SPURIOUS = 0xff, /* LAPIC spurious-interrupt vector */
};

/* Fills the IDT (once) and loads it on this CPU. */
void idt_load(void);

#endif
