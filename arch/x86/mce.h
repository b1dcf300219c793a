/*
 * Machine checks: the CPU's error-reporting banks enabled and CR4.MCE set
 * on every CPU, so that an uncorrected error reaches the #MC handler and
 * is reported before the stop, instead of shutting the CPU down silently
 * (the reset state: INIT clears CR4.MCE).
 */
#ifndef ARCH_X86_MCE_H
#define ARCH_X86_MCE_H

#include "lib/compiler.h"

struct trap_frame;

/*
 * On the calling CPU: reports the errors the banks still hold from before
 * this boot, clears them, enables every bank and sets CR4.MCE. Returns
 * the number of banks, or -1 when the CPU has no machine-check exception
 * (CPUID.1:EDX.MCE clear; CR4.MCE then stays clear).
 */
int mce_init_this_cpu(void);

/* The #MC handler: the banks' contents, then the fatal stop. */
__noreturn void mce_handle(const struct trap_frame *f);

#endif
