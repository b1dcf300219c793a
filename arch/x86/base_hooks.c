#include "arch/x86/base_hooks.h"
#include "arch/x86/backtrace.h"
#include "arch/x86/cpu.h"
#include "arch/x86/percpu.h"
#include "arch/x86/smp.h"
#include "arch/x86/tsc.h"
#include "base/log.h"
#include "base/panic.h"
#include "base/trace.h"

_Static_assert(TRACE_MAX_CPUS >= MAX_CPUS, "every CPU needs a trace ring");

static unsigned base_hooks_cpu_id(void)
{
	return this_cpu_id();
}

static bool base_hooks_irq_mask_saving(void)
{
	bool were_on = read_rflags() & RFLAGS_IF;

	irq_disable();
	return were_on;
}

static void base_hooks_irq_mask(void)
{
	irq_disable();
}

static void base_hooks_irq_unmask(void)
{
	irq_enable();
}

static __noreturn void base_hooks_halt(void)
{
	cpu_halt_forever();
}

static const struct log_hooks log_hooks = {
	.cpu_id = base_hooks_cpu_id,
	.us_since_boot = tsc_us_since_boot,
	.irq_mask = base_hooks_irq_mask_saving,
	.irq_unmask = base_hooks_irq_unmask,
};

/* Stamps count TSC ticks since boot, so 56 bits last for years. */
static const struct trace_hooks trace_hooks = {
	.cpu_id = base_hooks_cpu_id,
	.stamp = tsc_ticks_since_boot,
	.stamp_to_us = tsc_ticks_to_us,
};

static const struct panic_hooks panic_hooks = {
	.cpu_id = base_hooks_cpu_id,
	.irq_mask = base_hooks_irq_mask,
	/* Skips its own frame: the backtrace starts in its caller. */
	.backtrace_caller = backtrace_print_here,
	.stop_other_cpus = smp_stop_other_cpus,
	.halt = base_hooks_halt,
};

void base_hooks_register(void)
{
	log_set_hooks(&log_hooks);
	panic_set_hooks(&panic_hooks);
	trace_set_hooks(&trace_hooks);
}
