/*
 * The exit handlers, once for both vendors. A guest can stop its own VM
 * (vm_stop) but nothing it does reaches the hypervisor's own state: every
 * value it hands over is checked here.
 */
#include "hv/vm.h"
#include "hv/vm_trace.h"
#include "arch/x86/guest_cpuid.h"
#include "arch/x86/idt.h"
#include "base/log.h"

#define VIRT_INSN_REPORTS 4 /* per vCPU: a guest cannot flood the console */

static const char *vcpu_access_name(uint32_t access)
{
	if (access & VCPU_ACCESS_EXEC)
		return "execute";
	return access & VCPU_ACCESS_WRITE ? "write" : "read";
}

static void vcpu_handle_npf(struct vcpu *v, const struct vcpu_exit *e)
{
	struct vm *vm = v->vm;
	enum tdp_fault_result r = tdp_fault(&vm->mmu, e->npf.gpa, e->npf.access);

	v->npf_exits++;
	vm_trace_fault(e, r);
	switch (r) {
	case TDP_FAULT_OK:
		return;
	case TDP_FAULT_RETRY:
		v->fault_retries++;
		return;
	case TDP_FAULT_MMIO:
		vm_stop(vm, "vcpu%u: %s of guest-physical %#llx, outside guest RAM, at RIP %#llx",
			v->id, vcpu_access_name(e->npf.access),
			(unsigned long long)e->npf.gpa,
			(unsigned long long)e->rip);
		return;
	default:
		vm_stop(vm, "vcpu%u: out of memory backing guest-physical %#llx",
			v->id, (unsigned long long)e->npf.gpa);
		return;
	}
}

/*
 * The CPU found an EPT entry it cannot use: the MMU core wrote something
 * the format forbids, a hypervisor bug. The walk of the MMU core's own
 * view of that address goes to the console, and the VM stops.
 */
static void vcpu_handle_tdp_misconfig(struct vcpu *v, const struct vcpu_exit *e)
{
	struct vm *vm = v->vm;
	uint64_t ptes[TDP_MAX_LEVELS + 1] = {0};
	unsigned last = tdp_walk(&vm->mmu, e->npf.gpa, ptes);

	pr_err("vcpu%u: %s misconfiguration at guest-physical %#llx; the MMU core's walk:",
	       v->id, vm->mmu.fmt->name, (unsigned long long)e->npf.gpa);
	for (unsigned level = vm->mmu.root_level; level >= last && level >= 1; level--)
		pr_err("vcpu%u:   level %u entry %#018llx", v->id, level,
		       (unsigned long long)ptes[level]);
	vm_stop(vm, "vcpu%u: the CPU found a malformed %s entry for guest-physical %#llx (a hypervisor bug)",
		v->id, vm->mmu.fmt->name, (unsigned long long)e->npf.gpa);
}

/* CPUID as the guest ABI describes it (arch/x86/guest_cpuid.c). */
static void vcpu_handle_cpuid(struct vcpu *v, const struct vcpu_exit *e)
{
	struct cpuid_regs r = guest_cpuid((uint32_t)v->regs.rax,
					  (uint32_t)v->regs.rcx);

	v->regs.rax = r.eax;
	v->regs.rbx = r.ebx;
	v->regs.rcx = r.ecx;
	v->regs.rdx = r.edx;
	vcpu_skip_instruction(v, e);
}

/*
 * An intercepted #DB or #AC goes to the guest, as if it had not been
 * intercepted: the intercept exists so that a delivery that raises the
 * same exception again loops through exits, where this CPU still takes
 * interrupts and NMIs (flush requests, the watchdog), instead of inside
 * the CPU. Such a loop is said once per vCPU and counted; the guest
 * stays in it until it changes what raises the exception, or its VM's
 * timeout stops it.
 */
