/* What CPUID tells a guest (docs/guest-abi.md). */
#ifndef ARCH_X86_GUEST_CPUID_H
#define ARCH_X86_GUEST_CPUID_H

#include "arch/x86/cpu.h"

/*
 * The host's CPUID without VMX, SVM (and its leaf 0x8000000A), the APIC and
 * x2APIC, with the hypervisor bit set; leaf 0x40000000 is the hypervisor's
 * signature, the rest of 0x4xxxxxxx is zero.
 */
struct cpuid_regs guest_cpuid(uint32_t leaf, uint32_t subleaf);

#endif
