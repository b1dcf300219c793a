/*
 * From a VM exit in the VMCS to the one normalized struct vcpu_exit
 * (arch/x86/vcpu_exit.h), and the few exits the backend completes itself
 * because only the backend can: control-register writes that touch the
 * bits VMX fixes (CR0.NE, CR4.VMXE, ...) or CR8, the guest's view of
 * EFER, IA32_FEATURE_CONTROL, and INVD.
 *
 * The contract with hv/ for results is the one of the SVM backend
 * (arch/x86/svm/exit.c): hv/ writes what the instruction would have
 * written into struct vcpu_regs and then calls vcpu_skip_instruction(),
 * or vcpu_inject_exception() without skipping to fault it.
 */
#include "arch/x86/idt.h"
#include "arch/x86/vmx/vmx.h"
#include "arch/x86/guest_state_check.h"
#include "arch/x86/cpu.h"
#include "arch/x86/msr.h"
#include "base/log.h"
#include "lib/string.h"


/* EFER bits a guest may set (SDM Vol. 4, IA32_EFER); LMA is the CPU's. */
#define GUEST_EFER_WRITABLE (EFER_SCE | EFER_LME | EFER_NXE)

static uint32_t vmx_exit_ept_access(uint64_t qual)
{
	if (qual & VMX_EPT_FETCH)
		return VCPU_ACCESS_EXEC;
	if (qual & VMX_EPT_WRITE)
		return VCPU_ACCESS_WRITE;
	return VCPU_ACCESS_READ;
}

/*
 * The guest state hv/ emulates a string instruction from, read from the
 * VMCS: GUEST_CR0 and GUEST_CR4 hold the guest's PG, PAE and paging bits
 * (the fixed bits VMX adds there do not change a translation).
 */
static void vmx_exit_guest_view(struct vcpu_guest_view *g)
{
	uint64_t cs_ar = vmx_vmcs_read(VMCS_GUEST_CS_ACCESS);

	g->rflags = vmx_vmcs_read(VMCS_GUEST_RFLAGS);
	g->cr0 = vmx_vmcs_read(VMCS_GUEST_CR0);
	g->cr3 = vmx_vmcs_read(VMCS_GUEST_CR3);
	g->cr4 = vmx_vmcs_read(VMCS_GUEST_CR4);
	g->efer = vmx_vmcs_read(VMCS_GUEST_IA32_EFER);
	/* The VMCS numbers ES..GS as enum vcpu_seg does, 2 apart. */
	for (unsigned i = 0; i < VCPU_SEGS; i++)
		g->seg_base[i] = vmx_vmcs_read(VMCS_GUEST_ES_BASE + 2 * i);
	if ((g->efer & EFER_LMA) && (cs_ar & VMX_AR_L))
		g->code_bits = 64;
	else
		g->code_bits = cs_ar & VMX_AR_DB ? 32 : 16;
}

/*
 * The address size and the segment of INS/OUTS from the VM-exit
 * instruction information, where IA32_VMX_BASIC bit 54 says the CPU
 * fills it; else both stay unknown and hv/ decodes the prefixes. INS
 * always writes through ES.
 */
static void vmx_exit_decode_string_io(struct vcpu_exit *exit)
{
	static const uint8_t addr_size[8] = {2, 4, 8};

	exit->io.seg = exit->io.in ? VCPU_SEG_ES : VCPU_SEG_UNKNOWN;
	if (vmx_cpu_basic() & VMX_BASIC_INS_OUTS_INFO) {
		uint32_t info = (uint32_t)vmx_vmcs_read(VMCS_EXIT_INSTRUCTION_INFO);

		exit->io.addr_size = addr_size[VMX_INSN_INFO_ADDR_SIZE(info)];
		if (!exit->io.in && VMX_INSN_INFO_SEG(info) < VCPU_SEGS)
			exit->io.seg = (uint8_t)VMX_INSN_INFO_SEG(info);
	}
	vmx_exit_guest_view(&exit->guest);
}

