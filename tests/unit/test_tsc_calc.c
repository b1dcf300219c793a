/*
 * TSC calibration arithmetic (arch/x86/tsc_calc.c) and the console lines
 * that report it (arch/x86/tsc_report.c): counter wraps, reference ticks
 * to time, the choice among windows when an SMI disturbed some, what the
 * CPU states, and which figure is used and said.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "arch/x86/tsc_calc.h"
#include "arch/x86/tsc_report.h"

/* A 2893.4 MHz TSC against the PM timer: 10 ms = 35795 ticks. */
#define KHZ 2893400ull
#define PM_TICKS_10MS 35795ull

/* The TSC ticks in pm_ticks ticks of the PM timer at khz. */
static uint64_t tsc_ticks_for(uint64_t pm_ticks, uint64_t khz)
{
	return pm_ticks * PM_TIMER_PERIOD_FS / 1000000 * khz / 1000000;
}

/* A clean 10 ms window: edge reads of about 1 us each at 2.9 GHz. */
static struct tsc_window clean(uint64_t khz)
{
	return (struct tsc_window){
		.tsc_ticks = tsc_ticks_for(PM_TICKS_10MS, khz),
		.ref_ticks = PM_TICKS_10MS,
		.edge_tsc = 6000,
	};
}

/*
 * A window an SMI of 300 us hit at an edge: the TSC ran on while the
 * reference read waited, so the TSC ticks are 3% too many, and the edge
 * read took 300 us of TSC ticks.
 */
static struct tsc_window smi_hit(uint64_t khz)
{
	struct tsc_window w = clean(khz);

	w.tsc_ticks += khz * 300 / 1000;
	w.edge_tsc += khz * 300 / 1000;
	return w;
}

static void assert_near_ppm(uint64_t got, uint64_t want, uint32_t ppm)
{
	if (tsc_calc_diff_ppm(got, want) > ppm)
		fail_msg("%llu is more than %u ppm from %llu",
			 (unsigned long long)got, ppm,
			 (unsigned long long)want);
}

static void test_counter_delta_wraps(void **state)
{
	(void)state;
	/* 24-bit PM timer: 0xffff00 -> 0x000100 is 0x200 ticks. */
	assert_int_equal(tsc_calc_counter_delta(0xffff00, 0x000100, 24), 0x200);
	/* Bits above the width (a 24-bit timer read as 32) do not count. */
	assert_int_equal(tsc_calc_counter_delta(0xffff00, 0xab000100, 24),
			 0x200);
	assert_int_equal(tsc_calc_counter_delta(0x1000, 0x2000, 24), 0x1000);
	/* 32-bit PM timer and HPET. */
	assert_int_equal(tsc_calc_counter_delta(0xfffffff0u, 0x10, 32), 0x20);
	/* The PIT counter (16 bits). */
	assert_int_equal(tsc_calc_counter_delta(0xfff0, 0x0010, 16), 0x20);
	assert_int_equal(tsc_calc_counter_delta(~0ull, 1, 64), 2);
}

static void test_reference_ticks_to_time(void **state)
{
	(void)state;
	/* One second of each reference is one second, within 1 ppm. */
	assert_near_ppm(tsc_calc_ticks_to_ns(PM_TIMER_HZ, PM_TIMER_PERIOD_FS),
			1000000000ull, 1);
	assert_near_ppm(tsc_calc_ticks_to_ns(PIT_HZ, PIT_PERIOD_FS),
			1000000000ull, 1);
	/* HPET at 14.31818 MHz (69841279 fs) and at 100 MHz (QEMU). */
	assert_near_ppm(tsc_calc_ticks_to_ns(14318180, 69841279),
			1000000000ull, 1);
	assert_int_equal(tsc_calc_ticks_to_ns(1000000, 10000000), 10000000);
	/* A full 32-bit HPET count at the longest period does not overflow. */
	assert_int_equal(
		tsc_calc_ticks_to_ns(0xffffffffull, HPET_PERIOD_MAX_FS),
		0xffffffffull * 100);
	assert_int_equal(tsc_calc_ticks_to_ns(~0ull, ~0ull), UINT64_MAX);
}

