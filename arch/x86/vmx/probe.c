/*
 * Intel VMX and EPT capabilities (SDM Vol. 3C, chapter 24 and Vol. 3D,
 * appendix A): IA32_FEATURE_CONTROL, then every control this hypervisor
 * needs, computed from the capability MSRs as the vCPUs will use them.
 */
#include "arch/x86/virt_probe.h"
#include "arch/x86/vmx/vmx.h"
#include "arch/x86/cpu.h"
#include "arch/x86/msr.h"
#include "arch/x86/msr_safe.h"
#include "lib/format.h"

#define CPUID_1_ECX_VMX (1u << 5)

#define WHY(...) fmt_snprintf(out->why, sizeof(out->why), __VA_ARGS__)

/*
 * Reads the capability MSRs into m; false if one that every VMX CPU has
 * cannot be read. The TRUE_* ones are read only where IA32_VMX_BASIC
 * says they exist, the secondary and EPT ones only where the primary
 * controls allow them; absent ones stay 0.
 */
bool vmx_read_cap_msrs(struct vmx_cap_msrs *m)
{
	*m = (struct vmx_cap_msrs){0};
	if (!rdmsr_safe(MSR_IA32_FEATURE_CONTROL, &m->feature_control) ||
	    !rdmsr_safe(MSR_IA32_VMX_BASIC, &m->basic) ||
	    !rdmsr_safe(MSR_IA32_VMX_PINBASED_CTLS, &m->pinbased) ||
	    !rdmsr_safe(MSR_IA32_VMX_PROCBASED_CTLS, &m->procbased) ||
	    !rdmsr_safe(MSR_IA32_VMX_EXIT_CTLS, &m->exit) ||
	    !rdmsr_safe(MSR_IA32_VMX_ENTRY_CTLS, &m->entry) ||
	    !rdmsr_safe(MSR_IA32_VMX_CR0_FIXED0, &m->cr0_fixed0) ||
	    !rdmsr_safe(MSR_IA32_VMX_CR0_FIXED1, &m->cr0_fixed1) ||
	    !rdmsr_safe(MSR_IA32_VMX_CR4_FIXED0, &m->cr4_fixed0) ||
	    !rdmsr_safe(MSR_IA32_VMX_CR4_FIXED1, &m->cr4_fixed1))
		return false;
	if (m->basic & VMX_BASIC_TRUE_CTLS &&
	    (!rdmsr_safe(MSR_IA32_VMX_TRUE_PINBASED_CTLS, &m->true_pinbased) ||
	     !rdmsr_safe(MSR_IA32_VMX_TRUE_PROCBASED_CTLS, &m->true_procbased) ||
	     !rdmsr_safe(MSR_IA32_VMX_TRUE_EXIT_CTLS, &m->true_exit) ||
	     !rdmsr_safe(MSR_IA32_VMX_TRUE_ENTRY_CTLS, &m->true_entry)))
		return false;
	if ((m->procbased >> 32) & PROC_ACTIVATE_SECONDARY) {
		rdmsr_safe(MSR_IA32_VMX_PROCBASED_CTLS2, &m->procbased2);
		if ((m->procbased2 >> 32) &
		    (PROC2_ENABLE_EPT | PROC2_ENABLE_VPID))
			rdmsr_safe(MSR_IA32_VMX_EPT_VPID_CAP, &m->ept_vpid);
	}
	return true;
}

/* Makes VMXON possible outside SMX; false with out->why set when it is not. */
static bool vmx_enable_in_feature_control(struct virt_caps *out)
{
	uint64_t fc, value;

	if (!rdmsr_safe(MSR_IA32_FEATURE_CONTROL, &fc)) {
		WHY("IA32_FEATURE_CONTROL cannot be read: VMX is unusable here");
		return false;
	}
	switch (vmx_feature_control_decide(fc, &value, out->why,
					   sizeof(out->why))) {
	case VMX_FC_READY:
		out->vmx_firmware_locked = true;
		return true;
	case VMX_FC_WRITE:
		if (!wrmsr_safe(MSR_IA32_FEATURE_CONTROL, value)) {
			WHY("IA32_FEATURE_CONTROL cannot be written to enable VMX");
			return false;
		}
		return true;
	default:
		out->vmx_firmware_locked = true;
		return false;
	}
}

void vmx_probe(struct virt_caps *out)
{
	struct vmx_cap_msrs m;
	struct vmx_controls c;

	if (!(cpuid(1, 0).ecx & CPUID_1_ECX_VMX)) {
		WHY("CPU has no VMX (Intel VT-x); under a hypervisor, enable "
		    "nested virtualization (e.g. kvm_intel nested=1, -cpu host)");
		return;
	}
	if (!vmx_enable_in_feature_control(out))
		return;
	if (!vmx_read_cap_msrs(&m)) {
		WHY("the VMX capability MSRs cannot be read: VMX is unusable here");
		return;
	}
	if (!((m.procbased >> 32) & PROC_ACTIVATE_SECONDARY) ||
	    !((m.procbased2 >> 32) & PROC2_ENABLE_EPT)) {
		WHY("VMX without EPT (extended page tables): this hypervisor needs EPT");
		return;
	}
	if (!vmx_controls_compute(&m, &c, out->why, sizeof(out->why)))
		return;

	out->kind = VIRT_VMX;
	out->tdp_2m = m.ept_vpid & VMX_EPT_CAP_2M;
	out->tdp_1g = m.ept_vpid & VMX_EPT_CAP_1G;
	out->tdp_accessed_dirty = c.ept_accessed_dirty;
	out->invept_single = c.invept_single;
	out->invept_all = m.ept_vpid & VMX_EPT_CAP_INVEPT_ALL;
	out->vpid = c.vpid;
	out->unrestricted_guest = c.procbased2 & PROC2_UNRESTRICTED_GUEST;
	out->preemption_timer = (m.pinbased >> 32) & PIN_PREEMPTION_TIMER;
	out->ins_outs_info = m.basic & VMX_BASIC_INS_OUTS_INFO;
}
