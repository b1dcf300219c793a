/*
 * hv/string_insn.c: what the prefixes of INS/OUTS say in 16-, 32- and
 * 64-bit code, and what each run leaves in rCX, rSI and rDI and which
 * guest addresses it touches: REP and not, both directions, every address
 * size with its wrap, rCX = 0, chunks, a failed access, 4 GiB wrap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "hv/string_insn.h"

static bool decode(const char *bytes, unsigned len, unsigned bits,
		   struct string_insn_prefixes *p)
{
	memset(p, 0xcc, sizeof(*p));
	return string_insn_decode((const uint8_t *)bytes, len, bits, p);
}

static void test_decode_address_size(void **state)
{
	struct string_insn_prefixes p;

	(void)state;
	assert_true(decode("\xf3\x6c", 2, 32, &p));
	assert_int_equal(p.addr_size, 4);
	assert_true(p.rep);
	assert_int_equal(p.seg, VCPU_SEG_UNKNOWN);
	assert_true(decode("\x67\xf3\x6c", 3, 32, &p));
	assert_int_equal(p.addr_size, 2);
	assert_true(decode("\xf3\x67\x66\x6d", 4, 32, &p));
	assert_int_equal(p.addr_size, 2);
	assert_true(decode("\x6e", 1, 16, &p));
	assert_int_equal(p.addr_size, 2);
	assert_false(p.rep);
	assert_true(decode("\x67\x6e", 2, 16, &p));
	assert_int_equal(p.addr_size, 4);
	assert_true(decode("\xf3\x48\x6d", 3, 64, &p));
	assert_int_equal(p.addr_size, 8);
	assert_true(decode("\x67\xf3\x6f", 3, 64, &p));
	assert_int_equal(p.addr_size, 4);
}

static void test_decode_segment(void **state)
{
	static const struct {
		const char *bytes;
		uint8_t seg;
	} cases[] = {
	    {"\x26\x6e", VCPU_SEG_ES}, {"\x2e\x6e", VCPU_SEG_CS},
	    {"\x36\x6e", VCPU_SEG_SS}, {"\x3e\x6e", VCPU_SEG_DS},
	    {"\x64\x6e", VCPU_SEG_FS}, {"\x65\x6e", VCPU_SEG_GS},
	};
	struct string_insn_prefixes p;

	(void)state;
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_true(decode(cases[i].bytes, 2, 32, &p));
		assert_int_equal(p.seg, cases[i].seg);
	}
	/* The last override counts; any order of prefixes. */
	assert_true(decode("\x26\xf3\x65\x6f", 4, 32, &p));
	assert_int_equal(p.seg, VCPU_SEG_GS);
	assert_true(p.rep);
}

static void test_decode_rejects(void **state)
{
	struct string_insn_prefixes p;

	(void)state;
	assert_false(decode("", 0, 32, &p));
	assert_false(decode("\xf3", 1, 32, &p));     /* no opcode */
	assert_false(decode("\xf3\x90", 2, 32, &p)); /* not INS/OUTS */
	assert_false(decode("\x6c\x90", 2, 32, &p)); /* longer than INS */
	assert_false(decode("\x0f\x6c", 2, 32, &p));
	assert_false(decode("\x48\x6c", 2, 32, &p)); /* DEC EAX outside 64-bit */
	assert_false(decode("\xf3\xf3\xf3\xf3\xf3\xf3\xf3\xf3\xf3\xf3\xf3"
			    "\xf3\xf3\xf3\xf3\x6c",
			    16, 32, &p)); /* longer than 15 bytes */
}

/* Guest memory as a recorder of what is touched. */
#define MAX_ACCESSES 64

struct recorder {
	unsigned n;
	uint64_t linear[MAX_ACCESSES];
	unsigned len[MAX_ACCESSES];
	unsigned fail_at; /* this access fails; 0: none */
};

static bool record(void *ctx, uint64_t linear, unsigned len)
{
	struct recorder *r = ctx;

	assert_true(r->n < MAX_ACCESSES);
	r->linear[r->n] = linear;
	r->len[r->n] = len;
	return ++r->n != r->fail_at;
}

static const struct string_insn ins32 = {
    .in = true, .rep = true, .size = 1, .addr_size = 4, .seg_base = 0x1000};

