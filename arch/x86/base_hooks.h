/* How base/ (the log and the fatal path) reaches this machine. */
#ifndef ARCH_X86_BASE_HOOKS_H
#define ARCH_X86_BASE_HOOKS_H

/*
 * Registers the log's, the fatal path's and the trace's hooks (base/log.h,
 * base/panic.h, base/trace.h): CPU number, time, interrupt masking, backtraces,
 * stopping the other CPUs, halting. Call once, on the boot CPU, as soon
 * as its per-CPU area is set up (percpu_init_this_cpu()), before anything
 * logs. The console is registered by console_init().
 */
void base_hooks_register(void);

#endif
