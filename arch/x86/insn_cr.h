/*
 * Decoding of the instructions that write CR0 (MOV to CR0, LMSW, CLTS),
 * for a CR0-write exit that does not say which register the value came
 * from (SVM without decode assists). Pure: bytes in, meaning out.
 */
#ifndef ARCH_X86_INSN_CR_H
#define ARCH_X86_INSN_CR_H

#include "lib/compiler.h"

#define INSN_MAX_LEN 15

enum insn_cr_kind {
	INSN_CR_MOV,	  /* MOV CRn, reg: the value is the register */
	INSN_CR_LMSW_REG, /* LMSW reg: bits 3:0 of the register */
	INSN_CR_CLTS,	  /* CLTS: CR0.TS cleared */
};

struct insn_cr {
	enum insn_cr_kind kind;
	unsigned cr;  /* INSN_CR_MOV: the control register written */
	unsigned gpr; /* INSN_CR_MOV, LMSW_REG: 0 RAX .. 15 R15 */
	unsigned len; /* bytes of the instruction */
};

/*
 * Decodes the instruction at the start of b (n bytes are valid) as code
 * of the given mode (long64: 64-bit mode, where REX prefixes exist).
 * True with *out filled for MOV to CRn, LMSW with a register operand and
 * CLTS; false for anything else, LMSW from memory included, or when the
 * instruction does not fit in n bytes.
 */
bool insn_decode_cr_write(const uint8_t *b, size_t n, bool long64,
			  struct insn_cr *out);

#endif
