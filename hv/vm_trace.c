/*
 * The hypervisor's side of the trace: ring memory, exit names, the
 * switches the options set, the dump at the end of a run.
 */
#include "hv/vm_trace.h"
#include "hv/vm.h"
#include "arch/x86/paging.h"
#include "arch/x86/percpu.h"
#include "base/log.h"
#include "lib/string.h"
#include "mm/pmm.h"
#include "mm/tdp.h"

_Static_assert(
    TRACE_MAX_CPUS >= MAX_CPUS && TRACE_MAX_CPUS >= TDP_MAX_CPUS,
    "a trace ring for every CPU the hypervisor and the MMU core use");

/* vm_trace_fault() records the access and the result as they are. */
_Static_assert(VCPU_ACCESS_READ == TRACE_ACC_READ &&
		   VCPU_ACCESS_WRITE == TRACE_ACC_WRITE &&
		   VCPU_ACCESS_EXEC == TRACE_ACC_EXEC,
	       "trace access bits");
_Static_assert(TDP_FAULT_OK == (int)TRACE_FAULT_OK &&
		   TDP_FAULT_RETRY == (int)TRACE_FAULT_RETRY &&
		   TDP_FAULT_MMIO == (int)TRACE_FAULT_MMIO &&
		   TDP_FAULT_ERROR == (int)TRACE_FAULT_ERROR,
	       "trace fault results");

#define VM_TRACE_RING_BYTES (TRACE_RING_EVENTS * sizeof(struct trace_event))
#define VM_TRACE_RING_ORDER 5
_Static_assert(VM_TRACE_RING_BYTES == PAGE_SIZE << VM_TRACE_RING_ORDER,
	       "a ring is 2^VM_TRACE_RING_ORDER pages");

/* The exit kinds' names, for the trace and everything else that shows
 * them (vcpu_exit_kind_name(), hv/vm.h). */
static const struct trace_exit_name vm_trace_exit_names[VCPU_EXIT_KINDS] = {
    [VCPU_EXIT_NONE] = {"none", false},
    [VCPU_EXIT_NPF] = {"npf", true},
    [VCPU_EXIT_TDP_MISCONFIG] = {"misconfig", true},
    [VCPU_EXIT_HYPERCALL] = {"hypercall", false},
    [VCPU_EXIT_IO] = {"io", false},
    [VCPU_EXIT_CPUID] = {"cpuid", false},
    [VCPU_EXIT_MSR] = {"msr", false},
    [VCPU_EXIT_HLT] = {"hlt", false},
    [VCPU_EXIT_SHUTDOWN] = {"shutdown", false},
    [VCPU_EXIT_INTERRUPT] = {"interrupt", false},
    [VCPU_EXIT_VIRT_INSN] = {"virt-insn", false},
    [VCPU_EXIT_EXCEPTION] = {"exception", false},
    [VCPU_EXIT_ENTRY_FAILED] = {"entry-failed", false},
    [VCPU_EXIT_UNKNOWN] = {"unknown", false},
};

const char *vcpu_exit_kind_name(unsigned kind)
{
	if (kind < ARRAY_SIZE(vm_trace_exit_names) && vm_trace_exit_names[kind].name)
		return vm_trace_exit_names[kind].name;
	return "?";
}

void vm_trace_start(const struct hv_options *opt)
{
	unsigned rings = 0;

	trace_set_exit_names(vm_trace_exit_names,
			     ARRAY_SIZE(vm_trace_exit_names));
	for (unsigned cpu = 0; cpu < MAX_CPUS; cpu++) {
		uint64_t phys;

		if (!percpu_area[cpu].online)
			continue;
		phys = pmm_alloc(VM_TRACE_RING_ORDER);
		if (!phys) {
			pr_warn("trace: no memory for cpu%u's ring: its events are not kept",
				cpu);
			continue;
		}
		memset(phys_to_virt(phys), 0, VM_TRACE_RING_BYTES);
		trace_attach_ring(cpu, phys_to_virt(phys));
		rings++;
	}
	trace_set_log(opt->loglevel >= LOG_DEBUG);
	trace_set_enabled(opt->trace);
	if (opt->trace)
		pr_info("trace: recording on (trace=on), %u events per CPU, %u CPU(s)",
			TRACE_RING_EVENTS, rings);
	else
		pr_debug("trace: rings of %u events for %u CPU(s), recording off (trace=on turns it on)",
			 TRACE_RING_EVENTS, rings);
}

static void vm_trace_print(void *ctx, const char *line)
{
	pr_info("trace: %s", line);
}

void vm_trace_end(const struct hv_options *opt)
{
	unsigned shown;

	if (opt->loglevel >= LOG_DEBUG)
		trace_log_flush();
	if (!opt->trace_dump)
		return;
	pr_info("trace: dump of the last %u events of all CPUs, oldest first (trace_dump=%u)",
		opt->trace_dump, opt->trace_dump);
	shown = trace_show_all(opt->trace_dump, vm_trace_print, NULL);
	pr_info("trace: end of dump, %u events", shown);
}