static void test_rep_ins_up(void **state)
{
	struct vcpu_regs regs = {.rcx = 0xffffffff00000005ull,
				 .rsi = 0x1111, .rdi = 0x200};
	struct recorder r = {0};

	(void)state;
	assert_int_equal(string_insn_run(&ins32, &regs, 100, record, &r),
			 STRING_INSN_DONE);
	assert_int_equal(r.n, 5);
	for (unsigned i = 0; i < 5; i++) {
		assert_int_equal(r.linear[i], 0x1200 + i);
		assert_int_equal(r.len[i], 1);
	}
	assert_int_equal(regs.rdi, 0x205);
	assert_int_equal(regs.rcx, 0); /* ECX written: RCX zero-extended */
	assert_int_equal(regs.rsi, 0x1111);
}

static void test_rep_outs_down(void **state)
{
	struct string_insn outs = {.rep = true, .down = true, .size = 4,
				   .addr_size = 4, .seg_base = 0x10};
	struct vcpu_regs regs = {.rcx = 3, .rsi = 0x100, .rdi = 0x2222};
	struct recorder r = {0};

	(void)state;
	assert_int_equal(string_insn_run(&outs, &regs, 100, record, &r),
			 STRING_INSN_DONE);
	assert_int_equal(r.n, 3);
	assert_int_equal(r.linear[0], 0x110);
	assert_int_equal(r.linear[1], 0x10c);
	assert_int_equal(r.linear[2], 0x108);
	assert_int_equal(r.len[2], 4);
	assert_int_equal(regs.rsi, 0xf4);
	assert_int_equal(regs.rcx, 0);
	assert_int_equal(regs.rdi, 0x2222);
}

/* 16-bit: CX, DI count and wrap; the upper bits stay. */
static void test_addr16_wraps(void **state)
{
	struct string_insn insw = {.in = true, .rep = true, .size = 2,
				   .addr_size = 2, .seg_base = 0x50000};
	struct vcpu_regs regs = {.rcx = 0xdead0003, .rdi = 0x5a5afffe};
	struct recorder r = {0};

	(void)state;
	assert_int_equal(string_insn_run(&insw, &regs, 100, record, &r),
			 STRING_INSN_DONE);
	assert_int_equal(r.n, 3);
	assert_int_equal(r.linear[0], 0x5fffe);
	assert_int_equal(r.linear[1], 0x50000);
	assert_int_equal(r.linear[2], 0x50002);
	assert_int_equal(regs.rdi, 0x5a5a0004);
	assert_int_equal(regs.rcx, 0xdead0000);

	/* Downwards across 0. */
	insw.down = true;
	insw.size = 1;
	regs = (struct vcpu_regs){.rcx = 0x10002, .rdi = 0xabcd0001};
	r.n = 0;
	assert_int_equal(string_insn_run(&insw, &regs, 100, record, &r),
			 STRING_INSN_DONE);
	assert_int_equal(r.linear[0], 0x50001);
	assert_int_equal(r.linear[1], 0x50000);
	assert_int_equal(regs.rdi, 0xabcdffff);
	assert_int_equal(regs.rcx, 0x10000);
}

/* 32-bit addresses in 64-bit code: ESI wraps, RSI is zero-extended. */
static void test_addr32_in_64bit_code(void **state)
{
	struct string_insn outs = {.rep = true, .size = 2, .addr_size = 4,
				   .linear_64 = true, .seg_base = 1ull << 40};
	struct vcpu_regs regs = {.rcx = 0x7700000002ull,
				 .rsi = 0x12fffffffeull};
	struct recorder r = {0};

	(void)state;
	assert_int_equal(string_insn_run(&outs, &regs, 100, record, &r),
			 STRING_INSN_DONE);
	assert_int_equal(r.linear[0], (1ull << 40) + 0xfffffffe);
	assert_int_equal(r.linear[1], 1ull << 40);
	assert_int_equal(regs.rsi, 2);
	assert_int_equal(regs.rcx, 0);
}

static void test_addr64(void **state)
{
	struct string_insn ins = {.in = true, .rep = true, .size = 4,
				  .addr_size = 8, .linear_64 = true};
	struct vcpu_regs regs = {.rcx = 0x100000001ull, .rdi = 0x100000000ull};
	struct recorder r = {0};

	(void)state;
	assert_int_equal(string_insn_run(&ins, &regs, 1, record, &r),
			 STRING_INSN_MORE);
	assert_int_equal(r.linear[0], 0x100000000ull);
	assert_int_equal(regs.rdi, 0x100000004ull);
	assert_int_equal(regs.rcx, 0x100000000ull);
}