static void test_hpet_period(void **state)
{
	(void)state;
	assert_true(tsc_calc_hpet_period_valid(69841279));  /* 14.318 MHz */
	assert_true(tsc_calc_hpet_period_valid(41666667));  /* 24 MHz */
	assert_true(tsc_calc_hpet_period_valid(10000000));  /* 100 MHz */
	assert_true(tsc_calc_hpet_period_valid(HPET_PERIOD_MAX_FS));
	assert_false(tsc_calc_hpet_period_valid(0));
	assert_false(tsc_calc_hpet_period_valid(HPET_PERIOD_MAX_FS + 1));
	assert_false(tsc_calc_hpet_period_valid(0xffffffffu)); /* no device */
	assert_false(tsc_calc_hpet_period_valid(1));
}

static void test_khz(void **state)
{
	/* Figures from a QEMU boot: 20963785 TSC ticks in 35803 PM ticks. */
	uint64_t ns = tsc_calc_ticks_to_ns(35803, PM_TIMER_PERIOD_FS);

	(void)state;
	assert_near_ppm(tsc_calc_khz(20963785, ns), 2096000, 100);
	assert_int_equal(tsc_calc_khz(50000000, 1000000000), 50000);
	assert_int_equal(tsc_calc_khz(123, 0), 0);
	/* Ten seconds at 10 GHz still fits. */
	assert_int_equal(tsc_calc_khz(100000000000ull, 10000000000ull),
			 10000000);
	assert_true(tsc_calc_khz_plausible(50000));
	assert_false(tsc_calc_khz_plausible(999));
	assert_false(tsc_calc_khz_plausible(10000001));
}

static void test_diff_ppm(void **state)
{
	(void)state;
	assert_int_equal(tsc_calc_diff_ppm(2096840, 2096000), 400);
	assert_int_equal(tsc_calc_diff_ppm(2095160, 2096000), 400);
	assert_int_equal(tsc_calc_diff_ppm(3500000, 50000), 69000000);
	assert_int_equal(tsc_calc_diff_ppm(0, 0), 0);
	assert_int_equal(tsc_calc_diff_ppm(1, 0), UINT32_MAX);
}

static void test_estimate_clean_windows(void **state)
{
	struct tsc_window w[5];
	struct tsc_estimate e;
	const uint64_t khz[5] = { KHZ - 200, KHZ + 100, KHZ, KHZ - 100,
				  KHZ + 300 };

	(void)state;
	for (unsigned i = 0; i < 5; i++)
		w[i] = clean(khz[i]);
	assert_true(tsc_calc_estimate(w, 5, PM_TIMER_PERIOD_FS, &e));
	assert_int_equal(e.windows, 5);
	assert_int_equal(e.used, 5);
	assert_near_ppm(e.khz, KHZ, 5);
	/* (KHZ + 300 - (KHZ - 200)) / KHZ = 173 ppm */
	assert_true(e.spread_ppm >= 170 && e.spread_ppm <= 176);
}

static void test_estimate_drops_smi_window(void **state)
{
	struct tsc_window w[5] = { clean(KHZ), clean(KHZ), smi_hit(KHZ),
				   clean(KHZ), clean(KHZ) };
	struct tsc_estimate e;

	(void)state;
	assert_true(tsc_calc_estimate(w, 5, PM_TIMER_PERIOD_FS, &e));
	assert_int_equal(e.used, 4);
	assert_near_ppm(e.khz, KHZ, 5);
	assert_true(e.spread_ppm < 10); /* the 3% window is not in the spread */
}

/* Most windows hit: the median of all five would be 3% high. */
static void test_estimate_survives_three_smis(void **state)
{
	struct tsc_window w[5] = { smi_hit(KHZ), clean(KHZ), smi_hit(KHZ),
				   clean(KHZ + 100), smi_hit(KHZ) };
	struct tsc_estimate e;

	(void)state;
	assert_true(tsc_calc_estimate(w, 5, PM_TIMER_PERIOD_FS, &e));
	assert_int_equal(e.used, 2);
	assert_near_ppm(e.khz, KHZ + 50, 5);
}

