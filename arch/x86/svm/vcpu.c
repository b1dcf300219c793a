/*
 * An SVM vCPU: its VMCB, I/O and MSR permission maps, the guest's entry
 * state (docs/guest-abi.md), the run loop around VMRUN, and
 * struct virt_backend svm_backend.
 *
 * VMCB clean bits are always 0: the processor reloads every field at each
 * VMRUN. This code edits the VMCB freely between runs (RIP, EFER,
 * EVENTINJ, TLB_CONTROL), QEMU TCG has no clean bits at all, and on
 * hardware that has them a wrong clean bit silently runs the guest with
 * stale state; the cost is a little time per VMRUN.
 */
#include "arch/x86/idt.h"
#include "arch/x86/svm/svm.h"
#include "arch/x86/cpu.h"
#include "arch/x86/msr.h"
#include "arch/x86/npt_format.h"
#include "arch/x86/paging.h"
#include "arch/x86/percpu.h"
#include "base/log.h"
#include "base/panic.h"
#include "guest/abi.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/pmm.h"

/* entry.asm addresses struct vcpu_regs by these offsets. */
_Static_assert(offsetof(struct vcpu_regs, rax) == 0, "vcpu_regs");
_Static_assert(offsetof(struct vcpu_regs, rbx) == 8, "vcpu_regs");
_Static_assert(offsetof(struct vcpu_regs, rcx) == 16, "vcpu_regs");
_Static_assert(offsetof(struct vcpu_regs, rdx) == 24, "vcpu_regs");
_Static_assert(offsetof(struct vcpu_regs, rsi) == 32, "vcpu_regs");
_Static_assert(offsetof(struct vcpu_regs, rdi) == 40, "vcpu_regs");
_Static_assert(offsetof(struct vcpu_regs, rbp) == 48, "vcpu_regs");
_Static_assert(offsetof(struct vcpu_regs, r8) == 56, "vcpu_regs");
_Static_assert(offsetof(struct vcpu_regs, r12) == 88, "vcpu_regs");
_Static_assert(offsetof(struct vcpu_regs, r15) == 112, "vcpu_regs");

#define IOPM_ORDER  2 /* 16 KiB block for the 12 KiB map */
#define MSRPM_ORDER 1 /* 8 KiB */

/* The guest's entry state (docs/guest-abi.md). */
#define GUEST_CS_SELECTOR   0x08
#define GUEST_DATA_SELECTOR 0x10
#define GUEST_FLAT_LIMIT    0xffffffffu
#define GUEST_CS_ATTRIB                                                        \
	(VMCB_ATTR_TYPE(SEG_TYPE_CODE_XR_ACCESSED) | VMCB_ATTR_S |             \
	 VMCB_ATTR_P | VMCB_ATTR_DB | VMCB_ATTR_G)
#define GUEST_DATA_ATTRIB                                                      \
	(VMCB_ATTR_TYPE(SEG_TYPE_DATA_RW_ACCESSED) | VMCB_ATTR_S |             \
	 VMCB_ATTR_P | VMCB_ATTR_DB | VMCB_ATTR_G)
#define GUEST_RFLAGS 0x2ull
#define GUEST_G_PAT  0x0007040600070406ull /* the power-on PAT */


/*
 * Not intercepted: their guest values live in the VMCB and the world
 * switch loads and saves them with VMLOAD/VMSAVE, so a guest (a 64-bit
 * one in particular) can use them without reaching the host's. Those
 * marked read-only exit on WRMSR: they hold addresses, and a write of a
 * non-canonical one must raise #GP. The CPU does that itself, but QEMU's
 * TCG (7.2) takes the value, and VMRUN then refuses the guest; the exit
 * checks it as the CPU would (svm_exit_address_msr). Every other MSR
 * access exits.
 */
