#include "arch/x86/page_fault.h"
#include "arch/x86/layout.h"
#include "lib/format.h"

void page_fault_describe(uint64_t error_code, uint64_t addr, char *buf,
			 size_t size)
{
	const char *access = error_code & PF_FETCH ? "instruction fetch at" :
			     error_code & PF_WRITE ? "write to" :
						     "read of";
	const char *why = error_code & PF_RESERVED ? "reserved bit set" :
			  error_code & PF_PRESENT ? "protection" :
						    "not present";

	if (addr >= DIRECT_MAP_BASE && addr - DIRECT_MAP_BASE < DIRECT_MAP_SIZE)
		fmt_snprintf(buf, size, "%s physical %#llx through the direct map (%s)",
			     access, (unsigned long long)(addr - DIRECT_MAP_BASE),
			     why);
	else
		fmt_snprintf(buf, size, "%s %#llx (%s)", access,
			     (unsigned long long)addr, why);
}
