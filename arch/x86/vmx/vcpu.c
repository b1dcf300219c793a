/*
 * A VMX vCPU: its VMCS, I/O and MSR bitmaps, the guest's entry state
 * (docs/guest-abi.md), the run loop around VMLAUNCH/VMRESUME, and
 * struct virt_backend vmx_backend.
 *
 * The VMCS is made current on the vCPU's CPU at creation and stays
 * current there: vCPUs are pinned and one CPU runs one vCPU, so no
 * VMPTRLD is needed between entries.
 */
#include "arch/x86/idt.h"
#include "arch/x86/vmx/vmx.h"
#include "arch/x86/cpu.h"
#include "arch/x86/descriptors.h"
#include "arch/x86/ept_format.h"
#include "arch/x86/msr.h"
#include "arch/x86/msr_safe.h"
#include "arch/x86/paging.h"
#include "arch/x86/percpu.h"
#include "guest/abi.h"
#include "base/log.h"
#include "base/panic.h"
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

#define IO_BITMAPS_ORDER 1 /* A and B, one page each */


/* The guest's entry state (docs/guest-abi.md). */
#define GUEST_CS_SELECTOR   0x08
#define GUEST_DATA_SELECTOR 0x10
#define GUEST_FLAT_LIMIT    0xffffffffu
#define GUEST_CS_ACCESS                                                        \
	(VMX_AR_TYPE(SEG_TYPE_CODE_XR_ACCESSED) | VMX_AR_S | VMX_AR_P |        \
	 VMX_AR_DB | VMX_AR_G)
#define GUEST_DATA_ACCESS                                                      \
	(VMX_AR_TYPE(SEG_TYPE_DATA_RW_ACCESSED) | VMX_AR_S | VMX_AR_P |        \
	 VMX_AR_DB | VMX_AR_G)
#define GUEST_TR_ACCESS (VMX_AR_TYPE(SEG_TYPE_TSS32_BUSY) | VMX_AR_P)
#define GUEST_RFLAGS	0x2ull
#define GUEST_CR0	(CR0_PE | CR0_ET)
#define GUEST_PAT	0x0007040600070406ull /* the power-on PAT */
/* CR0 bits the guest may clear under unrestricted guest (25.6.2). */
#define GUEST_CR0_FREE (CR0_PE | CR0_PG)

/*
 * Not intercepted. FS/GS base and SYSENTER_* are guest-state fields of
 * the VMCS, switched by every entry and exit. KERNEL_GS_BASE and the
 * SYSCALL MSRs are not; the hypervisor itself never uses SYSCALL or
 * SWAPGS, so while the vCPU exists the CPU's registers simply hold the
 * guest's values (vmx_vcpu_take_syscall_msrs), and the host's come back
 * when it is destroyed. A guest (a 64-bit one in particular) can use them
 * without reaching the host's. Every other MSR access exits.
 */
static const uint32_t vmx_msr_passthrough[] = {
    MSR_FS_BASE,	/* FS */
    MSR_GS_BASE,	/* GS */
    MSR_KERNEL_GS_BASE, /* SWAPGS */
    MSR_STAR,		/* SYSCALL, 32-bit */
    MSR_LSTAR,		/* SYSCALL, 64-bit */
    MSR_CSTAR,		/* SYSCALL, compatibility mode */
    MSR_SFMASK,		/* SYSCALL RFLAGS mask */
    MSR_SYSENTER_CS,	/* SYSENTER */
    MSR_SYSENTER_ESP,	/* SYSENTER */
    MSR_SYSENTER_EIP,	/* SYSENTER */
};

/* The MSRs of vmx_msr_passthrough[] that the VMCS does not switch. */
static const uint32_t vmx_syscall_msrs[] = {
    MSR_KERNEL_GS_BASE, MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SFMASK,
};
_Static_assert(ARRAY_SIZE(vmx_syscall_msrs) ==
		   ARRAY_SIZE(((struct vcpu_hw *)0)->host_syscall_msrs),
	       "host_syscall_msrs");

/* Every MSR exits but vmx_msr_passthrough[] (EFER included). */
static void vmx_msr_bitmap_init(uint8_t *map)
{
	memset(map, 0xff, VMX_MSR_BITMAP_SIZE);
	for (size_t i = 0; i < ARRAY_SIZE(vmx_msr_passthrough); i++)
		vmx_msr_bitmap_allow(map, vmx_msr_passthrough[i], true, true);
}

/*
 * VMWRITEs that record the first failure: a field the CPU does not
 * support makes vcpu_create fail with its encoding, never a guest that
 * runs with part of its state missing.
 */
struct vmcs_writer {
	uint32_t failed_field;
	uint32_t error;
	bool ok;
};

static void vmcs_set(struct vmcs_writer *w, uint32_t field, uint64_t value)
{
	if (vmx_vmcs_write(field, value) || !w->ok)
		return;
	w->ok = false;
	w->failed_field = field;
	w->error = (uint32_t)vmx_vmcs_read(VMCS_INSTRUCTION_ERROR);
}

