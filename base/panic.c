#include <stdarg.h>

#include "base/panic.h"
#include "base/log.h"
#include "base/trace.h"
#include "lib/format.h"
#include "lib/spinlock.h"

/* Trace events the CPU that won the fatal path shows of what it did last. */
#define FATAL_TRACE_EVENTS 16

/* Until arch/ registers its hooks: the boot CPU alone. */
static unsigned panic_early_cpu_id(void)
{
	return 0;
}

static void panic_early_irq_mask(void)
{
}

static void panic_early_backtrace_caller(void)
{
}

static unsigned panic_early_stop_other_cpus(void)
{
	return 0;
}

static __noreturn void panic_early_halt(void)
{
	for (;;)
		cpu_relax();
}

static const struct panic_hooks panic_early_hooks = {
	.cpu_id = panic_early_cpu_id,
	.irq_mask = panic_early_irq_mask,
	.backtrace_caller = panic_early_backtrace_caller,
	.stop_other_cpus = panic_early_stop_other_cpus,
	.halt = panic_early_halt,
};

static const struct panic_hooks *hooks = &panic_early_hooks;
static __noreturn void (*panic_end)(const char *reason); /* NULL: none yet */
static int fatal_cpu = -1;
/* log_ring_lines() when the first fatal report began; ~0: none began. */
static uint64_t fatal_report_line = ~0ull;

void panic_set_hooks(const struct panic_hooks *h)
{
	hooks = h;
}

void panic_set_end(__noreturn void (*end)(const char *reason))
{
	panic_end = end;
}

void fatal_report_begin(void)
{
	uint64_t none = ~0ull;

	__atomic_compare_exchange_n(&fatal_report_line, &none, log_ring_lines(),
				    false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

static void fatal_print_tail_line(void *ctx, const char *line, size_t len)
{
	log_write_raw_serial(line, len);
	log_write_raw_serial("\n", 1);
}

/*
 * The lines the log held before the first report began, between two
 * frame lines: for whoever plugged the serial line in late. Written raw:
 * they have their prefixes, and they are in the ring already. Not on a
 * screen, which shows them already and has too few rows to lose the
 * report to them.
 */
static void fatal_print_log_tail(void)
{
	static const char end[] = "--- end of the log lines ---\n";
	char frame[64];

	log_write_raw_serial(frame, fmt_snprintf(frame, sizeof(frame),
					  "--- last %u log lines before the report ---\n",
					  FATAL_LOG_TAIL_LINES));
	log_ring_tail_before(__atomic_load_n(&fatal_report_line, __ATOMIC_ACQUIRE),
			     FATAL_LOG_TAIL_LINES, fatal_print_tail_line, NULL);
	log_write_raw_serial(end, sizeof(end) - 1);
}

__noreturn void fatal_stop(const char *reason)
{
	int expected = -1;
	int me = (int)hooks->cpu_id();

	hooks->irq_mask();
	if (!__atomic_compare_exchange_n(&fatal_cpu, &expected, me, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		hooks->halt(); /* another CPU is already reporting */

	fatal_report_begin(); /* if the caller's report did not */
	log_enter_panic_mode();
	pr_err("stopped %u other CPU(s)", hooks->stop_other_cpus());
	trace_report_cpu((unsigned)me, FATAL_TRACE_EVENTS);
	fatal_print_log_tail();
	if (panic_end)
		panic_end(reason);
	hooks->halt();
}

__noreturn void panic_at(const char *file, int line, const char *fmt, ...)
{
	char reason[200];
	va_list ap;
	int n;

	n = fmt_snprintf(reason, sizeof(reason), "%s:%d: ", file, line);
	va_start(ap, fmt);
	fmt_vsnprintf(reason + n, sizeof(reason) - n, fmt, ap);
	va_end(ap);

	fatal_report_begin();
	pr_err("PANIC on cpu%u at %s", hooks->cpu_id(), reason);
	hooks->backtrace_caller();
	fatal_stop(reason);
}

void warn_at(const char *file, int line, const char *what)
{
	pr_warn("WARN_ON(%s) at %s:%d on cpu%u", what, file, line,
		hooks->cpu_id());
	hooks->backtrace_caller();
}
