/*
 * The trace rings (base/trace*.c) on the host, through their hooks: a CPU
 * number per thread, stamps from a counter the test sets or every record
 * advances, microseconds equal to stamps. Lines are checked as the
 * monitor and the boot tests read them; the rate-limited debug lines
 * through base/log.c with a console that keeps every byte.
 *
 * The rings keep their state for the whole program: each case starts
 * with trace_clear() and reads only what it recorded after.
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
#include "base/trace_internal.h"

#define CPUS 4

static struct trace_event rings[CPUS][TRACE_RING_EVENTS];

static __thread unsigned fake_cpu;
static uint64_t fake_stamp = 1;
static bool stamp_fixed; /* the next stamps are fake_stamp, not counted */

static unsigned fake_cpu_id(void)
{
	return fake_cpu;
}

static uint64_t fake_stamp_read(void)
{
	if (stamp_fixed)
		return __atomic_load_n(&fake_stamp, __ATOMIC_RELAXED);
	return __atomic_fetch_add(&fake_stamp, 2, __ATOMIC_RELAXED);
}

static uint64_t fake_stamp_to_us(uint64_t stamp)
{
	return stamp;
}

static const struct trace_hooks fake_hooks = {
	.cpu_id = fake_cpu_id,
	.stamp = fake_stamp_read,
	.stamp_to_us = fake_stamp_to_us,
};

/* --- what the rings show, collected --- */

#define LINES_MAX (2 * CPUS * TRACE_RING_EVENTS)

struct shown {
	unsigned n;
	char (*line)[TRACE_LINE_MAX];
};

static struct shown shown;

static void collect(void *ctx, const char *line)
{
	struct shown *s = ctx;

	assert_true(s->n < LINES_MAX);
	assert_true(strlen(line) < TRACE_LINE_MAX);
	strcpy(s->line[s->n++], line);
}

static int setup(void **state)
{
	trace_set_hooks(&fake_hooks);
	for (unsigned cpu = 0; cpu < CPUS; cpu++)
		trace_attach_ring(cpu, rings[cpu]);
	shown.line = calloc(LINES_MAX, TRACE_LINE_MAX);
	return shown.line ? 0 : -1;
}

static int teardown(void **state)
{
	free(shown.line);
	return 0;
}

/* Each case: recording on, nothing shown yet, rings cleared, CPU 0. */
static int before(void **state)
{
	trace_set_enabled(true);
	trace_set_log(false);
	trace_clear();
	stamp_fixed = false;
	fake_cpu = 0;
	shown.n = 0;
	return 0;
}

/* A zap of [a, a + 1) with count c: "zap gfn=<a>-<a> count=<c>". */
static void record_zap(unsigned cpu, uint64_t a, uint64_t c)
{
	fake_cpu = cpu;
	trace_record(TRACE_ZAP, a, a + 1, c);
}

/* The a of a zap line, and its stamp (us) and CPU. */
static uint64_t zap_of(const char *line, uint64_t *us, unsigned *cpu)
{
	unsigned long long s, frac, a, a2, c;
	unsigned n;

	assert_int_equal(sscanf(line, "%llu.%llu cpu%u zap gfn=%llx-%llx count=%llu",
				&s, &frac, &n, &a, &a2, &c),
			 6);
	assert_int_equal(a, a2);
	if (us)
		*us = s * 1000000 + frac;
	if (cpu)
		*cpu = n;
	return a;
}

static void test_off_records_nothing(void **state)
{
	trace_set_enabled(false);
	assert_false(trace_is_enabled());
	record_zap(1, 1, 1);
	assert_int_equal(trace_count(1), 0);
	assert_int_equal(trace_show(1, 10, collect, &shown), 0);
	trace_set_enabled(true);
	assert_true(trace_is_enabled());
	record_zap(1, 1, 1);
	assert_int_equal(trace_count(1), 1);
}

static void test_line_format(void **state)
{
	stamp_fixed = true;
	fake_stamp = 12345678;
	fake_cpu = 1;
	trace_record(TRACE_DISCONNECT, 0x3c1ad000, 1, 0x800);
	assert_int_equal(trace_show(1, 1, collect, &shown), 1);
	assert_string_equal(shown.line[0],
			    "   12.345678 cpu1 disconnect table=0x3c1ad000 level=1 gfn=0x800");
}

