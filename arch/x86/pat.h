/*
 * The page attribute table (SDM Vol. 3A 12.12, APM Vol. 2 7.8): the
 * hypervisor's own layout, programmed on every CPU, and the page-table
 * bits that pick a memory type from it. Guests have a PAT of their own
 * (the VMCS guest-PAT field, the VMCB's g_pat); the hypervisor's never
 * changes while it runs.
 */
#ifndef ARCH_X86_PAT_H
#define ARCH_X86_PAT_H

#include "lib/compiler.h"

enum pat_memtype {
	PAT_WRITE_BACK,
	PAT_WRITE_COMBINING,
	PAT_UNCACHED,
};

/*
 * The layout, entry 0 first: WB, WC, UC-, UC, and the same again for the
 * entries the PAT bit selects, so that bit is never needed. Entries 0, 2
 * and 3 are the power-on ones: page tables that use PCD and PWT the
 * classic way (the entry's, the firmware's) mean the same under it.
 */
#define PAT_LAYOUT 0x0007010600070106ull

/*
 * Programs IA32_PAT with PAT_LAYOUT on this CPU, then flushes its TLB.
 * Call on each CPU before it touches a write-combining mapping: no
 * mapping uses the one entry that changes (1, write-through at power-on)
 * before, so nothing cached has the old type. No-op without a PAT.
 */
void pat_init_this_cpu(void);

/*
 * PWT and PCD, the same in entries of every level, that select t under
 * PAT_LAYOUT. A CPU without a PAT has no write-combining: uncached then.
 */
uint64_t pat_pte_bits(enum pat_memtype t);

/* Whether the CPU has a PAT (CPUID.1:EDX.PAT); read once. */
bool pat_available(void);

#endif
