/*
 * The exit handlers, once for both vendors. A guest can stop its own VM
 * (vm_stop) but nothing it does reaches the hypervisor's own state: every
 * value it hands over is checked here.
 */
#include "hv/vm.h"
#include "hv/log.h"
#include "arch/x86/cpu.h"
#include "arch/x86/percpu.h"
#include "hv/options.h"

#define CPUID_1_ECX_VMX (1u << 5)
#define CPUID_1_ECX_X2APIC (1u << 21)
#define CPUID_1_ECX_HYPERVISOR (1u << 31)
#define CPUID_1_EDX_APIC (1u << 9)
#define CPUID_80000001_ECX_SVM (1u << 2)
#define CPUID_LEAF_HYPERVISOR 0x40000000u
#define VEC_UD 6
#define VEC_GP 13

static const char *vcpu_access_name(uint32_t access)
{
	if (access & VCPU_ACCESS_EXEC)
		return "execute";
	return access & VCPU_ACCESS_WRITE ? "write" : "read";
}

static void vcpu_handle_npf(struct vcpu *v, const struct vcpu_exit *e)
{
	struct vm *vm = v->vm;

	v->npf_exits++;
	switch (tdp_fault(&vm->mmu, e->npf.gpa, e->npf.access)) {
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

/* Ports the hypervisor itself drives: a guest write there stops the VM. */
static bool io_port_is_owned(uint16_t port)
{
	static const struct {
		uint16_t first, last;
	} owned[] = {
		{ 0x20, 0x21 },   /* 8259 PIC */
		{ 0x40, 0x43 },   /* PIT */
		{ 0x61, 0x61 },   /* PIT gate */
		{ 0xa0, 0xa1 },   /* 8259 PIC */
		{ 0xe9, 0xe9 },   /* debug console */
		{ 0xf4, 0xf7 },   /* QEMU exit */
		{ 0x2e8, 0x2ef }, /* COM4 */
		{ 0x2f8, 0x2ff }, /* COM2 */
		{ 0x3e8, 0x3ef }, /* COM3 */
		{ 0x3f8, 0x3ff }, /* COM1 */
		{ 0x8900, 0x8900 }, /* Bochs shutdown */
	};

	for (unsigned i = 0; i < ARRAY_SIZE(owned); i++)
		if (port >= owned[i].first && port <= owned[i].last)
			return true;
	return false;
}

/* No devices: reads see all ones, writes vanish, owned ports stop the VM. */
static void vcpu_handle_io(struct vcpu *v, struct vcpu_exit *e)
{
	struct vm *vm = v->vm;

	if (e->io.string) {
		vm_stop(vm, "vcpu%u: string I/O on port %#x at RIP %#llx is not supported",
			v->id, e->io.port, (unsigned long long)e->rip);
		return;
	}
	if (!e->io.in && io_port_is_owned(e->io.port)) {
		vm_stop(vm, "vcpu%u: write to I/O port %#x, which the hypervisor owns, at RIP %#llx",
			v->id, e->io.port, (unsigned long long)e->rip);
		return;
	}
	if (e->io.in) {
		uint64_t mask = e->io.size == 4 ? 0xffffffffull :
				(1ull << (8 * e->io.size)) - 1;

		e->io.value = (uint32_t)mask;
		/* IN AL/AX merge; IN EAX zero-extends into RAX. */
		v->regs.rax = e->io.size == 4 ? mask : (v->regs.rax & ~mask) | mask;
	}
	vm->backend->vcpu_skip_instruction(v->hw, e);
}

/* The host's CPUID without VMX, SVM or APICs, with the hypervisor bit. */
static void vcpu_handle_cpuid(struct vcpu *v, const struct vcpu_exit *e)
{
	uint32_t leaf = (uint32_t)v->regs.rax, sub = (uint32_t)v->regs.rcx;
	struct cpuid_regs r = { 0 };

	if (leaf == CPUID_LEAF_HYPERVISOR) {
		r.eax = CPUID_LEAF_HYPERVISOR;
		/* "HvMicroHV v1" */
		__builtin_memcpy(&r.ebx, "HvMi", 4);
		__builtin_memcpy(&r.ecx, "croH", 4);
		__builtin_memcpy(&r.edx, "V v1", 4);
	} else if (leaf == 0x8000000a) {
		/* SVM features: none. */
	} else if (leaf < CPUID_LEAF_HYPERVISOR || leaf >= 0x80000000u) {
		r = cpuid(leaf, sub);
	}
	if (leaf == 1) {
		r.ecx &= ~(CPUID_1_ECX_VMX | CPUID_1_ECX_X2APIC);
		r.ecx |= CPUID_1_ECX_HYPERVISOR;
		r.edx &= ~CPUID_1_EDX_APIC;
	}
	if (leaf == 0x80000001)
		r.ecx &= ~CPUID_80000001_ECX_SVM;
	v->regs.rax = r.eax;
	v->regs.rbx = r.ebx;
	v->regs.rcx = r.ecx;
	v->regs.rdx = r.edx;
	v->vm->backend->vcpu_skip_instruction(v->hw, e);
}

void vcpu_handle_exit(struct vcpu *v, struct vcpu_exit *e)
{
	struct vm *vm = v->vm;
	const struct virt_backend *be = vm->backend;

	switch (e->kind) {
	case VCPU_EXIT_NPF:
		vcpu_handle_npf(v, e);
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
		be->vcpu_inject_exception(v->hw, VEC_GP, true, 0);
		break;
	case VCPU_EXIT_INTERRUPT:
		break; /* taken when interrupts came back on */
	case VCPU_EXIT_VIRT_INSN:
		pr_info("vcpu%u: virtualization instruction at RIP %#llx: injecting #UD",
			v->id, (unsigned long long)e->rip);
		be->vcpu_inject_exception(v->hw, VEC_UD, false, 0);
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
		vm_stop(vm, "vcpu%u: the CPU refused to enter the guest (exit code %#llx, info %#llx)",
			v->id, (unsigned long long)e->raw_code,
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
