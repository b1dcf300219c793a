#include "arch/x86/traps.h"
#include "arch/x86/backtrace.h"
#include "arch/x86/cpu.h"
#include "arch/x86/idt.h"
#include "arch/x86/lapic.h"
#include "arch/x86/msr_safe.h"
#include "arch/x86/page_fault.h"
#include "arch/x86/percpu.h"
#include "arch/x86/smp.h"
#include "base/ksyms.h"
#include "base/log.h"
#include "arch/x86/mce.h"
#include "base/panic.h"
#include "lib/format.h"
#include "lib/spinlock.h"

static irq_handler_fn irq_handlers[256];

static const char *const exception_names[32] = {
	[0] = "#DE divide error",
	[1] = "#DB debug",
	[2] = "NMI",
	[3] = "#BP breakpoint",
	[4] = "#OF overflow",
	[5] = "#BR bound range",
	[6] = "#UD invalid opcode",
	[7] = "#NM device not available",
	[8] = "#DF double fault",
	[9] = "coprocessor segment overrun",
	[10] = "#TS invalid TSS",
	[11] = "#NP segment not present",
	[12] = "#SS stack fault",
	[13] = "#GP general protection",
	[14] = "#PF page fault",
	[16] = "#MF x87 error",
	[17] = "#AC alignment check",
	[18] = "#MC machine check",
	[19] = "#XM SIMD exception",
	[20] = "#VE virtualization exception",
	[21] = "#CP control protection",
	[28] = "#HV hypervisor injection",
	[29] = "#VC VMM communication",
	[30] = "#SX security exception",
};

const char *trap_vector_name(unsigned vector)
{
	if (vector < 32 && exception_names[vector])
		return exception_names[vector];
	return vector < 32 ? "reserved exception" : "interrupt";
}

void traps_set_handler(unsigned vector, irq_handler_fn fn)
{
	irq_handlers[vector & 0xff] = fn;
}

void trap_print_registers(const struct trap_frame *f)
{
	log_printf(LOG_ERROR,
		   "RAX=%016llx RBX=%016llx RCX=%016llx RDX=%016llx\n"
		   "RSI=%016llx RDI=%016llx RBP=%016llx RSP=%016llx\n"
		   "R8 =%016llx R9 =%016llx R10=%016llx R11=%016llx\n"
		   "R12=%016llx R13=%016llx R14=%016llx R15=%016llx\n"
		   "RFLAGS=%016llx CS:RIP=%04llx:%016llx SS=%04llx\n"
		   "CR0=%016llx CR2=%016llx CR3=%016llx CR4=%016llx",
		   (unsigned long long)f->rax, (unsigned long long)f->rbx,
		   (unsigned long long)f->rcx, (unsigned long long)f->rdx,
		   (unsigned long long)f->rsi, (unsigned long long)f->rdi,
		   (unsigned long long)f->rbp, (unsigned long long)f->rsp,
		   (unsigned long long)f->r8, (unsigned long long)f->r9,
		   (unsigned long long)f->r10, (unsigned long long)f->r11,
		   (unsigned long long)f->r12, (unsigned long long)f->r13,
		   (unsigned long long)f->r14, (unsigned long long)f->r15,
		   (unsigned long long)f->rflags, (unsigned long long)f->cs,
		   (unsigned long long)f->rip, (unsigned long long)f->ss,
		   (unsigned long long)read_cr0(), (unsigned long long)read_cr2(),
		   (unsigned long long)read_cr3(), (unsigned long long)read_cr4());
}

/*
 * An exception in the hypervisor itself: report everything and stop. A
 * page fault names the access and its address, here and in the reason.
 */
static __noreturn void trap_fatal(const struct trap_frame *f)
{
	char reason[200], fault[120] = "";
	uint64_t off, size;
	const char *where = ksyms_lookup(f->rip, &off, &size);
	size_t n;

	fatal_report_begin();
	log_printf(LOG_ERROR,
		   "EXCEPTION %s (vector %llu) on cpu%u, error code %#llx",
		   trap_vector_name(f->vector), (unsigned long long)f->vector,
		   this_cpu_id(), (unsigned long long)f->error_code);
	if (f->vector == VEC_PAGE_FAULT) {
		page_fault_describe(f->error_code, read_cr2(), fault,
				    sizeof(fault));
		log_printf(LOG_ERROR, "page fault: %s", fault);
	}
	trap_print_registers(f);
	backtrace_print_interrupted(f->rip, f->rsp, f->rbp);
	if (where)
		n = fmt_snprintf(reason, sizeof(reason), "exception %s at %s+%#llx",
				 trap_vector_name(f->vector), where,
				 (unsigned long long)off);
	else
		n = fmt_snprintf(reason, sizeof(reason), "exception %s at %#llx",
				 trap_vector_name(f->vector),
				 (unsigned long long)f->rip);
	if (fault[0] && n < sizeof(reason))
		fmt_snprintf(reason + n, sizeof(reason) - n, ": %s", fault);
	fatal_stop(reason);
}

void trap_dispatch(struct trap_frame *f)
{
	unsigned vector = (unsigned)f->vector;

	if (vector == VEC_NMI) {
		if (this_cpu()->hold_nmis)
			for (;;) /* selftest=deaf-cpu: never return, NMIs held */
				cpu_relax();
		if (smp_stop_requested())
			smp_stop_this_cpu(f);
		if (smp_take_nmi_kick())
			return; /* its work is done: we left guest mode */
		pr_warn("unexpected NMI on cpu%u at RIP %#llx (ignored)",
			this_cpu_id(), (unsigned long long)f->rip);
		return;
	}
	if (vector == VEC_MACHINE_CHECK)
		mce_handle(f);
	if (vector < VEC_FIRST_EXTERNAL) {
		uint64_t resume = ex_table_find(f->rip);

		if (resume && vector == VEC_GENERAL_PROTECTION) {
			f->rip = resume;
			f->rsi = 1; /* the "faulted" flag of msr_safe.h */
			return;
		}
		trap_fatal(f);
	}
	if (vector == VEC_SPURIOUS)
		return; /* the LAPIC wants no EOI for it */
	if (irq_handlers[vector])
		irq_handlers[vector](f);
	else
		pr_warn("unexpected interrupt vector %u on cpu%u", vector,
			this_cpu_id());
	lapic_eoi();
}
