/*
 * From a #VMEXIT in the VMCB to the one normalized struct vcpu_exit
 * (arch/x86/vcpu_exit.h), and the few exits the backend completes itself
 * because only the backend can: the guest's view of EFER (SVME must stay
 * set underneath), VM_CR and VM_HSAVE_PA, and INVD.
 *
 * Contract with hv/ for results (the backend never looks at an exit's
 * result fields; hv/ writes what the instruction would have written into
 * struct vcpu_regs, which the next vcpu_run loads, RAX included):
 *  - IN: hv/ merges the value into regs->rax, 1 or 2 bytes into AL/AX
 *    keeping the rest, 4 bytes zero-extended into RAX (io.value is only a
 *    convenience for hv/ itself);
 *  - RDMSR: regs->rax = low 32 bits, regs->rdx = high 32 bits;
 *  - CPUID: regs->rax, rbx, rcx, rdx (upper halves cleared);
 *  - hypercall: regs->rax, rbx as docs/guest-abi.md says.
 * Then it calls vcpu_skip_instruction(); or, to fault the instruction,
 * vcpu_inject_exception() without skipping.
 */
#include "arch/x86/idt.h"
#include "arch/x86/svm/svm.h"
#include "arch/x86/guest_state_check.h"
#include "arch/x86/cpu.h"
#include "arch/x86/msr.h"
#include "lib/string.h"

/* Lengths of the intercepted instructions without prefixes. */
#define INSN_LEN_CPUID	 2 /* 0f a2 */
#define INSN_LEN_HLT	 1 /* f4 */
#define INSN_LEN_INVD	 2 /* 0f 08 */
#define INSN_LEN_RDWRMSR 2 /* 0f 32, 0f 30 */
#define INSN_LEN_SVM	 3 /* 0f 01 d8..df: VMRUN..INVLPGA, VMMCALL */

/*
 * The length of the instruction that exited: from NRIP when the CPU saves
 * it (exact, prefixes included), else the known unprefixed length. A
 * redundant prefix on CPUID, HLT, RDMSR, WRMSR, INVD or VMMCALL is then
 * not skipped correctly: without NRIP or decode assists the backend does
 * not read guest memory.
 */
static uint8_t svm_exit_insn_len(const struct vcpu_hw *hw, uint8_t known)
{
	const struct vmcb *vmcb = hw->vmcb;
	uint64_t len = vmcb->control.nrip - vmcb->save.rip;

	if (hw->nrip_save && vmcb->control.nrip && len >= 1 && len <= 15)
		return (uint8_t)len;
	return known;
}

static uint32_t svm_exit_npf_access(uint64_t info1)
{
	if (info1 & SVM_NPF_ID)
		return VCPU_ACCESS_EXEC;
	if (info1 & SVM_NPF_RW)
		return VCPU_ACCESS_WRITE;
	return VCPU_ACCESS_READ;
}

/*
 * The guest state hv/ emulates a string instruction from: the save area
 * after #VMEXIT, FS and GS included (svm_vmrun VMSAVEs them), EFER as the
 * guest sees it.
 */
static void svm_exit_guest_view(const struct vmcb_save *s,
				struct vcpu_guest_view *g)
{
	const struct vmcb_seg *seg[VCPU_SEGS] = {
	    [VCPU_SEG_ES] = &s->es, [VCPU_SEG_CS] = &s->cs,
	    [VCPU_SEG_SS] = &s->ss, [VCPU_SEG_DS] = &s->ds,
	    [VCPU_SEG_FS] = &s->fs, [VCPU_SEG_GS] = &s->gs,
	};

	g->rflags = s->rflags;
	g->cr0 = s->cr0;
	g->cr3 = s->cr3;
	g->cr4 = s->cr4;
	g->efer = s->efer & ~EFER_SVME;
	for (unsigned i = 0; i < VCPU_SEGS; i++)
		g->seg_base[i] = seg[i]->base;
	if ((s->efer & EFER_LMA) && (s->cs.attrib & VMCB_ATTR_L))
		g->code_bits = 64;
	else
		g->code_bits = s->cs.attrib & VMCB_ATTR_DB ? 32 : 16;
}

