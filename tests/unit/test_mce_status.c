/*
 * Machine-check bank status words decoded for the console
 * (arch/x86/mce_status.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "arch/x86/mce_status.h"

static void expect(uint64_t status, const char *want)
{
	char buf[200];

	mce_describe_status(status, buf, sizeof(buf));
	assert_string_equal(buf, want);
}

static void test_describe(void **state)
{
	(void)state;
	expect(0, "no error");
	expect(0x0000000000000150ull, "no error"); /* VAL clear */
	/* An uncorrected memory-read error in a cache, context corrupt,
	 * with an address: the kind that stops a machine. */
	expect(MCI_STATUS_VAL | MCI_STATUS_UC | MCI_STATUS_EN |
		   MCI_STATUS_PCC | MCI_STATUS_ADDRV | (1ull << 16) | 0x0150,
	       "uncorrected, processor context corrupt, signalled, address "
	       "valid, error code 0x0150 (cache hierarchy), model code "
	       "0x0001");
	expect(MCI_STATUS_VAL | MCI_STATUS_OVER | MCI_STATUS_MISCV | 0x009f,
	       "corrected, overflow (errors lost), misc valid, error code "
	       "0x009f (memory controller), model code 0x0000");
	expect(MCI_STATUS_VAL | 0x0011, "corrected, error code 0x0011 (TLB), "
					"model code 0x0000");
	expect(MCI_STATUS_VAL | 0x0e0f,
	       "corrected, error code 0x0e0f (bus or interconnect), model "
	       "code 0x0000");
	expect(MCI_STATUS_VAL | 0x0405,
	       "corrected, error code 0x0405 (internal timer or "
	       "unclassified internal), model code 0x0000");
	expect(MCI_STATUS_VAL | 0x000e,
	       "corrected, error code 0x000e (generic cache hierarchy), "
	       "model code 0x0000");
	expect(MCI_STATUS_VAL | 0x0005,
	       "corrected, error code 0x0005 (internal parity), model code "
	       "0x0000");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_describe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
