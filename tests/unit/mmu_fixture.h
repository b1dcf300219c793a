/* A VM on the host platform for the MMU core's unit tests. */
#ifndef TESTS_UNIT_MMU_FIXTURE_H
#define TESTS_UNIT_MMU_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
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
};

/* prestate: the format to test. Builds a VM with leaves up to 1 GiB, on
 * four CPUs with the TLB model. */
static inline int fixture_setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	fx->fmt = *state;
	host_platform_init(&fx->hp, 4, true);
	host_platform_model_tlb(&fx->hp);
	host_platform_set_cpu(0);
	if (!tdp_vm_init(&fx->vm, fx->fmt, &fx->hp.plat, 3))
		return -1;
	*state = fx;
	return 0;
}

/* Every test ends with a consistent tree, no walk read a freed table, and
 * destroying the VM returns every page without a bad free. */
static inline int fixture_teardown(void **state)
{
	struct fixture *fx = *state;
	struct tdp_audit a;

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
