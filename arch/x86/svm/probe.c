/* AMD SVM and NPT capabilities (APM Vol. 2, 15.4 and CPUID Fn8000_000A). */
#include "arch/x86/virt_probe.h"
#include "arch/x86/cpu.h"
#include "arch/x86/msr.h"
#include "arch/x86/msr_safe.h"
#include "lib/format.h"

#define CPUID_80000001_ECX_SVM (1u << 2)
#define CPUID_8000000A_EDX_NP (1u << 0)
#define CPUID_8000000A_EDX_NRIPS (1u << 3)
#define CPUID_8000000A_EDX_FLUSH_BY_ASID (1u << 6)
#define CPUID_8000000A_EDX_DECODE_ASSISTS (1u << 7)
#define CPUID_8000000A_EDX_PAUSE_FILTER (1u << 10)
#define CPUID_8000000A_EDX_VGIF (1u << 16)
#define CPUID_80000001_EDX_PDPE1GB (1u << 26)

#define WHY(...) fmt_snprintf(out->why, sizeof(out->why), __VA_ARGS__)

/* Clears VM_CR.SVMDIS when the firmware left it unlocked. */
static bool svm_enable_in_vm_cr(struct virt_caps *out)
{
	uint64_t vm_cr;

	if (!rdmsr_safe(MSR_VM_CR, &vm_cr)) {
		WHY("VM_CR cannot be read: SVM is unusable here");
		return false;
	}
	if (!(vm_cr & VM_CR_SVMDIS))
		return true;
	if (vm_cr & VM_CR_LOCK) {
		WHY("SVM is disabled by the firmware: enable SVM (AMD-V, "
		    "\"SVM Mode\") in the firmware setup");
		return false;
	}
	if (!wrmsr_safe(MSR_VM_CR, vm_cr & ~VM_CR_SVMDIS)) {
		WHY("VM_CR.SVMDIS is set and cannot be cleared");
		return false;
	}
	return true;
}

void svm_probe(struct virt_caps *out)
{
	struct cpuid_regs ext = cpuid(0x80000001, 0);
	struct cpuid_regs svm;

	if (cpuid(0x80000000, 0).eax < 0x8000000a ||
	    !(ext.ecx & CPUID_80000001_ECX_SVM)) {
		WHY("CPU has no SVM (AMD-V); under a hypervisor, enable nested "
		    "virtualization (e.g. kvm_amd nested=1, -cpu host)");
		return;
	}
	if (!svm_enable_in_vm_cr(out))
		return;
	svm = cpuid(0x8000000a, 0);
	if (!(svm.edx & CPUID_8000000A_EDX_NP)) {
		WHY("SVM without nested paging (NPT): this hypervisor needs NPT");
		return;
	}
	out->kind = VIRT_SVM;
	out->asid_count = svm.ebx;
	out->tdp_2m = true; /* NPT uses the host's page-table format */
	out->tdp_1g = ext.edx & CPUID_80000001_EDX_PDPE1GB;
	out->tdp_accessed_dirty = true;
	out->nrip_save = svm.edx & CPUID_8000000A_EDX_NRIPS;
	out->flush_by_asid = svm.edx & CPUID_8000000A_EDX_FLUSH_BY_ASID;
	out->decode_assists = svm.edx & CPUID_8000000A_EDX_DECODE_ASSISTS;
	out->pause_filter = svm.edx & CPUID_8000000A_EDX_PAUSE_FILTER;
	out->vgif = svm.edx & CPUID_8000000A_EDX_VGIF;
}
