#include "arch/x86/tsc_report.h"
#include "lib/format.h"

static const char *const method_names[TSC_METHODS] = {
	[TSC_PM_TIMER] = "ACPI PM timer",
	[TSC_HPET] = "HPET",
	[TSC_PIT] = "PIT",
	[TSC_CPUID_15] = "CPUID leaf 0x15",
	[TSC_AMD_P0] = "AMD P-state 0",
	[TSC_CPUID_16] = "CPUID leaf 0x16",
};

const char *tsc_method_name(enum tsc_method m)
{
	return m < TSC_METHODS ? method_names[m] : "nothing";
}

enum tsc_method tsc_report_choose(const struct tsc_figure f[TSC_METHODS])
{
	for (unsigned m = 0; m < TSC_METHODS; m++)
		if (f[m].khz)
			return m;
	return TSC_METHODS;
}

/* A text being built: appends never overrun, the text stays terminated. */
struct line {
	char *buf;
	size_t size, len;
};

static void __printf(2, 3) line_add(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->len >= l->size)
		return;
	va_start(ap, fmt);
	n = fmt_vsnprintf(l->buf + l->len, l->size - l->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->len = MIN(l->len + (size_t)n, l->size - 1);
}

/* kHz as MHz with one decimal, rounded: 2893449 -> "2893.4". */
static void line_add_mhz(struct line *l, uint64_t khz)
{
	uint64_t tenths = (khz + 50) / 100;

	line_add(l, "%llu.%llu", (unsigned long long)(tenths / 10),
		 (unsigned long long)(tenths % 10));
}

/* ppm as a percentage with three decimals: 210 -> "0.021%". */
static void line_add_percent(struct line *l, uint32_t ppm)
{
	line_add(l, "%u.%03u%%", ppm / 10000, (ppm % 10000) / 10);
}

static bool is_timer(enum tsc_method m)
{
	return m < TSC_TIMERS;
}

static void line_add_source(struct line *l, const struct tsc_figure *c,
			    enum tsc_method chosen, uint64_t took_ms)
{
	if (is_timer(chosen)) {
		line_add(l, " MHz measured against the %s (%u of %u windows, spread ",
			 method_names[chosen], c->est.used, c->est.windows);
		line_add_percent(l, c->est.spread_ppm);
		line_add(l, ", %llu ms)", (unsigned long long)took_ms);
	} else {
		line_add(l, " MHz from %s (no timer could be measured)",
			 method_names[chosen]);
	}
}

/* "; HPET agrees within 0.004%, PIT within 0.083%, CPUID leaf 0x16 is 2.500% off". */
static void line_add_comparisons(struct line *l,
				 const struct tsc_figure f[TSC_METHODS],
				 enum tsc_method chosen)
{
	bool first = true, said_agrees = false;

	for (unsigned m = 0; m < TSC_METHODS; m++) {
		uint32_t ppm;

		if (m == chosen || !f[m].khz)
			continue;
		ppm = tsc_calc_diff_ppm(f[m].khz, f[chosen].khz);
		line_add(l, "%s%s", first ? "; " : ", ", method_names[m]);
		first = false;
		if (ppm > TSC_AGREE_PPM) {
			line_add(l, " is ");
			line_add_percent(l, ppm);
			line_add(l, " off");
			continue;
		}
		line_add(l, "%s within ", said_agrees ? "" : " agrees");
		said_agrees = true;
		line_add_percent(l, ppm);
	}
	if (first)
		line_add(l, "; no other method to compare with");
}

void tsc_report_line(const struct tsc_figure f[TSC_METHODS],
		     enum tsc_method chosen, uint64_t took_ms, char *buf,
		     size_t size)
{
	struct line l = { buf, size, 0 };

	if (size)
		buf[0] = '\0';
	if (chosen >= TSC_METHODS) {
		line_add(&l, "tsc: no timer counted and the CPU states no frequency: assuming ");
		line_add_mhz(&l, TSC_ASSUMED_KHZ);
		line_add(&l, " MHz, so times and timeouts are rough");
		return;
	}
	line_add(&l, "tsc: ");
	line_add_mhz(&l, f[chosen].khz);
	line_add_source(&l, &f[chosen], chosen, took_ms);
	line_add_comparisons(&l, f, chosen);
}

bool tsc_report_disagreement(const struct tsc_figure f[TSC_METHODS],
			     enum tsc_method chosen, enum tsc_method other,
			     char *buf, size_t size)
{
	struct line l = { buf, size, 0 };
	uint32_t ppm;

	if (chosen >= TSC_METHODS || other >= TSC_METHODS || other == chosen ||
	    !f[other].khz)
		return false;
	ppm = tsc_calc_diff_ppm(f[other].khz, f[chosen].khz);
	if (ppm <= TSC_AGREE_PPM)
		return false;
	if (size)
		buf[0] = '\0';
	line_add(&l, "tsc: the %s gives ", method_names[other]);
	line_add_mhz(&l, f[other].khz);
	line_add(&l, " MHz, the %s ", method_names[chosen]);
	line_add_mhz(&l, f[chosen].khz);
	line_add(&l, " MHz (");
	line_add_percent(&l, ppm);
	line_add(&l, " apart): the %s is used", method_names[chosen]);
	return true;
}
