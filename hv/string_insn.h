/*
 * INS and OUTS as the CPU executes them, apart from the port and from how
 * guest memory is reached: which bytes of rCX, rSI and rDI count, where
 * each element lies, how the registers move. Pure code, tested on the
 * host (tests/unit/test_string_insn.c); hv/io_string.c drives it.
 */
#ifndef HV_STRING_INSN_H
#define HV_STRING_INSN_H

#include "arch/x86/vcpu_exit.h"

#define STRING_INSN_MAX_LEN 15 /* the longest x86 instruction */

/* What the bytes of an INS or OUTS say beyond the exit's own report. */
struct string_insn_prefixes {
	uint8_t addr_size; /* 2, 4 or 8 bytes */
	uint8_t seg;       /* enum vcpu_seg of a segment override, or
			    * VCPU_SEG_UNKNOWN without one */
	bool rep;          /* F2 or F3 */
};

/*
 * Decodes insn[0..len), the whole instruction, as code of code_bits (16,
 * 32, 64) runs it: legacy prefixes in any order (the last segment
 * override wins), REX in 64-bit code, then INS or OUTS (6C-6F) as the
 * last byte. False when the bytes are not such an instruction.
 */
bool string_insn_decode(const uint8_t *insn, unsigned len, unsigned code_bits,
			struct string_insn_prefixes *out);

/* One INS or OUTS, as decoded. */
struct string_insn {
	bool in;           /* INS: writes ES:rDI; OUTS: reads seg:rSI */
	bool rep;
	bool down;         /* EFLAGS.DF: the index walks down */
	uint8_t size;      /* element: 1, 2 or 4 bytes */
	uint8_t addr_size; /* 2, 4 or 8: the part of rCX/rSI/rDI used */
	bool linear_64;    /* 64-bit code: linear addresses keep 64 bits;
			    * otherwise they wrap at 4 GiB */
	uint64_t seg_base; /* of the memory operand's segment */
};

/* The elements insn has to run: rCX (its addr_size part) with REP, else 1. */
uint64_t string_insn_count(const struct string_insn *insn,
			   const struct vcpu_regs *regs);

/*
 * One piece of an element in guest memory at a linear address (INS
 * writes it, OUTS reads it); false when it cannot be reached, which ends
 * the instruction there.
 */
typedef bool (*string_insn_access_fn)(void *ctx, uint64_t linear,
				      unsigned len);

enum string_insn_result {
	STRING_INSN_DONE,  /* complete: the guest moves past it */
	STRING_INSN_MORE,  /* rCX is not 0 yet: the guest runs it again */
	STRING_INSN_FAULT, /* an access failed */
};

/*
 * Runs at most max_elems (at least 1) elements of insn on regs, calling
 * access for each (twice for one that wraps at 4 GiB), and updates rCX
 * and the index register for every element done, as the CPU does: a
 * 16-bit part is merged into the register, a 32-bit part zero-extends it,
 * and the part wraps within its width. With REP and a count of 0 nothing
 * is accessed or written.
 */
enum string_insn_result string_insn_run(const struct string_insn *insn,
					struct vcpu_regs *regs,
					uint64_t max_elems,
					string_insn_access_fn access,
					void *ctx);

#endif
