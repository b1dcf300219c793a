/*
 * Per-CPU data. Each CPU's GS base points at its struct percpu, whose first
 * member points at itself, so this_cpu() is one load from %gs:0.
 */
#ifndef ARCH_X86_PERCPU_H
#define ARCH_X86_PERCPU_H

#include "arch/x86/descriptors.h"
#include "arch/x86/virt_probe.h"

#define MAX_CPUS 64 /* hv/main.c checks that maxcpus= agrees */
#define KERNEL_STACK_SIZE 16384
#define IST_STACK_SIZE 8192

enum ist_slot {
	IST_NMI = 1,
	IST_DOUBLE_FAULT = 2,
	IST_MACHINE_CHECK = 3,
	IST_COUNT = 3,
};

struct cpu_stacks {
	uint8_t kernel[KERNEL_STACK_SIZE];
	uint8_t ist[IST_COUNT][IST_STACK_SIZE];
} __aligned(4096);

struct percpu {
	struct percpu *self; /* must stay first: %gs:0 */
	unsigned cpu_id;     /* logical number, 0 = the boot CPU */
	uint32_t apic_id;
	volatile bool online;
	uint64_t kernel_stack_bottom, kernel_stack_top;
	uint64_t ist_bottom, ist_top; /* all IST stacks, for backtraces */
	struct gdt gdt;
	struct tss tss;
	struct virt_caps virt; /* what this CPU's virtualization probe found */
	/* Work handed to this CPU's idle loop (smp_run_on). */
	void (*volatile work_fn)(void *arg);
	void *volatile work_arg;
	/* NMIs sent as kicks (smp_kick_nmi) and not yet taken. */
	uint32_t nmi_kicks;
	/* Machine-check banks enabled (mce_init_this_cpu); -1: no #MC. */
	int mce_banks;
	/*
	 * For the fatal report (arch/x86/smp_stop.c), set by the backend
	 * while an NMI this CPU takes comes out of its guest: where that
	 * guest's RIP is kept, and its vCPU. NULL: in the hypervisor.
	 */
	const volatile uint64_t *nmi_guest_rip;
	unsigned nmi_guest_vcpu;
	/* selftest=deaf-cpu: the NMI handler never returns (NMIs held). */
	bool hold_nmis;
};

extern struct percpu percpu_area[MAX_CPUS];

static inline struct percpu *this_cpu(void)
{
	struct percpu *p;

	__asm__ volatile("mov %%gs:0, %0" : "=r"(p));
	return p;
}

static inline unsigned this_cpu_id(void)
{
	return this_cpu()->cpu_id;
}

/*
 * Sets up CPU number cpu_id on the CPU that calls it: GS base, GDT with
 * TSS and IST stacks, the shared IDT. kernel_stack_* describe the stack
 * it runs on (for backtraces).
 */
void percpu_init_this_cpu(unsigned cpu_id, struct cpu_stacks *stacks,
			  uint64_t kernel_stack_bottom,
			  uint64_t kernel_stack_top);

/*
 * The window in which an NMI this CPU takes comes out of the guest of
 * vCPU vcpu_id, whose RIP is kept at *guest_rip; the backends open it
 * around their world switch with interrupts off (see their vcpu.c). The
 * world switch is an assembly call or an asm statement that clobbers
 * memory, so the compiler keeps these stores on their side of it; only
 * this CPU's NMI handler reads them.
 */
static inline void percpu_open_nmi_guest_window(unsigned vcpu_id,
						const volatile uint64_t *guest_rip)
{
	struct percpu *p = this_cpu();

	p->nmi_guest_vcpu = vcpu_id;
	__atomic_store_n(&p->nmi_guest_rip, guest_rip, __ATOMIC_RELAXED);
}

static inline void percpu_close_nmi_guest_window(void)
{
	__atomic_store_n(&this_cpu()->nmi_guest_rip, NULL, __ATOMIC_RELAXED);
}

/* Whether [addr, addr+len) lies on one of this CPU's stacks. */
bool percpu_on_stack(uint64_t addr, size_t len);

#endif
