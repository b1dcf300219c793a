/*
 * Hypercall wrappers. The instruction is chosen at run time from the
 * params page, which the ABI fixes at HV_GUEST_PARAMS_GPA: any vCPU can
 * make a call at any time without setting anything up first.
 */
#include "guest/hypercall.h"

static bool hc_use_vmmcall(void)
{
	const volatile struct hv_guest_params *params =
	    (const volatile struct hv_guest_params *)HV_GUEST_PARAMS_GPA;

	return params->hypercall_insn == HV_HYPERCALL_VMMCALL;
}

/*
 * The ABI preserves every register but EAX and EBX, and memory; "memory"
 * is clobbered all the same because the hypervisor writes guest RAM for
 * some calls (HV_DIRTY_LOG_COLLECT).
 */
int32_t hc_call(uint32_t nr, uint32_t *arg1, uint32_t arg2, uint32_t arg3,
		uint32_t arg4)
{
	uint32_t eax = nr, ebx = *arg1;

	if (hc_use_vmmcall())
		asm volatile(".byte 0x0f, 0x01, 0xd9" /* VMMCALL */
			     : "+a"(eax), "+b"(ebx)
			     : "c"(arg2), "d"(arg3), "S"(arg4)
			     : "memory", "cc");
	else
		asm volatile(".byte 0x0f, 0x01, 0xc1" /* VMCALL */
			     : "+a"(eax), "+b"(ebx)
			     : "c"(arg2), "d"(arg3), "S"(arg4)
			     : "memory", "cc");
	*arg1 = ebx;
	return (int32_t)eax;
}

int32_t hc_nop(void)
{
	uint32_t unused = 0;

	return hc_call(HV_HC_NOP, &unused, 0, 0, 0);
}

int32_t hc_console_write(const char *buf, uint32_t len)
{
	uint32_t gpa = (uintptr_t)buf;

	return hc_call(HV_HC_CONSOLE_WRITE, &gpa, len, 0, 0);
}

void hc_done(uint32_t fail, uint32_t errors)
{
	hc_call(HV_HC_DONE, &fail, errors, 0, 0);
	for (;;)
		__builtin_trap();
}

int32_t hc_report(enum hv_report_key key, uint64_t value)
{
	uint32_t k = key;

	return hc_call(HV_HC_REPORT, &k, (uint32_t)value,
		       (uint32_t)(value >> 32), 0);
}

int32_t hc_mmu_chaos(uint32_t ops, uint32_t *done)
{
	int32_t status;

	*done = ops;
	status = hc_call(HV_HC_MMU_CHAOS, done, 0, 0, 0);
	if (status != HV_OK)
		*done = 0;
	return status;
}

int32_t hc_dirty_log(enum hv_dirty_log_op op, uint32_t gpa, uint32_t size)
{
	uint32_t o = op;

	return hc_call(HV_HC_DIRTY_LOG, &o, gpa, size, 0);
}
