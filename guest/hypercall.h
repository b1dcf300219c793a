/*
 * Hypercalls from the guest: the register ABI of docs/guest-abi.md, made
 * with VMCALL or VMMCALL as hv_guest_params.hypercall_insn says.
 */
#ifndef GUEST_HYPERCALL_H
#define GUEST_HYPERCALL_H

#include "guest/abi.h"
#include "lib/compiler.h"

/*
 * Any call: EAX = nr, EBX = *arg1 (replaced by the result), ECX, EDX, ESI
 * = arg2..arg4. Returns the status (enum hv_status).
 */
int32_t hc_call(uint32_t nr, uint32_t *arg1, uint32_t arg2, uint32_t arg3,
		uint32_t arg4);

int32_t hc_nop(void);
/* Prints buf[0..len) as one console line; len at most 256. */
int32_t hc_console_write(const char *buf, uint32_t len);
/* Ends this vCPU; never returns (a hypervisor that returns gets a #UD). */
__noreturn void hc_done(uint32_t fail, uint32_t errors);
int32_t hc_report(enum hv_report_key key, uint64_t value);
/* Asks for ops (<= 64) random MMU operations; *done = how many ran. */
int32_t hc_mmu_chaos(uint32_t ops, uint32_t *done);
int32_t hc_dirty_log(enum hv_dirty_log_op op, uint32_t gpa, uint32_t size);

#endif