/*
 * The address size of INS/OUTS from EXITINFO1's A16/A32/A64, 0 when none
 * is set (QEMU's SVM leaves them clear). The segment field (bits 12:10)
 * is not used: APM 15.10.2 ties it to decode assists, and emulators that
 * announce those (Bochs) leave it zero; hv/ decodes the prefixes instead.
 */
static uint8_t svm_exit_io_addr_size(uint64_t info1)
{
	if (info1 & SVM_IOIO_A64)
		return 8;
	if (info1 & SVM_IOIO_A32)
		return 4;
	return info1 & SVM_IOIO_A16 ? 2 : 0;
}

/*
 * EXITINFO1 of IOIO; EXITINFO2 is the next RIP even without NRIP save. A
 * REP prefix on a plain IN/OUT means nothing, so only STR makes string I/O.
 */
static void svm_exit_decode_io(const struct vcpu_hw *hw,
			       const struct vcpu_regs *regs,
			       struct vcpu_exit *exit)
{
	uint64_t info1 = hw->vmcb->control.exitinfo1;
	uint64_t next_rip = hw->vmcb->control.exitinfo2;
	uint64_t len = next_rip - exit->rip;

	exit->kind = VCPU_EXIT_IO;
	exit->io.port = (uint16_t)(info1 >> SVM_IOIO_PORT_SHIFT);
	exit->io.in = info1 & SVM_IOIO_TYPE_IN;
	exit->io.string = info1 & SVM_IOIO_STR;
	if (exit->io.string) {
		exit->io.rep = info1 & SVM_IOIO_REP;
		exit->io.addr_size = svm_exit_io_addr_size(info1);
		exit->io.seg = exit->io.in ? VCPU_SEG_ES : VCPU_SEG_UNKNOWN;
		svm_exit_guest_view(&hw->vmcb->save, &exit->guest);
	}
	if (info1 & SVM_IOIO_SZ32)
		exit->io.size = 4;
	else if (info1 & SVM_IOIO_SZ16)
		exit->io.size = 2;
	else
		exit->io.size = 1;
	if (!exit->io.in && !exit->io.string)
		exit->io.value = (uint32_t)regs->rax &
				 (uint32_t)(~0ull >> (64 - 8 * exit->io.size));
	exit->insn_len = len >= 1 && len <= 15 ? (uint8_t)len : 0;
}

static void svm_exit_decode_msr(const struct vcpu_hw *hw,
				const struct vcpu_regs *regs,
				struct vcpu_exit *exit)
{
	exit->kind = VCPU_EXIT_MSR;
	exit->insn_len = svm_exit_insn_len(hw, INSN_LEN_RDWRMSR);
	exit->msr.index = (uint32_t)regs->rcx;
	exit->msr.write = hw->vmcb->control.exitinfo1 & SVM_MSR_EXITINFO1_WRITE;
	if (exit->msr.write)
		exit->msr.value = (regs->rdx << 32) | (uint32_t)regs->rax;
}

/*
 * An intercepted #DB or #AC: EXITINFO1 holds #AC's error code; EXITINTINFO
 * the exception whose delivery raised it, if any.
 */
static void svm_exit_decode_exception(const struct vcpu_hw *hw, uint8_t vector,
				      struct vcpu_exit *exit)
{
	uint64_t during = hw->vmcb->control.exitintinfo;

	exit->kind = VCPU_EXIT_EXCEPTION;
	exit->exception.vector = vector;
	exit->exception.has_error = vector == VEC_ALIGNMENT_CHECK;
	exit->exception.error = (uint32_t)hw->vmcb->control.exitinfo1;
	exit->exception.in_delivery =
	    (during & SVM_EVENTINJ_V) &&
	    (during & SVM_EVENTINJ_TYPE_MASK) == SVM_EVENTINJ_TYPE_EXCEPTION;
	exit->exception.delivering = during & SVM_EVENTINJ_VECTOR_MASK;
}

