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

static char out[16384];
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

/* The other CPUs' reports come from here, in the middle of the path. */
static unsigned fake_stop_other_cpus(void)
{
	stops++;
	fake_cpu++;
	log_printf(LOG_ERROR, "NMI stop of cpu%u: in the hypervisor", fake_cpu);
	fake_cpu--;
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

/*
 * A timestamp and CPU prefix comes first; the log's own test checks it.
 * Lines written raw (the tail of the log and its frame) have none of
 * their own and stay as they are, with the prefixes they were kept with.
 */
static const char *without_prefixes(void)
{
	static char text[sizeof(out)];
	size_t n = 0;

	for (const char *p = out; *p;) {
		const char *body = p;

		if (p[0] == '[' && p[1] == ' ') {
			body = strstr(p, "] cpu");
			assert_non_null(body);
			body = strchr(body + 2, ' ') + 1;
		}
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

/*
 * The winner reports, has the others report, says how many it stopped,
 * shows the last lines the log held before its report (framed, and with
 * the prefixes they had) and ends the run with the reason.
 */
static void test_bug_on_ends_the_run(void **state)
{
	volatile int line = 0;
	char want[1000], reason[200];

	fake_cpu = 0;
	for (int i = 1; i <= FATAL_LOG_TAIL_LINES + 2; i++)
		log_printf(LOG_INFO, "line %d before", i);
	out_used = 0;
	out[0] = '\0';
	if (setjmp(back_to_test) == 0) {
		line = __LINE__ + 1;
		BUG_ON(fake_cpu == 0);
		fail_msg("BUG_ON returned");
	}
	snprintf(reason, sizeof(reason), "%s:%d: BUG_ON(fake_cpu == 0)",
		 __FILE__, line);
	snprintf(want, sizeof(want),
		 "ERROR: PANIC on cpu0 at %s\nBacktrace:\n"
		 "NMI stop of cpu1: in the hypervisor\n"
		 "ERROR: stopped 3 other CPU(s)\n"
		 "--- last 20 log lines before the report ---\n", reason);
	for (int i = 3; i <= FATAL_LOG_TAIL_LINES + 2; i++)
		snprintf(want + strlen(want), sizeof(want) - strlen(want),
			 "line %d before\n", i);
	snprintf(want + strlen(want), sizeof(want) - strlen(want),
		 "--- end of the log lines ---\n");
	assert_string_equal(without_prefixes(), want);
	assert_non_null(strstr(out, "\n--- last 20 log lines before the report ---\n"
				    "[    0.000000] cpu0 line 3 before\n"));
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
	log_set_serial_console(fake_console);
	panic_set_hooks(&fake_hooks);
	panic_set_end(fake_end);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
