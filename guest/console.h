/* Console lines from the guest, through HV_HC_CONSOLE_WRITE. */
#ifndef GUEST_CONSOLE_H
#define GUEST_CONSOLE_H

#include "lib/compiler.h"

/*
 * Formats like printf (lib/format.h) and prints the result as one line,
 * cut to the 256 bytes one hypercall takes; the hypervisor prefixes it
 * with the vCPU id. Needs no lock: the buffer is on this vCPU's stack.
 */
void guest_printf(const char *fmt, ...) __printf(1, 2);

#endif