/*
 * Fills exit from the VMCB of the last #VMEXIT and regs (the guest's
 * registers after it, RAX included). Every field not meaningful for the
 * kind is zero; raw_* always hold EXITCODE, EXITINFO1 and EXITINFO2.
 */
void svm_exit_decode(const struct vcpu_hw *hw, const struct vcpu_regs *regs,
		     struct vcpu_exit *exit)
{
	const struct vmcb *vmcb = hw->vmcb;
	uint32_t code = (uint32_t)vmcb->control.exitcode;
	uint64_t info1 = vmcb->control.exitinfo1;

	memset(exit, 0, sizeof(*exit));
	exit->rip = vmcb->save.rip;
	exit->raw_code = vmcb->control.exitcode;
	exit->raw_info1 = info1;
	exit->raw_info2 = vmcb->control.exitinfo2;

	switch (code) {
	case VMEXIT_NPF:
		/* A reserved bit set in an NPT entry: the MMU core wrote an
		 * entry the format forbids (EPT's misconfiguration). */
		exit->kind = info1 & SVM_NPF_RSV ? VCPU_EXIT_TDP_MISCONFIG
						 : VCPU_EXIT_NPF;
		exit->npf.gpa = vmcb->control.exitinfo2;
		exit->npf.access = svm_exit_npf_access(info1);
		exit->npf.in_walk = info1 & SVM_NPF_GPT;
		break;
	case VMEXIT_VMMCALL:
		exit->kind = VCPU_EXIT_HYPERCALL;
		exit->insn_len = svm_exit_insn_len(hw, INSN_LEN_SVM);
		break;
	case VMEXIT_IOIO:
		svm_exit_decode_io(hw, regs, exit);
		break;
	case VMEXIT_CPUID:
		exit->kind = VCPU_EXIT_CPUID;
		exit->insn_len = svm_exit_insn_len(hw, INSN_LEN_CPUID);
		break;
	case VMEXIT_MSR:
		svm_exit_decode_msr(hw, regs, exit);
		break;
	case VMEXIT_HLT:
		exit->kind = VCPU_EXIT_HLT;
		exit->insn_len = svm_exit_insn_len(hw, INSN_LEN_HLT);
		break;
	case VMEXIT_SHUTDOWN:
		/* The VMCB's guest state is undefined now: stop the VM. */
		exit->kind = VCPU_EXIT_SHUTDOWN;
		break;
	case VMEXIT_INTR:
	case VMEXIT_NMI:
	case VMEXIT_INIT:
		/* Held by GIF = 0; taken by the host after the exit. */
		exit->kind = VCPU_EXIT_INTERRUPT;
		break;
	case VMEXIT_VMRUN:
	case VMEXIT_VMLOAD:
	case VMEXIT_VMSAVE:
	case VMEXIT_STGI:
	case VMEXIT_CLGI:
	case VMEXIT_SKINIT:
	case VMEXIT_INVLPGA:
		exit->kind = VCPU_EXIT_VIRT_INSN;
		exit->insn_len = svm_exit_insn_len(hw, INSN_LEN_SVM);
		break;
	case VMEXIT_EXCP0 + VEC_DEBUG:
	case VMEXIT_EXCP0 + VEC_ALIGNMENT_CHECK:
		svm_exit_decode_exception(hw, code - VMEXIT_EXCP0, exit);
		break;
	case VMEXIT_INVALID:
		exit->kind = VCPU_EXIT_ENTRY_FAILED;
		break;
	case VMEXIT_INVD:
		/* Completed by svm_exit_handle_in_backend(). */
		exit->kind = VCPU_EXIT_UNKNOWN;
		exit->insn_len = svm_exit_insn_len(hw, INSN_LEN_INVD);
		break;
	default:
		exit->kind = VCPU_EXIT_UNKNOWN;
		break;
	}
}

