/*
 * INS and OUTS exits. The backend reports the port, the direction, the
 * element size, REP and, where the CPU tells, the address size and the
 * segment; what it did not tell comes from the instruction's bytes.
 * hv/string_insn.c then runs the instruction on the guest's registers,
 * reaching guest memory as the instruction would: segment base plus
 * index, translated through the guest's own paging (arch/x86/guest_walk.c).
 * An address the guest's tables do not map would raise #PF on a CPU; the
 * hypervisor does not inject that, it stops the VM and says so.
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
#include "arch/x86/guest_walk.h"

#define STRING_IO_CHUNK_BYTES 4096

struct string_io_memory {
	struct vm *vm;
	struct guest_paging paging;
	bool in;
	bool unmapped;	     /* the failure: not mapped by the guest */
	uint64_t failed;     /* the linear or guest-physical address */
};

static bool string_io_read_guest(void *vm, uint64_t gpa, void *buf,
				 size_t len)
{
	return vm_read_guest(vm, gpa, buf, len);
}

/* Guest-physical address of a linear one, through the guest's paging. */
static bool string_io_translate(struct vm *vm, const struct guest_paging *p,
				uint64_t linear, uint64_t *gpa)
{
	return guest_walk(p, linear, string_io_read_guest, vm, gpa);
}

/* INS writes all ones (the port reads so), OUTS reads and drops; an
 * element that crosses a page goes byte by byte. */
static bool string_io_access(void *ctx, uint64_t linear, unsigned len)
{
	static const uint8_t ones[4] = {0xff, 0xff, 0xff, 0xff};
	struct string_io_memory *m = ctx;
	unsigned step = ((linear & (PAGE_SIZE - 1)) + len > PAGE_SIZE) ? 1
								      : len;
	uint8_t sink[4];

	for (unsigned done = 0; done < len; done += step) {
		uint64_t gpa;

		if (!string_io_translate(m->vm, &m->paging, linear + done,
					 &gpa)) {
			m->unmapped = true;
			m->failed = linear + done;
			return false;
		}
		if (!(m->in ? vm_write_guest(m->vm, gpa, ones, step)
			    : vm_read_guest(m->vm, gpa, sink, step))) {
			m->failed = gpa;
			return false;
		}
	}
	return true;
}

/*
 * Fills in the address size and the OUTS segment when the CPU did not
 * report them, from the instruction's bytes at CS:RIP. False, with the
 * VM stopped, when those cannot be read or are no INS/OUTS.
 */
static bool string_io_complete(struct vcpu *v, struct vcpu_exit *e)
{
	const struct vcpu_guest_view *g = &e->guest;
	struct guest_paging paging = {g->cr0, g->cr3, g->cr4, g->efer};
	uint8_t bytes[STRING_INSN_MAX_LEN];
	struct string_insn_prefixes p;
	uint64_t linear = e->rip, gpa;
	bool read = true;

	if (e->io.addr_size && e->io.seg != VCPU_SEG_UNKNOWN)
		return true;
	if (g->code_bits != 64)
		linear = (uint32_t)(g->seg_base[VCPU_SEG_CS] + e->rip);
	for (unsigned i = 0; read && i < e->insn_len && i < sizeof(bytes); i++)
		read = string_io_translate(v->vm, &paging, linear + i, &gpa) &&
		       vm_read_guest(v->vm, gpa, &bytes[i], 1);
	if (!e->insn_len || e->insn_len > STRING_INSN_MAX_LEN || !read ||
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
	struct string_io_memory mem = {
	    .vm = v->vm,
	    .paging = {g->cr0, g->cr3, g->cr4, g->efer},
	    .in = e->io.in,
	};
	struct string_insn insn;

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
		if (mem.unmapped)
			vm_stop(v->vm, "vcpu%u: %s at RIP %#llx: linear %#llx is not mapped by the guest's page tables (a #PF the hypervisor does not inject)",
				v->id, e->io.in ? "INS" : "OUTS",
				(unsigned long long)e->rip,
				(unsigned long long)mem.failed);
		else
			vm_stop(v->vm, "vcpu%u: %s of guest-physical %#llx, outside guest RAM, at RIP %#llx",
				v->id, e->io.in ? "write" : "read",
				(unsigned long long)mem.failed,
				(unsigned long long)e->rip);
		break;
	}
}
