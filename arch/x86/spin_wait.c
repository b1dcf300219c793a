#include "arch/x86/spin_wait.h"
#include "arch/x86/percpu.h"
#include "arch/x86/tsc.h"
#include "base/log.h"
#include "base/panic.h"
#include "lib/format.h"
#include "lib/spinlock.h"

static void spin_wait_describe(const struct spin_wait *w, char *buf,
			       size_t size)
{
	if (w->cpu >= 0)
		fmt_snprintf(buf, size, "cpu%u waits for cpu%d to %s",
			     this_cpu_id(), w->cpu, w->what);
	else
		fmt_snprintf(buf, size, "cpu%u waits to %s", this_cpu_id(),
			     w->what);
}

uint64_t spin_wait_step(struct spin_wait *w)
{
	uint64_t now = tsc_us_since_boot(), waited;
	char what[160];

	cpu_relax();
	if (!w->since_us) {
		w->since_us = now ? now : 1;
		return 0;
	}
	waited = now - w->since_us;
	if (waited >= SPIN_WAIT_FAIL_US) {
		spin_wait_describe(w, what, sizeof(what));
		panic("wait: %s and gave up after %llu s: that CPU is wedged",
		      what, (unsigned long long)(waited / 1000000));
	}
	if (waited >= SPIN_WAIT_REPORT_US && !w->reported) {
		w->reported = true;
		spin_wait_describe(w, what, sizeof(what));
		pr_warn("wait: %s, for %llu ms now (a FAIL after %llu s)", what,
			(unsigned long long)(waited / 1000),
			(unsigned long long)(SPIN_WAIT_FAIL_US / 1000000));
	}
	return waited;
}

void spin_wait_end(struct spin_wait *w)
{
	char what[160];

	if (!w->reported)
		return;
	spin_wait_describe(w, what, sizeof(what));
	pr_warn("wait: %s: done after %llu ms", what,
		(unsigned long long)((tsc_us_since_boot() - w->since_us) / 1000));
}