static void test_show_oldest_first(void **state)
{
	for (uint64_t i = 0; i < 10; i++)
		record_zap(2, i, i);
	assert_int_equal(trace_count(2), 10);
	assert_int_equal(trace_show(2, 1000, collect, &shown), 10);
	for (unsigned i = 0; i < 10; i++)
		assert_int_equal(zap_of(shown.line[i], NULL, NULL), i);
}

static void test_show_last_n(void **state)
{
	for (uint64_t i = 0; i < 10; i++)
		record_zap(2, i, i);
	assert_int_equal(trace_show(2, 3, collect, &shown), 3);
	assert_int_equal(zap_of(shown.line[0], NULL, NULL), 7);
	assert_int_equal(zap_of(shown.line[2], NULL, NULL), 9);
	assert_int_equal(trace_show(2, 0, collect, &shown), 0);
	assert_int_equal(trace_show(TRACE_MAX_CPUS, 10, collect, &shown), 0);
}

static void test_wrap_around(void **state)
{
	uint64_t n = TRACE_RING_EVENTS + 100;

	for (uint64_t i = 0; i < n; i++)
		record_zap(3, i, i);
	assert_int_equal(trace_count(3), n);
	assert_int_equal(trace_show(3, 2 * TRACE_RING_EVENTS, collect, &shown),
			 TRACE_RING_EVENTS);
	assert_int_equal(zap_of(shown.line[0], NULL, NULL), 100);
	for (unsigned i = 1; i < TRACE_RING_EVENTS; i++)
		assert_int_equal(zap_of(shown.line[i], NULL, NULL), 100 + i);
}

static void test_clear(void **state)
{
	for (uint64_t i = 0; i < 20; i++)
		record_zap(i % CPUS, i, i);
	trace_clear();
	for (unsigned cpu = 0; cpu < CPUS; cpu++)
		assert_int_equal(trace_count(cpu), 0);
	assert_int_equal(trace_show_all(100, collect, &shown), 0);
	record_zap(1, 77, 0);
	assert_int_equal(trace_count(1), 1);
	assert_int_equal(trace_show(1, 100, collect, &shown), 1);
	assert_int_equal(zap_of(shown.line[0], NULL, NULL), 77);
}

/* Interleaved stamps on three CPUs come out as one sequence. */
static void test_merged_order(void **state)
{
	uint64_t us, last = 0;
	unsigned cpu;

	stamp_fixed = true;
	for (uint64_t i = 0; i < 30; i++) {
		fake_stamp = 1000 + 10 * i;
		record_zap(i % 3, i, 0);
	}
	assert_int_equal(trace_show_all(1000, collect, &shown), 30);
	for (unsigned i = 0; i < 30; i++) {
		assert_int_equal(zap_of(shown.line[i], &us, &cpu), i);
		assert_int_equal(cpu, i % 3);
		assert_true(us > last);
		last = us;
	}
	shown.n = 0;
	assert_int_equal(trace_show_all(4, collect, &shown), 4);
	assert_int_equal(zap_of(shown.line[0], NULL, NULL), 26);
	assert_int_equal(zap_of(shown.line[3], NULL, NULL), 29);
}

/*
 * CPU 0 wraps: its oldest kept event is younger than CPU 1's first
 * events, which are left out (their time has holes on CPU 0).
 */
static void test_merged_starts_where_all_complete(void **state)
{
	unsigned cpu;
	uint64_t i;

	stamp_fixed = true;
	for (i = 0; i < 5; i++) {
		fake_stamp = 100 + i;
		record_zap(1, 1000 + i, 0);
	}
	for (i = 0; i < TRACE_RING_EVENTS + 10; i++) {
		fake_stamp = 200 + 2 * i;
		record_zap(0, i, 0);
	}
	/* Between CPU 0's events RING + 5 and RING + 6. */
	fake_stamp = 200 + 2 * (TRACE_RING_EVENTS + 5) + 1;
	record_zap(1, 2000, 0);
	assert_int_equal(trace_show_all(3 * TRACE_RING_EVENTS, collect, &shown),
			 TRACE_RING_EVENTS + 1);
	assert_int_equal(zap_of(shown.line[0], NULL, &cpu), 10);
	assert_int_equal(cpu, 0);
	assert_int_equal(zap_of(shown.line[TRACE_RING_EVENTS - 4], NULL, &cpu),
			 2000);
	assert_int_equal(cpu, 1);
	assert_int_equal(zap_of(shown.line[TRACE_RING_EVENTS], NULL, &cpu),
			 TRACE_RING_EVENTS + 9);
}

