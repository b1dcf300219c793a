#include "arch/x86/pat.h"
#include "arch/x86/cpu.h"
#include "arch/x86/msr.h"
#include "arch/x86/paging.h"

#define CPUID_1_EDX_PAT (1u << 16)

bool pat_available(void)
{
	static int known = -1;

	if (known < 0)
		known = (cpuid(1, 0).edx & CPUID_1_EDX_PAT) != 0;
	return known;
}

void pat_init_this_cpu(void)
{
	if (!pat_available())
		return;
	wrmsr(MSR_IA32_PAT, PAT_LAYOUT);
	write_cr3(read_cr3());
}

uint64_t pat_pte_bits(enum pat_memtype t)
{
	switch (t) {
	case PAT_WRITE_BACK:
		return 0; /* entry 0 */
	case PAT_WRITE_COMBINING:
		return pat_available() ? PTE_PWT : PTE_PCD | PTE_PWT;
	case PAT_UNCACHED:
	default:
		return PTE_PCD | PTE_PWT; /* entry 3 */
	}
}
