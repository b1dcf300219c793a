/*
 * The AMD SVM backend's own interface between its files in arch/x86/svm/:
 * cpu.c (SVM on and off per CPU), vcpu.c (the vCPU and struct
 * virt_backend), exit.c (exit decoding and the exits the backend completes
 * itself), entry.asm (the world switch) and probe.c (what the CPU offers).
 * Nothing outside arch/x86/svm/ includes it.
 */
#ifndef ARCH_X86_SVM_SVM_H
#define ARCH_X86_SVM_SVM_H

#include "arch/x86/svm/vmcb.h"
#include "arch/x86/virt.h"

/* One vCPU: its VMCB and permission maps, pinned to the CPU it was made on. */
struct vcpu_hw {
	struct vmcb *vmcb;
	uint64_t vmcb_pa;
	uint64_t iopm_pa;	/* SVM_IOPM_SIZE, every port intercepted */
	uint64_t msrpm_pa;	/* SVM_MSRPM_SIZE, see svm_msrpm_init() */
	uint64_t host_state_pa; /* this CPU's VMSAVE area for host state */
	unsigned cpu;
	unsigned vcpu_id;
	bool nrip_save;	       /* the CPU fills vmcb->control.nrip */
	uint8_t flush_command; /* TLB_CONTROL_* for a requested flush */
	bool flush_requested;  /* atomic: consumed by the next VMRUN */
	bool started;	       /* entry_regs were handed to the guest */
	uint64_t inject;       /* EVENTINJ queued by vcpu_inject_exception */
	uint64_t reinject;     /* EXITINTINFO of an interrupted delivery */
	uint64_t injected;     /* EVENTINJ of the last VMRUN */
	struct vcpu_regs entry_regs;
	bool decode_assists;   /* EXITINFO1 names a MOV CR's register */
	unsigned linear_bits;  /* of this CPU: what WRMSR takes as canonical */
	bool lme_held;	       /* the guest's EFER.LME, kept out (efer.c) */
	char entry_fault[128]; /* why the last entry was refused */
	bool (*read_guest)(void *guest_mem, uint64_t gpa, void *buf,
			   size_t len);
	void *guest_mem;
};

/* cpu.c */
bool svm_cpu_enable(char *err, size_t errsz);
void svm_cpu_disable(void);
/* The calling CPU's host-state page for VMSAVE/VMLOAD; 0 if SVM is off. */
uint64_t svm_cpu_host_state_pa(void);

/* vcpu.c */
bool svm_vcpu_skip_instruction(struct vcpu_hw *hw,
			       const struct vcpu_exit *exit);
void svm_vcpu_inject_exception(struct vcpu_hw *hw, uint8_t vector,
			       bool has_error_code, uint32_t error_code);

/* exit.c */
void svm_exit_decode(const struct vcpu_hw *hw, const struct vcpu_regs *regs,
		     struct vcpu_exit *exit);
bool svm_exit_handle_in_backend(struct vcpu_hw *hw, struct vcpu_regs *regs,
				const struct vcpu_exit *exit);
const char *svm_exit_entry_failure(struct vcpu_hw *hw);
void svm_exit_set_edx_eax(struct vcpu_regs *regs, uint64_t value);

/* efer.c */
uint64_t svm_efer_guest(const struct vcpu_hw *hw);
void svm_exit_efer(struct vcpu_hw *hw, struct vcpu_regs *regs,
		   const struct vcpu_exit *exit);
bool svm_exit_cr0_write(struct vcpu_hw *hw, struct vcpu_regs *regs,
			const struct vcpu_exit *exit);

/*
 * entry.asm: one world switch. With GIF clear it saves the host's
 * VMSAVE state to host_state_pa, loads the guest's with VMLOAD, loads
 * regs (all but RAX, which VMRUN takes from the VMCB), runs the guest
 * until #VMEXIT, stores its registers back to regs, VMSAVEs the guest and
 * VMLOADs the host again. Host interrupts are enabled (RFLAGS.IF = 1)
 * only while GIF is clear, so that they make the guest exit; it returns
 * with RFLAGS.IF = 0 and GIF = 1, and a host interrupt that made the
 * guest exit is still pending.
 */
void svm_vmrun(uint64_t vmcb_pa, uint64_t host_state_pa,
	       struct vcpu_regs *regs);

#endif