static const struct {
	uint32_t msr;
	bool read_only;
} svm_msr_passthrough[] = {
    {MSR_FS_BASE, true},	/* FS */
    {MSR_GS_BASE, true},	/* GS */
    {MSR_KERNEL_GS_BASE, true}, /* SWAPGS */
    {MSR_STAR, false},		/* SYSCALL, 32-bit */
    {MSR_LSTAR, true},		/* SYSCALL, 64-bit */
    {MSR_CSTAR, true},		/* SYSCALL, compatibility mode */
    {MSR_SFMASK, false},	/* SYSCALL RFLAGS mask */
    {MSR_SYSENTER_CS, false},	/* SYSENTER */
    {MSR_SYSENTER_ESP, false},	/* SYSENTER */
    {MSR_SYSENTER_EIP, false},	/* SYSENTER */
};

/* Clears the read intercept of msr, and the write intercept unless
 * read_only (APM 15.11, Table 15-5: two bits per MSR, read then write). */
static void svm_msrpm_allow(uint8_t *map, uint32_t msr, bool read_only)
{
	uint32_t bit;

	if (msr <= 0x1fff)
		bit = msr * 2;
	else if (msr - 0xc0000000u <= 0x1fff)
		bit = 0x800 * 8 + (msr - 0xc0000000u) * 2;
	else if (msr - 0xc0010000u <= 0x1fff)
		bit = 0x1000 * 8 + (msr - 0xc0010000u) * 2;
	else
		return; /* outside the map: always intercepted */
	map[bit / 8] &= (uint8_t) ~((read_only ? 1u : 3u) << (bit % 8));
}

/* Every MSR intercepted but svm_msr_passthrough[] (EFER included). */
static void svm_msrpm_init(uint8_t *map)
{
	memset(map, 0xff, SVM_MSRPM_SIZE);
	for (size_t i = 0; i < ARRAY_SIZE(svm_msr_passthrough); i++)
		svm_msrpm_allow(map, svm_msr_passthrough[i].msr,
				svm_msr_passthrough[i].read_only);
}

static void svm_vmcb_set_seg(struct vmcb_seg *seg, uint16_t selector,
			     uint16_t attrib, uint32_t limit)
{
	seg->selector = selector;
	seg->attrib = attrib;
	seg->limit = limit;
	seg->base = 0;
}

static void svm_vmcb_init_control(struct vcpu_hw *hw,
				  const struct vcpu_config *cfg)
{
	struct vmcb_control *c = &hw->vmcb->control;

	c->intercept_misc1 = SVM_INTERCEPT_INTR | SVM_INTERCEPT_NMI |
			     SVM_INTERCEPT_INIT | SVM_INTERCEPT_CPUID |
			     SVM_INTERCEPT_INVD | SVM_INTERCEPT_HLT |
			     SVM_INTERCEPT_INVLPGA | SVM_INTERCEPT_IOIO_PROT |
			     SVM_INTERCEPT_MSR_PROT | SVM_INTERCEPT_SHUTDOWN;
	/*
	 * A machine check in the guest is the host's (svm_vcpu_enter).
	 * #DB and #AC are reflected (svm_vcpu_reflect_exception): a guest
	 * whose delivery of either raises it again would otherwise loop
	 * inside the CPU, which then takes no interrupt and no NMI.
	 */
	c->intercept_exceptions = 1u << VEC_MACHINE_CHECK | 1u << VEC_DEBUG |
				  1u << VEC_ALIGNMENT_CHECK;
	c->intercept_misc2 = SVM_INTERCEPT2_VMRUN | SVM_INTERCEPT2_VMMCALL |
			     SVM_INTERCEPT2_VMLOAD | SVM_INTERCEPT2_VMSAVE |
			     SVM_INTERCEPT2_STGI | SVM_INTERCEPT2_CLGI |
			     SVM_INTERCEPT2_SKINIT;
	c->iopm_base_pa = hw->iopm_pa;
	c->msrpm_base_pa = hw->msrpm_pa;
	c->guest_asid = cfg->asid;
	c->int_ctl = V_INTR_MASKING;
	c->nested_ctl = SVM_NP_ENABLE;
	c->n_cr3 = cfg->tdp_root;
}

