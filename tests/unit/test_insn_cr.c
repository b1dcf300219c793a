/*
 * The decoder of CR0-writing instructions (arch/x86/insn_cr.c) and the
 * long-mode guest page walk (arch/x86/guest_walk.c), which the SVM
 * backend uses for a CR0 write it must emulate.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "arch/x86/guest_walk.h"
#include "arch/x86/insn_cr.h"

static void expect_insn(const uint8_t *b, size_t n, bool long64,
			enum insn_cr_kind kind, unsigned cr, unsigned gpr,
			unsigned len)
{
	struct insn_cr d;

	assert_true(insn_decode_cr_write(b, n, long64, &d));
	assert_int_equal(d.kind, kind);
	if (kind == INSN_CR_MOV)
		assert_int_equal(d.cr, cr);
	if (kind != INSN_CR_CLTS)
		assert_int_equal(d.gpr, gpr);
	assert_int_equal(d.len, len);
}

static void test_decode(void **state)
{
	static const uint8_t mov_eax[] = {0x0f, 0x22, 0xc0};
	static const uint8_t mov_cr4_ebx[] = {0x0f, 0x22, 0xe3};
	static const uint8_t mov_r9[] = {0x41, 0x0f, 0x22, 0xc1};
	static const uint8_t rex_r[] = {0x44, 0x0f, 0x22, 0xc0}; /* CR8 */
	static const uint8_t lock_cr0[] = {0xf0, 0x0f, 0x22, 0xc2};
	static const uint8_t prefixed[] = {0x66, 0x2e, 0x0f, 0x22, 0xc7};
	static const uint8_t clts[] = {0x0f, 0x06};
	static const uint8_t lmsw_si[] = {0x0f, 0x01, 0xf6};
	static const uint8_t lmsw_mem[] = {0x0f, 0x01, 0x30};
	static const uint8_t smsw[] = {0x0f, 0x01, 0xe0};
	static const uint8_t mov_from_cr0[] = {0x0f, 0x20, 0xc0};
	struct insn_cr d;

	(void)state;
	expect_insn(mov_eax, sizeof(mov_eax), false, INSN_CR_MOV, 0, 0, 3);
	expect_insn(mov_cr4_ebx, sizeof(mov_cr4_ebx), false, INSN_CR_MOV, 4,
		    3, 3);
	expect_insn(mov_r9, sizeof(mov_r9), true, INSN_CR_MOV, 0, 9, 4);
	expect_insn(rex_r, sizeof(rex_r), true, INSN_CR_MOV, 8, 0, 4);
	expect_insn(lock_cr0, sizeof(lock_cr0), false, INSN_CR_MOV, 8, 2, 4);
	expect_insn(prefixed, sizeof(prefixed), false, INSN_CR_MOV, 0, 7, 5);
	expect_insn(clts, sizeof(clts), false, INSN_CR_CLTS, 0, 0, 2);
	expect_insn(lmsw_si, sizeof(lmsw_si), false, INSN_CR_LMSW_REG, 0, 6,
		    3);
	/* Outside 64-bit mode 0x41 is INC ECX, not a prefix. */
	assert_false(insn_decode_cr_write(mov_r9, sizeof(mov_r9), false, &d));
	assert_false(insn_decode_cr_write(lmsw_mem, sizeof(lmsw_mem), false,
					  &d));
	assert_false(insn_decode_cr_write(smsw, sizeof(smsw), false, &d));
	assert_false(insn_decode_cr_write(mov_from_cr0, sizeof(mov_from_cr0),
					  false, &d));
	assert_false(insn_decode_cr_write(mov_eax, 2, false, &d));
	assert_false(insn_decode_cr_write(mov_eax, 0, false, &d));
}

/* Guest-physical memory of the walk tests: 64 pages at 0. */
static uint64_t mem[64][512];

static bool read_mem(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	(void)ctx;
	if (gpa + len > sizeof(mem) || gpa + len < gpa)
		return false;
	memcpy(buf, (uint8_t *)mem + gpa, len);
	return true;
}

static uint32_t *mem32(unsigned page)
{
	return (uint32_t *)mem[page];
}

#define P_RW	 3ull
#define PS	 0x80ull
#define PAGE(n)	 ((uint64_t)(n) * 4096)
#define CR0_PG	 (1ull << 31)
#define CR4_PSE	 (1ull << 4)
#define CR4_PAE	 (1ull << 5)
#define CR4_LA57 (1ull << 12)
#define LMA	 (1ull << 10)

static bool walk(uint64_t cr3, uint64_t cr4, uint64_t efer, uint64_t la,
		 uint64_t *gpa)
{
	struct guest_paging p = {.cr0 = CR0_PG | 1, .cr3 = cr3, .cr4 = cr4,
				 .efer = efer};

	return guest_walk(&p, la, read_mem, NULL, gpa);
}