/* A REP prefix on a plain IN/OUT means nothing: only "string" counts. */
static void vmx_exit_decode_io(const struct vcpu_regs *regs, uint64_t qual,
			       struct vcpu_exit *exit)
{
	exit->kind = VCPU_EXIT_IO;
	exit->io.port = (uint16_t)(qual >> VMX_IO_PORT_SHIFT);
	exit->io.in = qual & VMX_IO_IN;
	exit->io.string = qual & VMX_IO_STRING;
	exit->io.size = (uint8_t)((qual & VMX_IO_SIZE_MASK) + 1);
	if (exit->io.string) {
		exit->io.rep = qual & VMX_IO_REP;
		vmx_exit_decode_string_io(exit);
	}
	if (!exit->io.in && !exit->io.string)
		exit->io.value = (uint32_t)regs->rax &
				 (uint32_t)(~0ull >> (64 - 8 * exit->io.size));
}

static void vmx_exit_decode_msr(const struct vcpu_regs *regs, bool write,
				struct vcpu_exit *exit)
{
	exit->kind = VCPU_EXIT_MSR;
	exit->msr.index = (uint32_t)regs->rcx;
	exit->msr.write = write;
	if (write)
		exit->msr.value = (regs->rdx << 32) | (uint32_t)regs->rax;
}

/*
 * An exit for an exception or NMI: an NMI (NMI exiting), which
 * vmx_vcpu_run() has already handed to the host's handler, or a #DB or
 * #AC of the exception bitmap (a #MC never returns here). The
 * interruption information is in raw_info2; the IDT-vectoring
 * information names the exception whose delivery raised this one.
 */
static void vmx_exit_decode_exception(const struct vcpu_hw *hw, uint64_t qual,
				      struct vcpu_exit *exit)
{
	uint32_t info = (uint32_t)exit->raw_info2;
	uint32_t type = info & VMX_INTR_TYPE_MASK;
	uint8_t vector = info & VMX_INTR_VECTOR_MASK;
	uint32_t during = hw->idt_vectoring_info;

	exit->kind = VCPU_EXIT_UNKNOWN;
	if (!(info & VMX_INTR_VALID))
		return;
	if (type == VMX_INTR_TYPE_NMI) {
		exit->kind = VCPU_EXIT_INTERRUPT;
		return;
	}
	if ((type != VMX_INTR_TYPE_HW_EXCEPTION &&
	     type != VMX_INTR_TYPE_PRIV_SOFT_EXCEPTION) ||
	    (vector != VEC_DEBUG && vector != VEC_ALIGNMENT_CHECK))
		return;
	exit->kind = VCPU_EXIT_EXCEPTION;
	exit->exception.vector = vector;
	exit->exception.has_error = info & VMX_INTR_ERROR_CODE_VALID;
	if (exit->exception.has_error)
		exit->exception.error =
		    (uint32_t)vmx_vmcs_read(VMCS_EXIT_INTERRUPTION_ERROR);
	exit->exception.in_delivery =
	    (during & VMX_INTR_VALID) &&
	    (during & VMX_INTR_TYPE_MASK) == VMX_INTR_TYPE_HW_EXCEPTION;
	exit->exception.delivering = during & VMX_INTR_VECTOR_MASK;
	if (vector == VEC_DEBUG)
		exit->exception.dr6_pending =
		    qual & (DR6_B0_B3 | DR6_BD | DR6_BS);
}

/*
 * Fills exit from the VMCS of the last VM exit and regs (the guest's
 * registers after it). Every field not meaningful for the kind is zero;
 * raw_code is the exit reason (bit 31: entry failed), raw_info1 the exit
 * qualification, raw_info2 the guest-physical address or the exit's
 * interruption information. The instruction length comes from the
 * VM-exit instruction-length field, exact with prefixes.
 */
void vmx_exit_decode(const struct vcpu_hw *hw, const struct vcpu_regs *regs,
		     struct vcpu_exit *exit)
{
	uint32_t reason = hw->exit_reason;
	uint64_t qual = hw->exit_qualification;

	memset(exit, 0, sizeof(*exit));
	exit->raw_code = reason;
	exit->raw_info1 = qual;
	if (reason & VMX_EXIT_REASON_ENTRY_FAILED) {
		exit->kind = VCPU_EXIT_ENTRY_FAILED;
		exit->rip = vmx_vmcs_read(VMCS_GUEST_RIP);
		return;
	}
	exit->rip = vmx_vmcs_read(VMCS_GUEST_RIP);
	exit->insn_len = (uint8_t)vmx_vmcs_read(VMCS_EXIT_INSTRUCTION_LENGTH);

