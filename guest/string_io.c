/*
 * string-io: INS and OUTS, with and without REP, every size, both
 * directions, against a port the hypervisor does not own, where reads
 * return all ones and writes vanish (docs/guest-abi.md, "What stops a VM").
 * Each case checks what the CPU would leave behind: the bytes written
 * (exactly those: the guard bytes around them keep their pattern), rCX,
 * rSI and rDI, including their untouched upper halves under a 16-bit
 * address size, where the index registers wrap at 64 KiB.
 *
 * Every vCPU runs the cases in its own private region; vCPU 0 also runs
 * the 16-bit address-size cases, which reach the low 64 KiB of RAM.
 */
#include "guest/console.h"
#include "guest/guest.h"

#define SIO_PORT	 0x80 /* owned by nobody: all ones, writes dropped */
#define SIO_GUARD	 64   /* bytes checked on each side of a buffer */
#define SIO_AREA_OFFSET	 4096 /* the buffer, from the private region's start */
#define SIO_AREA_MAX	 (4 * 4096) /* the most a case may touch */
#define SIO_GUARD_BYTE	 0x5a
#define SIO_ECX_UNUSED	 0x0badf00du /* rCX of a non-REP case: must stay */
#define SIO_INDEX_UNUSED 0x13579bdfu /* the index register a case does not use */
#define SIO_REPORTS	 8	     /* mismatches printed per vCPU */

struct sio_regs {
	uint32_t ecx, esi, edi;
};

typedef void (*sio_op_fn)(struct sio_regs *r, uint32_t down);

/*
 * One string instruction with ECX, ESI, EDI from r and DX = SIO_PORT,
 * EFLAGS.DF = down; r gets the registers it leaves. DF is clear again
 * afterwards, as the C code expects.
 */
#define SIO_OP(name, insn)                                                     \
	static void name(struct sio_regs *r, uint32_t down)                    \
	{                                                                      \
		asm volatile("test %[down], %[down]\n\t"                       \
			     "jz 1f\n\t"                                       \
			     "std\n"                                           \
			     "1:\n\t" insn "\n\t"                              \
			     "cld"                                             \
			     : "+c"(r->ecx), "+S"(r->esi), "+D"(r->edi)        \
			     : "d"(SIO_PORT), [down] "r"(down)                 \
			     : "memory", "cc");                                \
	}

SIO_OP(sio_rep_insb, "rep insb")
SIO_OP(sio_rep_insw, "rep insw")
SIO_OP(sio_rep_insd, "rep insl")
SIO_OP(sio_insb, "insb")
SIO_OP(sio_insw, "insw")
SIO_OP(sio_insd, "insl")
SIO_OP(sio_rep_outsb, "rep outsb")
SIO_OP(sio_rep_outsw, "rep outsw")
SIO_OP(sio_rep_outsd, "rep outsl")
SIO_OP(sio_outsb, "outsb")
SIO_OP(sio_outsd, "outsl")
/* A segment override (FS, base 0 like DS) before the REP prefix. */
SIO_OP(sio_fs_rep_outsd, ".byte 0x64, 0xf3, 0x6f")
/* Address size 16 (0x67 in 32-bit code), the prefixes in any order;
 * 0x66 makes 6D the word form. */
SIO_OP(sio_a16_rep_insb, ".byte 0x67, 0xf3, 0x6c")
SIO_OP(sio_a16_rep_insw, ".byte 0xf3, 0x67, 0x66, 0x6d")
SIO_OP(sio_a16_rep_outsb, ".byte 0x67, 0xf3, 0x6e")

struct sio_case {
	const char *name;
	sio_op_fn op;
	uint8_t size;
	bool in, rep, down;
	uint32_t count; /* rCX for REP; 1 otherwise */
};