/* Edges slower than the best by a share too small to matter are kept. */
static void test_estimate_keeps_negligible_edges(void **state)
{
	struct tsc_window w[3] = { clean(KHZ), clean(KHZ), clean(KHZ) };
	struct tsc_estimate e;

	(void)state;
	w[0].edge_tsc = 10;
	w[1].edge_tsc = 200; /* 20x the best, but 7 ppm of the window */
	w[2].edge_tsc = 30;  /* 3x the best */
	assert_true(tsc_calc_estimate(w, 3, PM_TIMER_PERIOD_FS, &e));
	assert_int_equal(e.used, 3);
}

/* A PM timer that does not count or is absent: every window has 0 ticks. */
static void test_estimate_absent_timer(void **state)
{
	struct tsc_window w[5];
	struct tsc_estimate e;

	(void)state;
	for (unsigned i = 0; i < 5; i++)
		w[i] = (struct tsc_window){ .tsc_ticks = 29000000,
					    .ref_ticks = 0,
					    .edge_tsc = 6000 };
	assert_false(tsc_calc_estimate(w, 5, PM_TIMER_PERIOD_FS, &e));
	assert_int_equal(e.used, 0);
	assert_int_equal(e.khz, 0);
	assert_int_equal(e.windows, 5);
	assert_false(tsc_calc_estimate(w, 0, PM_TIMER_PERIOD_FS, &e));
}

/* Windows too short, too long, or giving an impossible figure are ignored. */
static void test_estimate_ignores_unbelievable_windows(void **state)
{
	struct tsc_window w[4] = { clean(KHZ), clean(KHZ), clean(KHZ),
				   clean(KHZ) };
	struct tsc_estimate e;

	(void)state;
	w[0].ref_ticks = 100;            /* 28 us */
	w[1].ref_ticks = 4000000;        /* 1.1 s */
	w[2].tsc_ticks = 5;              /* 0.5 kHz */
	/* Their edges would be the least disturbed if they counted. */
	w[0].edge_tsc = w[1].edge_tsc = w[2].edge_tsc = 1;
	assert_true(tsc_calc_estimate(w, 4, PM_TIMER_PERIOD_FS, &e));
	assert_int_equal(e.used, 1);
	assert_near_ppm(e.khz, KHZ, 5);
}

/* A zero HPET period never divides: no figure. */
static void test_estimate_zero_period(void **state)
{
	struct tsc_window w[1] = { clean(KHZ) };
	struct tsc_estimate e;

	(void)state;
	assert_false(tsc_calc_estimate(w, 1, 0, &e));
	/* An absurd period makes every window too long. */
	assert_false(tsc_calc_estimate(w, 1, 0xffffffffffull, &e));
}

static void test_cpu_statements(void **state)
{
	(void)state;
	/* Skylake: 24 MHz crystal, ratio 242/2. */
	assert_int_equal(tsc_calc_cpuid15_khz(2, 242, 24000000), 2904000);
	assert_int_equal(tsc_calc_cpuid15_khz(2, 242, 0), 0); /* no crystal */
	assert_int_equal(tsc_calc_cpuid15_khz(0, 242, 24000000), 0);
	assert_int_equal(tsc_calc_cpuid16_khz(0x00000b54), 2900000);
	assert_int_equal(tsc_calc_cpuid16_khz(0), 0);

	assert_int_equal(tsc_calc_cpu_family(0x000906ea), 6); /* Coffee Lake */
	assert_int_equal(tsc_calc_cpu_family(0x00870f10), 0x17); /* Zen 2 */
	assert_int_equal(tsc_calc_cpu_family(0x00a20f12), 0x19); /* Zen 3 */
}

/* MSR C001_0064: PstateEn, CpuDfsId bits 13:8, CpuFid bits 7:0. */
static uint64_t pstate(unsigned fid, unsigned dfs)
{
	return (1ull << 63) | (0x48ull << 14) | ((uint64_t)dfs << 8) | fid;
}