static void test_decode(void **state)
{
	static const struct trace_exit_name names[] = {
		[0] = {"none", false},
		[1] = {"npf", true},
		[3] = {"hypercall", false},
	};
	static const char *const want[] = {
		"exit npf code=0x400 info=0x100000006 gpa=0x1234000",
		"exit hypercall code=0x81 info=0 rip=0x102748",
		"exit exit#2 code=0x7b info=0x1 rip=0x10",
		"exit exit#99 code=0 info=0 rip=0",
		"fault gpa=0x94b000 access=rx result=ok",
		"fault gpa=0x1000 access=- result=#9",
		"install gfn=0x800 level=2 table=0x1e78000 pte=0x1e78007",
		"install gfn=0x94d level=1 pte=0x1dcb027",
		"free table=0x3c1ad000",
		"flush begin gen=12",
		"flush joined gen=13",
		"flush #7 gen=1",
		"split gfn=0x200-0x3ff count=1",
		"collapse gfn=0x200-0x200 count=0",
		"wrprotect gfn=0x5-0x5 count=0",
		"age gfn=0-0x3f count=3",
		"grace begin flush=3099",
		"grace end freed=5",
	};
	char text[TRACE_LINE_MAX];

	trace_set_exit_names(names, ARRAY_SIZE(names));
	fake_cpu = 0;
	trace_record(TRACE_EXIT, 1 | 0x400 << 16, 0x100000006, 0x1234000);
	trace_record(TRACE_EXIT, 3 | 0x81 << 16, 0, 0x102748);
	trace_record(TRACE_EXIT, 2 | 0x7b << 16, 1, 0x10);
	trace_record(TRACE_EXIT, 99, 0, 0);
	trace_record(TRACE_FAULT, 0x94b000, TRACE_ACC_READ | TRACE_ACC_EXEC,
		     TRACE_FAULT_OK);
	trace_record(TRACE_FAULT, 0x1000, 0, 9);
	trace_record(TRACE_INSTALL, 0x800, 0x1e78000 | 2, 0x1e78007);
	trace_record(TRACE_INSTALL, 0x94d, 1, 0x1dcb027);
	trace_record(TRACE_FREE, 0x3c1ad000, 0, 0);
	trace_record(TRACE_FLUSH, TRACE_FLUSH_BEGIN, 12, 0);
	trace_record(TRACE_FLUSH, TRACE_FLUSH_JOINED, 13, 0);
	trace_record(TRACE_FLUSH, 7, 1, 0);
	trace_record(TRACE_SPLIT, 0x200, 0x400, 1);
	trace_record(TRACE_COLLAPSE, 0x200, 0x200, 0);
	trace_record(TRACE_WRPROTECT, 5, 6, 0);
	trace_record(TRACE_AGE, 0, 0x40, 3);
	trace_record(TRACE_GRACE, TRACE_GRACE_BEGIN, 3099, 0);
	trace_record(TRACE_GRACE, TRACE_GRACE_END, 5, 0);
	assert_int_equal(trace_show(0, 100, collect, &shown), ARRAY_SIZE(want));
	for (unsigned i = 0; i < ARRAY_SIZE(want); i++) {
		const char *t = strstr(shown.line[i], "cpu0 ");

		assert_non_null(t);
		snprintf(text, sizeof(text), "%s", t + 5);
		assert_string_equal(text, want[i]);
	}
}

/*
 * Whatever a slot holds is shown without trusting it: a kind out of range
 * as a number; a slot being written (stamp_kind 0) is left out.
 */