static const struct sio_case sio_cases[] = {
    {"rep insb", sio_rep_insb, 1, true, true, false, 37},
    {"rep insw", sio_rep_insw, 2, true, true, false, 19},
    {"rep insd", sio_rep_insd, 4, true, true, false, 11},
    {"rep insb DF=1", sio_rep_insb, 1, true, true, true, 29},
    {"rep insw DF=1", sio_rep_insw, 2, true, true, true, 23},
    {"rep insd DF=1", sio_rep_insd, 4, true, true, true, 13},
    /* More than one page, more than the hypervisor does per exit. */
    {"rep insb 12411", sio_rep_insb, 1, true, true, false, 3 * 4096 + 123},
    {"rep insd 2100 DF=1", sio_rep_insd, 4, true, true, true, 2100},
    {"rep insb ECX=0", sio_rep_insb, 1, true, true, false, 0},
    {"rep insd ECX=0 DF=1", sio_rep_insd, 4, true, true, true, 0},
    {"insb", sio_insb, 1, true, false, false, 1},
    {"insw", sio_insw, 2, true, false, false, 1},
    {"insd", sio_insd, 4, true, false, false, 1},
    {"insw DF=1", sio_insw, 2, true, false, true, 1},
    {"rep outsb", sio_rep_outsb, 1, false, true, false, 41},
    {"rep outsw DF=1", sio_rep_outsw, 2, false, true, true, 17},
    {"rep outsd 3000", sio_rep_outsd, 4, false, true, false, 3000},
    {"fs rep outsd", sio_fs_rep_outsd, 4, false, true, false, 9},
    {"rep outsw ECX=0", sio_rep_outsw, 2, false, true, false, 0},
    {"outsb", sio_outsb, 1, false, false, false, 1},
    {"outsd DF=1", sio_outsd, 4, false, false, true, 1},
};

/* Byte access by address; the low cases touch address 0 on purpose. */
static uint8_t sio_peek(uint32_t addr)
{
	uint8_t v;

	asm volatile("movb (%1), %0" : "=q"(v) : "r"(addr) : "memory");
	return v;
}

static void sio_poke(uint32_t addr, uint8_t v)
{
	asm volatile("movb %0, (%1)" : : "q"(v), "r"(addr) : "memory");
}

/* The pattern a byte holds before a case: OUTS must leave it too. */
static uint8_t sio_pattern(uint32_t addr)
{
	uint8_t v = (uint8_t)(addr * 7 + 3);

	return v == 0xff ? SIO_GUARD_BYTE : v;
}

static void sio_mismatch(struct guest_ctx *ctx, const char *name,
			 const char *what, uint32_t got, uint32_t want)
{
	if (ctx->errors++ < SIO_REPORTS)
		guest_printf("string-io: %s: %s is %#x, expected %#x", name,
			     what, got, want);
}

static void sio_expect(struct guest_ctx *ctx, const char *name,
		       const char *what, uint32_t got, uint32_t want)
{
	if (got != want)
		sio_mismatch(ctx, name, what, got, want);
}

/* Puts the pattern into the len bytes from first. */
static void sio_fill(uint32_t first, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		sio_poke(first + i, sio_pattern(first + i));
}

/*
 * Checks the len bytes from first: all ones in the ones_len bytes from
 * ones_lo, the pattern everywhere else.
 */
static void sio_check_bytes(struct guest_ctx *ctx, const char *name,
			    uint32_t first, uint32_t len, uint32_t ones_lo,
			    uint32_t ones_len)
{
	for (uint32_t i = 0; i < len; i++) {
		uint32_t a = first + i;
		bool ones = a - ones_lo < ones_len;
		uint8_t want = ones ? 0xff : sio_pattern(a);
		uint8_t got = sio_peek(a);

		if (got != want) {
			if (ctx->errors++ < SIO_REPORTS)
				guest_printf("string-io: %s: byte at %#x is "
					     "%#x, expected %#x",
					     name, a, got, want);
		}
	}
}

/* One case of the table in this vCPU's buffer at buf. */
static void sio_run_case(struct guest_ctx *ctx, const struct sio_case *c,
			 uint32_t buf)
{
	uint32_t n = c->rep ? c->count : 1;
	uint32_t bytes = n * c->size;
	uint32_t start = c->down && n ? buf + (n - 1) * c->size : buf;
	uint32_t end = c->down ? start - bytes : start + bytes;
	struct sio_regs r = {
	    .ecx = c->rep ? c->count : SIO_ECX_UNUSED,
	    .esi = c->in ? SIO_INDEX_UNUSED : start,
	    .edi = c->in ? start : SIO_INDEX_UNUSED,
	};

	sio_fill(buf - SIO_GUARD, bytes + 2 * SIO_GUARD);
	c->op(&r, c->down);
	sio_expect(ctx, c->name, "ECX", r.ecx, c->rep ? 0 : SIO_ECX_UNUSED);
	sio_expect(ctx, c->name, "ESI", r.esi, c->in ? SIO_INDEX_UNUSED : end);
	sio_expect(ctx, c->name, "EDI", r.edi, c->in ? end : SIO_INDEX_UNUSED);
	sio_check_bytes(ctx, c->name, buf - SIO_GUARD, bytes + 2 * SIO_GUARD,
			buf, c->in ? bytes : 0);
}