/* The entry state of docs/guest-abi.md, with SVME hidden in EFER. */
static void svm_vmcb_init_guest(struct vcpu_hw *hw,
				const struct vcpu_config *cfg)
{
	struct vmcb_save *s = &hw->vmcb->save;

	svm_vmcb_set_seg(&s->cs, GUEST_CS_SELECTOR, GUEST_CS_ATTRIB,
			 GUEST_FLAT_LIMIT);
	svm_vmcb_set_seg(&s->ds, GUEST_DATA_SELECTOR, GUEST_DATA_ATTRIB,
			 GUEST_FLAT_LIMIT);
	s->es = s->ds;
	s->fs = s->ds;
	s->gs = s->ds;
	s->ss = s->ds;
	svm_vmcb_set_seg(&s->gdtr, 0, 0, 0);
	svm_vmcb_set_seg(&s->idtr, 0, 0, 0);
	svm_vmcb_set_seg(&s->ldtr, 0,
			 VMCB_ATTR_TYPE(SEG_TYPE_LDT) | VMCB_ATTR_P, 0xffff);
	svm_vmcb_set_seg(&s->tr, 0,
			 VMCB_ATTR_TYPE(SEG_TYPE_TSS32_BUSY) | VMCB_ATTR_P,
			 0xffff);
	s->cpl = 0;
	s->efer = EFER_SVME;
	s->cr0 = CR0_PE | CR0_ET;
	s->cr2 = 0;
	s->cr3 = 0;
	s->cr4 = 0;
	s->dr6 = DR6_RESET;
	s->dr7 = DR7_RESET;
	s->rflags = GUEST_RFLAGS;
	s->rip = cfg->entry.rip;
	s->rsp = 0;
	s->rax = cfg->entry.regs.rax;
	s->g_pat = GUEST_G_PAT;
}

static void svm_vcpu_free(uint64_t hw_pa, uint64_t vmcb_pa, uint64_t iopm_pa,
			  uint64_t msrpm_pa)
{
	if (hw_pa)
		pmm_free_page(hw_pa);
	if (vmcb_pa)
		pmm_free_page(vmcb_pa);
	if (iopm_pa)
		pmm_free(iopm_pa, IOPM_ORDER);
	if (msrpm_pa)
		pmm_free(msrpm_pa, MSRPM_ORDER);
}

static bool svm_vcpu_config_ok(const struct vcpu_config *cfg, char *err,
			       size_t errsz)
{
	const struct virt_caps *caps = &this_cpu()->virt;

	if (!svm_cpu_host_state_pa()) {
		fmt_snprintf(err, errsz, "SVM is not enabled on cpu%u",
			     this_cpu_id());
		return false;
	}
	if (cfg->asid == 0 ||
	    (caps->asid_count && cfg->asid >= caps->asid_count)) {
		fmt_snprintf(err, errsz, "ASID %u is not in 1..%u", cfg->asid,
			     caps->asid_count ? caps->asid_count - 1 : 0);
		return false;
	}
	if (cfg->tdp_levels != npt_format.levels || !cfg->tdp_root ||
	    !IS_ALIGNED(cfg->tdp_root, PAGE_SIZE)) {
		fmt_snprintf(err, errsz,
			     "NPT root %#llx with %u levels: need "
			     "a page-aligned %u-level root",
			     (unsigned long long)cfg->tdp_root, cfg->tdp_levels,
			     npt_format.levels);
		return false;
	}
	return true;
}

/*
 * A vCPU pinned to the calling CPU, which must have run cpu_enable. Its
 * first vcpu_run enters the guest in cfg->entry's state; its TLB entries
 * are flushed before that first entry, since an earlier VM may have used
 * the same ASID on this CPU.
 */