void svm_exit_set_edx_eax(struct vcpu_regs *regs, uint64_t value)
{
	regs->rax = (uint32_t)value;
	regs->rdx = value >> 32;
}

/*
 * WRMSR of an address the VMCB holds (svm_msr_passthrough, read-only):
 * #GP for a value that is not canonical on this CPU, as the CPU's own
 * WRMSR would raise; else the value goes where VMLOAD/VMRUN take it.
 */
static void svm_exit_address_msr(struct vcpu_hw *hw, const struct vcpu_exit *exit)
{
	struct vmcb_save *save = &hw->vmcb->save;
	uint64_t v = exit->msr.value;

	if (!is_canonical(v, hw->linear_bits)) {
		svm_vcpu_inject_exception(hw, VEC_GENERAL_PROTECTION, true, 0);
		return;
	}
	switch (exit->msr.index) {
	case MSR_FS_BASE:
		save->fs.base = v;
		break;
	case MSR_GS_BASE:
		save->gs.base = v;
		break;
	case MSR_KERNEL_GS_BASE:
		save->kernel_gs_base = v;
		break;
	case MSR_LSTAR:
		save->lstar = v;
		break;
	default:
		save->cstar = v;
		break;
	}
	svm_vcpu_skip_instruction(hw, exit);
}

/*
 * Completes the exits that concern state only the backend holds; true
 * when it did (the guest can be entered again at once), false when the
 * exit is for hv/.
 *  - EFER, and CR0 writes while the guest has EFER.LME set: efer.c.
 *  - VM_CR: reads SVMDIS | LOCK, "SVM disabled by the firmware", which is
 *    consistent with the CPUID hv/ shows (no SVM); writes are ignored, as
 *    a locked VM_CR ignores them.
 *  - VM_HSAVE_PA: #GP on read and write.
 *  - FS/GS/KERNEL_GS_BASE, LSTAR, CSTAR writes: svm_exit_address_msr().
 *  - INVD: skipped (caches stay coherent; the guest loses nothing it
 *    could rely on).
 * Every other MSR the permission map intercepts goes to hv/ as
 * VCPU_EXIT_MSR; hv/ injects #GP for those it does not offer.
 */
bool svm_exit_handle_in_backend(struct vcpu_hw *hw, struct vcpu_regs *regs,
				const struct vcpu_exit *exit)
{
	if ((uint32_t)exit->raw_code == VMEXIT_INVD) {
		svm_vcpu_skip_instruction(hw, exit);
		return true;
	}
	if ((uint32_t)exit->raw_code == VMEXIT_CR0_WRITE)
		return svm_exit_cr0_write(hw, regs, exit);
	if (exit->kind != VCPU_EXIT_MSR)
		return false;
	switch (exit->msr.index) {
	case MSR_EFER:
		svm_exit_efer(hw, regs, exit);
		return true;
	case MSR_VM_CR:
		if (!exit->msr.write)
			svm_exit_set_edx_eax(regs, VM_CR_SVMDIS | VM_CR_LOCK);
		svm_vcpu_skip_instruction(hw, exit);
		return true;
	case MSR_VM_HSAVE_PA:
		svm_vcpu_inject_exception(hw, VEC_GENERAL_PROTECTION, true, 0);
		return true;
	case MSR_FS_BASE:
	case MSR_GS_BASE:
	case MSR_KERNEL_GS_BASE:
	case MSR_LSTAR:
	case MSR_CSTAR:
		if (!exit->msr.write)
			return false; /* reads never exit */
		svm_exit_address_msr(hw, exit);
		return true;
	default:
		return false;
	}
}

/* Event types and vectors VMRUN accepts in EVENTINJ (APM 15.20). */
static bool svm_eventinj_legal(uint64_t ev)
{
	uint64_t type = ev & SVM_EVENTINJ_TYPE_MASK;
	uint64_t vector = ev & SVM_EVENTINJ_VECTOR_MASK;

	if (!(ev & SVM_EVENTINJ_V))
		return true;
	if (type == SVM_EVENTINJ_TYPE_EXCEPTION)
		return vector < 32 && vector != 2;
	return type == SVM_EVENTINJ_TYPE_INTR ||
	       type == SVM_EVENTINJ_TYPE_NMI ||
	       type == SVM_EVENTINJ_TYPE_SOFT_INT;
}

