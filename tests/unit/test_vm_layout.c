/*
 * The guest memory layout (hv/vm_layout.c) for every size guest_mem=
 * accepts and every vCPU count: all of [0, mem_size) is RAM in some slot,
 * in the documented order, with no gap and no overlap.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "hv/options.h"
#include "hv/vm_layout.h"

static void check_layout(uint64_t mem, unsigned vcpus)
{
	struct vm_layout l;
	char err[120];
	uint64_t at = 0;
	unsigned r;

	if (!vm_layout_plan(mem, vcpus, &l, err, sizeof(err)))
		fail_msg("%lluM, %u vCPUs: refused: %s",
			 (unsigned long long)(mem >> 20), vcpus, err);
	for (r = 0; r < VM_REGIONS; r++) {
		if (l.base[r] != at || !IS_ALIGNED(l.size[r], PAGE_SIZE))
			fail_msg("%lluM, %u vCPUs: region %u at %#llx+%#llx, "
				 "expected at %#llx",
				 (unsigned long long)(mem >> 20), vcpus, r,
				 (unsigned long long)l.base[r],
				 (unsigned long long)l.size[r],
				 (unsigned long long)at);
		if (r != VM_REGION_REST && !l.size[r])
			fail_msg("%lluM, %u vCPUs: region %u is empty",
				 (unsigned long long)(mem >> 20), vcpus, r);
		at += l.size[r];
	}
	if (at != mem)
		fail_msg("%lluM, %u vCPUs: the regions end at %#llx",
			 (unsigned long long)(mem >> 20), vcpus,
			 (unsigned long long)at);
	assert_int_equal(l.size[VM_REGION_LOW], VM_LOW_REGION_SIZE);
	assert_int_equal(l.size[VM_REGION_PRIVATE], l.private_size * vcpus);
	assert_true(l.private_size >= 16 * PAGE_SIZE);
	if (l.large[VM_REGION_PRIVATE]) {
		assert_true(IS_ALIGNED(l.base[VM_REGION_PRIVATE], 2 * MiB));
		assert_true(IS_ALIGNED(l.private_size, 2 * MiB));
	}
	/* What is left over is less than one more share per vCPU. */
	assert_true(l.size[VM_REGION_REST] <
		    (l.large[VM_REGION_PRIVATE] ? 2 * MiB : PAGE_SIZE) * vcpus +
			MiB);
}

static void test_every_size_and_vcpu_count(void **state)
{
	uint64_t mem;
	unsigned vcpus;

	(void)state;
	for (mem = OPT_GUEST_MEM_MIN; mem <= OPT_GUEST_MEM_MAX; mem += MiB)
		for (vcpus = 1; vcpus <= OPT_MAX_CPUS; vcpus++)
			check_layout(mem, vcpus);
}

/* The sizes that once lost the top of RAM: it is in the last region. */
static void test_rest_is_ram(void **state)
{
	struct vm_layout l;
	char err[120];

	(void)state;
	assert_true(vm_layout_plan(64 * MiB, 4, &l, err, sizeof(err)));
	assert_int_equal(l.base[VM_REGION_REST], 0x3c00000);
	assert_int_equal(l.size[VM_REGION_REST], 0x400000);
	assert_true(vm_layout_plan(201 * MiB, 3, &l, err, sizeof(err)));
	assert_int_equal(l.base[VM_REGION_REST] + l.size[VM_REGION_REST],
			 201 * MiB);
	assert_false(vm_layout_plan(16 * MiB, 1, &l, err, sizeof(err)));
	assert_false(vm_layout_plan(64 * MiB, 0, &l, err, sizeof(err)));
	assert_false(vm_layout_plan(64 * MiB + 4096, 1, &l, err, sizeof(err)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_size_and_vcpu_count),
	    cmocka_unit_test(test_rest_is_ram),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
