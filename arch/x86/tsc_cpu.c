#include "arch/x86/tsc_cpu.h"
#include "arch/x86/cpu.h"
#include "arch/x86/msr_safe.h"
#include "arch/x86/virt_probe.h"

#define MSR_AMD_HWCR 0xc0010015u
#define HWCR_TSC_FREQ_SEL (1ull << 24) /* the TSC counts at P0's frequency */
#define MSR_AMD_PSTATE_DEF_0 0xc0010064u

/*
 * P-state 0's frequency when the TSC counts at it; read with the safe MSR
 * read, since emulators and outer hypervisors may not have these MSRs.
 */
static uint64_t tsc_amd_p0_khz(void)
{
	unsigned family = tsc_calc_cpu_family(cpuid(1, 0).eax);
	uint64_t hwcr, pstate;

	if (family < 0x17)
		return 0;
	if (rdmsr_safe(MSR_AMD_HWCR, &hwcr) && !(hwcr & HWCR_TSC_FREQ_SEL))
		return 0;
	if (!rdmsr_safe(MSR_AMD_PSTATE_DEF_0, &pstate))
		return 0;
	return tsc_calc_amd_p0_khz(family, pstate);
}

/* Leaves 0x15 and 0x16 are Intel's; AMD documents neither. */
void tsc_cpu_figures(struct tsc_figure f[TSC_METHODS])
{
	uint32_t max_leaf = cpuid(0, 0).eax;
	bool amd = cpu_vendor() == VENDOR_AMD;

	if (amd)
		f[TSC_AMD_P0].khz = tsc_amd_p0_khz();
	if (!amd && max_leaf >= 0x15) {
		struct cpuid_regs r = cpuid(0x15, 0);

		f[TSC_CPUID_15].khz = tsc_calc_cpuid15_khz(r.eax, r.ebx, r.ecx);
	}
	if (!amd && max_leaf >= 0x16)
		f[TSC_CPUID_16].khz = tsc_calc_cpuid16_khz(cpuid(0x16, 0).eax);
	for (unsigned m = TSC_CPUID_15; m < TSC_METHODS; m++)
		if (!tsc_calc_khz_plausible(f[m].khz))
			f[m].khz = 0;
}
