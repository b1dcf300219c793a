/*
 * The Intel VMX backend's own interface between its files in
 * arch/x86/vmx/: cpu.c (VMX on and off per CPU), vcpu.c (the vCPU and
 * struct virt_backend), exit.c (exit decoding and the exits the backend
 * completes itself), entry.asm (the world switch), probe.c (what the CPU
 * offers) and controls.c (the capability arithmetic). Nothing outside
 * arch/x86/vmx/ includes it.
 */
#ifndef ARCH_X86_VMX_VMX_H
#define ARCH_X86_VMX_VMX_H

#include "arch/x86/vmx/controls.h"
#include "arch/x86/vmx/vmcs.h"
#include "arch/x86/virt.h"

/* One vCPU: its VMCS and bitmaps, pinned to the CPU it was made on. */
struct vcpu_hw {
	uint64_t vmcs_pa;
	uint64_t io_bitmap_pa;	/* A and B, two pages, every port exits */
	uint64_t msr_bitmap_pa; /* see vmx_msr_bitmap_init() */
	unsigned cpu;
	unsigned vcpu_id;
	uint16_t vpid;	       /* 0 when the CPU has no usable VPID */
	uint64_t eptp;
	bool launched;	       /* VMLAUNCH done: next entry is VMRESUME */
	bool flush_requested;  /* atomic: consumed by the next entry */
	bool started;	       /* entry_regs were handed to the guest */
	bool invept_single, invvpid_single;
	uint32_t inject;       /* entry interruption info hv/ queued */
	uint32_t inject_error;
	uint32_t inject_len;   /* its instruction length (INT1 only) */
	uint32_t reinject;     /* IDT-vectoring info of an interrupted delivery */
	uint32_t reinject_error;
	uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	uint64_t guest_cr8;    /* the guest's TPR, never the physical one */
	/* MSRs the guest owns while this vCPU exists (see vcpu.c). */
	uint64_t host_syscall_msrs[5];
	struct vcpu_regs entry_regs;
	/* The last exit, read once by vmx_exit_decode(). */
	uint32_t exit_reason;
	uint64_t exit_qualification;
	uint32_t idt_vectoring_info; /* 0 when the entry failed */
	/* The last VMLAUNCH/VMRESUME failed as an instruction (no exit). */
	bool entry_insn_failed;
	uint32_t entry_insn_error; /* VM-instruction error; 0: VMfailInvalid */
	char entry_fault[128];	   /* why the last entry was refused */
	uint64_t nmi_guest_rip;	   /* where the last NMI took the guest out */
};

/* cpu.c */
bool vmx_cpu_enable(char *err, size_t errsz);
void vmx_cpu_disable(void);
/* The controls computed for the calling CPU by vmx_cpu_enable(). */
const struct vmx_controls *vmx_cpu_controls(void);
/* IA32_VMX_BASIC of the calling CPU (revision ID for the VMCS). */
uint64_t vmx_cpu_basic(void);
void vmx_cpu_cr_fixed(uint64_t *cr0_fixed0, uint64_t *cr0_fixed1,
		      uint64_t *cr4_fixed0, uint64_t *cr4_fixed1);

/* probe.c */
bool vmx_read_cap_msrs(struct vmx_cap_msrs *m);

/* vcpu.c */
bool vmx_vcpu_code_is_64bit(void);
bool vmx_vcpu_skip_instruction(struct vcpu_hw *hw,
			       const struct vcpu_exit *exit);
void vmx_vcpu_inject_exception(struct vcpu_hw *hw, uint8_t vector,
			       bool has_error_code, uint32_t error_code);

/* exit.c */
void vmx_exit_decode(const struct vcpu_hw *hw, const struct vcpu_regs *regs,
		     struct vcpu_exit *exit);
bool vmx_exit_handle_in_backend(struct vcpu_hw *hw, struct vcpu_regs *regs,
				const struct vcpu_exit *exit);
const char *vmx_exit_entry_failure(struct vcpu_hw *hw);
const char *vmx_instruction_error_text(uint32_t error);

/*
 * entry.asm: one world switch. Writes HOST_RSP, loads regs, runs the
 * guest with VMLAUNCH (launched false) or VMRESUME, and on the VM exit
 * stores the guest's registers back to regs. Returns VMX_RUN_EXITED after
 * a VM exit (host RFLAGS.IF = 0, a host interrupt that made the guest
 * exit is still pending in the local APIC), or the instruction's failure.
 */
enum vmx_run_result {
	VMX_RUN_EXITED = 0,
	VMX_RUN_FAIL_INVALID = 1, /* VMfailInvalid: no current VMCS */
	VMX_RUN_FAIL_VALID = 2,	  /* VMfailValid: see VM-instruction error */
};
int vmx_vmrun(struct vcpu_regs *regs, bool launched);
/* Where a VM exit lands (HOST_RIP); not callable. */
void vmx_vmexit(void);

/*
 * The VMX instructions. Each returns true on success; VMfailValid and
 * VMfailInvalid (CF or ZF set) are false.
 */
static inline bool vmx_vmxon(uint64_t pa)
{
	bool fail;

	__asm__ volatile("vmxon %1\n\tsetna %0"
			 : "=q"(fail)
			 : "m"(pa)
			 : "cc", "memory");
	return !fail;
}

static inline void vmx_vmxoff(void)
{
	__asm__ volatile("vmxoff" ::: "cc", "memory");
}

static inline bool vmx_vmclear(uint64_t pa)
{
	bool fail;

	__asm__ volatile("vmclear %1\n\tsetna %0"
			 : "=q"(fail)
			 : "m"(pa)
			 : "cc", "memory");
	return !fail;
}

static inline bool vmx_vmptrld(uint64_t pa)
{
	bool fail;

	__asm__ volatile("vmptrld %1\n\tsetna %0"
			 : "=q"(fail)
			 : "m"(pa)
			 : "cc", "memory");
	return !fail;
}

/* A field of the current VMCS; 0 if it cannot be read. */
static inline uint64_t vmx_vmcs_read(uint32_t field)
{
	uint64_t value = 0;
	bool fail;

	__asm__ volatile("vmread %2, %1\n\tsetna %0"
			 : "=q"(fail), "=r"(value)
			 : "r"((uint64_t)field)
			 : "cc");
	return fail ? 0 : value;
}

static inline bool vmx_vmcs_write(uint32_t field, uint64_t value)
{
	bool fail;

	__asm__ volatile("vmwrite %2, %1\n\tsetna %0"
			 : "=q"(fail)
			 : "r"((uint64_t)field), "rm"(value)
			 : "cc");
	return !fail;
}

static inline bool vmx_invept(uint64_t type, uint64_t eptp)
{
	struct {
		uint64_t eptp, reserved;
	} desc = {eptp, 0};
	bool fail;

	__asm__ volatile("invept %1, %2\n\tsetna %0"
			 : "=q"(fail)
			 : "m"(desc), "r"(type)
			 : "cc", "memory");
	return !fail;
}

static inline bool vmx_invvpid(uint64_t type, uint16_t vpid)
{
	struct {
		uint64_t vpid, linear;
	} desc = {vpid, 0};
	bool fail;

	__asm__ volatile("invvpid %1, %2\n\tsetna %0"
			 : "=q"(fail)
			 : "m"(desc), "r"(type)
			 : "cc", "memory");
	return !fail;
}

#endif
