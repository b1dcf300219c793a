/*
 * base/log.c on the host, through its hooks: fake CPU numbers, a clock the
 * test moves, counted interrupt masking, and a console that keeps every
 * byte. The boot tests match these lines with regular expressions; here
 * they are checked byte for byte.
 *
 * The log keeps its state for the whole program, so the cases run in
 * order: the early buffer before any console, the wedged lock holder and
 * the log in panic mode last. The ring (base/log_ring.c) is read back
 * through log_ring_tail() and also fed directly, for lines the log itself
 * never writes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/log_ring.h"

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

/* Lines log_ring_tail() handed out, each with its newline back. */
static char tail_text[1 << 21];
static size_t tail_used;
static unsigned tail_calls;

static void collect_line(void *ctx, const char *line, size_t len)
{
	assert_ptr_equal(ctx, tail_text);
	assert_int_equal(strlen(line), len); /* NUL-terminated too */
	assert_true(tail_used + len + 2 <= sizeof(tail_text));
	memcpy(tail_text + tail_used, line, len);
	tail_used += len;
	tail_text[tail_used++] = '\n';
	tail_text[tail_used] = '\0';
	tail_calls++;
}

/* The last n lines of the ring as one string; *count: what tail returned. */
static const char *ring_tail(unsigned n, unsigned *count)
{
	unsigned got;

	tail_used = 0;
	tail_calls = 0;
	tail_text[0] = '\0';
	got = log_ring_tail(n, collect_line, tail_text);
	assert_int_equal(got, tail_calls);
	if (count)
		*count = got;
	return tail_text;
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

/*
 * The ring holds what the console was given since the first line, the
 * early lines included as the replays showed them: those the level hid
 * never entered it, a line the early buffer cut ends where it was cut,
 * and the note that it was cut follows. Nothing was overwritten.
 */
static void test_ring_keeps_early_lines_as_shown(void **state)
{
	unsigned count, xlines;
	const char *got;
	char *p;

	/* 2 + 3 + 1 lines, then the x lines, then the note. */
	xlines = (unsigned)log_ring_lines() - 7;
	assert_true(xlines > 100 && xlines < 200);
	assert_int_equal(log_ring_dropped(), 0);
	got = ring_tail(1000, &count);
	assert_int_equal(count, log_ring_lines());
	p = strstr(got, "[    0.000000] cpu0 xxx");
	assert_non_null(p);
	assert_int_equal(p - got, strlen("[    0.000000] cpu0 early 1\n"
					  "[    0.000000] cpu0 WARNING: early two\n"
					  "[    0.000000] cpu0 early debug\n"
					  "[    0.000000] cpu0 early info\n"
					  "[    0.000000] cpu0 WARNING: early warning\n"
					  "[    0.000000] cpu0 WARNING: early warning\n"));
	assert_memory_equal(got,
			    "[    0.000000] cpu0 early 1\n"
			    "[    0.000000] cpu0 WARNING: early two\n"
			    "[    0.000000] cpu0 early debug\n"
			    "[    0.000000] cpu0 early info\n"
			    "[    0.000000] cpu0 WARNING: early warning\n"
			    "[    0.000000] cpu0 WARNING: early warning\n",
			    p - got);
	assert_string_equal(got + strlen(got) - strlen("x\n[log: early messages were cut]\n"),
			    "x\n[log: early messages were cut]\n");
	take_output();
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

/*
 * Lines logged with the console up go in with their prefix; a tail asks
 * for the last n, oldest first, and gets all that is kept when n is
 * larger; log_write_raw() reaches the console as it is and never the
 * ring.
 */
static void test_ring_tail_and_raw_writes(void **state)
{
	uint64_t before = log_ring_lines();
	unsigned count;

	fake_cpu = 1;
	fake_us = 2000000;
	pr_info("ring one");
	pr_info("ring two\nring three");
	log_write_raw("hv> ", 4);
	log_write_raw("log 3\r\n", 7);
	assert_string_equal(take_output(),
			    "[    2.000000] cpu1 ring one\n"
			    "[    2.000000] cpu1 ring two\n"
			    "[    2.000000] cpu1 ring three\n"
			    "hv> log 3\r\n");
	assert_int_equal(log_ring_lines(), before + 3);
	assert_string_equal(ring_tail(2, &count),
			    "[    2.000000] cpu1 ring two\n"
			    "[    2.000000] cpu1 ring three\n");
	assert_int_equal(count, 2);
	assert_int_equal(ring_tail(0, &count)[0], '\0');
	assert_int_equal(count, 0);
	ring_tail(100000, &count);
	assert_int_equal(count, log_ring_lines());
	assert_string_equal(tail_text + tail_used - strlen("ring one\n[    2.000000] cpu1 ring two\n"
							   "[    2.000000] cpu1 ring three\n"),
			    "ring one\n[    2.000000] cpu1 ring two\n"
			    "[    2.000000] cpu1 ring three\n");
	/* The lines before a moment: what the fatal report shows. */
	tail_used = 0;
	assert_int_equal(log_ring_tail_before(before + 1, 5, collect_line,
					      tail_text), 5);
	assert_string_equal(tail_text + tail_used - strlen("[    2.000000] cpu1 ring one\n"),
			    "[    2.000000] cpu1 ring one\n");
	assert_null(strstr(tail_text, "ring two"));
	/* Nothing printed while the tail was read went back in. */
	assert_int_equal(log_ring_lines(), before + 3);
	assert_int_equal(out_used, 0);
}

/*
 * A line longer than the ring takes is cut to LOG_RING_LINE_MAX bytes;
 * the line after it is whole.
 */
static void test_ring_cuts_overlong_lines(void **state)
{
	static char big[3 * LOG_RING_LINE_MAX];
	const char *got;

	memset(big, 'y', sizeof(big));
	log_ring_add_line("pfx ", 4, big, sizeof(big));
	log_ring_add_line("after", 5, NULL, 0);
	got = ring_tail(2, NULL);
	assert_int_equal(strchr(got, '\n') - got, LOG_RING_LINE_MAX);
	assert_memory_equal(got, "pfx yyy", 7);
	assert_string_equal(got + LOG_RING_LINE_MAX, "\nafter\n");
}

/*
 * Once the ring is full each new line pushes the oldest ones out, whole,
 * and counts them. Lines of 128 bytes (with the newline) fill it exactly:
 * LOG_RING_SIZE / 128 stay, the newest, in order, the oldest kept whole.
 */
static void test_ring_wraps_and_counts_dropped(void **state)
{
	char line[160];
	uint64_t before = log_ring_lines(), kept = LOG_RING_SIZE / 128;
	unsigned total = 3 * LOG_RING_SIZE / 128, count;
	const char *got;

	for (unsigned i = 0; i < total; i++) {
		snprintf(line, sizeof(line), "wrap %08u %113s", i, "z");
		log_ring_add_line(line, strlen(line), NULL, 0);
	}
	assert_int_equal(strlen(line) + 1, 128);
	assert_int_equal(log_ring_lines(), before + total);
	assert_int_equal(log_ring_lines() - log_ring_dropped(), kept);
	got = ring_tail(3, &count);
	snprintf(line, sizeof(line), "wrap %08u", total - 3);
	assert_memory_equal(got, line, strlen(line));
	got = ring_tail(kept + 50, &count);
	assert_int_equal(count, kept);
	snprintf(line, sizeof(line), "wrap %08u %113s\n",
		 (unsigned)(total - kept), "z");
	assert_memory_equal(got, line, strlen(line));
	snprintf(line, sizeof(line), "wrap %08u %113s\n", total - 1, "z");
	assert_string_equal(got + tail_used - strlen(line), line);
}

static char moved[LOG_RING_SIZE + 4096];
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
 * A console that moves to another UART gives it every line the ring
 * holds, as the first console showed them, after a note when the oldest
 * were overwritten (the previous case filled the ring); the console
 * itself gets nothing more, and replaying twice gives the same.
 */
static void test_replay_history_to_a_moved_console(void **state)
{
	static const char note[] = "[log: the oldest lines of the boot were overwritten]\n";
	unsigned count;
	const char *all;

	take_output();
	pr_info("the last line before the move");
	take_output();
	all = ring_tail(~0u, &count);
	assert_true(count > 100);
	moved_used = 0;
	log_replay_history(moved_console);
	assert_int_equal(out_used, 0);
	assert_memory_equal(moved, note, strlen(note));
	assert_string_equal(moved + strlen(note), all);
	assert_non_null(strstr(moved, " the last line before the move\n"));
	moved_used = 0;
	log_replay_history(moved_console);
	assert_string_equal(moved + strlen(note), all);
}

/*
 * In panic mode every CPU writes without the lock, so writers race in the
 * ring: they may garble lines, but never write outside it (this program
 * is built with AddressSanitizer) or leave it in a state a tail cannot
 * read to its end.
 */
static void discard_console(const char *s, size_t n)
{
}

static void *log_a_lot(void *arg)
{
	for (unsigned i = 0; i < 20000; i++)
		pr_info("racer %p line %u %60s", arg, i, "r");
	return NULL;
}

static void test_panic_mode_writers_stay_inside_the_ring(void **state)
{
	static unsigned ids[4];
	pthread_t t[4];
	unsigned count;
	uint64_t before = log_ring_lines();

	fake_us_step = 0;
	log_set_console(discard_console);
	log_enter_panic_mode();
	for (unsigned i = 0; i < 4; i++) {
		ids[i] = i;
		assert_int_equal(pthread_create(&t[i], NULL, log_a_lot,
						&ids[i]), 0);
	}
	for (unsigned i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	assert_true(log_ring_lines() > before);
	ring_tail(1u << 20, &count);
	assert_true(count > 1000);
	for (const char *p = tail_text; *p;) {
		const char *nl = strchr(p, '\n');

		assert_non_null(nl);
		assert_true(nl - p <= LOG_RING_LINE_MAX);
		p = nl + 1;
	}
	log_set_console(fake_console);
	pr_info("after the race");
	assert_string_equal(ring_tail(1, NULL),
			    "[    9.000000] cpu0 after the race\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_early_buffer_replayed),
		cmocka_unit_test(test_ring_keeps_early_lines_as_shown),
		cmocka_unit_test(test_prefix_from_hooks),
		cmocka_unit_test(test_prefix_per_line),
		cmocka_unit_test(test_level_filters),
		cmocka_unit_test(test_interrupts_masked_while_writing),
		cmocka_unit_test(test_warnings_counted),
		cmocka_unit_test(test_nmi_while_holding_lock),
		cmocka_unit_test(test_ring_tail_and_raw_writes),
		cmocka_unit_test(test_ring_cuts_overlong_lines),
		cmocka_unit_test(test_ring_wraps_and_counts_dropped),
		cmocka_unit_test(test_replay_history_to_a_moved_console),
		cmocka_unit_test(test_wedged_holder_is_bypassed),
		cmocka_unit_test(test_panic_mode_writers_stay_inside_the_ring),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
