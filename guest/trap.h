/*
 * Exceptions the test guest catches, for tests that must watch an
 * instruction fault and go on. Outside a test the guest runs as it
 * entered, with IDTR.limit = 0, so that any exception is a triple fault
 * that stops the VM.
 */
#ifndef GUEST_TRAP_H
#define GUEST_TRAP_H

#include "lib/compiler.h"

#define TRAP_VECTORS		32	    /* the exceptions, 0..31 */
#define TRAP_VEC_INVALID_OPCODE 6	    /* #UD */
#define TRAP_NONE		0xffffffffu /* trap_call: fn returned */

/* The registers fn starts with; the others hold what they held. */
struct trap_regs {
	uint32_t eax, ecx, edx;
};

/* What the CPU reported with the exception (offsets: guest/trap_entry.asm). */
struct trap_info {
	uint32_t vector;
	uint32_t error; /* 0 for a vector without an error code */
	uint32_t eip;	/* of the faulting instruction (after it, for a trap) */
};

/*
 * Loads the guest's own GDT, with the selectors of the entry state (0x08
 * flat 32-bit code, 0x10 flat data) so no segment changes, and an IDT
 * whose 32 exception gates lead to trap_call's catcher, on this vCPU.
 */
void trap_install(void);

/* Back to IDTR.limit = 0: any exception is a triple fault again. */
void trap_remove(void);

/*
 * Calls fn, an assembly routine, with the registers in *regs. Returns
 * TRAP_NONE if fn returned; if it raised an exception, fn is abandoned
 * there (its stack dropped, EBX, ESI, EDI and EBP as before the call) and
 * the vector is returned, with *info filled in. Needs trap_install() on
 * this vCPU; one vCPU at a time, the catcher's state is global. An
 * exception outside trap_call drops the IDT and restarts the instruction,
 * which then faults into a triple fault at its own address.
 */
uint32_t trap_call(void (*fn)(void), const struct trap_regs *regs,
		   struct trap_info *info);

#endif
