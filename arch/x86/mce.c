/*
 * Machine-check architecture (SDM Vol. 3B, chapter 16; APM Vol. 2,
 * chapter 9): IA32_MCG_CAP gives the bank count and whether IA32_MCG_CTL
 * exists; bank i has IA32_MCi_CTL/STATUS/ADDR/MISC at 0x400 + 4i. The
 * banks are read through the safe MSR accessors: a CPU (or an emulator)
 * that lists a bank it does not implement costs a line, not a crash.
 */
#include "arch/x86/mce.h"
#include "arch/x86/cpu.h"
#include "arch/x86/mce_status.h"
#include "arch/x86/msr_safe.h"
#include "arch/x86/percpu.h"
#include "arch/x86/traps.h"
#include "base/log.h"
#include "base/panic.h"
#include "lib/format.h"

#define CPUID_1_EDX_MCE	  (1u << 7)
#define CPUID_1_EDX_MCA	  (1u << 14)
#define CR4_MCE		  (1ull << 6)
#define MSR_MCG_CAP	  0x179
#define MSR_MCG_STATUS	  0x17a
#define MSR_MCG_CTL	  0x17b
#define MCG_CAP_COUNT	  0xffull
#define MCG_CAP_CTL_P	  (1ull << 8)
#define MCG_STATUS_RIPV	  (1ull << 0)
#define MCG_STATUS_EIPV	  (1ull << 1)
#define MCG_STATUS_MCIP	  (1ull << 2)
#define MSR_MC_CTL(i)	  (0x400u + 4 * (i))
#define MSR_MC_STATUS(i)  (0x401u + 4 * (i))
#define MSR_MC_ADDR(i)	  (0x402u + 4 * (i))
#define MSR_MC_MISC(i)	  (0x403u + 4 * (i))
#define MCE_MAX_BANKS	  32

static unsigned mce_bank_count(void)
{
	uint64_t cap;

	if (!(cpuid(1, 0).edx & CPUID_1_EDX_MCA) ||
	    !rdmsr_safe(MSR_MCG_CAP, &cap))
		return 0;
	return MIN((unsigned)(cap & MCG_CAP_COUNT), MCE_MAX_BANKS);
}

/* Logs bank i if it holds an error; true if it did. */
static bool mce_log_bank(unsigned i, int level, const char *when)
{
	uint64_t status, addr = 0, misc = 0;
	char what[200];

	if (!rdmsr_safe(MSR_MC_STATUS(i), &status) ||
	    !(status & MCI_STATUS_VAL))
		return false;
	if (status & MCI_STATUS_ADDRV)
		rdmsr_safe(MSR_MC_ADDR(i), &addr);
	if (status & MCI_STATUS_MISCV)
		rdmsr_safe(MSR_MC_MISC(i), &misc);
	mce_describe_status(status, what, sizeof(what));
	log_printf(level,
		   "mce: cpu%u bank %u%s: status %#llx: %s; address %#llx, "
		   "misc %#llx",
		   this_cpu_id(), i, when, (unsigned long long)status, what,
		   (unsigned long long)addr, (unsigned long long)misc);
	return true;
}

int mce_init_this_cpu(void)
{
	unsigned banks = mce_bank_count(), i;
	uint64_t cap = 0;

	if (!(cpuid(1, 0).edx & CPUID_1_EDX_MCE))
		return -1;
	rdmsr_safe(MSR_MCG_CAP, &cap);
	for (i = 0; i < banks; i++) {
		mce_log_bank(i, LOG_WARN, " (left from before this boot)");
		wrmsr_safe(MSR_MC_STATUS(i), 0);
	}
	if (banks && (cap & MCG_CAP_CTL_P))
		wrmsr_safe(MSR_MCG_CTL, ~0ull);
	for (i = 0; i < banks; i++)
		wrmsr_safe(MSR_MC_CTL(i), ~0ull);
	write_cr4(read_cr4() | CR4_MCE);
	return (int)banks;
}

__noreturn void mce_handle(const struct trap_frame *f)
{
	unsigned banks = mce_bank_count(), logged = 0, i;
	uint64_t mcg = 0;
	char reason[160];

	fatal_report_begin();
	rdmsr_safe(MSR_MCG_STATUS, &mcg);
	log_printf(LOG_ERROR,
		   "MACHINE CHECK on cpu%u at RIP %#llx: MCG_STATUS %#llx "
		   "(%s%s%s)",
		   this_cpu_id(), (unsigned long long)f->rip,
		   (unsigned long long)mcg,
		   mcg & MCG_STATUS_RIPV ? "restartable, " : "not restartable, ",
		   mcg & MCG_STATUS_EIPV ? "RIP is where it happened, " : "",
		   mcg & MCG_STATUS_MCIP ? "in progress" : "not in progress");
	for (i = 0; i < banks; i++)
		logged += mce_log_bank(i, LOG_ERROR, "");
	fmt_snprintf(reason, sizeof(reason),
		     "machine check on cpu%u (%u bank(s) with an error; see "
		     "above)",
		     this_cpu_id(), logged);
	fatal_stop(reason);
}