static struct vcpu_hw *svm_vcpu_create(const struct vcpu_config *cfg, char *err,
				       size_t errsz)
{
	uint64_t hw_pa, vmcb_pa, iopm_pa, msrpm_pa;
	struct vcpu_hw *hw;

	if (!svm_vcpu_config_ok(cfg, err, errsz))
		return NULL;
	hw_pa = pmm_alloc_page();
	vmcb_pa = pmm_alloc_page();
	iopm_pa = pmm_alloc(IOPM_ORDER);
	msrpm_pa = pmm_alloc(MSRPM_ORDER);
	if (!hw_pa || !vmcb_pa || !iopm_pa || !msrpm_pa) {
		svm_vcpu_free(hw_pa, vmcb_pa, iopm_pa, msrpm_pa);
		fmt_snprintf(err, errsz,
			     "no memory for a VMCB and its "
			     "permission maps");
		return NULL;
	}

	hw = phys_to_virt(hw_pa);
	memset(hw, 0, sizeof(*hw));
	hw->vmcb = phys_to_virt(vmcb_pa);
	hw->vmcb_pa = vmcb_pa;
	hw->iopm_pa = iopm_pa;
	hw->msrpm_pa = msrpm_pa;
	hw->host_state_pa = svm_cpu_host_state_pa();
	hw->cpu = this_cpu_id();
	hw->vcpu_id = cfg->vcpu_id;
	hw->nrip_save = this_cpu()->virt.nrip_save;
	hw->decode_assists = this_cpu()->virt.decode_assists;
	hw->linear_bits = cpu_linear_address_bits(); /* CPUID: not per exit */
	hw->read_guest = cfg->read_guest;
	hw->guest_mem = cfg->guest_mem;
	hw->flush_command = this_cpu()->virt.flush_by_asid
				? TLB_CONTROL_FLUSH_GUEST
				: TLB_CONTROL_FLUSH_ALL;
	hw->flush_requested = true;
	hw->entry_regs = cfg->entry.regs;

	memset(phys_to_virt(iopm_pa), 0xff, SVM_IOPM_SIZE);
	svm_msrpm_init(phys_to_virt(msrpm_pa));
	memset(hw->vmcb, 0, sizeof(*hw->vmcb));
	svm_vmcb_init_control(hw, cfg);
	svm_vmcb_init_guest(hw, cfg);
	if (cfg->break_guest_state)
		hw->vmcb->save.efer &= ~EFER_SVME; /* APM 15.5.1: VMRUN refuses */
	return hw;
}

/* Frees the vCPU; it must not be running, on any CPU. */
static void svm_vcpu_destroy(struct vcpu_hw *hw)
{
	if (!hw)
		return;
	svm_vcpu_free(virt_to_phys(hw), hw->vmcb_pa, hw->iopm_pa, hw->msrpm_pa);
}

/*
 * Whether an event whose delivery an exit interrupted (EXITINTINFO) must
 * be injected again. Not software interrupts (INTn) and not INT3/INTO:
 * RIP still points at the instruction, which raises them again.
 */
static uint64_t svm_vcpu_reinjection(uint64_t exitintinfo)
{
	uint64_t type = exitintinfo & SVM_EVENTINJ_TYPE_MASK;
	uint64_t vector = exitintinfo & SVM_EVENTINJ_VECTOR_MASK;

	if (!(exitintinfo & SVM_EVENTINJ_V))
		return 0;
	if (type == SVM_EVENTINJ_TYPE_SOFT_INT)
		return 0;
	if (type == SVM_EVENTINJ_TYPE_EXCEPTION &&
	    (vector == VEC_BREAKPOINT || vector == VEC_OVERFLOW))
		return 0;
	return exitintinfo;
}

/*
 * The event for the next VMRUN: an exception hv/ queued, else one whose
 * delivery the last exit interrupted. Both at once cannot happen with
 * the exits hv/ injects on; if it does, hv/'s wins and the warning says
 * an event was lost.
 */
static uint64_t svm_vcpu_next_event(struct vcpu_hw *hw)
{
	uint64_t ev = hw->inject ? hw->inject : hw->reinject;

	WARN_ON(hw->inject && hw->reinject);
	hw->inject = 0;
	hw->reinject = 0;
	return ev;
}

