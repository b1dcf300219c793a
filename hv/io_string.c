/*
 * INS and OUTS exits. The backend reports the port, the direction, the
 * element size, REP and, where the CPU tells, the address size and the
 * segment; what it did not tell comes from the instruction's bytes.
 * hv/string_insn.c then runs the instruction on the guest's registers,
 * reaching guest memory as the instruction would: segment base plus
 * index, and with paging off linear = guest-physical. Paging on is not
 * handled (there is no guest page-table walker): the VM is stopped with
 * that reason rather than touching memory at the wrong address.
 *
 * A REP instruction runs at most STRING_IO_CHUNK_BYTES per exit, then the
 * guest executes it again with rCX, rSI and rDI moved on, as a CPU does
 * after an interrupt in the middle of a REP: the physical CPU is never
 * held for long, and host interrupts, flushes and the watchdog are served
 * between chunks.
 */
#include "hv/vm.h"
#include "hv/string_insn.h"
#include "arch/x86/cpu.h"

#define STRING_IO_CHUNK_BYTES 4096

struct string_io_memory {
	struct vm *vm;
	bool in;
	uint64_t failed_gpa; /* the access that failed */
};

/* INS writes all ones (the port reads so), OUTS reads and drops. */
static bool string_io_access(void *ctx, uint64_t linear, unsigned len)
{
	static const uint8_t ones[4] = {0xff, 0xff, 0xff, 0xff};
	struct string_io_memory *m = ctx;
	uint8_t sink[4];
	bool ok;

	/* Paging is off: the linear address is the guest-physical one. */
	ok = m->in ? vm_write_guest(m->vm, linear, ones, len) :
		     vm_read_guest(m->vm, linear, sink, len);
	if (!ok)
		m->failed_gpa = linear;
	return ok;
}

/*
 * Fills in the address size and the OUTS segment when the CPU did not
 * report them, from the instruction's bytes at CS:RIP. False, with the
 * VM stopped, when those cannot be read or are no INS/OUTS.
 */
static bool string_io_complete(struct vcpu *v, struct vcpu_exit *e)
{
	const struct vcpu_guest_view *g = &e->guest;
	uint8_t bytes[STRING_INSN_MAX_LEN];
	struct string_insn_prefixes p;
	uint64_t linear = e->rip;

	if (e->io.addr_size && e->io.seg != VCPU_SEG_UNKNOWN)
		return true;
	if (g->code_bits != 64)
		linear = (uint32_t)(g->seg_base[VCPU_SEG_CS] + e->rip);
	if (!e->insn_len || e->insn_len > STRING_INSN_MAX_LEN ||
	    !vm_read_guest(v->vm, linear, bytes, e->insn_len) ||
	    !string_insn_decode(bytes, e->insn_len, g->code_bits, &p)) {
		vm_stop(v->vm, "vcpu%u: cannot decode the string I/O instruction (%u bytes) at RIP %#llx",
			v->id, e->insn_len, (unsigned long long)e->rip);
		return false;
	}
	if (!e->io.addr_size)
		e->io.addr_size = p.addr_size;
	if (e->io.seg == VCPU_SEG_UNKNOWN)
		e->io.seg = p.seg == VCPU_SEG_UNKNOWN ? VCPU_SEG_DS : p.seg;
	return true;
}

/* In 64-bit code only FS and GS have a base (SDM Vol. 3A, 3.2.4). */
static uint64_t string_io_seg_base(const struct vcpu_guest_view *g,
				   uint8_t seg)
{
	if (g->code_bits == 64 && seg != VCPU_SEG_FS && seg != VCPU_SEG_GS)
		return 0;
	return g->seg_base[seg];
}

void vcpu_handle_string_io(struct vcpu *v, struct vcpu_exit *e)
{
	const struct vcpu_guest_view *g = &e->guest;
	struct string_io_memory mem = {.vm = v->vm, .in = e->io.in};
	struct string_insn insn;

	if (g->cr0 & CR0_PG) {
		vm_stop(v->vm, "vcpu%u: %s port %#x at RIP %#llx with guest paging on: string I/O is only emulated with paging off",
			v->id, e->io.in ? "INS from" : "OUTS to", e->io.port,
			(unsigned long long)e->rip);
		return;
	}
	if (!string_io_complete(v, e))
		return;
	insn = (struct string_insn){
	    .in = e->io.in,
	    .rep = e->io.rep,
	    .down = g->rflags & RFLAGS_DF,
	    .size = e->io.size,
	    .addr_size = e->io.addr_size,
	    .linear_64 = g->code_bits == 64,
	    .seg_base = string_io_seg_base(g, e->io.seg),
	};
	if (!e->io.in && string_insn_count(&insn, &v->regs) &&
	    !vcpu_io_write_allowed(v, e))
		return;
	switch (string_insn_run(&insn, &v->regs,
				STRING_IO_CHUNK_BYTES / e->io.size,
				string_io_access, &mem)) {
	case STRING_INSN_DONE:
		vcpu_skip_instruction(v, e);
		break;
	case STRING_INSN_MORE:
		break; /* RIP stays: the guest runs the rest */
	case STRING_INSN_FAULT:
		vm_stop(v->vm, "vcpu%u: %s of guest-physical %#llx, outside guest RAM, at RIP %#llx",
			v->id, e->io.in ? "write" : "read",
			(unsigned long long)mem.failed_gpa,
			(unsigned long long)e->rip);
		break;
	}
}
