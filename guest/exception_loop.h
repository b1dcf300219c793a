/*
 * Exception deliveries that raise the same exception again: the loops a
 * CPU runs inside itself, taking no interrupt, unless the hypervisor
 * intercepts the exception (docs/guest-abi.md, test=ac-loop, db-loop).
 * The routines are in guest/exception_loop.asm.
 */
#ifndef GUEST_EXCEPTION_LOOP_H
#define GUEST_EXCEPTION_LOOP_H

#include "lib/compiler.h"

/* What the ring-0 stub that ended a loop routine saw (offsets: the .asm). */
struct loop_result {
	uint32_t vector;
	uint32_t error;
	uint32_t ip; /* of the exception frame */
	uint32_t sp; /* ESP/RSP of the exception frame (from ring 3: the
		      * interrupted ring-3 stack) */
	uint32_t dr6;
	uint32_t ist; /* db_loop_run: the #DB gate's IST field when caught */
};

/*
 * At CPL 3 with CR0.AM and EFLAGS.AC on a misaligned stack, a push
 * raises #AC, whose gate leads to a ring-3 handler: its delivery pushes
 * on that stack and raises #AC again. Returns the vector a ring-0 stub
 * caught, once another vCPU turns the #AC gate (ac_idt[17]) to ring 0.
 */
uint32_t ac_loop_run(struct loop_result *out);

/*
 * In 64-bit mode, a data breakpoint on the top quadword of the #DB
 * gate's IST stack, then a write to it: each delivery of #DB writes
 * there and raises #DB again at the handler's first instruction. Returns
 * the vector caught, once another vCPU clears the #DB gate's IST field
 * (db_idt, byte 4 of entry 1). Back in 32-bit mode with paging off.
 */
uint32_t db_loop_run(struct loop_result *out);

/* Set by the routines just before the exception that starts the loop. */
extern volatile uint32_t ac_loop_armed, db_loop_armed;
/* Set if the ring-3 #AC handler ran: that delivery did not loop. */
extern volatile uint32_t ac_user_handler_ran;
extern uint8_t ac_idt[], db_idt[];
/* The instruction that starts each loop; the ring-0 stubs of #AC and of
 * #DB (the #DB handler). */
extern const char ac_trigger[], db_trigger[];
extern const char loop_stub32_17[], loop_stub64_1[];

#endif