static void test_amd_p0(void **state)
{
	(void)state;
	/* 0x90 * 25 MHz / (8 / 8) = 3600 MHz. */
	assert_int_equal(tsc_calc_amd_p0_khz(0x17, pstate(0x90, 8)), 3600000);
	assert_int_equal(tsc_calc_amd_p0_khz(0x19, pstate(0x8c, 8)), 3500000);
	/* Divider 12/8: 0x78 * 25 / 1.5 = 2000 MHz. */
	assert_int_equal(tsc_calc_amd_p0_khz(0x17, pstate(0x78, 12)), 2000000);
	/* Not enabled, no divider, no multiplier, another family. */
	assert_int_equal(
		tsc_calc_amd_p0_khz(0x17, pstate(0x90, 8) & ~(1ull << 63)), 0);
	assert_int_equal(tsc_calc_amd_p0_khz(0x17, pstate(0x90, 0)), 0);
	assert_int_equal(tsc_calc_amd_p0_khz(0x17, pstate(0, 8)), 0);
	assert_int_equal(tsc_calc_amd_p0_khz(0x15, pstate(0x90, 8)), 0);
	assert_int_equal(tsc_calc_amd_p0_khz(0x1a, pstate(0x90, 8)), 0);
	assert_int_equal(tsc_calc_amd_p0_khz(0x17, 0), 0); /* an emulator's 0 */
}

/* --- the console lines --- */

static void figures_clear(struct tsc_figure f[TSC_METHODS])
{
	for (unsigned m = 0; m < TSC_METHODS; m++)
		f[m] = (struct tsc_figure){ 0 };
}

static void timer(struct tsc_figure f[TSC_METHODS], enum tsc_method m,
		  uint64_t khz, unsigned used, uint32_t spread_ppm)
{
	f[m] = (struct tsc_figure){
		.khz = khz,
		.est = { .khz = khz, .windows = 5, .used = used,
			 .spread_ppm = spread_ppm },
	};
}

static void test_line_pm_timer(void **state)
{
	struct tsc_figure f[TSC_METHODS];
	char buf[256];

	(void)state;
	figures_clear(f);
	timer(f, TSC_PM_TIMER, 2893449, 5, 210);
	timer(f, TSC_HPET, 2893449 + 116, 5, 40);
	timer(f, TSC_PIT, 2893449 - 2400, 4, 900);
	f[TSC_CPUID_16].khz = 2900000;
	assert_int_equal(tsc_report_choose(f), TSC_PM_TIMER);
	tsc_report_line(f, TSC_PM_TIMER, 52, buf, sizeof(buf));
	assert_string_equal(buf,
		"tsc: 2893.4 MHz measured against the ACPI PM timer (5 of 5 "
		"windows, spread 0.021%, 52 ms); HPET agrees within 0.004%, "
		"PIT within 0.082%, CPUID leaf 0x16 within 0.226%");
	assert_false(tsc_report_disagreement(f, TSC_PM_TIMER, TSC_HPET, buf,
					     sizeof(buf)));
	assert_false(tsc_report_disagreement(f, TSC_PM_TIMER, TSC_CPUID_15, buf,
					     sizeof(buf)));
	assert_false(tsc_report_disagreement(f, TSC_PM_TIMER, TSC_PM_TIMER, buf,
					     sizeof(buf)));
}

/* No PM timer: the HPET is used, the PIT and AMD's P0 compared. */
static void test_line_without_pm_timer(void **state)
{
	struct tsc_figure f[TSC_METHODS];
	char buf[256];

	(void)state;
	figures_clear(f);
	timer(f, TSC_HPET, 3593250, 3, 12);
	timer(f, TSC_PIT, 3593000, 5, 300);
	f[TSC_AMD_P0].khz = 3600000;
	assert_int_equal(tsc_report_choose(f), TSC_HPET);
	tsc_report_line(f, TSC_HPET, 50, buf, sizeof(buf));
	assert_string_equal(buf,
		"tsc: 3593.3 MHz measured against the HPET (3 of 5 windows, "
		"spread 0.001%, 50 ms); PIT agrees within 0.006%, AMD P-state 0 "
		"within 0.187%");
}

