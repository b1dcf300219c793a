/* INS and OUTS by the book (SDM Vol. 2B, INS/INSB/INSW/INSD, OUTS). */
#include "hv/string_insn.h"

#define PREFIX_OPERAND_SIZE 0x66
#define PREFIX_ADDRESS_SIZE 0x67
#define PREFIX_LOCK	    0xf0
#define PREFIX_REPNE	    0xf2
#define PREFIX_REP	    0xf3
#define OPCODE_INSB	    0x6c
#define OPCODE_OUTSD	    0x6f

static uint8_t string_insn_override(uint8_t byte)
{
	switch (byte) {
	case 0x26:
		return VCPU_SEG_ES;
	case 0x2e:
		return VCPU_SEG_CS;
	case 0x36:
		return VCPU_SEG_SS;
	case 0x3e:
		return VCPU_SEG_DS;
	case 0x64:
		return VCPU_SEG_FS;
	case 0x65:
		return VCPU_SEG_GS;
	default:
		return VCPU_SEG_UNKNOWN;
	}
}

/* 0x67 picks the other address size: 16 <-> 32, and 32 in 64-bit code. */
static uint8_t string_insn_addr_size(unsigned code_bits, bool prefix_67)
{
	if (code_bits == 64)
		return prefix_67 ? 4 : 8;
	if (code_bits == 32)
		return prefix_67 ? 2 : 4;
	return prefix_67 ? 4 : 2;
}

bool string_insn_decode(const uint8_t *insn, unsigned len, unsigned code_bits,
			struct string_insn_prefixes *out)
{
	bool prefix_67 = false;

	out->seg = VCPU_SEG_UNKNOWN;
	out->rep = false;
	for (unsigned i = 0; i < len && i < STRING_INSN_MAX_LEN; i++) {
		uint8_t b = insn[i];
		uint8_t seg = string_insn_override(b);

		if (seg != VCPU_SEG_UNKNOWN) {
			out->seg = seg;
		} else if (b == PREFIX_ADDRESS_SIZE) {
			prefix_67 = true;
		} else if (b == PREFIX_REP || b == PREFIX_REPNE) {
			out->rep = true;
		} else if (b >= OPCODE_INSB && b <= OPCODE_OUTSD) {
			out->addr_size = string_insn_addr_size(code_bits,
							       prefix_67);
			return i + 1 == len;
		} else if (b != PREFIX_OPERAND_SIZE && b != PREFIX_LOCK &&
			   !(code_bits == 64 && (b & 0xf0) == 0x40)) {
			return false; /* neither a prefix nor INS/OUTS */
		}
	}
	return false;
}

static uint64_t string_insn_mask(uint8_t addr_size)
{
	return addr_size >= 8 ? ~0ull : (1ull << (8 * addr_size)) - 1;
}

uint64_t string_insn_count(const struct string_insn *insn,
			   const struct vcpu_regs *regs)
{
	return insn->rep ? regs->rcx & string_insn_mask(insn->addr_size) : 1;
}

/* Writes the addr_size part of *reg as the CPU writes a register of it. */
static void string_insn_set(uint64_t *reg, uint64_t value, uint8_t addr_size)
{
	if (addr_size == 2)
		*reg = (*reg & ~0xffffull) | (value & 0xffff);
	else if (addr_size == 4)
		*reg = (uint32_t)value;
	else
		*reg = value;
}

/* One element at linear; outside 64-bit code it wraps at 4 GiB. */
static bool string_insn_access(const struct string_insn *insn, uint64_t linear,
			       string_insn_access_fn access, void *ctx)
{
	uint64_t below_4g;

	if (insn->linear_64)
		return access(ctx, linear, insn->size);
	linear = (uint32_t)linear;
	below_4g = (1ull << 32) - linear;
	if (below_4g >= insn->size)
		return access(ctx, linear, insn->size);
	return access(ctx, linear, (unsigned)below_4g) &&
	       access(ctx, 0, insn->size - (unsigned)below_4g);
}

enum string_insn_result string_insn_run(const struct string_insn *insn,
					struct vcpu_regs *regs,
					uint64_t max_elems,
					string_insn_access_fn access,
					void *ctx)
{
	uint64_t mask = string_insn_mask(insn->addr_size);
	uint64_t *index = insn->in ? &regs->rdi : &regs->rsi;
	uint64_t count = string_insn_count(insn, regs);
	uint64_t step = insn->down ? -(uint64_t)insn->size : insn->size;
	uint64_t offset = *index & mask;
	uint64_t done = 0;
	bool ok = true;

	while (done < count && done < MAX(max_elems, 1)) {
		ok = string_insn_access(insn, insn->seg_base + offset, access,
					ctx);
		if (!ok)
			break;
		offset = (offset + step) & mask;
		done++;
	}
	if (done) {
		string_insn_set(index, offset, insn->addr_size);
		if (insn->rep)
			string_insn_set(&regs->rcx, count - done,
					insn->addr_size);
	}
	if (!ok)
		return STRING_INSN_FAULT;
	return done == count ? STRING_INSN_DONE : STRING_INSN_MORE;
}