/* REP with a count of 0 touches nothing and writes no register. */
static void test_rep_count_zero(void **state)
{
	struct vcpu_regs regs = {.rcx = 0xffffffff00000000ull,
				 .rdi = 0xffffffff00000200ull};
	struct recorder r = {0};

	(void)state;
	assert_int_equal(string_insn_count(&ins32, &regs), 0);
	assert_int_equal(string_insn_run(&ins32, &regs, 100, record, &r),
			 STRING_INSN_DONE);
	assert_int_equal(r.n, 0);
	assert_int_equal(regs.rcx, 0xffffffff00000000ull);
	assert_int_equal(regs.rdi, 0xffffffff00000200ull);
}

/* Without REP: one element, rCX is not looked at or written. */
static void test_single(void **state)
{
	struct string_insn insd = {.in = true, .size = 4, .addr_size = 4};
	struct vcpu_regs regs = {.rcx = 0, .rdi = 0x300};
	struct recorder r = {0};

	(void)state;
	assert_int_equal(string_insn_count(&insd, &regs), 1);
	assert_int_equal(string_insn_run(&insd, &regs, 100, record, &r),
			 STRING_INSN_DONE);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.len[0], 4);
	assert_int_equal(regs.rdi, 0x304);
	assert_int_equal(regs.rcx, 0);
}

/* A bounded chunk per run; the registers carry the rest. */
static void test_chunks(void **state)
{
	struct vcpu_regs regs = {.rcx = 10, .rdi = 0};
	struct recorder r = {0};

	(void)state;
	assert_int_equal(string_insn_run(&ins32, &regs, 4, record, &r),
			 STRING_INSN_MORE);
	assert_int_equal(regs.rcx, 6);
	assert_int_equal(regs.rdi, 4);
	assert_int_equal(string_insn_run(&ins32, &regs, 4, record, &r),
			 STRING_INSN_MORE);
	assert_int_equal(string_insn_run(&ins32, &regs, 4, record, &r),
			 STRING_INSN_DONE);
	assert_int_equal(r.n, 10);
	assert_int_equal(r.linear[9], 0x1009);
	assert_int_equal(regs.rcx, 0);
	assert_int_equal(regs.rdi, 10);
}

/* A failed access ends the run; the elements before it count. */
static void test_fault(void **state)
{
	struct vcpu_regs regs = {.rcx = 10, .rdi = 0x40};
	struct recorder r = {.fail_at = 3};

	(void)state;
	assert_int_equal(string_insn_run(&ins32, &regs, 100, record, &r),
			 STRING_INSN_FAULT);
	assert_int_equal(r.n, 3);
	assert_int_equal(regs.rcx, 8);
	assert_int_equal(regs.rdi, 0x42);
}

/* Outside 64-bit code an element at the top of 4 GiB wraps to 0. */
static void test_linear_wraps_at_4g(void **state)
{
	struct string_insn ins = {.in = true, .size = 4, .addr_size = 4,
				  .seg_base = 0xfffffff0};
	struct vcpu_regs regs = {.rdi = 0xe};
	struct recorder r = {0};

	(void)state;
	assert_int_equal(string_insn_run(&ins, &regs, 100, record, &r),
			 STRING_INSN_DONE);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.linear[0], 0xfffffffe);
	assert_int_equal(r.len[0], 2);
	assert_int_equal(r.linear[1], 0);
	assert_int_equal(r.len[1], 2);
	/* Base + offset past 4 GiB wraps as a whole. */
	regs.rdi = 0x20;
	r.n = 0;
	string_insn_run(&ins, &regs, 100, record, &r);
	assert_int_equal(r.linear[0], 0x10);
	assert_int_equal(r.len[0], 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_decode_address_size),
	    cmocka_unit_test(test_decode_segment),
	    cmocka_unit_test(test_decode_rejects),
	    cmocka_unit_test(test_rep_ins_up),
	    cmocka_unit_test(test_rep_outs_down),
	    cmocka_unit_test(test_addr16_wraps),
	    cmocka_unit_test(test_addr32_in_64bit_code),
	    cmocka_unit_test(test_addr64),
	    cmocka_unit_test(test_rep_count_zero),
	    cmocka_unit_test(test_single),
	    cmocka_unit_test(test_chunks),
	    cmocka_unit_test(test_fault),
	    cmocka_unit_test(test_linear_wraps_at_4g),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