	switch (VMX_EXIT_REASON_BASIC(reason)) {
	case VMX_EXIT_EPT_VIOLATION:
		exit->kind = VCPU_EXIT_NPF;
		exit->npf.gpa = vmx_vmcs_read(VMCS_GUEST_PHYSICAL_ADDRESS);
		exit->npf.access = vmx_exit_ept_access(qual);
		exit->npf.in_walk = (qual & VMX_EPT_LINEAR_VALID) &&
				    !(qual & VMX_EPT_FINAL_TRANSLATION);
		exit->raw_info2 = exit->npf.gpa;
		exit->insn_len = 0;
		break;
	case VMX_EXIT_EPT_MISCONFIG:
		exit->kind = VCPU_EXIT_TDP_MISCONFIG;
		exit->npf.gpa = vmx_vmcs_read(VMCS_GUEST_PHYSICAL_ADDRESS);
		exit->raw_info2 = exit->npf.gpa;
		exit->insn_len = 0;
		break;
	case VMX_EXIT_VMCALL:
		exit->kind = VCPU_EXIT_HYPERCALL;
		break;
	case VMX_EXIT_IO:
		vmx_exit_decode_io(regs, qual, exit);
		break;
	case VMX_EXIT_CPUID:
		exit->kind = VCPU_EXIT_CPUID;
		break;
	case VMX_EXIT_RDMSR:
	case VMX_EXIT_WRMSR:
		vmx_exit_decode_msr(regs, VMX_EXIT_REASON_BASIC(reason) ==
					      VMX_EXIT_WRMSR, exit);
		break;
	case VMX_EXIT_HLT:
		exit->kind = VCPU_EXIT_HLT;
		break;
	case VMX_EXIT_TRIPLE_FAULT:
		exit->kind = VCPU_EXIT_SHUTDOWN;
		exit->insn_len = 0;
		break;
	case VMX_EXIT_EXCEPTION_OR_NMI:
		exit->raw_info2 = vmx_vmcs_read(VMCS_EXIT_INTERRUPTION_INFO);
		vmx_exit_decode_exception(hw, qual, exit);
		break;
	case VMX_EXIT_EXTERNAL_INTERRUPT:
	case VMX_EXIT_INIT:
		/* Still pending in the local APIC; taken once IF = 1. */
		exit->kind = VCPU_EXIT_INTERRUPT;
		exit->insn_len = 0;
		break;
	case VMX_EXIT_VMCLEAR:
	case VMX_EXIT_VMLAUNCH:
	case VMX_EXIT_VMPTRLD:
	case VMX_EXIT_VMPTRST:
	case VMX_EXIT_VMREAD:
	case VMX_EXIT_VMRESUME:
	case VMX_EXIT_VMWRITE:
	case VMX_EXIT_VMXOFF:
	case VMX_EXIT_VMXON:
	case VMX_EXIT_INVEPT:
	case VMX_EXIT_INVVPID:
	case VMX_EXIT_VMFUNC:
		exit->kind = VCPU_EXIT_VIRT_INSN;
		break;
	default:
		/* INVD and CR accesses are completed in the backend. */
		exit->kind = VCPU_EXIT_UNKNOWN;
		break;
	}
}

static void vmx_exit_set_edx_eax(struct vcpu_regs *regs, uint64_t value)
{
	regs->rax = (uint32_t)value;
	regs->rdx = value >> 32;
}

/*
 * The general register n of the exit qualification (SDM Vol. 3C, Table
 * 28-3: 0 RAX, 1 RCX, 2 RDX, 3 RBX, 4 RSP, 5 RBP, 6 RSI, 7 RDI, 8-15),
 * or NULL for RSP, which lives in the VMCS.
 */
static uint64_t *vmx_exit_gpr(struct vcpu_regs *regs, unsigned n)
{
	uint64_t *const map[16] = {
	    &regs->rax, &regs->rcx, &regs->rdx, &regs->rbx, NULL,     &regs->rbp,
	    &regs->rsi, &regs->rdi, &regs->r8,	&regs->r9,  &regs->r10, &regs->r11,
	    &regs->r12, &regs->r13, &regs->r14, &regs->r15,
	};
	return map[n & 15];
}

static uint64_t vmx_exit_gpr_read(struct vcpu_regs *regs, unsigned n)
{
	uint64_t *r = vmx_exit_gpr(regs, n);
	uint64_t v = r ? *r : vmx_vmcs_read(VMCS_GUEST_RSP);

	return vmx_vcpu_code_is_64bit() ? v : (uint32_t)v;
}

