/*
 * The guest's EFER, and long mode switched on and off as the CPU would.
 *
 * A guest may set EFER.LME with paging off and CR4.PAE clear: long mode
 * becomes active only when it sets CR0.PG (with PAE). Real CPUs run such
 * a guest, but QEMU's TCG (7.2) loads the host's CR0 at #VMEXIT while the
 * guest's EFER and CR4 are still in effect, and with LME set and PAE
 * clear it leaves paging off: the physical CPU then runs the hypervisor
 * without paging and wedges. So, as KVM does, the VMCB holds LME only
 * while long mode is active; meanwhile the guest's LME is kept in
 * hw->lme_held, and CR0 writes exit whenever the guest has LME set:
 * CR0.PG set with LME held (and PAE) activates long mode (LME and LMA go
 * into the VMCB), CR0.PG cleared in long mode deactivates it and holds
 * LME again. SVME, which VMRUN needs, is hidden from the guest too.
 */
#include "arch/x86/svm/svm.h"
#include "arch/x86/cpu.h"
#include "arch/x86/guest_walk.h"
#include "arch/x86/insn_cr.h"
#include "arch/x86/msr.h"
#include "arch/x86/idt.h"

/* EFER bits a guest may set (APM 3.1.7); LMA is the processor's. */
#define GUEST_EFER_WRITABLE (EFER_SCE | EFER_LME | EFER_NXE)
#define SVM_INTERCEPT_CR0_WRITE (1u << 16)
#define SVM_EXITINFO1_MOV_CR	(1ull << 63) /* decode assists: MOV CRx */
#define CR0_LOW_FOUR		0xfull	     /* LMSW: PE MP EM TS */

/* EFER as the guest reads it. */
uint64_t svm_efer_guest(const struct vcpu_hw *hw)
{
	return (hw->vmcb->save.efer & ~EFER_SVME) |
	       (hw->lme_held ? EFER_LME : 0);
}

/* Puts the guest's efer into the VMCB, LME held while paging is off, and
 * makes CR0 writes exit exactly while the guest has LME set. */
static void svm_efer_store(struct vcpu_hw *hw, uint64_t efer)
{
	struct vmcb *vmcb = hw->vmcb;

	hw->lme_held = (efer & EFER_LME) && !(vmcb->save.cr0 & CR0_PG);
	vmcb->save.efer = (efer & ~(hw->lme_held ? EFER_LME : 0)) | EFER_SVME;
	if (efer & EFER_LME)
		vmcb->control.intercept_cr |= SVM_INTERCEPT_CR0_WRITE;
	else
		vmcb->control.intercept_cr &= ~SVM_INTERCEPT_CR0_WRITE;
}

static void svm_gp(struct vcpu_hw *hw)
{
	svm_vcpu_inject_exception(hw, VEC_GENERAL_PROTECTION, true, 0);
}

/*
 * RDMSR/WRMSR of EFER. A write of a bit outside GUEST_EFER_WRITABLE
 * (SVME included, as on a CPU without SVM), of LME while paging is on,
 * or of an LMA other than the processor's raises #GP (LMA is the
 * processor's to set: a write must give it as it reads).
 */
void svm_exit_efer(struct vcpu_hw *hw, struct vcpu_regs *regs,
		   const struct vcpu_exit *exit)
{
	uint64_t efer = svm_efer_guest(hw), v = exit->msr.value;

	if (!exit->msr.write) {
		svm_exit_set_edx_eax(regs, efer);
	} else if ((v & ~(GUEST_EFER_WRITABLE | EFER_LMA)) ||
		   ((v ^ efer) & EFER_LMA) ||
		   ((hw->vmcb->save.cr0 & CR0_PG) &&
		    ((v ^ efer) & EFER_LME))) {
		svm_gp(hw);
		return;
	} else {
		svm_efer_store(hw, v);
	}
	svm_vcpu_skip_instruction(hw, exit);
}

/* Guest-physical address of linear address la, through the guest's own
 * paging (off, or long mode: the only kinds a guest with LME set can be
 * in). */
static bool svm_guest_linear(struct vcpu_hw *hw, uint64_t la, uint64_t *gpa)
{
	const struct vmcb_save *s = &hw->vmcb->save;
	struct guest_paging p = {
	    .cr0 = s->cr0, .cr3 = s->cr3, .cr4 = s->cr4, .efer = s->efer};

	return guest_walk(&p, la, hw->read_guest, hw->guest_mem, gpa);
}

/* Up to INSN_MAX_LEN bytes at CS:RIP (fewer where a page ends and the
 * next is not mapped); the count read, 0 if none. */
static size_t svm_fetch_insn(struct vcpu_hw *hw, bool long64,
			     uint8_t buf[INSN_MAX_LEN])
{
	const struct vmcb_save *s = &hw->vmcb->save;
	uint64_t la = s->cs.base + s->rip, gpa;
	size_t got = 0;

	if (!long64)
		la = (uint32_t)la;
	while (got < INSN_MAX_LEN) {
		size_t n = MIN((size_t)INSN_MAX_LEN - got,
			       PAGE_SIZE - ((la + got) & (PAGE_SIZE - 1)));

		if (!svm_guest_linear(hw, la + got, &gpa) ||
		    !hw->read_guest(hw->guest_mem, gpa, buf + got, n))
			break;
		got += n;
	}
	return got;
}

