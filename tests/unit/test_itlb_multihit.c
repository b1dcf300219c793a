/*
 * Which CPUs have the iTLB multihit erratum (arch/x86/itlb_multihit.c):
 * every Intel CPU unless IA32_ARCH_CAPABILITIES reports PSCHANGE_MC_NO;
 * never an AMD one.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86/itlb_multihit.h"

static void test_decide(void **state)
{
	(void)state;
	/* Intel without the MSR (or with one that faulted): affected. */
	assert_int_equal(itlb_multihit_decide(VENDOR_INTEL, false, 0),
			 ITLB_MULTIHIT_NO_ARCH_CAPS);
	assert_int_equal(itlb_multihit_decide(VENDOR_INTEL, false,
					      ARCH_CAP_PSCHANGE_MC_NO),
			 ITLB_MULTIHIT_NO_ARCH_CAPS);
	/* The MSR without bit 6, whatever else it reports. */
	assert_int_equal(itlb_multihit_decide(VENDOR_INTEL, true, 0x2b),
			 ITLB_MULTIHIT_NO_PSCHANGE_MC_NO);
	assert_int_equal(itlb_multihit_decide(VENDOR_INTEL, true, 0),
			 ITLB_MULTIHIT_NO_PSCHANGE_MC_NO);
	/* Bit 6, alone or with others: not affected. */
	assert_int_equal(itlb_multihit_decide(VENDOR_INTEL, true, 0xeb),
			 ITLB_MULTIHIT_NOT_AFFECTED);
	assert_int_equal(itlb_multihit_decide(VENDOR_INTEL, true,
					      ARCH_CAP_PSCHANGE_MC_NO),
			 ITLB_MULTIHIT_NOT_AFFECTED);
	/* AMD and others: never, whatever they report. */
	assert_int_equal(itlb_multihit_decide(VENDOR_AMD, false, 0),
			 ITLB_MULTIHIT_NOT_AFFECTED);
	assert_int_equal(itlb_multihit_decide(VENDOR_AMD, true, 0),
			 ITLB_MULTIHIT_NOT_AFFECTED);
	assert_int_equal(itlb_multihit_decide(VENDOR_OTHER, false, 0),
			 ITLB_MULTIHIT_NOT_AFFECTED);
}

static void test_reason(void **state)
{
	(void)state;
	assert_string_equal(
	    itlb_multihit_reason(ITLB_MULTIHIT_NO_PSCHANGE_MC_NO),
	    "this Intel CPU does not report PSCHANGE_MC_NO");
	assert_non_null(strstr(itlb_multihit_reason(ITLB_MULTIHIT_NO_ARCH_CAPS),
			       "no IA32_ARCH_CAPABILITIES"));
	assert_string_equal(itlb_multihit_reason(ITLB_MULTIHIT_NOT_AFFECTED),
			    "not affected");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_decide),
	    cmocka_unit_test(test_reason),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
