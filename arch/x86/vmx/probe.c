/* Intel VMX and EPT capabilities (SDM Vol. 3C, chapter 24 and appendix A). */
#include "arch/x86/virt_probe.h"
#include "arch/x86/cpu.h"
#include "arch/x86/msr.h"
#include "arch/x86/msr_safe.h"
#include "lib/format.h"

#define CPUID_1_ECX_VMX (1u << 5)
#define PROCBASED_ACTIVATE_SECONDARY (1ull << (32 + 31))
#define PROCBASED2_ENABLE_EPT (1ull << (32 + 1))
#define PROCBASED2_ENABLE_VPID (1ull << (32 + 5))
#define PROCBASED2_UNRESTRICTED_GUEST (1ull << (32 + 7))
#define EPT_CAP_WALK_4 (1ull << 6)
#define EPT_CAP_MEMTYPE_WB (1ull << 14)
#define EPT_CAP_2M (1ull << 16)
#define EPT_CAP_1G (1ull << 17)
#define EPT_CAP_INVEPT (1ull << 20)
#define EPT_CAP_ACCESSED_DIRTY (1ull << 21)
#define EPT_CAP_INVEPT_SINGLE (1ull << 25)
#define EPT_CAP_INVEPT_ALL (1ull << 26)
#define MSR_IA32_VMX_PINBASED_CTLS 0x481
#define PINBASED_PREEMPTION_TIMER (1ull << (32 + 6))

#define WHY(...) fmt_snprintf(out->why, sizeof(out->why), __VA_ARGS__)

/* Makes VMXON possible outside SMX; false with out->why set when it is not. */
static bool vmx_enable_in_feature_control(struct virt_caps *out)
{
	uint64_t fc;

	if (!rdmsr_safe(MSR_IA32_FEATURE_CONTROL, &fc)) {
		WHY("IA32_FEATURE_CONTROL cannot be read: VMX is unusable here");
		return false;
	}
	if (fc & FEATURE_CONTROL_LOCKED) {
		out->vmx_firmware_locked = true;
		if (!(fc & FEATURE_CONTROL_VMX_OUTSIDE_SMX)) {
			WHY("VMX is disabled by the firmware: enable Intel VT-x "
			    "(Intel Virtualization Technology) in the firmware setup");
			return false;
		}
		return true;
	}
	fc |= FEATURE_CONTROL_VMX_OUTSIDE_SMX | FEATURE_CONTROL_LOCKED;
	if (!wrmsr_safe(MSR_IA32_FEATURE_CONTROL, fc)) {
		WHY("IA32_FEATURE_CONTROL cannot be written to enable VMX");
		return false;
	}
	return true;
}

void vmx_probe(struct virt_caps *out)
{
	uint64_t procbased, procbased2 = 0, ept = 0, pinbased = 0;

	if (!(cpuid(1, 0).ecx & CPUID_1_ECX_VMX)) {
		WHY("CPU has no VMX (Intel VT-x); under a hypervisor, enable "
		    "nested virtualization (e.g. kvm_intel nested=1, -cpu host)");
		return;
	}
	if (!vmx_enable_in_feature_control(out))
		return;
	if (!rdmsr_safe(MSR_IA32_VMX_PROCBASED_CTLS, &procbased) ||
	    !(procbased & PROCBASED_ACTIVATE_SECONDARY) ||
	    !rdmsr_safe(MSR_IA32_VMX_PROCBASED_CTLS2, &procbased2) ||
	    !(procbased2 & PROCBASED2_ENABLE_EPT) ||
	    !rdmsr_safe(MSR_IA32_VMX_EPT_VPID_CAP, &ept)) {
		WHY("VMX without EPT (extended page tables): this hypervisor needs EPT");
		return;
	}
	if (!(ept & EPT_CAP_WALK_4) || !(ept & EPT_CAP_MEMTYPE_WB) ||
	    !(ept & EPT_CAP_INVEPT)) {
		WHY("EPT lacks 4-level walks, write-back tables or INVEPT");
		return;
	}
	rdmsr_safe(MSR_IA32_VMX_PINBASED_CTLS, &pinbased);

	out->kind = VIRT_VMX;
	out->tdp_2m = ept & EPT_CAP_2M;
	out->tdp_1g = ept & EPT_CAP_1G;
	out->tdp_accessed_dirty = ept & EPT_CAP_ACCESSED_DIRTY;
	out->invept_single = ept & EPT_CAP_INVEPT_SINGLE;
	out->invept_all = ept & EPT_CAP_INVEPT_ALL;
	out->vpid = procbased2 & PROCBASED2_ENABLE_VPID;
	out->unrestricted_guest = procbased2 & PROCBASED2_UNRESTRICTED_GUEST;
	out->preemption_timer = pinbased & PINBASED_PREEMPTION_TIMER;
}
