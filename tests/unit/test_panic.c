/*
 * base/panic.c on the host, through its hooks: the reports of WARN_ON,
 * BUG_ON and panic() as the boot tests read them, the order of the fatal
 * path (report, backtrace, stop the other CPUs, end the run), and that only
 * the first CPU on the fatal path ends the run. The end and halt hooks
 * never return: here they jump back into the test.
 *
 * The fatal path can be won once per program, so the cases run in order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "base/panic.h"

static char out[8192];
static size_t out_used;

static unsigned fake_cpu;
static unsigned masks, backtraces, stops, halts, ends;
static char end_reason[200];
static jmp_buf back_to_test;

static void fake_console(const char *s, size_t n)
{
	assert_true(out_used + n < sizeof(out));
	memcpy(out + out_used, s, n);
	out_used += n;
	out[out_used] = '\0';
}

static unsigned fake_cpu_id(void)
{
	return fake_cpu;
}

static void fake_irq_mask(void)
{
	masks++;
}

static uint64_t fake_us_since_boot(void)
{
	return 0;
}

static bool fake_irq_mask_saving(void)
{
	return false;
}

static void fake_irq_unmask(void)
{
}

static void fake_backtrace_caller(void)
{
	backtraces++;
	log_printf(LOG_ERROR, "Backtrace:");
}

static unsigned fake_stop_other_cpus(void)
{
	stops++;
	return 3;
}

static __noreturn void fake_halt(void)
{
	halts++;
	longjmp(back_to_test, 1);
}

static __noreturn void fake_end(const char *reason)
{
	ends++;
	snprintf(end_reason, sizeof(end_reason), "%s", reason);
	longjmp(back_to_test, 1);
}

static const struct log_hooks fake_log_hooks = {
	.cpu_id = fake_cpu_id,
	.us_since_boot = fake_us_since_boot,
	.irq_mask = fake_irq_mask_saving,
	.irq_unmask = fake_irq_unmask,
};

static const struct panic_hooks fake_hooks = {
	.cpu_id = fake_cpu_id,
	.irq_mask = fake_irq_mask,
	.backtrace_caller = fake_backtrace_caller,
	.stop_other_cpus = fake_stop_other_cpus,
	.halt = fake_halt,
};

static int setup(void **state)
{
	out_used = 0;
	out[0] = '\0';
	masks = backtraces = stops = halts = ends = 0;
	end_reason[0] = '\0';
	return 0;
}

/* A timestamp and CPU prefix comes first; the log's own test checks it. */
static const char *without_prefixes(void)
{
	static char text[sizeof(out)];
	size_t n = 0;

	for (const char *p = out; *p;) {
		const char *body = strstr(p, "] cpu");

		assert_non_null(body);
		body = strchr(body + 2, ' ') + 1;
		while (*body && *body != '\n')
			text[n++] = *body++;
		if (*body == '\n')
			text[n++] = *body++;
		p = body;
	}
	text[n] = '\0';
	return text;
}

static void test_warn_on_reports_and_goes_on(void **state)
{
	int line;
	bool fired;
	char want[200];

	fake_cpu = 2;
	assert_false(WARN_ON(1 > 2));
	assert_int_equal(out_used, 0);
	line = __LINE__ + 1;
	fired = WARN_ON(2 > 1);
	assert_true(fired);
	snprintf(want, sizeof(want),
		 "WARNING: WARN_ON(2 > 1) at %s:%d on cpu2\nBacktrace:\n",
		 __FILE__, line);
	assert_string_equal(without_prefixes(), want);
	assert_int_equal(backtraces, 1);
	assert_int_equal(stops + halts + ends, 0);
}

/* The winner reports, stops the others, and ends the run with the reason. */
static void test_bug_on_ends_the_run(void **state)
{
	volatile int line = 0;
	char want[300], reason[200];

	fake_cpu = 0;
	if (setjmp(back_to_test) == 0) {
		line = __LINE__ + 1;
		BUG_ON(fake_cpu == 0);
		fail_msg("BUG_ON returned");
	}
	snprintf(reason, sizeof(reason), "%s:%d: BUG_ON(fake_cpu == 0)",
		 __FILE__, line);
	snprintf(want, sizeof(want),
		 "ERROR: PANIC on cpu0 at %s\nBacktrace:\n"
		 "ERROR: stopped 3 other CPU(s)\n", reason);
	assert_string_equal(without_prefixes(), want);
	assert_string_equal(end_reason, reason);
	assert_int_equal(masks, 1);
	assert_int_equal(backtraces, 1);
	assert_int_equal(stops, 1);
	assert_int_equal(ends, 1);
	assert_int_equal(halts, 0);
}

/* Any later CPU on the fatal path reports and halts; the run ends once. */
static void test_later_cpu_only_halts(void **state)
{
	fake_cpu = 3;
	if (setjmp(back_to_test) == 0) {
		panic("selftest: cpu%u did not fault", 3u);
		fail_msg("panic returned");
	}
	assert_non_null(strstr(out, "] cpu3 ERROR: PANIC on cpu3 at "));
	assert_non_null(strstr(out, ": selftest: cpu3 did not fault\n"));
	assert_null(strstr(out, "stopped"));
	assert_int_equal(halts, 1);
	assert_int_equal(stops + ends, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_warn_on_reports_and_goes_on, setup),
		cmocka_unit_test_setup(test_bug_on_ends_the_run, setup),
		cmocka_unit_test_setup(test_later_cpu_only_halts, setup),
	};

	log_set_hooks(&fake_log_hooks);
	log_set_console(fake_console);
	panic_set_hooks(&fake_hooks);
	panic_set_end(fake_end);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
