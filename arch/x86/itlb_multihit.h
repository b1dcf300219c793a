/*
 * Intel's iTLB multihit erratum: on an affected CPU, changing the page
 * size of an executable translation (a large page replaced by a table of
 * small ones, or back) without invalidating the TLB in between can raise
 * a machine check, even when the change is made in EPT tables by the
 * hypervisor. A CPU that is not affected says so with PSCHANGE_MC_NO in
 * IA32_ARCH_CAPABILITIES; an Intel CPU without that MSR is taken as
 * affected. AMD CPUs are not affected. The decision is pure (host-tested);
 * virt_probe_this_cpu() feeds it what the CPU reports.
 */
#ifndef ARCH_X86_ITLB_MULTIHIT_H
#define ARCH_X86_ITLB_MULTIHIT_H

#include "arch/x86/msr.h"
#include "arch/x86/virt_probe.h"

enum itlb_multihit {
	ITLB_MULTIHIT_NOT_AFFECTED = 0,	  /* not Intel, or PSCHANGE_MC_NO */
	ITLB_MULTIHIT_NO_ARCH_CAPS = 1,	  /* Intel, IA32_ARCH_CAPABILITIES
					     absent or unreadable */
	ITLB_MULTIHIT_NO_PSCHANGE_MC_NO = 2, /* Intel, the bit clear */
};

/*
 * Whether a CPU of this vendor is affected, given whether it has a
 * readable IA32_ARCH_CAPABILITIES and its value (ignored without it).
 */
enum itlb_multihit itlb_multihit_decide(enum cpu_vendor vendor,
					bool has_arch_caps,
					uint64_t arch_caps);

/* Why a CPU is affected, for the log: "this Intel CPU does not report
 * PSCHANGE_MC_NO"; "not affected" when it is not. */
const char *itlb_multihit_reason(enum itlb_multihit m);

#endif