/*
 * Address size 16 in 32-bit code: CX, SI and DI count, wrap at 64 KiB
 * and leave the upper halves of ECX, ESI and EDI alone; the linear
 * address is DS/ES base (0) + the 16-bit offset.
 */
static void sio_run_addr16(struct guest_ctx *ctx)
{
	struct sio_regs r;

	/* 16 bytes at 0x800; ECX's upper half is not the count. */
	sio_fill(0x800 - SIO_GUARD, 16 + 2 * SIO_GUARD);
	r = (struct sio_regs){0xdead0010, SIO_INDEX_UNUSED, 0x5a5a0800};
	sio_a16_rep_insb(&r, 0);
	sio_expect(ctx, "a16 rep insb", "ECX", r.ecx, 0xdead0000);
	sio_expect(ctx, "a16 rep insb", "EDI", r.edi, 0x5a5a0810);
	sio_expect(ctx, "a16 rep insb", "ESI", r.esi, SIO_INDEX_UNUSED);
	sio_check_bytes(ctx, "a16 rep insb", 0x800 - SIO_GUARD,
			16 + 2 * SIO_GUARD, 0x800, 16);

	/* Four words from DI = 0xfffc: two below 64 KiB, two from 0. */
	sio_fill(0xfffc - SIO_GUARD, SIO_GUARD + 4);
	sio_fill(0, 4 + SIO_GUARD);
	sio_fill(0x10000, SIO_GUARD);
	r = (struct sio_regs){0x77770004, SIO_INDEX_UNUSED, 0x1234fffc};
	sio_a16_rep_insw(&r, 0);
	sio_expect(ctx, "a16 rep insw wrap", "ECX", r.ecx, 0x77770000);
	sio_expect(ctx, "a16 rep insw wrap", "EDI", r.edi, 0x12340004);
	sio_check_bytes(ctx, "a16 rep insw wrap", 0xfffc - SIO_GUARD,
			SIO_GUARD + 4, 0xfffc, 4);
	sio_check_bytes(ctx, "a16 rep insw wrap", 0, 4 + SIO_GUARD, 0, 4);
	sio_check_bytes(ctx, "a16 rep insw wrap", 0x10000, SIO_GUARD, 0, 0);

	/* Downwards across 0: DI = 2, 1, 0, then 0xffff is left in DI. */
	sio_fill(0, 3 + SIO_GUARD);
	sio_fill(0x10000 - SIO_GUARD, SIO_GUARD);
	r = (struct sio_regs){0x00010003, SIO_INDEX_UNUSED, 0xabcd0002};
	sio_a16_rep_insb(&r, 1);
	sio_expect(ctx, "a16 rep insb DF=1", "ECX", r.ecx, 0x00010000);
	sio_expect(ctx, "a16 rep insb DF=1", "EDI", r.edi, 0xabcdffff);
	sio_check_bytes(ctx, "a16 rep insb DF=1", 0, 3 + SIO_GUARD, 0, 3);
	sio_check_bytes(ctx, "a16 rep insb DF=1", 0x10000 - SIO_GUARD,
			SIO_GUARD, 0, 0);

	/* OUTS reads SI = 0xfffe, 0xffff, 0, 1 and leaves memory alone. */
	r = (struct sio_regs){0xfeed0004, 0x4321fffe, SIO_INDEX_UNUSED};
	sio_a16_rep_outsb(&r, 0);
	sio_expect(ctx, "a16 rep outsb wrap", "ECX", r.ecx, 0xfeed0000);
	sio_expect(ctx, "a16 rep outsb wrap", "ESI", r.esi, 0x43210002);
	sio_expect(ctx, "a16 rep outsb wrap", "EDI", r.edi, SIO_INDEX_UNUSED);
}