/* Where the VMCB keeps the guest's RIP (aligned, though the struct is packed). */
static const volatile uint64_t *svm_vcpu_guest_rip(const struct vcpu_hw *hw)
{
	_Static_assert((offsetof(struct vmcb, save) +
			offsetof(struct vmcb_save, rip)) % 8 == 0,
		       "the VMCB's RIP is 8-byte aligned");
	return (const volatile uint64_t *)((const uint8_t *)hw->vmcb +
					   offsetof(struct vmcb, save) +
					   offsetof(struct vmcb_save, rip));
}

/* One VMRUN; regs->rax travels through the VMCB. */
static void svm_vcpu_enter(struct vcpu_hw *hw, struct vcpu_regs *regs)
{
	struct vmcb_control *c = &hw->vmcb->control;

	hw->vmcb->save.rax = regs->rax;
	c->tlb_control =
	    __atomic_exchange_n(&hw->flush_requested, false, __ATOMIC_ACQ_REL)
		? hw->flush_command
		: TLB_CONTROL_DO_NOTHING;
	c->eventinj = svm_vcpu_next_event(hw);
	hw->injected = c->eventinj;
	c->vmcb_clean = 0;

	/*
	 * An NMI in the guest makes it exit and is held by GIF = 0 until
	 * the STGI in svm_vmrun, where the host takes it: inside this
	 * window. So is one that came in the few host instructions before
	 * CLGI; the VMCB's RIP is then where the guest is about to resume.
	 */
	percpu_open_nmi_guest_window(hw->vcpu_id, svm_vcpu_guest_rip(hw));
	svm_vmrun(hw->vmcb_pa, hw->host_state_pa, regs);
	percpu_close_nmi_guest_window();

	regs->rax = hw->vmcb->save.rax;
	/* A machine check while the guest ran: the host's handler reports
	 * the banks and stops, as on any CPU (APM Vol. 2, 15.12). */
	if ((uint32_t)c->exitcode == VMEXIT_EXCP0 + VEC_MACHINE_CHECK)
		__asm__ volatile("int $18" ::: "memory");
	c->tlb_control = TLB_CONTROL_DO_NOTHING;
	c->eventinj = 0;
	if ((uint32_t)c->exitcode != VMEXIT_INVALID)
		hw->reinject = svm_vcpu_reinjection(c->exitintinfo);
}

/*
 * Runs the guest until an exit for hv/: exits the backend completes
 * itself (svm_exit_handle_in_backend) re-enter at once; a host interrupt
 * always ends the loop, so a guest cannot keep the CPU by looping on
 * them.
 */
static void svm_vcpu_run(struct vcpu_hw *hw, struct vcpu_regs *regs,
			 struct vcpu_exit *exit)
{
	BUG_ON(hw->cpu != this_cpu_id());
	WARN_ON(read_rflags() & RFLAGS_IF);
	if (!hw->started) {
		*regs = hw->entry_regs;
		hw->started = true;
	}
	do {
		svm_vcpu_enter(hw, regs);
		svm_exit_decode(hw, regs, exit);
		if (exit->kind == VCPU_EXIT_ENTRY_FAILED) {
			exit->entry_failure = svm_exit_entry_failure(hw);
			pr_err("svm: vcpu%u: VMRUN refused the guest state: %s",
			       hw->vcpu_id, exit->entry_failure);
		}
	} while (svm_exit_handle_in_backend(hw, regs, exit));
}

/* The next VMRUN of this vCPU flushes its TLB entries; any CPU may ask. */
static void svm_vcpu_request_flush(struct vcpu_hw *hw)
{
	__atomic_store_n(&hw->flush_requested, true, __ATOMIC_RELEASE);
}

static bool svm_guest_code_is_64bit(const struct vmcb_save *s)
{
	return (s->efer & EFER_LMA) && (s->cs.attrib & VMCB_ATTR_L);
}

