/*
 * The vendor backend interface: one table of functions, chosen at run time
 * from the virtualization probe (svm_backend or vmx_backend). hv/ drives a
 * vCPU only through it.
 */
#ifndef ARCH_X86_VIRT_H
#define ARCH_X86_VIRT_H

#include "arch/x86/vcpu_exit.h"
#include "arch/x86/virt_probe.h"
#include "mm/tdp_format.h"

/* The guest's state at its first entry (docs/guest-abi.md). */
struct vcpu_entry_state {
	uint64_t rip;
	struct vcpu_regs regs;
};

/* What a backend needs to create a vCPU. */
struct vcpu_config {
	unsigned vcpu_id;
	uint64_t tdp_root;  /* physical address of the EPT/NPT root */
	unsigned tdp_levels;
	uint32_t asid;      /* SVM ASID / VMX VPID of the VM, never 0 */
	struct vcpu_entry_state entry;
	/*
	 * selftest=bad-guest-state: make the guest state one the CPU must
	 * refuse at the first entry, so the path that reports a refused
	 * entry and stops the VM is tested on real CPUs.
	 */
	bool break_guest_state;
	/*
	 * Reads guest-physical memory, for what the backend itself must
	 * emulate (the instruction behind an exit that does not describe
	 * it); false when [gpa, gpa + len) is not all RAM.
	 */
	bool (*read_guest)(void *guest_mem, uint64_t gpa, void *buf,
			   size_t len);
	void *guest_mem;
};

/* Backend-private state of one vCPU; hv/ only holds the pointer. */
struct vcpu_hw;

struct virt_backend {
	const char *name; /* "svm" or "vmx" */
	/* The second-level format the MMU core builds for a CPU with caps. */
	const struct tdp_format *(*tdp_format)(const struct virt_caps *caps);
	unsigned hypercall_insn; /* enum hv_hypercall_insn (guest/abi.h) */

	/*
	 * Turns virtualization on for the calling CPU (EFER.SVME and the
	 * host save area / VMXON). False with a reason in err.
	 */
	bool (*cpu_enable)(char *err, size_t errsz);
	void (*cpu_disable)(void);

	/* Creates a vCPU on the calling CPU; NULL with a reason in err. */
	struct vcpu_hw *(*vcpu_create)(const struct vcpu_config *cfg, char *err,
				       size_t errsz);
	void (*vcpu_destroy)(struct vcpu_hw *hw);

	/*
	 * Runs the guest until its next exit, which it describes in exit.
	 * regs are loaded before and saved after. Called with interrupts
	 * off; a host interrupt that arrives in the guest makes it exit with
	 * VCPU_EXIT_INTERRUPT and is taken once the caller enables them.
	 * An NMI that arrives in the guest also ends in VCPU_EXIT_INTERRUPT,
	 * and the host's NMI handler must still see it (kicks and the fatal
	 * stop rely on it): SVM holds it with GIF = 0 until STGI; a backend
	 * whose exit consumes the NMI (VMX) delivers it to the host itself.
	 * If a flush was requested, the guest's TLB entries (of this VM's
	 * ASID/VPID and EPT/NPT root) are gone before the guest runs again.
	 */
	void (*vcpu_run)(struct vcpu_hw *hw, struct vcpu_regs *regs,
			 struct vcpu_exit *exit);
	void (*vcpu_request_flush)(struct vcpu_hw *hw);

	/*
	 * Moves RIP past the exiting instruction (NRIP or the known length).
	 * False, RIP unchanged, when its length cannot be known.
	 */
	bool (*vcpu_skip_instruction)(struct vcpu_hw *hw,
				      const struct vcpu_exit *exit);
	/* Queues a hardware exception for the next entry. */
	void (*vcpu_inject_exception)(struct vcpu_hw *hw, uint8_t vector,
				      bool has_error_code, uint32_t error_code);
	/*
	 * Queues the exception a VCPU_EXIT_EXCEPTION exit intercepted for
	 * delivery to the guest, with the side effects the CPU's own
	 * delivery would have had (DR6, DR7.GD for #DB). Only for the exit
	 * just returned by vcpu_run.
	 */
	void (*vcpu_reflect_exception)(struct vcpu_hw *hw,
				       const struct vcpu_exit *exit);
};

extern const struct virt_backend svm_backend;
extern const struct virt_backend vmx_backend;

/*
 * The backend for a virtualization kind (enum virt_kind of
 * arch/x86/virt_probe.h), or NULL when this build has none for it.
 */
const struct virt_backend *virt_backend_for(unsigned kind);

#endif
