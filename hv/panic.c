#include <stdarg.h>

#include "hv/panic.h"
#include "hv/log.h"
#include "hv/report.h"
#include "arch/x86/backtrace.h"
#include "arch/x86/cpu.h"
#include "arch/x86/percpu.h"
#include "arch/x86/smp.h"
#include "lib/format.h"

static int fatal_cpu = -1;

__noreturn void fatal_stop(const char *reason)
{
	int expected = -1;
	int me = (int)this_cpu_id();

	irq_disable();
	if (!__atomic_compare_exchange_n(&fatal_cpu, &expected, me, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		cpu_halt_forever(); /* another CPU is already reporting */

	log_enter_panic_mode();
	pr_err("stopped %u other CPU(s)", smp_stop_other_cpus());
	report_finish(false, reason);
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

	pr_err("PANIC on cpu%u at %s", this_cpu_id(), reason);
	backtrace_print_here();
	fatal_stop(reason);
}

void warn_at(const char *file, int line, const char *what)
{
	pr_warn("WARN_ON(%s) at %s:%d on cpu%u", what, file, line,
		this_cpu_id());
	backtrace_print_here();
}