/* The architectural rules (arch/x86/guest_state_check.c) on the VMCB's
 * guest state; true with the sentence in hw->entry_fault. */
static bool svm_guest_state_fault(struct vcpu_hw *hw)
{
	const struct vmcb_save *s = &hw->vmcb->save;
	struct guest_state g = {
	    .cr0 = s->cr0, .cr3 = s->cr3, .cr4 = s->cr4, .efer = s->efer,
	    .rflags = s->rflags, .rip = s->rip,
	    .cs_l = s->cs.attrib & VMCB_ATTR_L,
	    .cs_d = s->cs.attrib & VMCB_ATTR_DB,
	    .base = {[GS_BASE_FS] = s->fs.base, [GS_BASE_GS] = s->gs.base,
		     [GS_BASE_TR] = s->tr.base, [GS_BASE_LDTR] = s->ldtr.base,
		     [GS_BASE_GDTR] = s->gdtr.base,
		     [GS_BASE_IDTR] = s->idtr.base,
		     [GS_BASE_KERNEL_GS] = s->kernel_gs_base,
		     [GS_BASE_LSTAR] = s->lstar, [GS_BASE_CSTAR] = s->cstar},
	    .phys_bits = cpu_physical_address_bits(),
	    .linear_bits = cpu_linear_address_bits(),
	};

	for (unsigned i = GS_BASE_FS; i <= GS_BASE_CSTAR; i++)
		g.has_base[i] = true;
	return guest_state_find_fault(&g, hw->entry_fault,
				      sizeof(hw->entry_fault));
}

/*
 * After VMEXIT_INVALID: the first of the VMRUN consistency checks (APM
 * 15.5.1) that the VMCB fails, as a phrase for the console; a generic
 * phrase when none of those we know of applies.
 */
const char *svm_exit_entry_failure(struct vcpu_hw *hw)
{
	const struct vmcb_control *c = &hw->vmcb->control;
	const struct vmcb_save *s = &hw->vmcb->save;
	bool long_paging = (s->efer & EFER_LME) && (s->cr0 & CR0_PG);

	if (!(s->efer & EFER_SVME))
		return "EFER.SVME is clear";
	if (s->efer >> 32)
		return "EFER has reserved bits set";
	if ((s->cr0 & CR0_NW) && !(s->cr0 & CR0_CD))
		return "CR0.NW is set without CR0.CD";
	if (s->cr0 >> 32)
		return "CR0[63:32] is not zero";
	if (s->cr4 >> 32)
		return "CR4 has reserved bits set";
	if ((s->dr6 >> 32) || (s->dr7 >> 32))
		return "DR6[63:32] or DR7[63:32] is not zero";
	if (long_paging && !(s->cr4 & CR4_PAE))
		return "EFER.LME and CR0.PG are set without CR4.PAE";
	if (long_paging && !(s->cr0 & CR0_PE))
		return "EFER.LME and CR0.PG are set without CR0.PE";
	if (long_paging && (s->cs.attrib & VMCB_ATTR_L) &&
	    (s->cs.attrib & VMCB_ATTR_DB))
		return "CS.L and CS.D are both set in long mode";
	if (!(c->intercept_misc2 & SVM_INTERCEPT2_VMRUN))
		return "the VMRUN intercept is clear";
	if (c->guest_asid == 0)
		return "ASID is 0";
	if (!svm_eventinj_legal(hw->injected))
		return "EVENTINJ holds an illegal event";
	if ((c->iopm_base_pa | c->msrpm_base_pa) >> 52)
		return "a permission map lies beyond the physical address "
		       "space";
	if (svm_guest_state_fault(hw))
		return hw->entry_fault;
	return "the guest state fails a check this hypervisor does not know";
}