static void vcpu_handle_exception(struct vcpu *v, const struct vcpu_exit *e)
{
	uint8_t vector = e->exception.vector;
	const char *name = vector == VEC_DEBUG ? "#DB" : "#AC";

	if (vector == VEC_DEBUG)
		v->reflected_db++;
	else
		v->reflected_ac++;
	if (e->exception.in_delivery && e->exception.delivering == vector &&
	    v->delivery_loops++ == 0)
		pr_warn("vcpu%u: %s raised while delivering %s at RIP %#llx: the guest's exception delivery loops, each round through an exit",
			v->id, name, name, (unsigned long long)e->rip);
	v->vm->backend->vcpu_reflect_exception(v->hw, e);
}

void vcpu_skip_instruction(struct vcpu *v, const struct vcpu_exit *e)
{
	if (!v->vm->backend->vcpu_skip_instruction(v->hw, e))
		vm_stop(v->vm, "vcpu%u: cannot step over the instruction at RIP %#llx (exit code %#llx)",
			v->id, (unsigned long long)e->rip,
			(unsigned long long)e->raw_code);
}

void vcpu_handle_exit(struct vcpu *v, struct vcpu_exit *e)
{
	struct vm *vm = v->vm;
	const struct virt_backend *be = vm->backend;

	switch (e->kind) {
	case VCPU_EXIT_NPF:
		vcpu_handle_npf(v, e);
		break;
	case VCPU_EXIT_TDP_MISCONFIG:
		vcpu_handle_tdp_misconfig(v, e);
		break;
	case VCPU_EXIT_HYPERCALL:
		vcpu_handle_hypercall(v, e);
		break;
	case VCPU_EXIT_IO:
		vcpu_handle_io(v, e);
		break;
	case VCPU_EXIT_CPUID:
		vcpu_handle_cpuid(v, e);
		break;
	case VCPU_EXIT_MSR:
		/* No MSR beyond what the backend handles is offered. */
		be->vcpu_inject_exception(v->hw, VEC_GENERAL_PROTECTION, true, 0);
		break;
	case VCPU_EXIT_INTERRUPT:
		/*
		 * Taken when interrupts came back on. The periodic tick
		 * lands here too: tables a zap disconnected are freed
		 * after their grace period even when the guest makes no
		 * further MMU operation that would poll for them.
		 */
		tdp_reclaim_poll(&vm->mmu);
		break;
	case VCPU_EXIT_VIRT_INSN:
		if (v->virt_insns++ < VIRT_INSN_REPORTS)
			pr_info("vcpu%u: virtualization instruction at RIP %#llx: injecting #UD",
				v->id, (unsigned long long)e->rip);
		be->vcpu_inject_exception(v->hw, VEC_INVALID_OPCODE, false, 0);
		break;
	case VCPU_EXIT_EXCEPTION:
		vcpu_handle_exception(v, e);
		break;
	case VCPU_EXIT_HLT:
		vm_stop(vm, "vcpu%u: HLT at RIP %#llx with no interrupt that could wake it (no HV_HC_DONE)",
			v->id, (unsigned long long)e->rip);
		break;
	case VCPU_EXIT_SHUTDOWN:
		vm_stop(vm, "vcpu%u: triple fault (shutdown) at RIP %#llx",
			v->id, (unsigned long long)e->rip);
		break;
	case VCPU_EXIT_ENTRY_FAILED:
		vm_stop(vm, "vcpu%u: the CPU refused to enter the guest: %s (exit code %#llx, info %#llx)",
			v->id, e->entry_failure ? e->entry_failure : "no reason given",
			(unsigned long long)e->raw_code,
			(unsigned long long)e->raw_info1);
		break;
	default:
		vm_stop(vm, "vcpu%u: unexpected exit (code %#llx, info %#llx %#llx) at RIP %#llx",
			v->id, (unsigned long long)e->raw_code,
			(unsigned long long)e->raw_info1,
			(unsigned long long)e->raw_info2,
			(unsigned long long)e->rip);
		break;
	}
}