static void vmx_exit_gpr_write(struct vcpu_regs *regs, unsigned n, uint64_t v)
{
	uint64_t *r = vmx_exit_gpr(regs, n);

	if (!vmx_vcpu_code_is_64bit())
		v = (uint32_t)v;
	if (r)
		*r = v;
	else
		vmx_vmcs_write(VMCS_GUEST_RSP, v);
}

static void vmx_exit_gp(struct vcpu_hw *hw)
{
	vmx_vcpu_inject_exception(hw, VEC_GENERAL_PROTECTION, true, 0);
}

/*
 * MOV to CR0 (or LMSW, CLTS) that touched a bit the guest does not own:
 * checked as the CPU would (SDM Vol. 3A, 2.5; Vol. 2B, MOV CR), then the
 * guest's value goes into the read shadow and the value VMX needs (the
 * fixed bits added) into GUEST_CR0. A change of PG with EFER.LME set
 * switches IA-32e mode as the CPU would have; clearing PG in 64-bit mode
 * raises #GP (only compatibility mode may leave long mode).
 */
static void vmx_exit_write_cr0(struct vcpu_hw *hw, uint64_t v,
			       const struct vcpu_exit *exit)
{
	uint64_t efer = vmx_vmcs_read(VMCS_GUEST_IA32_EFER);
	uint64_t cr4 = vmx_vmcs_read(VMCS_CR4_READ_SHADOW);
	uint64_t free = CR0_PE | CR0_PG;

	if ((v >> 32) || ((v & CR0_PG) && !(v & CR0_PE)) ||
	    ((v & CR0_NW) && !(v & CR0_CD)) ||
	    ((v & CR0_PG) && (efer & EFER_LME) && !(cr4 & CR4_PAE)) ||
	    (!(v & CR0_PG) && vmx_vcpu_code_is_64bit())) {
		vmx_exit_gp(hw);
		return;
	}
	v |= CR0_ET; /* hardwired to 1 */
	if ((efer & EFER_LME) && (v & CR0_PG))
		efer |= EFER_LMA;
	else
		efer &= ~EFER_LMA;
	vmx_vmcs_write(VMCS_GUEST_IA32_EFER, efer);
	vmx_vmcs_write(VMCS_CR0_READ_SHADOW, v);
	vmx_vmcs_write(VMCS_GUEST_CR0, vmx_cr_real_value(v, hw->cr0_fixed0,
							  hw->cr0_fixed1, free));
	vmx_vcpu_skip_instruction(hw, exit);
}

/*
 * MOV to CR4 that touched a bit the guest does not own: VMXE and SMXE
 * (the guest's CPUID has neither VMX nor SMX) and bits this CPU lacks are
 * reserved, so #GP; so is clearing PAE in IA-32e mode.
 */
static void vmx_exit_write_cr4(struct vcpu_hw *hw, uint64_t v,
			       const struct vcpu_exit *exit)
{
	uint64_t efer = vmx_vmcs_read(VMCS_GUEST_IA32_EFER);
	uint64_t reserved = ~hw->cr4_fixed1 | CR4_VMXE | CR4_SMXE;

	if ((v & reserved) || ((efer & EFER_LMA) && !(v & CR4_PAE))) {
		vmx_exit_gp(hw);
		return;
	}
	vmx_vmcs_write(VMCS_CR4_READ_SHADOW, v);
	vmx_vmcs_write(VMCS_GUEST_CR4,
		       vmx_cr_real_value(v, hw->cr4_fixed0, hw->cr4_fixed1, 0));
	vmx_vcpu_skip_instruction(hw, exit);
}