static void test_garbage_slot(void **state)
{
	struct trace_ring *r = &trace_rings[2];
	uint64_t head;

	record_zap(2, 1, 0);
	record_zap(2, 2, 0);
	record_zap(2, 3, 0);
	head = r->head;
	rings[2][(head - 3) % TRACE_RING_EVENTS].stamp_kind = 0xffull << 56 | 5;
	rings[2][(head - 2) % TRACE_RING_EVENTS].stamp_kind = 0;
	assert_int_equal(trace_show(2, 10, collect, &shown), 2);
	assert_string_equal(strstr(shown.line[0], "kind#254"),
			    "kind#254 a=0x1 b=0x2 c=0");
	assert_int_equal(zap_of(shown.line[1], NULL, NULL), 3);
	shown.n = 0;
	assert_int_equal(trace_show_all(10, collect, &shown), 2);
}

/* --- concurrent writers and a reader --- */

#define WRITER_MIN_EVENTS (4 * TRACE_RING_EVENTS)
#define READER_PASSES 30
#define MAGIC 0x9e3779b97f4a7c15ull

static bool writers_stop;
static uint64_t written[CPUS];

/*
 * Each writer's events: a = sequence, b = CPU, c = a checksum of both;
 * it writes until the reader is done, and wraps its ring a few times.
 */
static void *writer(void *arg)
{
	uint64_t i;

	fake_cpu = (unsigned)(uintptr_t)arg;
	for (i = 0; i < WRITER_MIN_EVENTS ||
		    !__atomic_load_n(&writers_stop, __ATOMIC_ACQUIRE);
	     i++)
		trace_record(TRACE_DISCONNECT, i, fake_cpu,
			     (i * MAGIC) ^ fake_cpu);
	written[fake_cpu] = i;
	return NULL;
}

struct read_check {
	unsigned lines;
	unsigned bad;
	bool merged;
	uint64_t last_seq[CPUS];
	uint64_t last_us;
};

static void check_line(void *ctx, const char *line)
{
	struct read_check *rc = ctx;
	unsigned long long s, frac, a, b, c;
	unsigned cpu;

	rc->lines++;
	if (sscanf(line, "%llu.%llu cpu%u disconnect table=%llx level=%llu gfn=%llx",
		   &s, &frac, &cpu, &a, &b, &c) != 6 || cpu >= CPUS ||
	    b != cpu || c != ((a * MAGIC) ^ cpu) ||
	    (rc->last_seq[cpu] != ~0ull && a <= rc->last_seq[cpu]) ||
	    (rc->merged && s * 1000000 + frac < rc->last_us)) {
		if (rc->bad++ < 5)
			print_message("bad line: %s\n", line);
	}
	rc->last_seq[cpu] = a;
	rc->last_us = s * 1000000 + frac;
}

static void *reader(void *arg)
{
	struct read_check *total = arg;

	for (unsigned pass = 0; pass < READER_PASSES; pass++) {
		struct read_check rc = {.merged = true};

		memset(rc.last_seq, 0xff, sizeof(rc.last_seq));
		trace_show_all(3000, check_line, &rc);
		for (unsigned cpu = 0; cpu < CPUS; cpu++) {
			rc.merged = false;
			memset(rc.last_seq, 0xff, sizeof(rc.last_seq));
			trace_show(cpu, TRACE_RING_EVENTS, check_line, &rc);
		}
		total->lines += rc.lines;
		total->bad += rc.bad;
	}
	__atomic_store_n(&writers_stop, true, __ATOMIC_RELEASE);
	return NULL;
}

static void test_concurrent_writers_and_reader(void **state)
{
	pthread_t w[CPUS], r;
	struct read_check total = {0};

	trace_record(TRACE_DISCONNECT, 0, 0, 0); /* before the clear */
	trace_clear();
	writers_stop = false;
	for (unsigned cpu = 0; cpu < CPUS; cpu++)
		assert_int_equal(pthread_create(&w[cpu], NULL, writer,
						(void *)(uintptr_t)cpu),
				 0);
	assert_int_equal(pthread_create(&r, NULL, reader, &total), 0);
	pthread_join(r, NULL);
	for (unsigned cpu = 0; cpu < CPUS; cpu++)
		pthread_join(w[cpu], NULL);
	print_message("reader: %u lines checked; written %llu %llu %llu %llu\n",
		      total.lines, (unsigned long long)written[0],
		      (unsigned long long)written[1],
		      (unsigned long long)written[2],
		      (unsigned long long)written[3]);
	assert_int_equal(total.bad, 0);
	assert_true(total.lines > READER_PASSES);
	for (unsigned cpu = 0; cpu < CPUS; cpu++)
		assert_int_equal(trace_count(cpu), written[cpu]);
	/* Quiet now: every ring holds its last events, whole. */
	total = (struct read_check){0};
	memset(total.last_seq, 0xff, sizeof(total.last_seq));
	assert_int_equal(trace_show(1, TRACE_RING_EVENTS, check_line, &total),
			 TRACE_RING_EVENTS);
	assert_int_equal(total.last_seq[1], written[1] - 1);
	assert_int_equal(total.bad, 0);
}