/*
 * Moves RIP past the instruction exit describes: for IN/OUT to EXITINFO2
 * (the next rIP, with or without NRIP save: APM 15.10.2), else to NRIP
 * where the CPU saves it, else by exit->insn_len (exit.c); clears the
 * interrupt shadow as completing the instruction would. Only for the exit
 * just returned by vcpu_run, once. False, with RIP unchanged, when the
 * length is unknown.
 */
bool svm_vcpu_skip_instruction(struct vcpu_hw *hw, const struct vcpu_exit *exit)
{
	struct vmcb *vmcb = hw->vmcb;
	uint64_t next;

	BUG_ON(exit->rip != vmcb->save.rip);
	if (exit->kind == VCPU_EXIT_IO)
		next = vmcb->control.exitinfo2;
	else if (hw->nrip_save && vmcb->control.nrip)
		next = vmcb->control.nrip;
	else if (exit->insn_len)
		next = exit->rip + exit->insn_len;
	else
		return false;
	if (!svm_guest_code_is_64bit(&vmcb->save))
		next = (uint32_t)next;
	vmcb->save.rip = next;
	vmcb->control.int_state &= ~SVM_INTERRUPT_SHADOW;
	return true;
}

/*
 * Queues a hardware exception (fault: RIP stays at the instruction) for
 * the next VMRUN. The error code is dropped in real mode, where the CPU
 * pushes none. NMI is not an exception here.
 */
void svm_vcpu_inject_exception(struct vcpu_hw *hw, uint8_t vector,
			       bool has_error_code, uint32_t error_code)
{
	uint64_t ev = SVM_EVENTINJ_V | SVM_EVENTINJ_TYPE_EXCEPTION | vector;

	BUG_ON(vector >= 32 || vector == VEC_NMI);
	WARN_ON(hw->inject);
	if (has_error_code && (hw->vmcb->save.cr0 & CR0_PE))
		ev |= SVM_EVENTINJ_EV | (uint64_t)error_code
					    << SVM_EVENTINJ_ERRORCODE_SHIFT;
	hw->inject = ev;
}

/*
 * Delivers an intercepted #DB or #AC to the guest as the CPU would have.
 * The CPU wrote DR6 into the VMCB before the intercept (APM Vol. 2,
 * 15.12); delivery clears DR7.GD, which an injected #DB does not do by
 * itself. An event whose delivery raised this exception is dropped: a
 * benign exception during a delivery is handled serially (SDM Vol. 3A,
 * 6.15, table 6-5), and RIP still points where the dropped exception
 * comes from again.
 */
static void svm_vcpu_reflect_exception(struct vcpu_hw *hw,
				       const struct vcpu_exit *exit)
{
	struct vmcb_save *s = &hw->vmcb->save;

	if (exit->exception.vector == VEC_DEBUG && (s->dr6 & DR6_BD))
		s->dr7 &= ~DR7_GD;
	hw->reinject = 0;
	svm_vcpu_inject_exception(hw, exit->exception.vector,
				  exit->exception.has_error,
				  exit->exception.error);
}

/* NPT uses the host's page-table format: accessed and dirty always. */
static const struct tdp_format *svm_tdp_format(const struct virt_caps *caps)
{
	return &npt_format;
}

const struct virt_backend svm_backend = {
    .name = "svm",
    .tdp_format = svm_tdp_format,
    .hypercall_insn = HV_HYPERCALL_VMMCALL,
    .cpu_enable = svm_cpu_enable,
    .cpu_disable = svm_cpu_disable,
    .vcpu_create = svm_vcpu_create,
    .vcpu_destroy = svm_vcpu_destroy,
    .vcpu_run = svm_vcpu_run,
    .vcpu_request_flush = svm_vcpu_request_flush,
    .vcpu_skip_instruction = svm_vcpu_skip_instruction,
    .vcpu_inject_exception = svm_vcpu_inject_exception,
    .vcpu_reflect_exception = svm_vcpu_reflect_exception,
};
