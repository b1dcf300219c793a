/* Exceptions and interrupts after the entry stubs (trap_entry.asm). */
#ifndef ARCH_X86_TRAPS_H
#define ARCH_X86_TRAPS_H

#include "lib/compiler.h"

/* The registers as trap_entry.asm saves them; the CPU's frame follows. */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss;
};

typedef void (*irq_handler_fn)(struct trap_frame *frame);

/* Installs the handler of an external or IPI vector (>= 32). */
void traps_set_handler(unsigned vector, irq_handler_fn fn);

/* Called from trap_entry.asm for every vector. */
void trap_dispatch(struct trap_frame *frame);

/*
 * Prints the registers of frame (general, RFLAGS, CS:RIP, SS) and this
 * CPU's control registers, as the fatal reports show them.
 */
void trap_print_registers(const struct trap_frame *frame);

/* Name of an exception vector, e.g. "#PF page fault". */
const char *trap_vector_name(unsigned vector);

#endif
