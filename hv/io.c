/*
 * Port I/O exits (docs/guest-abi.md, "What stops a VM"): there are no
 * devices. Reads of any port see all ones, writes to a port nobody owns
 * vanish, and a write that covers a port the hypervisor owns stops the
 * VM. INS and OUTS follow the same rules (hv/io_string.c).
 */
#include "hv/vm.h"
#include "arch/x86/machine.h"

bool vcpu_io_write_allowed(struct vcpu *v, const struct vcpu_exit *e)
{
	int owned = machine_ports_first_owned(e->io.port, e->io.size);

	if (owned < 0)
		return true;
	if (owned == e->io.port)
		vm_stop(v->vm, "vcpu%u: %swrite to I/O port %#x, which the hypervisor owns, at RIP %#llx",
			v->id, e->io.string ? "string " : "", owned,
			(unsigned long long)e->rip);
	else
		vm_stop(v->vm, "vcpu%u: %swrite to I/O port %#x, which the hypervisor owns (a %u-byte access at port %#x), at RIP %#llx",
			v->id, e->io.string ? "string " : "", owned,
			e->io.size, e->io.port, (unsigned long long)e->rip);
	return false;
}

void vcpu_handle_io(struct vcpu *v, struct vcpu_exit *e)
{
	if (e->io.string) {
		vcpu_handle_string_io(v, e);
		return;
	}
	if (!e->io.in && !vcpu_io_write_allowed(v, e))
		return;
	if (e->io.in) {
		uint64_t mask = e->io.size == 4 ? 0xffffffffull :
				(1ull << (8 * e->io.size)) - 1;

		e->io.value = (uint32_t)mask;
		/* IN AL/AX merge; IN EAX zero-extends into RAX. */
		v->regs.rax = e->io.size == 4 ? mask : (v->regs.rax & ~mask) | mask;
	}
	vcpu_skip_instruction(v, e);
}
