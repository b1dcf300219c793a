/*
 * base/log.c on the host, through its hooks: fake CPU numbers, a clock the
 * test moves, counted interrupt masking, and a console that keeps every
 * byte. The boot tests match these lines with regular expressions; here
 * they are checked byte for byte.
 *
 * The log keeps its state for the whole program, so the cases run in
 * order: the early buffer before any console, the wedged lock holder
 * last.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "base/log.h"

static char out[65536];
static size_t out_used;

static unsigned fake_cpu;
static uint64_t fake_us;
static uint64_t fake_us_step; /* added after each reading */
static bool fake_irq_on;
static unsigned masks, unmasks;

static unsigned fake_cpu_id(void)
{
	return fake_cpu;
}

static uint64_t fake_us_since_boot(void)
{
	uint64_t now = fake_us;

	fake_us += fake_us_step;
	return now;
}

static bool fake_irq_mask(void)
{
	bool were_on = fake_irq_on;

	masks++;
	fake_irq_on = false;
	return were_on;
}

static void fake_irq_unmask(void)
{
	unmasks++;
	fake_irq_on = true;
}

static const struct log_hooks fake_hooks = {
	.cpu_id = fake_cpu_id,
	.us_since_boot = fake_us_since_boot,
	.irq_mask = fake_irq_mask,
	.irq_unmask = fake_irq_unmask,
};

/* Set: the console's next write is interrupted by an NMI that logs. */
static bool nmi_on_next_write;

static void fake_console(const char *s, size_t n)
{
	if (nmi_on_next_write) {
		nmi_on_next_write = false;
		pr_warn("NMI on cpu%u", fake_cpu);
	}
	assert_true(out_used + n <= sizeof(out));
	memcpy(out + out_used, s, n);
	out_used += n;
}

/* What the console received since the last call, as a string. */
static const char *take_output(void)
{
	static char copy[sizeof(out) + 1];

	memcpy(copy, out, out_used);
	copy[out_used] = '\0';
	out_used = 0;
	return copy;
}

/*
 * Before any hook: cpu0, time 0, kept in the early buffer; what does not
 * fit in it is cut, and the replay says so.
 */
static void test_early_buffer_replayed(void **state)
{
	char line[100];
	const char *got;
	size_t len;

	pr_info("early %d", 1);
	pr_warn("early %s", "two");
	log_replay_to_console(); /* no console yet: keeps everything */
	log_set_console(fake_console);
	assert_int_equal(out_used, 0);
	log_replay_to_console();
	assert_string_equal(take_output(),
			    "[    0.000000] cpu0 early 1\n"
			    "[    0.000000] cpu0 WARNING: early two\n");

	/* The level set once the options are read applies to the early
	 * lines too, both ways. */
	log_set_console(NULL);
	pr_debug("early debug");
	pr_info("early info");
	pr_warn("early warning");
	log_set_console(fake_console);
	log_set_level(LOG_DEBUG);
	log_replay_to_console();
	assert_string_equal(take_output(),
			    "[    0.000000] cpu0 early debug\n"
			    "[    0.000000] cpu0 early info\n"
			    "[    0.000000] cpu0 WARNING: early warning\n");
	log_set_console(NULL);
	pr_debug("early debug");
	pr_info("early info");
	pr_warn("early warning");
	log_set_console(fake_console);
	log_set_level(LOG_WARN);
	log_replay_to_console();
	assert_string_equal(take_output(),
			    "[    0.000000] cpu0 WARNING: early warning\n");
	log_set_level(LOG_INFO);

	log_set_console(NULL);
	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	for (int i = 0; i < 200; i++)
		pr_info("%s", line);
	log_set_console(fake_console);
	log_replay_to_console();
	got = take_output();
	len = strlen(got);
	/* 16384 bytes kept, less the level character of each line. */
	assert_true(len > 16000 && len < 16384 + 32);
	assert_memory_equal(got, "[    0.000000] cpu0 xxx", 23);
	assert_string_equal(got + len - strlen("[log: early messages were cut]\n"),
			    "[log: early messages were cut]\n");
}

static char moved[4096];
static size_t moved_used;

/* The output a console moves to (log_replay_history()'s writer). */
static void moved_console(const char *s, size_t n)
{
	assert_true(moved_used + n < sizeof(moved));
	memcpy(moved + moved_used, s, n);
	moved_used += n;
	moved[moved_used] = '\0';
}

/*
 * While the history is kept, the first console gets each line once, and
 * what the log kept since boot (early lines too, as the level lets them
 * through) can be given to another output, as often as asked; once no
 * longer kept, nothing is.
 */
