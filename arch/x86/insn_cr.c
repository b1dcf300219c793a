/*
 * MOV to CRn is 0F 22 /r, LMSW is 0F 01 /6, CLTS is 0F 06 (SDM Vol. 2,
 * AMD APM Vol. 3). MOV CR ignores ModRM.mod: the operand is always a
 * register. Legacy prefixes change nothing that matters here; LOCK on
 * MOV CR0 names CR8 on AMD; REX.R and REX.B extend the two register
 * fields in 64-bit mode.
 */
#include "arch/x86/insn_cr.h"

static bool insn_is_legacy_prefix(uint8_t b)
{
	switch (b) {
	case 0x26: case 0x2e: case 0x36: case 0x3e: /* segments */
	case 0x64: case 0x65:
	case 0x66: case 0x67: /* operand and address size */
	case 0xf0: case 0xf2: case 0xf3: /* LOCK, REPNE, REP */
		return true;
	default:
		return false;
	}
}

bool insn_decode_cr_write(const uint8_t *b, size_t n, bool long64,
			  struct insn_cr *out)
{
	size_t i = 0;
	bool lock = false;
	uint8_t rex = 0, modrm;

	n = MIN(n, (size_t)INSN_MAX_LEN);
	while (i < n && insn_is_legacy_prefix(b[i]))
		lock |= b[i++] == 0xf0;
	if (long64 && i < n && (b[i] & 0xf0) == 0x40)
		rex = b[i++];
	if (i + 2 > n || b[i] != 0x0f)
		return false;
	if (b[i + 1] == 0x06) {
		*out = (struct insn_cr){.kind = INSN_CR_CLTS,
					.len = (unsigned)(i + 2)};
		return true;
	}
	if (i + 3 > n)
		return false;
	modrm = b[i + 2];
	if (b[i + 1] == 0x22) {
		unsigned cr = ((modrm >> 3) & 7) | ((rex & 4) ? 8 : 0);

		if (lock && cr == 0)
			cr = 8;
		*out = (struct insn_cr){
		    .kind = INSN_CR_MOV,
		    .cr = cr,
		    .gpr = (modrm & 7) | ((rex & 1) ? 8 : 0),
		    .len = (unsigned)(i + 3),
		};
		return true;
	}
	if (b[i + 1] == 0x01 && ((modrm >> 3) & 7) == 6 && (modrm >> 6) == 3) {
		*out = (struct insn_cr){
		    .kind = INSN_CR_LMSW_REG,
		    .gpr = (modrm & 7) | ((rex & 1) ? 8 : 0),
		    .len = (unsigned)(i + 3),
		};
		return true;
	}
	return false;
}
