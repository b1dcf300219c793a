/* Whether a CPU has the iTLB multihit erratum (arch/x86/itlb_multihit.h). */
#include "arch/x86/itlb_multihit.h"

enum itlb_multihit itlb_multihit_decide(enum cpu_vendor vendor,
					bool has_arch_caps,
					uint64_t arch_caps)
{
	if (vendor != VENDOR_INTEL)
		return ITLB_MULTIHIT_NOT_AFFECTED;
	if (!has_arch_caps)
		return ITLB_MULTIHIT_NO_ARCH_CAPS;
	if (!(arch_caps & ARCH_CAP_PSCHANGE_MC_NO))
		return ITLB_MULTIHIT_NO_PSCHANGE_MC_NO;
	return ITLB_MULTIHIT_NOT_AFFECTED;
}

const char *itlb_multihit_reason(enum itlb_multihit m)
{
	switch (m) {
	case ITLB_MULTIHIT_NO_ARCH_CAPS:
		return "this Intel CPU has no IA32_ARCH_CAPABILITIES to report "
		       "PSCHANGE_MC_NO";
	case ITLB_MULTIHIT_NO_PSCHANGE_MC_NO:
		return "this Intel CPU does not report PSCHANGE_MC_NO";
	default:
		return "not affected";
	}
}
