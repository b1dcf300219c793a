#include "arch/x86/guest_cpuid.h"

#define CPUID_1_ECX_VMX (1u << 5)
#define CPUID_1_ECX_SMX (1u << 6)
#define CPUID_1_ECX_X2APIC (1u << 21)
#define CPUID_1_ECX_HYPERVISOR (1u << 31)
#define CPUID_1_EDX_APIC (1u << 9)
#define CPUID_80000001_ECX_SVM (1u << 2)
#define CPUID_LEAF_SVM_FEATURES 0x8000000au
#define CPUID_LEAF_HYPERVISOR 0x40000000u
#define CPUID_LEAF_HYPERVISOR_LAST 0x4fffffffu

struct cpuid_regs guest_cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r = { 0 };

	if (leaf == CPUID_LEAF_HYPERVISOR) {
		r.eax = CPUID_LEAF_HYPERVISOR;
		/* "HvMicroHV v1" */
		__builtin_memcpy(&r.ebx, "HvMi", 4);
		__builtin_memcpy(&r.ecx, "croH", 4);
		__builtin_memcpy(&r.edx, "V v1", 4);
		return r;
	}
	if (leaf == CPUID_LEAF_SVM_FEATURES ||
	    (leaf > CPUID_LEAF_HYPERVISOR && leaf <= CPUID_LEAF_HYPERVISOR_LAST))
		return r;
	r = cpuid(leaf, subleaf);
	if (leaf == 1) {
		r.ecx &= ~(CPUID_1_ECX_VMX | CPUID_1_ECX_SMX |
			   CPUID_1_ECX_X2APIC);
		r.ecx |= CPUID_1_ECX_HYPERVISOR;
		r.edx &= ~CPUID_1_EDX_APIC;
	}
	if (leaf == 0x80000001)
		r.ecx &= ~CPUID_80000001_ECX_SVM;
	return r;
}