/*
 * REP INSB with paging on (32-bit paging, 4 MiB identity pages but for
 * [12 MiB, 16 MiB), mapped by 4 KiB pages, whose first page is the
 * physical page sio_paged): the bytes must land where the guest's tables
 * say, not at the same physical address.
 */
#define SIO_PAGED_LINEAR (12u << 20)
#define SIO_PAGED_OFFSET 0x100u
#define SIO_PAGED_LEN	 24u

static struct {
	uint32_t pd[1024], pt[1024];
	uint8_t page[4096];
} sio_paged __aligned(4096);

static void sio_run_paging(struct guest_ctx *ctx)
{
	uint32_t linear = SIO_PAGED_LINEAR + SIO_PAGED_OFFSET;
	uint32_t phys = (uintptr_t)sio_paged.page + SIO_PAGED_OFFSET;
	uint32_t count = SIO_PAGED_LEN, dst = linear, cr, i;

	for (i = 0; i < 1024; i++) {
		sio_paged.pd[i] = i << 22 | 0x83; /* 4 MiB, writable */
		sio_paged.pt[i] = (SIO_PAGED_LINEAR + i * 4096) | 3;
	}
	sio_paged.pd[SIO_PAGED_LINEAR >> 22] = (uintptr_t)sio_paged.pt | 3;
	sio_paged.pt[0] = (uintptr_t)sio_paged.page | 3;
	sio_fill(phys - SIO_GUARD, SIO_PAGED_LEN + 2 * SIO_GUARD);
	sio_fill(linear - SIO_GUARD, SIO_PAGED_LEN + 2 * SIO_GUARD);
	asm volatile("mov %%cr4, %0\n\tor $0x10, %0\n\tmov %0, %%cr4\n\t"
		     "mov %1, %%cr3\n\t"
		     "mov %%cr0, %0\n\tor $0x80000000, %0\n\tmov %0, %%cr0"
		     : "=&r"(cr) : "r"(sio_paged.pd) : "memory");
	asm volatile("cld\n\trep insb"
		     : "+c"(count), "+D"(dst) : "d"(SIO_PORT) : "memory");
	asm volatile("mov %%cr0, %0\n\tand $0x7fffffff, %0\n\t"
		     "mov %0, %%cr0\n\tmov %%cr4, %0\n\tand $~0x10, %0\n\t"
		     "mov %0, %%cr4"
		     : "=&r"(cr) : : "memory");
	sio_expect(ctx, "paging", "ECX", count, 0);
	sio_expect(ctx, "paging", "EDI", dst, linear + SIO_PAGED_LEN);
	/* Through the tables: the bytes are in sio_paged.page... */
	sio_check_bytes(ctx, "paging", phys - SIO_GUARD,
			SIO_PAGED_LEN + 2 * SIO_GUARD, phys, SIO_PAGED_LEN);
	/* ...and the page at the same physical address is untouched. */
	sio_check_bytes(ctx, "paging, identity page", linear - SIO_GUARD,
			SIO_PAGED_LEN + 2 * SIO_GUARD, 0, 0);
}

uint32_t test_string_io(struct guest_ctx *ctx)
{
	uint32_t buf = ctx->private_base + SIO_AREA_OFFSET;
	uint32_t errors = ctx->errors;

	if (ctx->private_pages * 4096ull <
	    SIO_AREA_OFFSET + SIO_AREA_MAX + SIO_GUARD) {
		guest_printf("string-io: the private region is too small");
		return GUEST_FAIL_LAYOUT;
	}
	for (uint32_t i = 0; i < ARRAY_SIZE(sio_cases); i++)
		sio_run_case(ctx, &sio_cases[i], buf);
	if (ctx->vcpu != 0)
		return GUEST_PASS;
	sio_run_addr16(ctx);
	sio_run_paging(ctx);
	guest_printf("string-io: %u cases, 4 with a 16-bit address size and "
		     "1 with paging on, %u mismatches",
		     (unsigned)ARRAY_SIZE(sio_cases), ctx->errors - errors);
	return GUEST_PASS;
}