/* --- the debug log's lines --- */

static char console[65536];
static size_t console_used;

static void fake_console(const char *s, size_t n)
{
	assert_true(console_used + n < sizeof(console));
	memcpy(console + console_used, s, n);
	console_used += n;
	console[console_used] = '\0';
}

static unsigned log_cpu_id(void)
{
	return fake_cpu;
}

static uint64_t log_us(void)
{
	return 0;
}

static bool log_irq_mask(void)
{
	return false;
}

static void log_irq_unmask(void)
{
}

static const struct log_hooks log_hooks = {
	.cpu_id = log_cpu_id,
	.us_since_boot = log_us,
	.irq_mask = log_irq_mask,
	.irq_unmask = log_irq_unmask,
};

static unsigned count_lines(const char *needle)
{
	unsigned n = 0;

	for (const char *p = console; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/*
 * TRACE_LOG_PER_SECOND lines per CPU and kind each second, then one line
 * that counts the rest of that second, before the next second's first.
 */
static void test_log_rate_limit(void **state)
{
	log_set_hooks(&log_hooks);
	log_set_console(fake_console);
	log_set_level(LOG_DEBUG);
	trace_set_enabled(false);
	trace_set_log(true);
	stamp_fixed = true;
	fake_cpu = 1;
	fake_stamp = 5000000; /* second 5 */
	for (unsigned i = 0; i < TRACE_LOG_PER_SECOND + 7; i++)
		trace_record(TRACE_EXIT, 1, 0, i);
	for (unsigned i = 0; i < 2; i++)
		trace_record(TRACE_FAULT, i, 1, 0);
	assert_int_equal(count_lines("cpu1 trace: exit "), TRACE_LOG_PER_SECOND);
	assert_int_equal(count_lines("cpu1 trace: fault "), 2);
	assert_int_equal(count_lines("suppressed"), 0);
	fake_stamp = 6000001;
	trace_record(TRACE_EXIT, 3, 0, 0x77);
	assert_non_null(strstr(console,
			       "cpu1 trace: ... 7 more exit lines suppressed (at most 5 a second per CPU)\n"));
	assert_non_null(strstr(console, "rip=0x77\n"));
	assert_true(strstr(console, "7 more exit") < strstr(console, "rip=0x77"));
	for (unsigned i = 0; i < TRACE_LOG_PER_SECOND + 2; i++)
		trace_record(TRACE_EXIT, 1, 0, i);
	console_used = 0;
	trace_log_flush();
	assert_string_equal(console, "[    0.000000] cpu1 trace: ... 3 more exit lines of cpu1 suppressed (at most 5 a second per CPU)\n");
	console_used = 0;
	trace_log_flush();
	assert_int_equal(console_used, 0);
	trace_set_log(false);
	trace_record(TRACE_EXIT, 1, 0, 0);
	assert_int_equal(console_used, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_off_records_nothing, before),
		cmocka_unit_test_setup(test_line_format, before),
		cmocka_unit_test_setup(test_show_oldest_first, before),
		cmocka_unit_test_setup(test_show_last_n, before),
		cmocka_unit_test_setup(test_wrap_around, before),
		cmocka_unit_test_setup(test_clear, before),
		cmocka_unit_test_setup(test_merged_order, before),
		cmocka_unit_test_setup(test_merged_starts_where_all_complete,
				       before),
		cmocka_unit_test_setup(test_decode, before),
		cmocka_unit_test_setup(test_garbage_slot, before),
		cmocka_unit_test_setup(test_concurrent_writers_and_reader,
				       before),
		cmocka_unit_test_setup(test_log_rate_limit, before),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