static void test_line_disagreement(void **state)
{
	struct tsc_figure f[TSC_METHODS];
	char buf[256];

	(void)state;
	figures_clear(f);
	timer(f, TSC_PM_TIMER, 50000, 5, 120);
	timer(f, TSC_PIT, 50004, 5, 0);
	f[TSC_CPUID_16].khz = 3500000;
	tsc_report_line(f, TSC_PM_TIMER, 50, buf, sizeof(buf));
	assert_string_equal(buf,
		"tsc: 50.0 MHz measured against the ACPI PM timer (5 of 5 "
		"windows, spread 0.012%, 50 ms); PIT agrees within 0.008%, "
		"CPUID leaf 0x16 is 6900.000% off");
	assert_true(tsc_report_disagreement(f, TSC_PM_TIMER, TSC_CPUID_16, buf,
					    sizeof(buf)));
	assert_string_equal(buf,
		"tsc: the CPUID leaf 0x16 gives 3500.0 MHz, the ACPI PM timer "
		"50.0 MHz (6900.000% apart): the ACPI PM timer is used");
	/* Just over the 1% threshold warns, just under does not. */
	f[TSC_PIT].khz = 50000 + 501;
	assert_true(tsc_report_disagreement(f, TSC_PM_TIMER, TSC_PIT, buf,
					    sizeof(buf)));
	f[TSC_PIT].khz = 50000 + 500;
	assert_false(tsc_report_disagreement(f, TSC_PM_TIMER, TSC_PIT, buf,
					     sizeof(buf)));
}

static void test_line_without_timers(void **state)
{
	struct tsc_figure f[TSC_METHODS];
	char buf[256];

	(void)state;
	figures_clear(f);
	f[TSC_CPUID_15].khz = 2904000;
	f[TSC_CPUID_16].khz = 2900000;
	assert_int_equal(tsc_report_choose(f), TSC_CPUID_15);
	tsc_report_line(f, TSC_CPUID_15, 0, buf, sizeof(buf));
	assert_string_equal(buf,
		"tsc: 2904.0 MHz from CPUID leaf 0x15 (no timer could be "
		"measured); CPUID leaf 0x16 agrees within 0.137%");

	figures_clear(f);
	f[TSC_AMD_P0].khz = 3600000;
	assert_int_equal(tsc_report_choose(f), TSC_AMD_P0);
	tsc_report_line(f, TSC_AMD_P0, 0, buf, sizeof(buf));
	assert_string_equal(buf,
		"tsc: 3600.0 MHz from AMD P-state 0 (no timer could be "
		"measured); no other method to compare with");

	figures_clear(f);
	assert_int_equal(tsc_report_choose(f), TSC_METHODS);
	tsc_report_line(f, TSC_METHODS, 0, buf, sizeof(buf));
	assert_string_equal(buf,
		"tsc: no timer counted and the CPU states no frequency: "
		"assuming 1000.0 MHz, so times and timeouts are rough");
}

/* A short buffer is cut, never overrun, and stays terminated. */
static void test_line_short_buffer(void **state)
{
	struct tsc_figure f[TSC_METHODS];
	char buf[24];

	(void)state;
	figures_clear(f);
	timer(f, TSC_PM_TIMER, 2893449, 5, 210);
	timer(f, TSC_HPET, 2893449, 5, 40);
	memset(buf, 'x', sizeof(buf));
	tsc_report_line(f, TSC_PM_TIMER, 52, buf, 16);
	assert_string_equal(buf, "tsc: 2893.4 MHz");
	assert_int_equal(buf[16], 'x');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counter_delta_wraps),
		cmocka_unit_test(test_reference_ticks_to_time),
		cmocka_unit_test(test_hpet_period),
		cmocka_unit_test(test_khz),
		cmocka_unit_test(test_diff_ppm),
		cmocka_unit_test(test_estimate_clean_windows),
		cmocka_unit_test(test_estimate_drops_smi_window),
		cmocka_unit_test(test_estimate_survives_three_smis),
		cmocka_unit_test(test_estimate_keeps_negligible_edges),
		cmocka_unit_test(test_estimate_absent_timer),
		cmocka_unit_test(test_estimate_ignores_unbelievable_windows),
		cmocka_unit_test(test_estimate_zero_period),
		cmocka_unit_test(test_cpu_statements),
		cmocka_unit_test(test_amd_p0),
		cmocka_unit_test(test_line_pm_timer),
		cmocka_unit_test(test_line_without_pm_timer),
		cmocka_unit_test(test_line_disagreement),
		cmocka_unit_test(test_line_without_timers),
		cmocka_unit_test(test_line_short_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