/* Segment s (0 ES .. 7 TR: the order of the VMCS encodings). */
static void vmx_vmcs_set_seg(struct vmcs_writer *w, unsigned s,
			     uint16_t selector, uint32_t access, uint32_t limit)
{
	vmcs_set(w, VMCS_GUEST_ES_SELECTOR + 2 * s, selector);
	vmcs_set(w, VMCS_GUEST_ES_BASE + 2 * s, 0);
	vmcs_set(w, VMCS_GUEST_ES_LIMIT + 2 * s, limit);
	vmcs_set(w, VMCS_GUEST_ES_ACCESS + 2 * s, access);
}

enum { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_LDTR, SEG_TR };

static uint64_t vmx_eptp(uint64_t root, const struct vmx_controls *c)
{
	return root | VMX_EPTP_MEMTYPE_WB | VMX_EPTP_WALK_LENGTH(4) |
	       (c->ept_accessed_dirty ? VMX_EPTP_ACCESSED_DIRTY : 0);
}

static void vmx_vmcs_init_control(struct vmcs_writer *w, struct vcpu_hw *hw,
				  const struct vmx_controls *c)
{
	vmcs_set(w, VMCS_PIN_BASED_CONTROLS, c->pinbased);
	vmcs_set(w, VMCS_PROC_BASED_CONTROLS, c->procbased);
	vmcs_set(w, VMCS_PROC_BASED_CONTROLS2, c->procbased2);
	vmcs_set(w, VMCS_EXIT_CONTROLS, c->exit);
	vmcs_set(w, VMCS_ENTRY_CONTROLS, c->entry & ~ENTRY_IA32E_MODE_GUEST);
	/*
	 * A machine check in the guest is the host's (vmx_vcpu_enter).
	 * #DB and #AC are reflected (vmx_vcpu_reflect_exception): a guest
	 * whose delivery of either raises it again would otherwise loop
	 * inside the CPU, which then takes no interrupt and no NMI.
	 */
	vmcs_set(w, VMCS_EXCEPTION_BITMAP,
		 1u << VEC_MACHINE_CHECK | 1u << VEC_DEBUG |
		     1u << VEC_ALIGNMENT_CHECK);
	vmcs_set(w, VMCS_PF_ERROR_CODE_MASK, 0);
	vmcs_set(w, VMCS_PF_ERROR_CODE_MATCH, 0);
	vmcs_set(w, VMCS_CR3_TARGET_COUNT, 0);
	vmcs_set(w, VMCS_EXIT_MSR_STORE_COUNT, 0);
	vmcs_set(w, VMCS_EXIT_MSR_LOAD_COUNT, 0);
	vmcs_set(w, VMCS_ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_set(w, VMCS_ENTRY_INTERRUPTION_INFO, 0);
	vmcs_set(w, VMCS_IO_BITMAP_A, hw->io_bitmap_pa);
	vmcs_set(w, VMCS_IO_BITMAP_B, hw->io_bitmap_pa + PAGE_SIZE);
	vmcs_set(w, VMCS_MSR_BITMAP, hw->msr_bitmap_pa);
	vmcs_set(w, VMCS_TSC_OFFSET, 0);
	vmcs_set(w, VMCS_EPT_POINTER, hw->eptp);
	/* XSAVES/XRSTORS of any component run without exits. */
	if (c->procbased2 & PROC2_ENABLE_XSAVES)
		vmcs_set(w, VMCS_XSS_EXITING_BITMAP, 0);
	if (hw->vpid)
		vmcs_set(w, VMCS_VPID, hw->vpid);
	vmcs_set(w, VMCS_LINK_POINTER, ~0ull);
	/* The guest owns every CR0/CR4 bit but those VMX fixes, VMXE, SMXE. */
	vmcs_set(w, VMCS_CR0_GUEST_HOST_MASK,
		 vmx_cr_owned_bits(hw->cr0_fixed0, hw->cr0_fixed1, GUEST_CR0_FREE));
	vmcs_set(w, VMCS_CR4_GUEST_HOST_MASK,
		 vmx_cr_owned_bits(hw->cr4_fixed0, hw->cr4_fixed1, 0) |
		     CR4_VMXE | CR4_SMXE);
}

static uint16_t vmx_read_selector_fs(void)
{
	uint16_t sel;

	__asm__ volatile("mov %%fs, %0" : "=r"(sel));
	return sel;
}

static uint16_t vmx_read_selector_gs(void)
{
	uint16_t sel;

	__asm__ volatile("mov %%gs, %0" : "=r"(sel));
	return sel;
}

/*
 * The state a VM exit loads (SDM Vol. 3C, 28.5): this CPU's, as it runs
 * now. After an exit the GDT and IDT limits are 0xffff and TR's limit is
 * 0x67 (28.5.2); neither matters to the hypervisor: its TSS is exactly
 * 0x68 bytes and nothing reads beyond its tables. HOST_RSP is written by
 * entry.asm at each entry.
 */
static void vmx_vmcs_init_host(struct vmcs_writer *w,
			       const struct vmx_controls *c)
{
	struct percpu *p = this_cpu();
	struct descriptor_ptr gdtr, idtr;

	__asm__ volatile("sgdt %0" : "=m"(gdtr));
	__asm__ volatile("sidt %0" : "=m"(idtr));
	vmcs_set(w, VMCS_HOST_CR0, read_cr0());
	vmcs_set(w, VMCS_HOST_CR3, read_cr3());
	vmcs_set(w, VMCS_HOST_CR4, read_cr4());
	vmcs_set(w, VMCS_HOST_CS_SELECTOR, GDT_CODE64);
	vmcs_set(w, VMCS_HOST_SS_SELECTOR, GDT_DATA);
	vmcs_set(w, VMCS_HOST_DS_SELECTOR, GDT_DATA);
	vmcs_set(w, VMCS_HOST_ES_SELECTOR, GDT_DATA);
	vmcs_set(w, VMCS_HOST_FS_SELECTOR, vmx_read_selector_fs() & ~7u);
	vmcs_set(w, VMCS_HOST_GS_SELECTOR, vmx_read_selector_gs() & ~7u);
	vmcs_set(w, VMCS_HOST_TR_SELECTOR, GDT_TSS);
	vmcs_set(w, VMCS_HOST_FS_BASE, rdmsr(MSR_FS_BASE));
	vmcs_set(w, VMCS_HOST_GS_BASE, rdmsr(MSR_GS_BASE));
	vmcs_set(w, VMCS_HOST_TR_BASE, (uint64_t)&p->tss);
	vmcs_set(w, VMCS_HOST_GDTR_BASE, gdtr.base);
	vmcs_set(w, VMCS_HOST_IDTR_BASE, idtr.base);
	vmcs_set(w, VMCS_HOST_SYSENTER_CS, rdmsr(MSR_SYSENTER_CS));
	vmcs_set(w, VMCS_HOST_SYSENTER_ESP, rdmsr(MSR_SYSENTER_ESP));
	vmcs_set(w, VMCS_HOST_SYSENTER_EIP, rdmsr(MSR_SYSENTER_EIP));
	vmcs_set(w, VMCS_HOST_IA32_EFER, rdmsr(MSR_EFER));
	if (c->exit & EXIT_LOAD_IA32_PAT)
		vmcs_set(w, VMCS_HOST_IA32_PAT, rdmsr(MSR_IA32_PAT));
	vmcs_set(w, VMCS_HOST_RIP, (uint64_t)vmx_vmexit);
}

/*
 * The entry state of docs/guest-abi.md: 32-bit protected mode with flat
 * segments, paging and interrupts off, no IDT. CR0.NE (and whatever else
 * VMX fixes) is set underneath; the guest reads the shadow without it.
 */
static void vmx_vmcs_init_guest(struct vmcs_writer *w, struct vcpu_hw *hw,
				const struct vcpu_config *cfg,
				const struct vmx_controls *c)
{
	vmx_vmcs_set_seg(w, SEG_CS, GUEST_CS_SELECTOR, GUEST_CS_ACCESS,
			 GUEST_FLAT_LIMIT);
	vmx_vmcs_set_seg(w, SEG_DS, GUEST_DATA_SELECTOR, GUEST_DATA_ACCESS,
			 GUEST_FLAT_LIMIT);
	vmx_vmcs_set_seg(w, SEG_ES, GUEST_DATA_SELECTOR, GUEST_DATA_ACCESS,
			 GUEST_FLAT_LIMIT);
	vmx_vmcs_set_seg(w, SEG_FS, GUEST_DATA_SELECTOR, GUEST_DATA_ACCESS,
			 GUEST_FLAT_LIMIT);
	vmx_vmcs_set_seg(w, SEG_GS, GUEST_DATA_SELECTOR, GUEST_DATA_ACCESS,
			 GUEST_FLAT_LIMIT);
	vmx_vmcs_set_seg(w, SEG_SS, GUEST_DATA_SELECTOR, GUEST_DATA_ACCESS,
			 GUEST_FLAT_LIMIT);
	vmx_vmcs_set_seg(w, SEG_LDTR, 0, VMX_AR_UNUSABLE, 0xffff);
	vmx_vmcs_set_seg(w, SEG_TR, 0, GUEST_TR_ACCESS, 0xffff);
	vmcs_set(w, VMCS_GUEST_GDTR_BASE, 0);
	vmcs_set(w, VMCS_GUEST_GDTR_LIMIT, 0);
	vmcs_set(w, VMCS_GUEST_IDTR_BASE, 0);
	vmcs_set(w, VMCS_GUEST_IDTR_LIMIT, 0);
	vmcs_set(w, VMCS_CR0_READ_SHADOW, GUEST_CR0);
	vmcs_set(w, VMCS_GUEST_CR0,
		 vmx_cr_real_value(GUEST_CR0, hw->cr0_fixed0, hw->cr0_fixed1,
				   GUEST_CR0_FREE));
	vmcs_set(w, VMCS_CR4_READ_SHADOW, 0);
	vmcs_set(w, VMCS_GUEST_CR4,
		 vmx_cr_real_value(0, hw->cr4_fixed0, hw->cr4_fixed1, 0));
	vmcs_set(w, VMCS_GUEST_CR3, 0);
	vmcs_set(w, VMCS_GUEST_DR7, DR7_RESET);
	vmcs_set(w, VMCS_GUEST_IA32_DEBUGCTL, 0);
	vmcs_set(w, VMCS_GUEST_IA32_EFER, 0);
	if (c->entry & ENTRY_LOAD_IA32_PAT)
		vmcs_set(w, VMCS_GUEST_IA32_PAT, GUEST_PAT);
	vmcs_set(w, VMCS_GUEST_RFLAGS, GUEST_RFLAGS);
	vmcs_set(w, VMCS_GUEST_RIP, cfg->entry.rip);
	vmcs_set(w, VMCS_GUEST_RSP, 0);
	vmcs_set(w, VMCS_GUEST_SYSENTER_CS, 0);
	vmcs_set(w, VMCS_GUEST_SYSENTER_ESP, 0);
	vmcs_set(w, VMCS_GUEST_SYSENTER_EIP, 0);
	vmcs_set(w, VMCS_GUEST_ACTIVITY_STATE, 0);
	vmcs_set(w, VMCS_GUEST_INTERRUPTIBILITY, 0);
	vmcs_set(w, VMCS_GUEST_PENDING_DEBUG, 0);
}

/*
 * The host's SYSCALL MSRs aside, the guest's (zero at reset) in. An MSR
 * this CPU (or an outer hypervisor) lacks faults for the guest as it
 * would without us; CSTAR is one on some Intel configurations.
 */
static void vmx_vcpu_take_syscall_msrs(struct vcpu_hw *hw)
{
	for (size_t i = 0; i < ARRAY_SIZE(vmx_syscall_msrs); i++)
		if (rdmsr_safe(vmx_syscall_msrs[i], &hw->host_syscall_msrs[i]))
			wrmsr_safe(vmx_syscall_msrs[i], 0);
}

static void vmx_vcpu_give_back_syscall_msrs(const struct vcpu_hw *hw)
{
	uint64_t unused;

	for (size_t i = 0; i < ARRAY_SIZE(vmx_syscall_msrs); i++)
		if (rdmsr_safe(vmx_syscall_msrs[i], &unused))
			wrmsr_safe(vmx_syscall_msrs[i], hw->host_syscall_msrs[i]);
}

static void vmx_vcpu_free(uint64_t hw_pa, uint64_t vmcs_pa, uint64_t io_pa,
			  uint64_t msr_pa)
{
	if (hw_pa)
		pmm_free_page(hw_pa);
	if (vmcs_pa)
		pmm_free_page(vmcs_pa);
	if (io_pa)
		pmm_free(io_pa, IO_BITMAPS_ORDER);
	if (msr_pa)
		pmm_free_page(msr_pa);
}

static bool vmx_vcpu_config_ok(const struct vcpu_config *cfg,
			       const struct vmx_controls *c, char *err,
			       size_t errsz)
{
	if (!c) {
		fmt_snprintf(err, errsz, "VMX is not enabled on cpu%u",
			     this_cpu_id());
		return false;
	}
	if (cfg->asid == 0 || cfg->asid > 0xffff) {
		fmt_snprintf(err, errsz, "VPID %u is not in 1..65535", cfg->asid);
		return false;
	}
	if (cfg->tdp_levels != 4 || !cfg->tdp_root ||
	    !IS_ALIGNED(cfg->tdp_root, PAGE_SIZE)) {
		fmt_snprintf(err, errsz,
			     "EPT root %#llx with %u levels: need a page-aligned "
			     "%u-level root",
			     (unsigned long long)cfg->tdp_root, cfg->tdp_levels, 4);
		return false;
	}
	return true;
}

/*
 * A vCPU pinned to the calling CPU, which must have run cpu_enable; its
 * VMCS is current on that CPU from now on. Its first vcpu_run enters the
 * guest in cfg->entry's state with VMLAUNCH; its TLB entries are flushed
 * before that first entry, since an earlier VM may have used the same
 * VPID and EPT root address on this CPU.
 */
static struct vcpu_hw *vmx_vcpu_create(const struct vcpu_config *cfg, char *err,
				       size_t errsz)
{
	const struct vmx_controls *c = vmx_cpu_controls();
	struct vmcs_writer w = {.ok = true};
	uint64_t hw_pa, vmcs_pa, io_pa, msr_pa;
	struct vcpu_hw *hw;

	if (!vmx_vcpu_config_ok(cfg, c, err, errsz))
		return NULL;
	hw_pa = pmm_alloc_page();
	vmcs_pa = pmm_alloc_page();
	io_pa = pmm_alloc(IO_BITMAPS_ORDER);
	msr_pa = pmm_alloc_page();
	if (!hw_pa || !vmcs_pa || !io_pa || !msr_pa) {
		vmx_vcpu_free(hw_pa, vmcs_pa, io_pa, msr_pa);
		fmt_snprintf(err, errsz, "no memory for a VMCS and its bitmaps");
		return NULL;
	}

	hw = phys_to_virt(hw_pa);
	memset(hw, 0, sizeof(*hw));
	hw->vmcs_pa = vmcs_pa;
	hw->io_bitmap_pa = io_pa;
	hw->msr_bitmap_pa = msr_pa;
	hw->cpu = this_cpu_id();
	hw->vcpu_id = cfg->vcpu_id;
	hw->vpid = c->vpid ? (uint16_t)cfg->asid : 0;
	hw->eptp = vmx_eptp(cfg->tdp_root, c);
	hw->invept_single = c->invept_single;
	hw->invvpid_single = c->invvpid_single;
	hw->flush_requested = true;
	hw->entry_regs = cfg->entry.regs;
	vmx_cpu_cr_fixed(&hw->cr0_fixed0, &hw->cr0_fixed1, &hw->cr4_fixed0,
			 &hw->cr4_fixed1);

	memset(phys_to_virt(io_pa), 0xff, 2 * PAGE_SIZE);
	vmx_msr_bitmap_init(phys_to_virt(msr_pa));
	memset(phys_to_virt(vmcs_pa), 0, PAGE_SIZE);
	*(uint32_t *)phys_to_virt(vmcs_pa) =
	    (uint32_t)(vmx_cpu_basic() & VMX_BASIC_REVISION_MASK);
	if (!vmx_vmclear(vmcs_pa) || !vmx_vmptrld(vmcs_pa)) {
		vmx_vcpu_free(hw_pa, vmcs_pa, io_pa, msr_pa);
		fmt_snprintf(err, errsz, "VMCLEAR/VMPTRLD of a new VMCS failed: %s",
			     vmx_instruction_error_text((uint32_t)vmx_vmcs_read(
				 VMCS_INSTRUCTION_ERROR)));
		return NULL;
	}
	vmx_vmcs_init_control(&w, hw, c);
	vmx_vmcs_init_host(&w, c);
	vmx_vmcs_init_guest(&w, hw, cfg, c);
	if (cfg->break_guest_state) /* RFLAGS bit 1 must be 1: SDM 27.3.1.4 */
		vmcs_set(&w, VMCS_GUEST_RFLAGS, 0);
	if (!w.ok) {
		vmx_vmclear(vmcs_pa);
		vmx_vcpu_free(hw_pa, vmcs_pa, io_pa, msr_pa);
		fmt_snprintf(err, errsz, "VMWRITE of VMCS field %#x failed: %s",
			     w.failed_field, vmx_instruction_error_text(w.error));
		return NULL;
	}
	vmx_vcpu_take_syscall_msrs(hw);
	return hw;
}

/*
 * Frees the vCPU, on the CPU it was made on; it must not be running. Its
 * VMCS is cleared (written back and no longer current), and the host's
 * SYSCALL MSRs come back.
 */
static void vmx_vcpu_destroy(struct vcpu_hw *hw)
{
	if (!hw)
		return;
	BUG_ON(hw->cpu != this_cpu_id());
	vmx_vmclear(hw->vmcs_pa);
	vmx_vcpu_give_back_syscall_msrs(hw);
	vmx_vcpu_free(virt_to_phys(hw), hw->vmcs_pa, hw->io_bitmap_pa,
		      hw->msr_bitmap_pa);
}

/*
 * Whether an event whose delivery an exit interrupted (IDT-vectoring
 * information) must be injected again. Not software interrupts (INTn)
 * and software exceptions (INT3, INTO) or INT1: RIP still points at the
 * instruction, which raises them again (SDM Vol. 3C, 28.2.4).
 */
static bool vmx_vcpu_must_reinject(uint32_t idt_info)
{
	uint32_t type = idt_info & VMX_INTR_TYPE_MASK;

	if (!(idt_info & VMX_INTR_VALID))
		return false;
	return type != VMX_INTR_TYPE_SOFT_INT &&
	       type != VMX_INTR_TYPE_SOFT_EXCEPTION &&
	       type != VMX_INTR_TYPE_PRIV_SOFT_EXCEPTION;
}

/*
 * The event for the next entry: an exception hv/ queued, else one whose
 * delivery the last exit interrupted. Both at once cannot happen with
 * the exits hv/ injects on; if it does, hv/'s wins and the warning says
 * an event was lost.
 */
static void vmx_vcpu_set_next_event(struct vcpu_hw *hw)
{
	uint32_t info = hw->inject ? hw->inject : hw->reinject;
	uint32_t error = hw->inject ? hw->inject_error : hw->reinject_error;

	WARN_ON(hw->inject && hw->reinject);
	vmx_vmcs_write(VMCS_ENTRY_INTERRUPTION_INFO, info);
	if (info & VMX_INTR_ERROR_CODE_VALID)
		vmx_vmcs_write(VMCS_ENTRY_EXCEPTION_ERROR, error);
	if ((info & VMX_INTR_TYPE_MASK) == VMX_INTR_TYPE_PRIV_SOFT_EXCEPTION)
		vmx_vmcs_write(VMCS_ENTRY_INSTRUCTION_LENGTH, hw->inject_len);
	hw->inject = 0;
	hw->reinject = 0;
}

/*
 * INVEPT of this VM's EPT root (single-context, or all-context where the
 * CPU has only that) and INVVPID of its VPID. A flush that fails would
 * leave the guest on stale translations: that is fatal.
 */
static void vmx_vcpu_flush(struct vcpu_hw *hw)
{
	bool ok = hw->invept_single
		      ? vmx_invept(VMX_INVEPT_SINGLE_CONTEXT, hw->eptp)
		      : vmx_invept(VMX_INVEPT_ALL_CONTEXT, 0);

	if (ok && hw->vpid)
		ok = hw->invvpid_single
			 ? vmx_invvpid(VMX_INVVPID_SINGLE_CONTEXT, hw->vpid)
			 : vmx_invvpid(VMX_INVVPID_ALL_CONTEXT, 0);
	if (!ok)
		panic("vmx: vcpu%u: INVEPT/INVVPID failed: %s", hw->vcpu_id,
		      vmx_instruction_error_text(
			  (uint32_t)vmx_vmcs_read(VMCS_INSTRUCTION_ERROR)));
}

/*
 * IA-32e mode follows the guest's EFER.LMA, which the CPU sets when the
 * guest turns paging on with LME (and saves on exit with save IA32_EFER):
 * the next entry must agree with it (SDM Vol. 3C, 27.3.1.1).
 */
static void vmx_vcpu_sync_ia32e(void)
{
	uint64_t entry = vmx_vmcs_read(VMCS_ENTRY_CONTROLS);
	bool lma = vmx_vmcs_read(VMCS_GUEST_IA32_EFER) & EFER_LMA;

	if (!!(entry & ENTRY_IA32E_MODE_GUEST) != lma)
		vmx_vmcs_write(VMCS_ENTRY_CONTROLS,
			       lma ? entry | ENTRY_IA32E_MODE_GUEST
				   : entry & ~ENTRY_IA32E_MODE_GUEST);
}

/*
 * An NMI that made the guest exit was consumed by the exit, and NMIs are
 * blocked until the next IRET (SDM Vol. 3C, 28.1 and 25.1.2): INT 2 runs
 * the host's NMI handler with it, whose IRET unblocks NMIs again, so
 * kicks and the fatal stop see every NMI as on SVM.
 *
 * The guest itself was not blocking NMIs: this hypervisor never gives a
 * guest an NMI, so no guest is ever inside an NMI handler. The exit must
 * save its blocking by NMI as it was before the NMI (SDM Vol. 3C,
 * "Saving Non-Register State"), i.e. clear. Bochs 2.7 masks the NMI
 * before it performs the exit (cpu/event.cc, handleAsyncEvent) and so
 * saves the bit set; the next entry would then hold every later NMI off
 * for good, and no kick could take the vCPU out of its guest. The bit is
 * cleared here, which is what hardware saved anyway.
 */
static void vmx_vcpu_deliver_host_nmi(struct vcpu_hw *hw)
{
	uint64_t intr = vmx_vmcs_read(VMCS_GUEST_INTERRUPTIBILITY);

	if (intr & VMX_BLOCKING_BY_NMI)
		vmx_vmcs_write(VMCS_GUEST_INTERRUPTIBILITY,
			       intr & ~(uint64_t)VMX_BLOCKING_BY_NMI);
	/* For the fatal report: this NMI came out of the guest, there. */
	hw->nmi_guest_rip = vmx_vmcs_read(VMCS_GUEST_RIP);
	percpu_open_nmi_guest_window(hw->vcpu_id, &hw->nmi_guest_rip);
	__asm__ volatile("int $2" ::: "memory");
	percpu_close_nmi_guest_window();
}

/* One VMLAUNCH/VMRESUME; hw->exit_* describe how it ended. */
static void vmx_vcpu_enter(struct vcpu_hw *hw, struct vcpu_regs *regs)
{
	int result;

	hw->idt_vectoring_info = 0;
	if (__atomic_exchange_n(&hw->flush_requested, false, __ATOMIC_ACQ_REL))
		vmx_vcpu_flush(hw);
	vmx_vcpu_set_next_event(hw);
	vmx_vcpu_sync_ia32e();

	result = vmx_vmrun(regs, hw->launched);
	if (result != VMX_RUN_EXITED) {
		uint32_t error = result == VMX_RUN_FAIL_VALID
				     ? (uint32_t)vmx_vmcs_read(VMCS_INSTRUCTION_ERROR)
				     : 0;

		hw->entry_insn_failed = true;
		hw->entry_insn_error = error;
		hw->exit_reason = VMX_EXIT_REASON_ENTRY_FAILED;
		hw->exit_qualification = error;
		return;
	}
	hw->entry_insn_failed = false;
	hw->exit_reason = (uint32_t)vmx_vmcs_read(VMCS_EXIT_REASON);
	/* A refused guest state leaves the VMCS unlaunched (27.8). */
	if (!(hw->exit_reason & VMX_EXIT_REASON_ENTRY_FAILED))
		hw->launched = true;
	hw->exit_qualification = vmx_vmcs_read(VMCS_EXIT_QUALIFICATION);
	if (hw->exit_reason == VMX_EXIT_EXCEPTION_OR_NMI &&
	    (vmx_vmcs_read(VMCS_EXIT_INTERRUPTION_INFO) &
	     (VMX_INTR_VALID | VMX_INTR_TYPE_MASK)) ==
		(VMX_INTR_VALID | VMX_INTR_TYPE_NMI))
		vmx_vcpu_deliver_host_nmi(hw);
	/* A machine check while the guest ran or during the entry: the
	 * host's handler reports the banks and stops (SDM Vol. 3C, 27.1 and
	 * 27.8). */
	if ((hw->exit_reason == VMX_EXIT_EXCEPTION_OR_NMI &&
	     (vmx_vmcs_read(VMCS_EXIT_INTERRUPTION_INFO) &
	      (VMX_INTR_VALID | VMX_INTR_TYPE_MASK | VMX_INTR_VECTOR_MASK)) ==
		 (VMX_INTR_VALID | VMX_INTR_TYPE_HW_EXCEPTION |
		  VEC_MACHINE_CHECK)) ||
	    (hw->exit_reason & 0xffff) == VMX_EXIT_MACHINE_CHECK_AT_ENTRY)
		__asm__ volatile("int $18" ::: "memory");
	if (hw->exit_reason & VMX_EXIT_REASON_ENTRY_FAILED)
		return;
	hw->idt_vectoring_info =
	    (uint32_t)vmx_vmcs_read(VMCS_IDT_VECTORING_INFO);
	if (vmx_vcpu_must_reinject(hw->idt_vectoring_info)) {
		/* bit 12 is undefined here */
		hw->reinject = hw->idt_vectoring_info & ~(1u << 12);
		hw->reinject_error =
		    (uint32_t)vmx_vmcs_read(VMCS_IDT_VECTORING_ERROR);
	}
}

/*
 * Runs the guest until an exit for hv/: exits the backend completes
 * itself (vmx_exit_handle_in_backend) re-enter at once; a host interrupt
 * always ends the loop, so a guest cannot keep the CPU by looping on
 * them.
 */
static void vmx_vcpu_run(struct vcpu_hw *hw, struct vcpu_regs *regs,
			 struct vcpu_exit *exit)
{
	BUG_ON(hw->cpu != this_cpu_id());
	WARN_ON(read_rflags() & RFLAGS_IF);
	if (!hw->started) {
		*regs = hw->entry_regs;
		hw->started = true;
	}
	do {
		vmx_vcpu_enter(hw, regs);
		vmx_exit_decode(hw, regs, exit);
		if (exit->kind == VCPU_EXIT_ENTRY_FAILED) {
			exit->entry_failure = vmx_exit_entry_failure(hw);
			pr_err("vmx: vcpu%u: %s refused to enter the guest: %s",
			       hw->vcpu_id, hw->launched ? "VMRESUME" : "VMLAUNCH",
			       exit->entry_failure);
		}
	} while (vmx_exit_handle_in_backend(hw, regs, exit));
}

/* The next entry of this vCPU flushes its TLB entries; any CPU may ask. */
static void vmx_vcpu_request_flush(struct vcpu_hw *hw)
{
	__atomic_store_n(&hw->flush_requested, true, __ATOMIC_RELEASE);
}

/* Whether the guest runs 64-bit code (IA-32e mode and CS.L). */
bool vmx_vcpu_code_is_64bit(void)
{
	return (vmx_vmcs_read(VMCS_GUEST_IA32_EFER) & EFER_LMA) &&
	       (vmx_vmcs_read(VMCS_GUEST_CS_ACCESS) & VMX_AR_L);
}

/*
 * Moves RIP past the instruction exit describes, by the VM-exit
 * instruction-length field (exit->insn_len), and clears blocking by STI
 * and MOV SS as completing the instruction would. Only for the exit just
 * returned by vcpu_run, once. False, with RIP unchanged, when the length
 * is unknown (an exit that is not an instruction's).
 */
bool vmx_vcpu_skip_instruction(struct vcpu_hw *hw, const struct vcpu_exit *exit)
{
	uint64_t next;
	uint64_t intr;

	BUG_ON(exit->rip != vmx_vmcs_read(VMCS_GUEST_RIP));
	if (!exit->insn_len || exit->insn_len > 15)
		return false;
	next = exit->rip + exit->insn_len;
	if (!vmx_vcpu_code_is_64bit())
		next = (uint32_t)next;
	vmx_vmcs_write(VMCS_GUEST_RIP, next);
	intr = vmx_vmcs_read(VMCS_GUEST_INTERRUPTIBILITY);
	if (intr & (VMX_BLOCKING_BY_STI | VMX_BLOCKING_BY_MOV_SS))
		vmx_vmcs_write(VMCS_GUEST_INTERRUPTIBILITY,
			       intr & ~(uint64_t)(VMX_BLOCKING_BY_STI |
						  VMX_BLOCKING_BY_MOV_SS));
	return true;
}

/*
 * Queues a hardware exception (fault: RIP stays at the instruction) for
 * the next entry. The error code is dropped in real mode, where the CPU
 * pushes none and VM entry refuses one (SDM Vol. 3C, 27.2.1.3). NMI is
 * not an exception here.
 */
void vmx_vcpu_inject_exception(struct vcpu_hw *hw, uint8_t vector,
			       bool has_error_code, uint32_t error_code)
{
	uint32_t info = VMX_INTR_VALID | VMX_INTR_TYPE_HW_EXCEPTION | vector;

	BUG_ON(vector >= 32 || vector == VEC_NMI);
	WARN_ON(hw->inject);
	if (has_error_code && (vmx_vmcs_read(VMCS_GUEST_CR0) & CR0_PE)) {
		info |= VMX_INTR_ERROR_CODE_VALID;
		hw->inject_error = error_code;
	}
	hw->inject = info;
}

/*
 * Delivers an intercepted #DB or #AC to the guest as the CPU would have.
 * A #DB exit leaves DR6 untouched and reports its bits in the exit
 * qualification (SDM Vol. 3C, 28.1 and 28.2.1): they go into DR6 (the
 * guest's, since VMX does not switch it) and, for BD, DR7.GD is cleared
 * as delivery does. INT1 is injected again as the privileged software
 * exception it was, past the instruction. An event whose delivery raised
 * this exception is dropped: a benign exception during a delivery is
 * handled serially (SDM Vol. 3A, 6.15, table 6-5).
 */
static void vmx_vcpu_reflect_exception(struct vcpu_hw *hw,
				       const struct vcpu_exit *exit)
{
	uint32_t pending = exit->exception.dr6_pending;
	uint32_t info = (uint32_t)exit->raw_info2;

	if (exit->exception.vector == VEC_DEBUG) {
		write_dr6((read_dr6() & ~DR6_B0_B3) | pending);
		if (pending & DR6_BD)
			vmx_vmcs_write(VMCS_GUEST_DR7,
				       vmx_vmcs_read(VMCS_GUEST_DR7) & ~DR7_GD);
	}
	hw->reinject = 0;
	if ((info & VMX_INTR_TYPE_MASK) == VMX_INTR_TYPE_PRIV_SOFT_EXCEPTION) {
		hw->inject = VMX_INTR_VALID | VMX_INTR_TYPE_PRIV_SOFT_EXCEPTION |
			     VEC_DEBUG;
		hw->inject_len = exit->insn_len;
		return;
	}
	vmx_vcpu_inject_exception(hw, exit->exception.vector,
				  exit->exception.has_error,
				  exit->exception.error);
}

/* EPT with accessed and dirty flags where the CPU has them (EPTP bit 6). */
static const struct tdp_format *vmx_tdp_format(const struct virt_caps *caps)
{
	return caps->tdp_accessed_dirty ? &ept_format : &ept_format_no_ad;
}

const struct virt_backend vmx_backend = {
    .name = "vmx",
    .tdp_format = vmx_tdp_format,
    .hypercall_insn = HV_HYPERCALL_VMCALL,
    .cpu_enable = vmx_cpu_enable,
    .cpu_disable = vmx_cpu_disable,
    .vcpu_create = vmx_vcpu_create,
    .vcpu_destroy = vmx_vcpu_destroy,
    .vcpu_run = vmx_vcpu_run,
    .vcpu_request_flush = vmx_vcpu_request_flush,
    .vcpu_skip_instruction = vmx_vcpu_skip_instruction,
    .vcpu_inject_exception = vmx_vcpu_inject_exception,
    .vcpu_reflect_exception = vmx_vcpu_reflect_exception,
};
