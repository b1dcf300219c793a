/*
 * The architectural rules a guest state must keep for the CPU to enter
 * it, whichever vendor (SDM Vol. 3C, 27.3.1; APM Vol. 2, 15.5.1), checked
 * in software after the CPU refused an entry, so that the refusal names
 * the field that was wrong and its value. Pure: a state in, a sentence
 * out.
 */
#ifndef ARCH_X86_GUEST_STATE_CHECK_H
#define ARCH_X86_GUEST_STATE_CHECK_H

#include "lib/compiler.h"

/* Base addresses a CPU requires canonical; a vendor fills those it holds. */
enum guest_state_base {
	GS_BASE_FS,
	GS_BASE_GS,
	GS_BASE_TR,
	GS_BASE_LDTR,
	GS_BASE_GDTR,
	GS_BASE_IDTR,
	GS_BASE_KERNEL_GS,
	GS_BASE_LSTAR,
	GS_BASE_CSTAR,
	GS_BASE_SYSENTER_ESP,
	GS_BASE_SYSENTER_EIP,
	GS_BASES,
};

struct guest_state {
	uint64_t cr0, cr3, cr4, efer, rflags, rip;
	bool cs_l, cs_d;		/* CS attributes */
	uint64_t base[GS_BASES];
	bool has_base[GS_BASES];	/* which of base[] the vendor holds */
	unsigned phys_bits, linear_bits; /* of the CPU */
};

/*
 * The first rule s breaks, as a sentence naming the field and its value
 * (e.g. "FS base 0x100000000000000 is not canonical"), written to buf;
 * false, with buf untouched, when s keeps every rule checked here.
 */
bool guest_state_find_fault(const struct guest_state *s, char *buf,
			    size_t len);

#endif
