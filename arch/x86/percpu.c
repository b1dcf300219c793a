#include "arch/x86/percpu.h"
#include "arch/x86/cpu.h"
#include "arch/x86/idt.h"
#include "arch/x86/msr.h"
#include "lib/string.h"

struct percpu percpu_area[MAX_CPUS];

#define SEG_CODE64 0x00af9a000000ffffull
#define SEG_DATA 0x00cf92000000ffffull
#define TSS_TYPE_AVAILABLE 0x89ull

static void gdt_set_tss(struct gdt *gdt, const struct tss *tss)
{
	uint64_t base = (uint64_t)tss;
	uint64_t limit = sizeof(*tss) - 1;

	gdt->entries[3] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
			  (TSS_TYPE_AVAILABLE << 40) |
			  (((limit >> 16) & 0xf) << 48) |
			  (((base >> 24) & 0xff) << 56);
	gdt->entries[4] = base >> 32;
}

static void gdt_load(struct gdt *gdt)
{
	struct descriptor_ptr ptr = {
		.limit = sizeof(*gdt) - 1,
		.base = (uint64_t)gdt,
	};

	__asm__ volatile("lgdt %0\n\t"
			 "pushq %1\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "mov %2, %%ds\n\t"
			 "mov %2, %%es\n\t"
			 "mov %2, %%ss\n\t"
			 "ltr %w3"
			 :
			 : "m"(ptr), "i"(GDT_CODE64), "r"(GDT_DATA),
			   "r"(GDT_TSS)
			 : "rax", "memory");
}

void percpu_init_this_cpu(unsigned cpu_id, struct cpu_stacks *stacks,
			  uint64_t kernel_stack_bottom,
			  uint64_t kernel_stack_top)
{
	struct percpu *p = &percpu_area[cpu_id];

	p->self = p;
	p->cpu_id = cpu_id;
	p->kernel_stack_bottom = kernel_stack_bottom;
	p->kernel_stack_top = kernel_stack_top;
	p->ist_bottom = (uint64_t)stacks->ist;
	p->ist_top = (uint64_t)stacks->ist + sizeof(stacks->ist);
	for (unsigned i = 0; i < IST_COUNT; i++)
		p->tss.ist[i] = (uint64_t)stacks->ist[i] + IST_STACK_SIZE;
	p->tss.iomap_base = sizeof(p->tss);

	p->gdt.entries[0] = 0;
	p->gdt.entries[1] = SEG_CODE64;
	p->gdt.entries[2] = SEG_DATA;
	gdt_set_tss(&p->gdt, &p->tss);

	/* GS base first: everything after may log, and the log asks this_cpu(). */
	__asm__ volatile("mov %0, %%gs" : : "r"(0));
	wrmsr(MSR_GS_BASE, (uint64_t)p);
	gdt_load(&p->gdt);
	idt_load();
}

bool percpu_on_stack(uint64_t addr, size_t len)
{
	struct percpu *p = this_cpu();
	uint64_t end = addr + len;

	if (end < addr)
		return false;
	if (addr >= p->kernel_stack_bottom && end <= p->kernel_stack_top)
		return true;
	return addr >= p->ist_bottom && end <= p->ist_top;
}
