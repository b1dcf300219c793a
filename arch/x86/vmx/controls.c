/*
 * The VMX capability arithmetic (see controls.h). Pure: no MSR access, no
 * global state, so the same code runs on captured values in host tests.
 */
#include "arch/x86/vmx/controls.h"
#include "arch/x86/vmx/vmcs.h"
#include "arch/x86/msr.h"
#include "lib/format.h"

enum vmx_feature_control_action
vmx_feature_control_decide(uint64_t fc, uint64_t *write_value, char *why,
			   size_t whysz)
{
	if (!(fc & FEATURE_CONTROL_LOCKED)) {
		*write_value = fc | FEATURE_CONTROL_VMX_OUTSIDE_SMX |
			       FEATURE_CONTROL_LOCKED;
		return VMX_FC_WRITE;
	}
	if (fc & FEATURE_CONTROL_VMX_OUTSIDE_SMX)
		return VMX_FC_READY;
	if (fc & FEATURE_CONTROL_VMX_IN_SMX) {
		fmt_snprintf(why, whysz,
			     "the firmware enabled VMX only inside SMX (Intel "
			     "TXT): enable Intel VT-x (Intel Virtualization "
			     "Technology) outside TXT in the firmware setup");
		return VMX_FC_SMX_ONLY;
	}
	fmt_snprintf(why, whysz,
		     "VMX is disabled by the firmware: enable Intel VT-x "
		     "(Intel Virtualization Technology) in the firmware setup");
	return VMX_FC_LOCKED_OFF;
}

bool vmx_control_adjust(uint64_t cap, uint32_t required, uint32_t optional,
			uint32_t must_be_clear, uint32_t *out, uint32_t *missing)
{
	uint32_t forced = (uint32_t)cap;
	uint32_t allowed = (uint32_t)(cap >> 32);
	uint32_t word = ((required | optional) & allowed) | forced;

	*out = word;
	*missing = (required & ~allowed) | (forced & must_be_clear);
	return *missing == 0;
}

/* Names of the controls vmx_controls_compute() can miss, for messages. */
struct control_name {
	uint32_t bit;
	const char *name;
};

static const struct control_name pin_names[] = {
    {PIN_EXTERNAL_INTERRUPT_EXITING, "external-interrupt exiting"},
    {PIN_NMI_EXITING, "NMI exiting"},
    {PIN_POSTED_INTERRUPTS, "process posted interrupts (forced on)"},
    {PIN_PREEMPTION_TIMER, "VMX-preemption timer (forced on)"},
};
static const struct control_name proc_names[] = {
    {PROC_HLT_EXITING, "HLT exiting"},
    {PROC_CR3_LOAD_EXITING, "CR3-load exiting (forced on)"},
    {PROC_CR3_STORE_EXITING, "CR3-store exiting (forced on)"},
    {PROC_CR8_LOAD_EXITING, "CR8-load exiting"},
    {PROC_CR8_STORE_EXITING, "CR8-store exiting"},
    {PROC_USE_TPR_SHADOW, "use TPR shadow (forced on)"},
    {PROC_UNCONDITIONAL_IO_EXITING, "unconditional I/O exiting (forced on)"},
    {PROC_INTERRUPT_WINDOW_EXITING, "interrupt-window exiting (forced on)"},
    {PROC_NMI_WINDOW_EXITING, "NMI-window exiting (forced on)"},
    {PROC_MONITOR_TRAP_FLAG, "monitor trap flag (forced on)"},
    {PROC_USE_IO_BITMAPS, "use I/O bitmaps"},
    {PROC_USE_MSR_BITMAPS, "use MSR bitmaps"},
    {PROC_ACTIVATE_SECONDARY, "activate secondary controls"},
};
static const struct control_name proc2_names[] = {
    {PROC2_ENABLE_EPT, "enable EPT"},
    {PROC2_UNRESTRICTED_GUEST, "unrestricted guest"},
    {PROC2_VIRTUALIZE_APIC_ACCESSES, "virtualize APIC accesses (forced on)"},
    {PROC2_ENABLE_PML, "enable PML (forced on)"},
    {PROC2_EPT_VIOLATION_VE, "EPT-violation #VE (forced on)"},
    {PROC2_VMCS_SHADOWING, "VMCS shadowing (forced on)"},
    {PROC2_ENABLE_VMFUNC, "enable VM functions (forced on)"},
};
static const struct control_name exit_names[] = {
    {EXIT_HOST_ADDRESS_SPACE_SIZE, "host address-space size"},
    {EXIT_ACK_INTERRUPT_ON_EXIT, "acknowledge interrupt on exit (forced on)"},
    {EXIT_SAVE_IA32_EFER, "save IA32_EFER"},
    {EXIT_LOAD_IA32_EFER, "load IA32_EFER"},
    {EXIT_SAVE_DEBUG_CONTROLS, "save debug controls"},
};
static const struct control_name entry_names[] = {
    {ENTRY_IA32E_MODE_GUEST, "IA-32e mode guest (forced on)"},
    {ENTRY_TO_SMM, "entry to SMM (forced on)"},
    {ENTRY_DUAL_MONITOR, "deactivate dual-monitor treatment (forced on)"},
    {ENTRY_LOAD_IA32_EFER, "load IA32_EFER"},
    {ENTRY_LOAD_DEBUG_CONTROLS, "load debug controls"},
};

