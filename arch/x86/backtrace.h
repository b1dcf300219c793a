/* Symbolized frame-pointer backtraces (the image is built with frame pointers). */
#ifndef ARCH_X86_BACKTRACE_H
#define ARCH_X86_BACKTRACE_H

#include "lib/compiler.h"

/*
 * Prints rip, then walks the RBP chain from rbp. Stops at a zero frame, at
 * a frame that is not on one of this CPU's stacks, or after 32 frames: a
 * corrupt stack cannot make it fault.
 */
void backtrace_print(uint64_t rip, uint64_t rbp);

/*
 * The same for code an exception or NMI interrupted at rip with rsp and
 * rbp: also the caller of a function that has no frame of its own there
 * (a leaf function, or one still in its prologue), found on top of the
 * stack and checked to follow a CALL, which RBP's chain would skip.
 */
void backtrace_print_interrupted(uint64_t rip, uint64_t rsp, uint64_t rbp);

/* Backtrace of the caller. */
void backtrace_print_here(void);

#endif