/* A control-register access that exited (SDM Vol. 3C, Table 28-3). */
static void vmx_exit_cr_access(struct vcpu_hw *hw, struct vcpu_regs *regs,
			       const struct vcpu_exit *exit)
{
	uint64_t q = exit->raw_info1;
	unsigned cr = VMX_CR_NUMBER(q);
	uint64_t shadow0 = vmx_vmcs_read(VMCS_CR0_READ_SHADOW);

	switch (VMX_CR_ACCESS_TYPE(q)) {
	case VMX_CR_ACCESS_MOV_TO:
		if (cr == 0)
			vmx_exit_write_cr0(hw, vmx_exit_gpr_read(regs, VMX_CR_GPR(q)), exit);
		else if (cr == 4)
			vmx_exit_write_cr4(hw, vmx_exit_gpr_read(regs, VMX_CR_GPR(q)), exit);
		else if (cr == 8 && vmx_exit_gpr_read(regs, VMX_CR_GPR(q)) > 15)
			vmx_exit_gp(hw);
		else if (cr == 8) {
			hw->guest_cr8 = vmx_exit_gpr_read(regs, VMX_CR_GPR(q));
			vmx_vcpu_skip_instruction(hw, exit);
		} else
			vmx_exit_gp(hw);
		return;
	case VMX_CR_ACCESS_MOV_FROM:
		/* Only CR8 reads exit: CR3-store exiting is off. */
		vmx_exit_gpr_write(regs, VMX_CR_GPR(q), hw->guest_cr8);
		vmx_vcpu_skip_instruction(hw, exit);
		return;
	case VMX_CR_ACCESS_CLTS:
		vmx_exit_write_cr0(hw, shadow0 & ~(1ull << 3), exit);
		return;
	default: /* LMSW: bits 3:0; it can set PE but not clear it */
		vmx_exit_write_cr0(hw, (shadow0 & ~0xeull) |
				       (VMX_CR_LMSW_DATA(q) & 0xf),
				   exit);
		return;
	}
}

/*
 * The guest's EFER lives in the VMCS (load/save IA32_EFER). A write of a
 * bit outside GUEST_EFER_WRITABLE, of LME while paging is on, or of an
 * LMA other than the processor's raises #GP (LMA is the processor's to
 * set: a write must give it as it reads).
 */
static void vmx_exit_efer(struct vcpu_hw *hw, struct vcpu_regs *regs,
			  const struct vcpu_exit *exit)
{
	uint64_t efer = vmx_vmcs_read(VMCS_GUEST_IA32_EFER);

	if (!exit->msr.write) {
		vmx_exit_set_edx_eax(regs, efer);
	} else {
		uint64_t v = exit->msr.value;
		bool paging = vmx_vmcs_read(VMCS_GUEST_CR0) & CR0_PG;

		if ((v & ~(GUEST_EFER_WRITABLE | EFER_LMA)) ||
		    ((v ^ efer) & EFER_LMA) ||
		    (paging && ((v ^ efer) & EFER_LME))) {
			vmx_exit_gp(hw);
			return;
		}
		vmx_vmcs_write(VMCS_GUEST_IA32_EFER,
			       (v & GUEST_EFER_WRITABLE) | (efer & EFER_LMA));
	}
	vmx_vcpu_skip_instruction(hw, exit);
}

/*
 * Completes the exits that concern state only the backend holds; true
 * when it did (the guest can be entered again at once), false when the
 * exit is for hv/.
 *  - CR0/CR4 writes of owned bits and CR8: see above.
 *  - EFER: see vmx_exit_efer().
 *  - IA32_FEATURE_CONTROL: reads "locked, VMX off", as on a machine whose
 *    firmware disabled VMX, consistent with the guest's CPUID (no VMX);
 *    writes #GP, as writes of a locked IA32_FEATURE_CONTROL do.
 *  - INVD: skipped (caches stay coherent; the guest loses nothing it
 *    could rely on).
 * The VMX capability MSRs and every other MSR the bitmap intercepts go
 * to hv/ as VCPU_EXIT_MSR; hv/ injects #GP for those it does not offer.
 */
bool vmx_exit_handle_in_backend(struct vcpu_hw *hw, struct vcpu_regs *regs,
				const struct vcpu_exit *exit)
{
	if (exit->kind == VCPU_EXIT_UNKNOWN) {
		switch (VMX_EXIT_REASON_BASIC((uint32_t)exit->raw_code)) {
		case VMX_EXIT_INVD:
			vmx_vcpu_skip_instruction(hw, exit);
			return true;
		case VMX_EXIT_CR_ACCESS:
			vmx_exit_cr_access(hw, regs, exit);
			return true;
		default:
			return false;
		}
	}
	if (exit->kind != VCPU_EXIT_MSR)
		return false;
	switch (exit->msr.index) {
	case MSR_EFER:
		vmx_exit_efer(hw, regs, exit);
		return true;
	case MSR_IA32_FEATURE_CONTROL:
		if (exit->msr.write) {
			vmx_exit_gp(hw);
			return true;
		}
		vmx_exit_set_edx_eax(regs, FEATURE_CONTROL_LOCKED);
		vmx_vcpu_skip_instruction(hw, exit);
		return true;
	default:
		return false;
	}
}

