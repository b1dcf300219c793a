/*
 * The hostile guests: vCPU 0 does one thing the hypervisor must not let
 * through, which must stop the VM (docs/guest-abi.md, "What stops a VM").
 * The other vCPUs end at once with HV_HC_DONE(pass). Should the act
 * return, vCPU 0 ends with GUEST_FAIL_SURVIVED, so the run fails either
 * way, but with a different reason. The virtualization instructions are
 * first each caught and checked under an IDT of the guest's own.
 */
#include "guest/console.h"
#include "guest/guest.h"
#include "guest/hypercall.h"
#include "guest/virt_insn.h"

#define HOSTILE_HYPERCALL_NR 0x1234 /* no such call */
#define HOSTILE_PORT	     0x3f8  /* COM1, the hypervisor's console */
#define HOSTILE_PORT_BELOW   0x3f6  /* a dword here covers 0x3f8 */

/* Loads an IDT with limit 0: any exception is then a triple fault. */
static void hostile_triple_fault(void)
{
	struct {
		uint16_t limit;
		uint32_t base;
	} __packed idtr = {0, 0};

	asm volatile("lidt %0\n\tud2" : : "m"(idtr) : "memory");
}

static void hostile_mmio(struct guest_ctx *ctx)
{
	uint64_t gpa = ctx->params->mmio_gpa;

	if (gpa > GUEST_RAM_LIMIT - 4) {
		guest_printf("mmio_gpa %#llx is beyond 4 GiB",
			     (unsigned long long)gpa);
		return;
	}
	(void)*(volatile uint32_t *)(uintptr_t)gpa;
}

static void hostile_hypercall(void)
{
	uint32_t arg = 0;

	hc_call(HOSTILE_HYPERCALL_NR, &arg, 0, 0, 0);
}

/*
 * A console line that starts in RAM and runs 240 bytes past its end: the
 * hypervisor must check the whole buffer, not only its first byte.
 */
static void hostile_pointer(struct guest_ctx *ctx)
{
	uint64_t mem_size = ctx->params->mem_size;

	if (mem_size < 16 || mem_size > GUEST_RAM_LIMIT) {
		guest_printf(
		    "mem_size %#llx: no buffer across its end below 4 GiB",
		    (unsigned long long)mem_size);
		return;
	}
	hc_console_write((const char *)(uintptr_t)(mem_size - 16), 256);
}

/*
 * The virtualization instructions of the vendor hypercall_insn names (VMX
 * or SVM), each under an IDT that catches it: each must raise #UD at its
 * own address and the VM go on, as on a CPU without them. Then the first
 * one again with IDTR.limit = 0, where its #UD is a triple fault. False,
 * with the VM still running, if some instruction did not raise #UD.
 */
static bool hostile_virt_insn(struct guest_ctx *ctx)
{
	const struct virt_insn_set *set =
	    virt_insn_set_of(ctx->params->hypercall_insn);

	if (!virt_insn_check_ud(set))
		return false;
	guest_printf("%s again with no IDT: its #UD must stop the VM",
		     set->insns[0].name);
	virt_insn_exec(&set->insns[0]);
	return true;
}

static void hostile_port(void)
{
	asm volatile("outb %b0, %w1" : : "a"('!'), "Nd"(HOSTILE_PORT));
}

/* Four bytes of text to COM1 by REP OUTSB: not one may reach it. */
static void hostile_string_io(void)
{
	static const char text[4] = "!!!!";
	uint32_t count = sizeof(text);
	const char *src = text;

	asm volatile("rep outsb"
		     : "+c"(count), "+S"(src)
		     : "d"(HOSTILE_PORT), "m"(text)
		     : "memory");
}

/* OUT of a dword at 0x3f6: its bytes 2 and 3 are COM1's 0x3f8, 0x3f9. */
static void hostile_port_overlap(void)
{
	asm volatile("outl %0, %w1"
		     : : "a"(0x21212121u), "Nd"(HOSTILE_PORT_BELOW));
}

/*
 * REP INSB with paging on, to a linear address the guest's tables leave
 * unmapped (4 MiB identity pages but for [8 MiB, 12 MiB)): a CPU would
 * raise #PF, which the hypervisor does not inject; it must stop the VM
 * rather than write anywhere. Should it return, paging goes off again.
 */
#define HOSTILE_UNMAPPED (8u << 20)

static void hostile_string_io_paging(void)
{
	static uint32_t pd[1024] __aligned(4096);
	uint32_t count = 16, dst = HOSTILE_UNMAPPED, cr;

	for (uint32_t i = 0; i < 1024; i++)
		pd[i] = i << 22 | 0x83; /* 4 MiB page, writable, present */
	pd[HOSTILE_UNMAPPED >> 22] = 0;
	asm volatile("mov %%cr4, %0\n\tor $0x10, %0\n\tmov %0, %%cr4\n\t"
		     "mov %1, %%cr3\n\t"
		     "mov %%cr0, %0\n\tor $0x80000000, %0\n\tmov %0, %%cr0"
		     : "=&r"(cr) : "r"(pd) : "memory");
	asm volatile("cld\n\trep insb"
		     : "+c"(count), "+D"(dst) : "d"(0x80) : "memory");
	asm volatile("mov %%cr0, %0\n\tand $0x7fffffff, %0\n\tmov %0, %%cr0"
		     : "=&r"(cr) : : "memory");
}

uint32_t test_hostile(struct guest_ctx *ctx)
{
	if (ctx->vcpu != 0)
		return GUEST_PASS;

	switch (ctx->params->test) {
	case HV_TEST_HOSTILE_TRIPLE_FAULT:
		hostile_triple_fault();
		break;
	case HV_TEST_HOSTILE_MMIO:
		hostile_mmio(ctx);
		break;
	case HV_TEST_HOSTILE_HYPERCALL:
		hostile_hypercall();
		break;
	case HV_TEST_HOSTILE_POINTER:
		hostile_pointer(ctx);
		break;
	case HV_TEST_HOSTILE_VIRT_INSN:
		if (!hostile_virt_insn(ctx))
			return GUEST_FAIL_NO_UD;
		break;
	case HV_TEST_HOSTILE_PORT:
		hostile_port();
		break;
	case HV_TEST_HOSTILE_STRING_IO:
		hostile_string_io();
		break;
	case HV_TEST_HOSTILE_PORT_OVERLAP:
		hostile_port_overlap();
		break;
	case HV_TEST_HOSTILE_STRING_IO_PAGING:
		hostile_string_io_paging();
		break;
	}
	guest_printf("hostile test %u: still running, the VM was not stopped",
		     ctx->params->test);
	return GUEST_FAIL_SURVIVED;
}
