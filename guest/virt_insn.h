/*
 * The virtualization instructions of each vendor, as probes the trap
 * catcher can run: a guest of this hypervisor must see each raise #UD, as
 * on a CPU without them (docs/guest-abi.md, "Virtualization instructions").
 */
#ifndef GUEST_VIRT_INSN_H
#define GUEST_VIRT_INSN_H

#include "guest/trap.h"

struct virt_insn {
	const char *name;      /* the mnemonic */
	void (*probe)(void);   /* the instruction at its first byte, then RET */
	struct trap_regs regs; /* its operands, aimed at a buffer of its own */
};

struct virt_insn_set {
	const char *vendor; /* "VMX" or "SVM" */
	const struct virt_insn *insns;
	uint32_t count;
};

/*
 * The instructions of the vendor whose hypercall instruction is
 * hypercall_insn (enum hv_hypercall_insn): VMX for VMCALL, SVM for VMMCALL.
 */
const struct virt_insn_set *virt_insn_set_of(uint32_t hypercall_insn);

/*
 * Runs every instruction of set under the trap catcher and prints what
 * each did, then how many raised #UD. True only if every one raised #UD
 * at its own first byte. Leaves IDTR.limit = 0 behind.
 */
bool virt_insn_check_ud(const struct virt_insn_set *set);

/* Runs insn with nothing to catch what it raises. */
void virt_insn_exec(const struct virt_insn *insn);

#endif