static void test_history_for_a_moved_console(void **state)
{
	static const char both[] = "[    0.000000] cpu0 before the console\n"
				   "[    0.000000] cpu0 on the first console\n";

	log_set_console(NULL);
	pr_info("before the console");
	pr_debug("hidden before");
	log_set_console(fake_console);
	log_keep_history(true);
	log_replay_to_console();
	pr_info("on the first console");
	pr_debug("hidden after");
	assert_string_equal(take_output(), both);

	moved_used = 0;
	log_replay_history(moved_console);
	assert_string_equal(moved, both);
	assert_int_equal(out_used, 0); /* the first console got nothing */
	moved_used = 0;
	log_replay_history(moved_console);
	assert_string_equal(moved, both);

	log_keep_history(false);
	pr_info("after");
	assert_string_equal(take_output(), "[    0.000000] cpu0 after\n");
	moved_used = 0;
	log_replay_history(moved_console);
	assert_int_equal(moved_used, 0);
	log_replay_to_console();
	assert_int_equal(out_used, 0);
}

/* The prefix: seconds.microseconds right-aligned in 5.6, then cpuN. */
static void test_prefix_from_hooks(void **state)
{
	log_set_hooks(&fake_hooks);
	fake_cpu = 3;
	fake_us = 1234567;
	log_printf(LOG_ERROR, "hv: done: %s", "PASS");
	fake_cpu = 12;
	fake_us = 123456789012ull;
	pr_err("boot: %s", "no memory map");
	assert_string_equal(take_output(),
			    "[    1.234567] cpu3 hv: done: PASS\n"
			    "[123456.789012] cpu12 ERROR: boot: no memory map\n");
}

/* One prefix per line of a message; a trailing newline adds no line. */
static void test_prefix_per_line(void **state)
{
	fake_cpu = 1;
	fake_us = 5;
	log_printf(LOG_ERROR, "RAX=%d\nRSI=%d\n", 1, 2);
	assert_string_equal(take_output(),
			    "[    0.000005] cpu1 RAX=1\n"
			    "[    0.000005] cpu1 RSI=2\n");
}

static void test_level_filters(void **state)
{
	fake_cpu = 0;
	fake_us = 0;
	log_set_level(LOG_WARN);
	pr_info("dropped");
	pr_debug("dropped");
	pr_warn("kept");
	log_set_level(LOG_DEBUG);
	pr_debug("kept too");
	log_set_level(LOG_INFO);
	pr_debug("dropped again");
	assert_string_equal(take_output(),
			    "[    0.000000] cpu0 WARNING: kept\n"
			    "[    0.000000] cpu0 kept too\n");
}

/* Warnings are counted, also those the level hides, and nothing else. */
static void test_warnings_counted(void **state)
{
	uint64_t before = log_warning_count();

	pr_warn("one");
	pr_err("not a warning");
	pr_info("nor this");
	log_set_level(LOG_ERROR);
	pr_warn("hidden, counted");
	log_set_level(LOG_INFO);
	assert_int_equal(log_warning_count() - before, 2);
	take_output();
}

/* Interrupts are masked while writing and unmasked only if they were on. */
static void test_interrupts_masked_while_writing(void **state)
{
	masks = unmasks = 0;
	fake_irq_on = true;
	pr_info("with interrupts on");
	assert_int_equal(masks, 1);
	assert_int_equal(unmasks, 1);
	assert_true(fake_irq_on);

	fake_irq_on = false;
	pr_info("with interrupts off");
	assert_int_equal(masks, 2);
	assert_int_equal(unmasks, 1);
	assert_false(fake_irq_on);
	take_output();
}

/*
 * An NMI that logs on a CPU in the middle of writing a line under the log
 * lock: its line is written at once, without waiting for the lock its own
 * CPU holds (a spin would never end), and the interrupted line goes on.
 * The clock moves, so a wait for the lock would show as the 2 s notice.
 */
static void test_nmi_while_holding_lock(void **state)
{
	fake_cpu = 2;
	fake_us = 3000000;
	fake_us_step = 250000;
	nmi_on_next_write = true;
	pr_info("interrupted line");
	fake_us_step = 0;
	pr_info("next line");
	assert_false(nmi_on_next_write);
	assert_string_equal(take_output(),
			    "[    3.250000] cpu2 WARNING: NMI on cpu2\n"
			    "[    3.000000] cpu2 interrupted line\n"
			    "[    3.500000] cpu2 next line\n");
}

/*
 * A CPU that holds the lock for good is named once, after 2 s, and
 * everyone writes without the lock from then on.
 */
static void test_wedged_holder_is_bypassed(void **state)
{
	fake_cpu = 1;
	log_selftest_hold_lock();
	fake_cpu = 0;
	fake_us = 1000000;
	fake_us_step = 250000;
	pr_info("still heard");
	fake_us_step = 0;
	fake_us = 9000000;
	pr_info("and again");
	assert_string_equal(take_output(),
			    "[log: cpu1 has held the log lock for 2 s: writing without it]\n"
			    "[    1.000000] cpu0 still heard\n"
			    "[    9.000000] cpu0 and again\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_early_buffer_replayed),
		cmocka_unit_test(test_history_for_a_moved_console),
		cmocka_unit_test(test_prefix_from_hooks),
		cmocka_unit_test(test_prefix_per_line),
		cmocka_unit_test(test_level_filters),
		cmocka_unit_test(test_interrupts_masked_while_writing),
		cmocka_unit_test(test_warnings_counted),
		cmocka_unit_test(test_nmi_while_holding_lock),
		cmocka_unit_test(test_wedged_holder_is_bypassed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