static void test_walk_long(void **state)
{
	uint64_t gpa, la = 0x00007f8040201123ull; /* indices 255 1 1 1 */

	(void)state;
	memset(mem, 0, sizeof(mem));
	/* 4 levels: PML4 at page 1 -> PDPT 2 -> PD 3 -> PT 4 -> page 9. */
	mem[1][255] = PAGE(2) | P_RW;
	mem[2][1] = PAGE(3) | P_RW;
	mem[3][1] = PAGE(4) | P_RW;
	mem[4][1] = PAGE(9) | P_RW;
	assert_true(walk(PAGE(1), CR4_PAE, LMA, la, &gpa));
	assert_int_equal(gpa, PAGE(9) + 0x123);
	/* A 2 MiB page in the PD. */
	mem[3][1] = 0x40000000ull | PS | P_RW;
	assert_true(walk(PAGE(1), CR4_PAE, LMA, la, &gpa));
	assert_int_equal(gpa, 0x40000000ull + 0x1123);
	/* A 1 GiB page in the PDPT. */
	mem[2][1] = 0x80000000ull | PS | P_RW;
	assert_true(walk(PAGE(1), CR4_PAE, LMA, la, &gpa));
	assert_int_equal(gpa, 0x80000000ull + 0x201123);
	/* Not present, and a table outside memory. */
	mem[2][1] = 0;
	assert_false(walk(PAGE(1), CR4_PAE, LMA, la, &gpa));
	mem[2][1] = 0x10000000ull | P_RW;
	assert_false(walk(PAGE(1), CR4_PAE, LMA, la, &gpa));
	/* 5 levels: PML5 at page 5, index of bits 56:48 = 1. */
	mem[2][1] = PAGE(3) | P_RW;
	mem[3][1] = PAGE(4) | P_RW;
	mem[5][1] = PAGE(1) | P_RW;
	assert_true(walk(PAGE(5), CR4_PAE | CR4_LA57, LMA, la | (1ull << 48),
			 &gpa));
	assert_int_equal(gpa, PAGE(9) + 0x123);
}

static void test_walk_legacy(void **state)
{
	struct guest_paging off = {.cr0 = 1};
	uint64_t gpa, la = 0x00c01234ull; /* PDE 3, PTE 1 */

	(void)state;
	memset(mem, 0, sizeof(mem));
	/* Paging off: the address itself, 32 bits of it. */
	assert_true(guest_walk(&off, 0x1234567890ull, read_mem, NULL, &gpa));
	assert_int_equal(gpa, 0x34567890ull);
	/* 32-bit paging: PD at page 1 -> PT 2 -> page 7. */
	mem32(1)[3] = (uint32_t)(PAGE(2) | P_RW);
	mem32(2)[1] = (uint32_t)(PAGE(7) | P_RW);
	assert_true(walk(PAGE(1), 0, 0, la, &gpa));
	assert_int_equal(gpa, PAGE(7) + 0x234);
	/* A 4 MiB page, with PSE-36 bits 39:32 = 2; without CR4.PSE the PS
	 * bit means nothing and the entry is a table pointer. */
	mem32(1)[3] = 0x00400000u | (2u << 13) | PS | P_RW;
	assert_true(walk(PAGE(1), CR4_PSE, 0, la, &gpa));
	assert_int_equal(gpa, 0x200400000ull + 0x1234);
	mem32(1)[3] = (uint32_t)(PAGE(2) | PS | P_RW);
	assert_true(walk(PAGE(1), 0, 0, la, &gpa));
	assert_int_equal(gpa, PAGE(7) + 0x234);
	mem32(2)[1] = 0;
	assert_false(walk(PAGE(1), 0, 0, la, &gpa));
	/* PAE: PDPT at 0x3020 (32-byte aligned), entry 0 -> PD 4 -> PT 5. */
	mem[3][4] = PAGE(4) | 1;
	mem[4][6] = PAGE(5) | P_RW;
	mem[5][1] = PAGE(8) | P_RW;
	assert_true(walk(0x3020, CR4_PAE, 0, la, &gpa));
	assert_int_equal(gpa, PAGE(8) + 0x234);
	mem[4][6] = 0x600000ull | PS | P_RW;
	assert_true(walk(0x3020, CR4_PAE, 0, la, &gpa));
	assert_int_equal(gpa, 0x600000ull + 0x1234);
	/* The second PDPT entry (la in [1 GiB, 2 GiB)) -> PD 6 -> 2 MiB. */
	mem[3][5] = PAGE(6) | 1;
	mem[6][1] = 0xa00000ull | PS | P_RW;
	assert_true(walk(0x3020, CR4_PAE, 0, 0x40201234ull, &gpa));
	assert_int_equal(gpa, 0xa00000ull + 0x1234);
	mem[3][4] = 0;
	assert_false(walk(0x3020, CR4_PAE, 0, la, &gpa));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_decode),
	    cmocka_unit_test(test_walk_long),
	    cmocka_unit_test(test_walk_legacy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