/* General-purpose register n (0 RAX .. 15 R15, the encoding's order);
 * RSP is in the VMCB. */
static uint64_t svm_gpr(const struct vcpu_hw *hw, const struct vcpu_regs *r,
			unsigned n)
{
	const uint64_t *by_code[16] = {
	    &r->rax, &r->rcx, &r->rdx, &r->rbx, NULL,	&r->rbp,
	    &r->rsi, &r->rdi, &r->r8,  &r->r9,  &r->r10, &r->r11,
	    &r->r12, &r->r13, &r->r14, &r->r15,
	};

	n &= 15;
	return n == 4 ? hw->vmcb->save.rsp : *by_code[n];
}

/*
 * The CR0 the instruction behind a CR0-write exit writes, and its length
 * (0 when NRIP gives the next RIP). False when it cannot be known: not
 * an instruction that writes CR0, or one (LMSW from memory) not emulated.
 */
static bool svm_cr0_written(struct vcpu_hw *hw, const struct vcpu_regs *regs,
			    uint64_t *cr0, unsigned *len)
{
	const struct vmcb_save *s = &hw->vmcb->save;
	bool long64 = (s->efer & EFER_LMA) && (s->cs.attrib & VMCB_ATTR_L);
	uint64_t info1 = hw->vmcb->control.exitinfo1, v;
	uint8_t buf[INSN_MAX_LEN];
	struct insn_cr insn;

	*len = 0;
	if (hw->decode_assists && (info1 & SVM_EXITINFO1_MOV_CR)) {
		v = svm_gpr(hw, regs, info1 & 15);
		*cr0 = long64 ? v : (uint32_t)v;
		return true;
	}
	if (!insn_decode_cr_write(buf, svm_fetch_insn(hw, long64, buf), long64,
				  &insn))
		return false;
	*len = insn.len;
	v = svm_gpr(hw, regs, insn.gpr);
	switch (insn.kind) {
	case INSN_CR_MOV:
		*cr0 = long64 ? v : (uint32_t)v;
		return insn.cr == 0;
	case INSN_CR_LMSW_REG:
		/* PE can be set, never cleared, by LMSW. */
		*cr0 = (s->cr0 & ~(CR0_LOW_FOUR & ~CR0_PE)) |
		       (v & CR0_LOW_FOUR);
		return true;
	default:
		*cr0 = s->cr0 & ~CR0_TS;
		return true;
	}
}

/*
 * A CR0 write while the guest has EFER.LME set: checked as the CPU would
 * (APM Vol. 2, 3.1.1 and 14.6; SDM Vol. 2B, MOV CR), then done, switching
 * long mode on or off where PG changes. False (the exit goes to hv/, which
 * stops the VM) when the instruction cannot be decoded.
 */
bool svm_exit_cr0_write(struct vcpu_hw *hw, struct vcpu_regs *regs,
			const struct vcpu_exit *exit)
{
	struct vmcb_save *s = &hw->vmcb->save;
	uint64_t efer = svm_efer_guest(hw), old = s->cr0, cr0, next;
	bool long64 = (s->efer & EFER_LMA) && (s->cs.attrib & VMCB_ATTR_L);
	bool pg_on, pg_off;
	unsigned len;

	/*
	 * An intercept takes place before the instruction changes anything
	 * (APM Vol. 2, 15.9), so with PG and LME set LMA is too. Bochs 2.7
	 * clears LMA for a write that turns paging off before it checks the
	 * intercept (cpu/crregs.cc, SetCR0): put back what the CPU had.
	 */
	if ((s->cr0 & CR0_PG) && (s->efer & EFER_LME)) {
		s->efer |= EFER_LMA;
		efer |= EFER_LMA;
		long64 = s->cs.attrib & VMCB_ATTR_L;
	}
	if (!svm_cr0_written(hw, regs, &cr0, &len))
		return false;
	if (hw->nrip_save && hw->vmcb->control.nrip)
		next = hw->vmcb->control.nrip;
	else if (len)
		next = exit->rip + len;
	else
		return false;
	pg_on = !(old & CR0_PG) && (cr0 & CR0_PG);
	pg_off = (old & CR0_PG) && !(cr0 & CR0_PG);
	if ((cr0 >> 32) || ((cr0 & CR0_PG) && !(cr0 & CR0_PE)) ||
	    ((cr0 & CR0_NW) && !(cr0 & CR0_CD)) ||
	    (pg_on && (efer & EFER_LME) && !(s->cr4 & CR4_PAE)) ||
	    (pg_off && long64)) {
		svm_gp(hw);
		return true;
	}
	s->cr0 = cr0 | CR0_ET;
	if (pg_on && (efer & EFER_LME))
		efer |= EFER_LMA;
	if (pg_off)
		efer &= ~EFER_LMA;
	svm_efer_store(hw, efer);
	if ((old ^ s->cr0) & (CR0_PG | CR0_PE | CR0_WP | CR0_CD))
		__atomic_store_n(&hw->flush_requested, true, __ATOMIC_RELEASE);
	s->rip = long64 ? next : (uint32_t)next;
	hw->vmcb->control.int_state &= ~SVM_INTERRUPT_SHADOW;
	return true;
}
