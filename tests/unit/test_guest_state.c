/*
 * The architectural guest-state rules (arch/x86/guest_state_check.c):
 * a state the CPU enters passes; each broken rule is named with the
 * field and its value.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "arch/x86/guest_state_check.h"

/* The test guest's entry state: 32-bit protected mode, paging off. */
static struct guest_state entry_state(void)
{
	struct guest_state s = {
	    .cr0 = 0x11, .rflags = 0x2, .rip = 0x100000, .cs_d = true,
	    .phys_bits = 46, .linear_bits = 48,
	};

	for (unsigned i = 0; i < GS_BASES; i++)
		s.has_base[i] = true;
	return s;
}

/* A 64-bit state: long mode active, 64-bit code. */
static struct guest_state long_state(void)
{
	struct guest_state s = entry_state();

	s.cr0 = 0x80000011;
	s.cr4 = 0x20;
	s.efer = 0x500;
	s.cs_l = true;
	s.cs_d = false;
	s.rip = 0xffffffff81000000ull;
	return s;
}

static void expect_fault(const struct guest_state *s, const char *want)
{
	char buf[128];

	if (!guest_state_find_fault(s, buf, sizeof(buf)))
		fail_msg("no fault found, expected \"%s\"", want);
	if (strcmp(buf, want) != 0)
		fail_msg("got \"%s\", expected \"%s\"", buf, want);
}

static void test_good_states(void **state)
{
	struct guest_state s = entry_state();
	char buf[128] = "untouched";

	(void)state;
	assert_false(guest_state_find_fault(&s, buf, sizeof(buf)));
	assert_string_equal(buf, "untouched");
	s = long_state();
	assert_false(guest_state_find_fault(&s, buf, sizeof(buf)));
	/* EFER.LME with paging off (not long mode yet) is fine. */
	s = entry_state();
	s.efer = 0x100;
	assert_false(guest_state_find_fault(&s, buf, sizeof(buf)));
}

static void test_faults(void **state)
{
	struct guest_state s;

	(void)state;
	s = entry_state();
	s.rflags = 0;
	expect_fault(&s, "RFLAGS 0x0: bit 1 must be set and bits 3, 5, 15 "
			 "and 63:22 clear");
	s = entry_state();
	s.cr0 = 0x20000011;
	expect_fault(&s, "CR0 0x20000011 has NW set without CD");
	s = entry_state();
	s.cr0 = 0x80000010;
	expect_fault(&s, "CR0 0x80000010 has PG set without PE");
	s = entry_state();
	s.efer = 0x400;
	expect_fault(&s, "EFER 0x400: LMA does not match LME and CR0.PG "
			 "(CR0 0x11)");
	s = long_state();
	s.cr4 = 0;
	expect_fault(&s, "EFER 0x500 and CR0 0x80000011 enable long mode "
			 "without CR4.PAE (CR4 0x0)");
	s = long_state();
	s.cr3 = 1ull << 50;
	expect_fault(&s, "CR3 0x4000000000000 has bits set above the 46-bit "
			 "physical address width");
	s = long_state();
	s.cs_d = true;
	expect_fault(&s, "CS has both L and D set in long mode");
	s = long_state();
	s.rip = 0x0000800000000000ull;
	expect_fault(&s, "RIP 0x800000000000 is not canonical");
	s = entry_state();
	s.rip = 0x100000000ull;
	expect_fault(&s, "RIP 0x100000000 has bits 63:32 set outside 64-bit "
			 "code");
	s = entry_state();
	s.base[GS_BASE_FS] = 0x0100000000000000ull;
	expect_fault(&s, "FS base 0x100000000000000 is not canonical");
	s.has_base[GS_BASE_FS] = false;
	s.base[GS_BASE_LSTAR] = 0x0000800000000000ull;
	expect_fault(&s, "LSTAR 0x800000000000 is not canonical");
	/* With 57-bit addresses that one is canonical. */
	s.linear_bits = 57;
	assert_false(guest_state_find_fault(&s, (char[128]){0}, 128));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_good_states),
	    cmocka_unit_test(test_faults),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
