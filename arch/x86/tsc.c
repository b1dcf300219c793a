#include "arch/x86/tsc.h"
#include "arch/x86/cpu.h"
#include "arch/x86/tsc_cpu.h"
#include "arch/x86/tsc_measure.h"
#include "base/log.h"

static uint64_t khz;
static uint64_t boot_tsc;

void tsc_mark_boot(void)
{
	boot_tsc = rdtsc();
}

/* Keeps a timer only if it counts. */
static bool tsc_timer_counts(const struct tsc_ref *ref)
{
	if (tsc_ref_counts(ref))
		return true;
	pr_info("tsc: the %s does not count: not used",
		tsc_method_name(ref->method));
	return false;
}

/*
 * Opens the timers the machine has, in order of preference, and returns
 * how many count (refs[0] then times the windows). Each one the tables
 * list that cannot be used gets a line saying why.
 */
static unsigned tsc_open_timers(const struct acpi_timers *t,
				struct tsc_ref refs[TSC_TIMERS])
{
	char why[96];
	unsigned n = 0;

	if (t->pm_timer_port) {
		if (!pm_timer_open(t->pm_timer_port, t->pm_timer_bits, &refs[n],
				   why, sizeof(why)))
			pr_info("tsc: ACPI PM timer not used: %s", why);
		else if (tsc_timer_counts(&refs[n]))
			n++;
	} else if (t->has_fadt) {
		pr_info("tsc: no ACPI PM timer: %s", t->pm_timer_why);
	}
	if (t->hpet_phys) {
		if (!hpet_open(t->hpet_phys, &refs[n], why, sizeof(why)))
			pr_info("tsc: HPET not used: %s", why);
		else if (tsc_timer_counts(&refs[n]))
			n++;
	} else if (t->has_hpet_table) {
		pr_info("tsc: HPET not used: its table gives no memory address");
	}
	pit_counter_open(&refs[n]);
	if (tsc_timer_counts(&refs[n]))
		n++;
	return n;
}

static void tsc_log_windows(const struct tsc_ref *ref,
			    const struct tsc_window w[TSC_WINDOWS])
{
	for (unsigned i = 0; i < TSC_WINDOWS; i++)
		pr_debug("tsc: %s window %u: %llu TSC ticks, %llu ticks of %llu fs, edge reads %llu TSC ticks",
			 tsc_method_name(ref->method), i,
			 (unsigned long long)w[i].tsc_ticks,
			 (unsigned long long)w[i].ref_ticks,
			 (unsigned long long)ref->period_fs,
			 (unsigned long long)w[i].edge_tsc);
}

/*
 * Measures the timers that count into f[], leaves them as they were, and
 * returns the TSC ticks that took.
 */
static uint64_t tsc_measure_timers(const struct acpi_timers *t,
				   struct tsc_figure f[TSC_METHODS])
{
	struct tsc_ref refs[TSC_TIMERS];
	struct tsc_window windows[TSC_TIMERS][TSC_WINDOWS];
	uint64_t start = rdtsc(), took;
	unsigned n = tsc_open_timers(t, refs);

	if (n)
		tsc_measure(refs, n, windows);
	hpet_close();
	pit_counter_close();
	took = rdtsc() - start;
	for (unsigned r = 0; r < n; r++) {
		struct tsc_figure *fig = &f[refs[r].method];

		tsc_log_windows(&refs[r], windows[r]);
		if (tsc_calc_estimate(windows[r], TSC_WINDOWS,
				      refs[r].period_fs, &fig->est))
			fig->khz = fig->est.khz;
		else
			pr_info("tsc: the %s gave no usable window: not used",
				tsc_method_name(refs[r].method));
	}
	return took;
}

uint64_t tsc_calibrate(const struct acpi_timers *timers)
{
	struct tsc_figure f[TSC_METHODS] = { 0 };
	uint64_t took = tsc_measure_timers(timers, f);
	enum tsc_method chosen;
	char line[LOG_LINE_MAX - 64];

	tsc_cpu_figures(f);
	chosen = tsc_report_choose(f);
	khz = chosen < TSC_METHODS ? f[chosen].khz : TSC_ASSUMED_KHZ;
	tsc_report_line(f, chosen, took / khz, line, sizeof(line));
	if (chosen < TSC_METHODS)
		pr_info("%s", line);
	else
		pr_warn("%s", line);
	for (unsigned m = 0; m < TSC_METHODS; m++)
		if (tsc_report_disagreement(f, chosen, m, line, sizeof(line)))
			pr_warn("%s", line);
	return khz;
}

uint64_t tsc_khz(void)
{
	return khz;
}

uint64_t tsc_us_since_boot(void)
{
	return tsc_ticks_to_us(tsc_ticks_since_boot());
}

uint64_t tsc_ticks_since_boot(void)
{
	uint64_t now = rdtsc();

	return now > boot_tsc ? now - boot_tsc : 0;
}

uint64_t tsc_ticks_to_us(uint64_t ticks)
{
	if (!khz)
		return 0;
	return ticks * 1000 / khz;
}

void tsc_delay_us(uint64_t us)
{
	uint64_t start = rdtsc();
	uint64_t ticks = us * (khz ? khz : TSC_ASSUMED_KHZ) / 1000;

	while (rdtsc() - start < ticks)
		__builtin_ia32_pause();
}
