/*
 * What the hypervisor puts into the trace (base/trace.h): a ring for each
 * online CPU, the names of the exit kinds, an event for every VM exit;
 * and, at the end of a run, the debug log's last counts and the dump
 * trace_dump= asks for.
 */
#ifndef HV_VM_TRACE_H
#define HV_VM_TRACE_H

#include "hv/options.h"
#include "arch/x86/vcpu_exit.h"
#include "base/trace.h"
#include "mm/tdp.h"

/*
 * Gives every online CPU its ring (128 KiB each from the page allocator;
 * a CPU left without one is warned about and not traced), names the exit
 * kinds, turns the debug log's lines on with loglevel=debug and recording
 * on with trace=on. After the CPUs are started, before any VM.
 */
void vm_trace_start(const struct hv_options *opt);

/*
 * The end of a run, before the summary: the debug log says what it left
 * out last, and with trace_dump=N the last N events of all CPUs go to the
 * log (LOG_INFO), merged in time order, between a "trace: dump" line and
 * a "trace: end of dump" line.
 */
void vm_trace_end(const struct hv_options *opt);

/* One VM exit: kind and vendor code, qualification, gpa or RIP. */
static inline void vm_trace_exit(const struct vcpu_exit *e)
{
	bool gpa =
	    e->kind == VCPU_EXIT_NPF || e->kind == VCPU_EXIT_TDP_MISCONFIG;

	trace_record(TRACE_EXIT, e->kind | e->raw_code << 16, e->raw_info1,
		     gpa ? e->npf.gpa : e->rip);
}

/*
 * A nested page fault the MMU core handled: address, access, result. Here
 * rather than in mm/, where keeping them for the trace would cost the
 * fault path more than its one branch (docs/trace.md).
 */
static inline void vm_trace_fault(const struct vcpu_exit *e,
				  enum tdp_fault_result r)
{
	trace_record(TRACE_FAULT, e->npf.gpa, e->npf.access, r);
}

#endif
