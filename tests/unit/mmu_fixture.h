/* A VM on the host platform for the MMU core's unit tests. */
#ifndef TESTS_UNIT_MMU_FIXTURE_H
#define TESTS_UNIT_MMU_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <pthread.h>
#include <cmocka.h>

#include "arch/x86/ept_format.h"
#include "arch/x86/npt_format.h"
#include "mm/tdp_internal.h"
#include "tests/mmu/guest_access.h"
#include "tests/mmu/host_platform.h"

struct fixture {
	const struct tdp_format *fmt;
	struct host_platform hp;
	struct tdp_vm vm;
	pthread_t thread; /* the test's: the only one cmocka can fail */
	tdp_relax_fn host_relax;
	void (*host_report)(void *ctx, const char *file, int line,
			    const char *what, bool fatal);
};

/*
 * A wait inside the MMU core ends within milliseconds in a unit test: the
 * test's other threads, if it has any, are there to end it, and a test
 * that plays every CPU on its one thread has nobody who could. After this
 * long the test fails, rather than leave the program to the runner's
 * timeout.
 */
#define FIXTURE_WAIT_LIMIT_NS (2000ull * 1000 * 1000)

static inline struct fixture *fixture_of(void *ctx)
{
	return (struct fixture *)((char *)ctx - offsetof(struct fixture, hp));
}

static inline uint64_t fixture_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/*
 * Ends the test with a message, from wherever inside the MMU core it is:
 * cmocka jumps back to its runner, which runs the teardown (where
 * fixture_teardown() finds the operation that was cut short). Only the
 * test's thread can jump there; another one ends the program, saying why.
 */
#define fixture_fail(fx, ...)                                                  \
	do {                                                                   \
		if (pthread_equal(pthread_self(), (fx)->thread))               \
			fail_msg(__VA_ARGS__);                                 \
		fprintf(stderr, __VA_ARGS__);                                  \
		fputc('\n', stderr);                                           \
		abort();                                                       \
	} while (0)

/* A fatal report (TDP_BUG_ON) fails the test with its file:line rather
 * than abort the program; a warning is counted and printed by the host
 * platform as usual. */
static inline void fixture_report(void *ctx, const char *file, int line,
				  const char *what, bool fatal)
{
	struct fixture *fx = fixture_of(ctx);

	if (!fatal) {
		fx->host_report(ctx, file, line, what, fatal);
		return;
	}
	__atomic_add_fetch(&fx->hp.reports, 1, __ATOMIC_RELAXED);
	fixture_fail(fx, "%s:%d: BUG: %s", file, line, what);
}

/* The host platform's relax, giving up on a wait that outlasts
 * FIXTURE_WAIT_LIMIT_NS (w->since is when it began, 0 before its first
 * turn). */
static inline void fixture_relax(void *ctx, struct tdp_wait *w)
{
	struct fixture *fx = fixture_of(ctx);
	uint64_t now = fixture_now_ns();

	if (!w->since) {
		w->since = now;
	} else if (now - w->since > FIXTURE_WAIT_LIMIT_NS) {
		char who[16] = "another CPU";

		if (w->cpu >= 0)
			snprintf(who, sizeof(who), "cpu%d", w->cpu);
		fixture_fail(fx, "cpu%u waits for %s to %s: nothing will end "
				 "this wait",
			     fx->hp.plat.cpu_id(ctx), who, w->what);
	}
	fx->host_relax(ctx, w);
}

/* prestate: the format to test. Builds a VM with leaves up to 1 GiB, on
 * four CPUs with the TLB model. */
static inline int fixture_setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	fx->fmt = *state;
	fx->thread = pthread_self();
	host_platform_init(&fx->hp, 4, true);
	host_platform_model_tlb(&fx->hp);
	fx->host_relax = fx->hp.plat.relax;
	fx->host_report = fx->hp.plat.report;
	fx->hp.plat.relax = fixture_relax;
	fx->hp.plat.report = fixture_report;
	host_platform_set_cpu(0);
	if (!tdp_vm_init(&fx->vm, fx->fmt, &fx->hp.plat, 3))
		return -1;
	*state = fx;
	return 0;
}

/*
 * A test that failed inside an MMU operation (an assertion of its own
 * while it played a CPU inside one, a BUG, a wait given up) leaves that
 * operation unfinished, and every later operation on the VM would wait for
 * it forever. What was left behind, or NULL.
 */
static inline const char *fixture_vm_left_busy(struct fixture *fx, char *buf,
					       size_t size)
{
	struct tdp_vm *vm = &fx->vm;
	unsigned i;

	for (i = 0; i < fx->hp.plat.nr_cpus; i++)
		if (vm->cpu[i].qs_seq & 1) {
			snprintf(buf, size, "cpu%u inside an MMU operation", i);
			return buf;
		}
	if (vm->exclusive || vm->exclusive_lock.locked)
		return "an exclusive MMU operation unfinished";
	if (vm->reclaim.queue_lock.locked || vm->reclaim.gp_lock.locked)
		return "a reclaim lock held";
	return NULL;
}

/* Every test ends with a consistent tree, no walk read a freed table, and
 * destroying the VM returns every page without a bad free. A test that
 * left an operation unfinished fails at once, its VM neither audited nor
 * freed. */
static inline int fixture_teardown(void **state)
{
	struct fixture *fx = *state;
	struct tdp_audit a;
	char buf[64];
	const char *busy = fixture_vm_left_busy(fx, buf, sizeof(buf));

	if (busy)
		fail_msg("the test ended with %s: VM not audited, not freed",
			 busy);
	assert_true(tdp_audit(&fx->vm, &a));
	assert_int_equal(fx->hp.freed_walks, 0);
	host_platform_set_cpu(0);
	tdp_vm_destroy(&fx->vm);
	assert_int_equal(host_live_pages(&fx->hp), 0);
	assert_int_equal(fx->hp.bad_frees, 0);
	assert_int_equal(fx->hp.allocs, fx->hp.frees);
	host_platform_fini(&fx->hp);
	free(fx);
	return 0;
}

/* One case per format, named fn_ept and fn_npt. */
#define MMU_TEST(fn, fmt)                                                      \
	{                                                                      \
		.name = #fn "_" #fmt, .test_func = fn,                         \
		.setup_func = fixture_setup,                                   \
		.teardown_func = fixture_teardown,                             \
		.initial_state = (void *)&fmt##_format,                        \
	}

#define MMU_TEST_BOTH(fn) MMU_TEST(fn, ept), MMU_TEST(fn, npt)

#endif