static const char *control_name(const struct control_name *names, size_t n,
				uint32_t missing)
{
	for (size_t i = 0; i < n; i++)
		if (missing & names[i].bit)
			return names[i].name;
	return "an unnamed control";
}

/* One word; on failure err names the control and the MSR it came from. */
#define ADJUST(cap, msr_name, names, req, opt, clear, out)                     \
	({                                                                     \
		uint32_t missing_;                                             \
		bool ok_ = vmx_control_adjust(cap, req, opt, clear, out,       \
					      &missing_);                      \
		if (!ok_)                                                      \
			fmt_snprintf(err, errsz,                               \
				     "the CPU lacks the VMX control \"%s\" "   \
				     "(%s = %#llx): VMX unusable",             \
				     control_name(names, ARRAY_SIZE(names),    \
						  missing_),                   \
				     msr_name, (unsigned long long)(cap));     \
		ok_;                                                           \
	})

bool vmx_controls_compute(const struct vmx_cap_msrs *m, struct vmx_controls *out,
			  char *err, size_t errsz)
{
	bool true_msrs = m->basic & VMX_BASIC_TRUE_CTLS;
	uint64_t pin_cap = true_msrs ? m->true_pinbased : m->pinbased;
	uint64_t proc_cap = true_msrs ? m->true_procbased : m->procbased;
	uint64_t exit_cap = true_msrs ? m->true_exit : m->exit;
	uint64_t entry_cap = true_msrs ? m->true_entry : m->entry;
	const char *pin_msr = true_msrs ? "IA32_VMX_TRUE_PINBASED_CTLS" : "IA32_VMX_PINBASED_CTLS";
	const char *proc_msr = true_msrs ? "IA32_VMX_TRUE_PROCBASED_CTLS" : "IA32_VMX_PROCBASED_CTLS";
	const char *exit_msr = true_msrs ? "IA32_VMX_TRUE_EXIT_CTLS" : "IA32_VMX_EXIT_CTLS";
	const char *entry_msr = true_msrs ? "IA32_VMX_TRUE_ENTRY_CTLS" : "IA32_VMX_ENTRY_CTLS";
	uint32_t pin, proc, proc2, exitc, entry;

	*out = (struct vmx_controls){.true_msrs = true_msrs};

	/*
	 * Host interrupts and NMIs always take the CPU back (kicks, the
	 * watchdog, the fatal stop); the interrupt stays pending in the
	 * local APIC (no acknowledge on exit) and the host takes it once it
	 * enables interrupts, as on SVM.
	 */
	if (!ADJUST(pin_cap, pin_msr, pin_names,
		    PIN_EXTERNAL_INTERRUPT_EXITING | PIN_NMI_EXITING, 0,
		    PIN_POSTED_INTERRUPTS | PIN_PREEMPTION_TIMER, &pin))
		return false;
	/*
	 * HLT exits (hv/ decides); every port and MSR is filtered through the
	 * bitmaps; CR8 accesses exit so that a 64-bit guest never writes
	 * the physical TPR, which would hold off the host's interrupts.
	 * CR3 accesses need no exit with EPT.
	 */
	if (!ADJUST(proc_cap, proc_msr, proc_names,
		    PROC_HLT_EXITING | PROC_CR8_LOAD_EXITING |
			PROC_CR8_STORE_EXITING | PROC_USE_IO_BITMAPS |
			PROC_USE_MSR_BITMAPS | PROC_ACTIVATE_SECONDARY,
		    0,
		    PROC_CR3_LOAD_EXITING | PROC_CR3_STORE_EXITING |
			PROC_USE_TPR_SHADOW | PROC_UNCONDITIONAL_IO_EXITING |
			PROC_INTERRUPT_WINDOW_EXITING | PROC_NMI_WINDOW_EXITING |
			PROC_MONITOR_TRAP_FLAG,
		    &proc))
		return false;
	/*
	 * EPT, and unrestricted guest for the entry state of the guest ABI
	 * (protected mode, paging off). RDTSCP, INVPCID and XSAVES do what
	 * the guest's CPUID (the host's) says instead of raising #UD.
	 */
	if (!ADJUST(m->procbased2, "IA32_VMX_PROCBASED_CTLS2", proc2_names,
		    PROC2_ENABLE_EPT | PROC2_UNRESTRICTED_GUEST,
		    PROC2_ENABLE_VPID | PROC2_ENABLE_RDTSCP |
			PROC2_ENABLE_INVPCID | PROC2_ENABLE_XSAVES,
		    PROC2_VIRTUALIZE_APIC_ACCESSES | PROC2_ENABLE_PML |
			PROC2_EPT_VIOLATION_VE | PROC2_VMCS_SHADOWING |
			PROC2_ENABLE_VMFUNC,
		    &proc2))
		return false;
	/*
	 * A 64-bit host; EFER (and PAT where possible) switched by the CPU;
	 * the guest's DR7 and DEBUGCTL kept across exits (the exits of its
	 * #DB rely on them).
	 */
	if (!ADJUST(exit_cap, exit_msr, exit_names,
		    EXIT_HOST_ADDRESS_SPACE_SIZE | EXIT_SAVE_IA32_EFER |
			EXIT_LOAD_IA32_EFER | EXIT_SAVE_DEBUG_CONTROLS,
		    EXIT_SAVE_IA32_PAT | EXIT_LOAD_IA32_PAT,
		    EXIT_ACK_INTERRUPT_ON_EXIT, &exitc))
		return false;
	if (!ADJUST(entry_cap, entry_msr, entry_names,
		    ENTRY_LOAD_IA32_EFER | ENTRY_LOAD_DEBUG_CONTROLS,
		    ENTRY_LOAD_IA32_PAT,
		    ENTRY_IA32E_MODE_GUEST | ENTRY_TO_SMM | ENTRY_DUAL_MONITOR,
		    &entry))
		return false;
	if (!(m->ept_vpid & VMX_EPT_CAP_WALK_4) || !(m->ept_vpid & VMX_EPT_CAP_WB) ||
	    !(m->ept_vpid & VMX_EPT_CAP_INVEPT) ||
	    !(m->ept_vpid & (VMX_EPT_CAP_INVEPT_SINGLE | VMX_EPT_CAP_INVEPT_ALL))) {
		fmt_snprintf(err, errsz,
			     "EPT lacks 4-level walks, write-back tables or "
			     "INVEPT (IA32_VMX_EPT_VPID_CAP = %#llx)",
			     (unsigned long long)m->ept_vpid);
		return false;
	}

	out->pinbased = pin;
	out->procbased = proc;
	out->procbased2 = proc2;
	out->exit = exitc;
	out->entry = entry;
	out->load_pat = (exitc & EXIT_LOAD_IA32_PAT) && (exitc & EXIT_SAVE_IA32_PAT) &&
			(entry & ENTRY_LOAD_IA32_PAT);
	if (!out->load_pat) {
		out->exit &= ~(EXIT_LOAD_IA32_PAT | EXIT_SAVE_IA32_PAT);
		out->entry &= ~ENTRY_LOAD_IA32_PAT;
		out->exit |= (uint32_t)exit_cap;
		out->entry |= (uint32_t)entry_cap;
	}
	out->invept_single = m->ept_vpid & VMX_EPT_CAP_INVEPT_SINGLE;
	out->ept_accessed_dirty = m->ept_vpid & VMX_EPT_CAP_ACCESSED_DIRTY;
	out->invvpid_single = (m->ept_vpid & VMX_VPID_CAP_INVVPID) &&
			      (m->ept_vpid & VMX_VPID_CAP_INVVPID_SINGLE);
	out->invvpid_all = (m->ept_vpid & VMX_VPID_CAP_INVVPID) &&
			   (m->ept_vpid & VMX_VPID_CAP_INVVPID_ALL);
	/* A VPID that could never be flushed would keep stale mappings. */
	out->vpid = (proc2 & PROC2_ENABLE_VPID) &&
		    (out->invvpid_single || out->invvpid_all);
	if (!out->vpid)
		out->procbased2 &= ~PROC2_ENABLE_VPID;
	return true;
}