/* SDM Vol. 3C, 31.4 "VM Instruction Error Numbers". */
const char *vmx_instruction_error_text(uint32_t error)
{
	static const char *const text[] = {
	    [1] = "VMCALL executed in VMX root operation",
	    [2] = "VMCLEAR with invalid physical address",
	    [3] = "VMCLEAR with VMXON pointer",
	    [4] = "VMLAUNCH with non-clear VMCS",
	    [5] = "VMRESUME with non-launched VMCS",
	    [6] = "VMRESUME after VMXOFF",
	    [7] = "VM entry with invalid control field(s)",
	    [8] = "VM entry with invalid host-state field(s)",
	    [9] = "VMPTRLD with invalid physical address",
	    [10] = "VMPTRLD with VMXON pointer",
	    [11] = "VMPTRLD with incorrect VMCS revision identifier",
	    [12] = "VMREAD/VMWRITE from/to unsupported VMCS component",
	    [13] = "VMWRITE to read-only VMCS component",
	    [15] = "VMXON executed in VMX root operation",
	    [16] = "VM entry with invalid executive-VMCS pointer",
	    [17] = "VM entry with non-launched executive VMCS",
	    [18] = "VM entry with executive-VMCS pointer not VMXON pointer",
	    [19] = "VMCALL with non-clear VMCS",
	    [20] = "VMCALL with invalid VM-exit control fields",
	    [22] = "VMCALL with incorrect MSEG revision identifier",
	    [23] = "VMXOFF under dual-monitor treatment of SMIs and SMM",
	    [24] = "VMCALL with invalid SMM-monitor features",
	    [25] = "VM entry with invalid VM-execution control fields in "
		   "executive VMCS",
	    [26] = "VM entry with events blocked by MOV SS",
	    [28] = "invalid operand to INVEPT/INVVPID",
	};

	if (error < ARRAY_SIZE(text) && text[error])
		return text[error];
	return "an error number this hypervisor does not know";
}

/* The architectural rules (arch/x86/guest_state_check.c) on the VMCS's
 * guest-state area; true with the sentence in hw->entry_fault. The
 * KERNEL_GS_BASE and SYSCALL MSRs are not in the VMCS, nor checked by
 * the entry. */
static bool vmx_guest_state_fault(struct vcpu_hw *hw)
{
	uint64_t cs_ar = vmx_vmcs_read(VMCS_GUEST_CS_ACCESS);
	struct guest_state g = {
	    .cr0 = vmx_vmcs_read(VMCS_GUEST_CR0),
	    .cr3 = vmx_vmcs_read(VMCS_GUEST_CR3),
	    .cr4 = vmx_vmcs_read(VMCS_GUEST_CR4),
	    .efer = vmx_vmcs_read(VMCS_GUEST_IA32_EFER),
	    .rflags = vmx_vmcs_read(VMCS_GUEST_RFLAGS),
	    .rip = vmx_vmcs_read(VMCS_GUEST_RIP),
	    .cs_l = cs_ar & VMX_AR_L,
	    .cs_d = cs_ar & VMX_AR_DB,
	    .base = {[GS_BASE_FS] = vmx_vmcs_read(VMCS_GUEST_FS_BASE),
		     [GS_BASE_GS] = vmx_vmcs_read(VMCS_GUEST_GS_BASE),
		     [GS_BASE_TR] = vmx_vmcs_read(VMCS_GUEST_TR_BASE),
		     [GS_BASE_LDTR] = vmx_vmcs_read(VMCS_GUEST_LDTR_BASE),
		     [GS_BASE_GDTR] = vmx_vmcs_read(VMCS_GUEST_GDTR_BASE),
		     [GS_BASE_IDTR] = vmx_vmcs_read(VMCS_GUEST_IDTR_BASE),
		     [GS_BASE_SYSENTER_ESP] =
			 vmx_vmcs_read(VMCS_GUEST_SYSENTER_ESP),
		     [GS_BASE_SYSENTER_EIP] =
			 vmx_vmcs_read(VMCS_GUEST_SYSENTER_EIP)},
	    .has_base = {[GS_BASE_FS] = true, [GS_BASE_GS] = true,
			 [GS_BASE_TR] = true, [GS_BASE_LDTR] = true,
			 [GS_BASE_GDTR] = true, [GS_BASE_IDTR] = true,
			 [GS_BASE_SYSENTER_ESP] = true,
			 [GS_BASE_SYSENTER_EIP] = true},
	    .phys_bits = cpu_physical_address_bits(),
	    .linear_bits = cpu_linear_address_bits(),
	};

	return guest_state_find_fault(&g, hw->entry_fault,
				      sizeof(hw->entry_fault));
}

