/*
 * Host tests of arch/x86/page_fault.c: each kind of access and cause,
 * direct-map addresses named by their physical address (its first and
 * last byte), everything else by the address itself.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "arch/x86/layout.h"
#include "arch/x86/page_fault.h"

static void expect(uint64_t error_code, uint64_t addr, const char *want)
{
	char buf[120];

	page_fault_describe(error_code, addr, buf, sizeof(buf));
	assert_string_equal(buf, want);
}

static void test_access_and_cause(void **state)
{
	expect(0, 0x10, "read of 0x10 (not present)");
	expect(PF_WRITE, 0x10, "write to 0x10 (not present)");
	expect(PF_FETCH, 0x10, "instruction fetch at 0x10 (not present)");
	expect(PF_PRESENT | PF_WRITE, 0xffffffff80201000ull,
	       "write to 0xffffffff80201000 (protection)");
	expect(PF_PRESENT | PF_FETCH, 0xffffffff80300000ull,
	       "instruction fetch at 0xffffffff80300000 (protection)");
	expect(PF_PRESENT | PF_RESERVED, 0x2000,
	       "read of 0x2000 (reserved bit set)");
}

static void test_direct_map(void **state)
{
	expect(0, DIRECT_MAP_BASE + 0xf0000,
	       "read of physical 0xf0000 through the direct map (not present)");
	expect(PF_WRITE, DIRECT_MAP_BASE,
	       "write to physical 0 through the direct map (not present)");
	expect(PF_PRESENT | PF_WRITE, DIRECT_MAP_BASE + 0x200000,
	       "write to physical 0x200000 through the direct map (protection)");
	expect(0, DIRECT_MAP_BASE + DIRECT_MAP_SIZE - 1,
	       "read of physical 0x7f7fffffffff through the direct map (not present)");
	/* Just outside it on either side: plain addresses. */
	expect(0, DIRECT_MAP_BASE + DIRECT_MAP_SIZE,
	       "read of 0xffffff8000000000 (not present)");
	expect(0, DIRECT_MAP_BASE - 1, "read of 0xffff7fffffffffff (not present)");
}

static void test_cut_to_size(void **state)
{
	char buf[12];

	page_fault_describe(0, DIRECT_MAP_BASE + 0xf0000, buf, sizeof(buf));
	assert_string_equal(buf, "read of phy");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_access_and_cause),
	    cmocka_unit_test(test_direct_map),
	    cmocka_unit_test(test_cut_to_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