uint64_t vmx_cr_owned_bits(uint64_t fixed0, uint64_t fixed1, uint64_t guest_free)
{
	return (fixed0 & ~guest_free) | ~fixed1 | 0xffffffff00000000ull;
}

uint64_t vmx_cr_real_value(uint64_t shadow, uint64_t fixed0, uint64_t fixed1,
			   uint64_t guest_free)
{
	return (shadow | (fixed0 & ~guest_free)) & fixed1;
}

/* The byte and bit of msr's read exit, or false outside the map. */
static bool msr_bitmap_position(uint32_t msr, size_t *byte, unsigned *bit)
{
	uint32_t index;
	size_t base;

	if (msr <= 0x1fff) {
		index = msr;
		base = 0;
	} else if (msr - 0xc0000000u <= 0x1fff) {
		index = msr - 0xc0000000u;
		base = 1024;
	} else {
		return false;
	}
	*byte = base + index / 8;
	*bit = index % 8;
	return true;
}

#define MSR_BITMAP_WRITE_OFFSET 2048

bool vmx_msr_bitmap_allow(uint8_t *bitmap, uint32_t msr, bool read, bool write)
{
	size_t byte;
	unsigned bit;

	if (!msr_bitmap_position(msr, &byte, &bit))
		return false;
	if (read)
		bitmap[byte] &= (uint8_t) ~(1u << bit);
	if (write)
		bitmap[byte + MSR_BITMAP_WRITE_OFFSET] &= (uint8_t) ~(1u << bit);
	return true;
}

bool vmx_msr_bitmap_exits(const uint8_t *bitmap, uint32_t msr, bool write)
{
	size_t byte;
	unsigned bit;

	if (!msr_bitmap_position(msr, &byte, &bit))
		return true;
	if (write)
		byte += MSR_BITMAP_WRITE_OFFSET;
	return bitmap[byte] & (1u << bit);
}