/*
 * After a failed entry, why, as a phrase: the VM-instruction error when
 * VMLAUNCH/VMRESUME itself failed (SDM Vol. 3C, 31.4), else the reason of
 * the VM exit with bit 31 set (27.8 "VM-Entry Failures During or After
 * Loading Guest State"). Either way the guest-state area goes to the
 * console, decoded, so that the failing field can be found.
 */
const char *vmx_exit_entry_failure(struct vcpu_hw *hw)
{
	static const struct {
		uint32_t field;
		const char *name;
	} dump[] = {
	    {VMCS_GUEST_CR0, "CR0"},	       {VMCS_GUEST_CR3, "CR3"},
	    {VMCS_GUEST_CR4, "CR4"},	       {VMCS_GUEST_IA32_EFER, "EFER"},
	    {VMCS_GUEST_RIP, "RIP"},	       {VMCS_GUEST_RSP, "RSP"},
	    {VMCS_GUEST_RFLAGS, "RFLAGS"},     {VMCS_GUEST_DR7, "DR7"},
	    {VMCS_ENTRY_CONTROLS, "entry controls"},
	    {VMCS_ENTRY_INTERRUPTION_INFO, "entry event"},
	    {VMCS_GUEST_ACTIVITY_STATE, "activity"},
	    {VMCS_GUEST_INTERRUPTIBILITY, "interruptibility"},
	    {VMCS_GUEST_GDTR_BASE, "GDTR base"}, {VMCS_GUEST_GDTR_LIMIT, "GDTR limit"},
	    {VMCS_GUEST_IDTR_BASE, "IDTR base"}, {VMCS_GUEST_IDTR_LIMIT, "IDTR limit"},
	    {VMCS_LINK_POINTER, "VMCS link"},
	};
	static const char *const seg_names[] = {"ES", "CS", "SS", "DS",
						"FS", "GS", "LDTR", "TR"};

	pr_err("vmx: vcpu%u: guest state at the failed entry:", hw->vcpu_id);
	for (size_t i = 0; i < ARRAY_SIZE(dump); i++)
		pr_err("vmx:   %-16s 0x%llx", dump[i].name,
		       (unsigned long long)vmx_vmcs_read(dump[i].field));
	for (unsigned s = 0; s < ARRAY_SIZE(seg_names); s++)
		pr_err("vmx:   %-4s sel 0x%04llx base 0x%llx limit 0x%llx access 0x%llx",
		       seg_names[s],
		       (unsigned long long)vmx_vmcs_read(VMCS_GUEST_ES_SELECTOR + 2 * s),
		       (unsigned long long)vmx_vmcs_read(VMCS_GUEST_ES_BASE + 2 * s),
		       (unsigned long long)vmx_vmcs_read(VMCS_GUEST_ES_LIMIT + 2 * s),
		       (unsigned long long)vmx_vmcs_read(VMCS_GUEST_ES_ACCESS + 2 * s));

	if (hw->entry_insn_failed)
		return hw->entry_insn_error
			   ? vmx_instruction_error_text(hw->entry_insn_error)
			   : "no current VMCS (VMfailInvalid)";
	switch (VMX_EXIT_REASON_BASIC(hw->exit_reason)) {
	case VMX_EXIT_INVALID_GUEST_STATE:
		switch (hw->exit_qualification) {
		case 2:
			return "invalid guest state: a PDPTE could not be loaded";
		case 3:
			return "invalid guest state: NMI injection with NMIs blocked";
		case 4:
			return "invalid guest state: bad VMCS link pointer";
		default:
			if (vmx_guest_state_fault(hw))
				return hw->entry_fault;
			return "invalid guest state (a check of SDM Vol. 3C, "
			       "27.3.1; the guest-state area is on the console)";
		}
	case VMX_EXIT_MSR_LOADING:
		return "an MSR in the VM-entry MSR-load area could not be loaded";
	case VMX_EXIT_MACHINE_CHECK_AT_ENTRY:
		return "a machine check during VM entry";
	default:
		return "a failure this hypervisor does not know";
	}
}
