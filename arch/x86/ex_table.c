#include "arch/x86/msr_safe.h"

extern const struct ex_table_entry __ex_table_start[], __ex_table_end[];

uint64_t ex_table_find(uint64_t rip)
{
	for (const struct ex_table_entry *e = __ex_table_start;
	     e < __ex_table_end; e++)
		if (e->fault_rip == rip)
			return e->resume_rip;
	return 0;
}
