#include "arch/x86/mce.h"
#include "arch/x86/smp.h"
#include "arch/x86/cpu.h"
#include "arch/x86/idt.h"
#include "arch/x86/lapic.h"
#include "arch/x86/paging.h"
#include "arch/x86/percpu.h"
#include "arch/x86/spin_wait.h"
#include "arch/x86/traps.h"
#include "arch/x86/tsc.h"
#include "arch/x86/virt_probe.h"
#include "base/log.h"
#include "lib/spinlock.h"
#include "lib/string.h"
#include "mm/pmm.h"

/* Matches the parameter block at the end of trampoline.asm. */
struct trampoline_params {
	uint64_t cr3;
	uint64_t nx;
	uint64_t entry;
	uint64_t stack_top;
	uint64_t cpu_id;
};

extern const char trampoline_start[], trampoline_end[], trampoline_params[];

static unsigned online_count = 1;

static void (*volatile call_fn)(void);
static volatile unsigned call_done;

unsigned smp_online_count(void)
{
	return online_count;
}

void smp_call_one(unsigned cpu_id, void (*fn)(void))
{
	call_fn = fn;
	__atomic_store_n(&call_done, 0, __ATOMIC_RELEASE);
	lapic_send_fixed(percpu_area[cpu_id].apic_id, VEC_IPI_CALL);
}

static void smp_call_handler(struct trap_frame *frame)
{
	call_fn();
	__atomic_fetch_add(&call_done, 1, __ATOMIC_RELEASE);
}

void smp_call_others(void (*fn)(void))
{
	unsigned me = this_cpu_id();
	unsigned expected = 0;
	struct spin_wait w = SPIN_WAIT_INIT(-1, "see every other CPU run a call");

	call_fn = fn;
	__atomic_store_n(&call_done, 0, __ATOMIC_RELEASE);
	for (unsigned i = 0; i < MAX_CPUS; i++) {
		if (i == me || !percpu_area[i].online)
			continue;
		lapic_send_fixed(percpu_area[i].apic_id, VEC_IPI_CALL);
		expected++;
	}
	while (__atomic_load_n(&call_done, __ATOMIC_ACQUIRE) < expected)
		spin_wait_step(&w);
	spin_wait_end(&w);
}

/* Where an AP arrives from the trampoline, on its own stack. */
static __noreturn void ap_entry(uint64_t cpu_id)
{
	struct percpu *p = &percpu_area[cpu_id];
	struct cpu_stacks *stacks = (struct cpu_stacks *)p->kernel_stack_bottom;

	percpu_init_this_cpu(cpu_id, stacks, p->kernel_stack_bottom,
			     p->kernel_stack_top);
	paging_enable_cpu_features();
	p->mce_banks = mce_init_this_cpu();
	lapic_init_this_cpu();
	virt_probe_this_cpu(&p->virt);
	__atomic_store_n(&p->online, true, __ATOMIC_RELEASE);

	/* Idle: woken by IPIs only; runs the work smp_run_on() hands over. */
	for (;;) {
		void (*fn)(void *) = __atomic_load_n(&p->work_fn,
						      __ATOMIC_ACQUIRE);

		if (fn) {
			/* The argument first: the slot frees up at the store. */
			void *arg = p->work_arg;

			__atomic_store_n(&p->work_fn, NULL, __ATOMIC_RELEASE);
			irq_enable();
			fn(arg);
			irq_disable();
			continue;
		}
		/* STI's one-instruction shadow: no wake-up is lost before HLT. */
		__asm__ volatile("sti; hlt; cli" ::: "memory");
	}
}

static void smp_kick_handler(struct trap_frame *frame)
{
}

void smp_kick(unsigned cpu_id)
{
	lapic_send_fixed(percpu_area[cpu_id].apic_id, VEC_KICK);
}

void smp_kick_nmi(unsigned cpu_id)
{
	struct percpu *p = &percpu_area[cpu_id];

	__atomic_fetch_add(&p->nmi_kicks, 1, __ATOMIC_SEQ_CST);
	lapic_send_nmi(p->apic_id);
}

bool smp_take_nmi_kick(void)
{
	uint32_t *kicks = &this_cpu()->nmi_kicks;
	uint32_t n = __atomic_load_n(kicks, __ATOMIC_ACQUIRE);

	while (n && !__atomic_compare_exchange_n(kicks, &n, n - 1, false,
						 __ATOMIC_ACQ_REL,
						 __ATOMIC_ACQUIRE))
		;
	return n != 0;
}

/* Called by one CPU at a time (the boot CPU hands out the vCPUs). */
bool smp_run_on(unsigned cpu_id, void (*fn)(void *arg), void *arg)
{
	struct percpu *p = &percpu_area[cpu_id];

	if (__atomic_load_n(&p->work_fn, __ATOMIC_ACQUIRE))
		return false;
	p->work_arg = arg;
	__atomic_store_n(&p->work_fn, fn, __ATOMIC_RELEASE);
	smp_kick(cpu_id);
	return true;
}

/* Starts one AP; true once it reports online within timeout_ms. */
static bool smp_start_one(unsigned cpu_id, uint32_t apic_id,
			  uint64_t page, unsigned timeout_ms)
{
	struct percpu *p = &percpu_area[cpu_id];
	uint64_t stacks_phys;
	struct trampoline_params *params;
	uint8_t *code = phys_to_virt(page);
	uint64_t deadline;

	_Static_assert(sizeof(struct cpu_stacks) <= 16 * 4096, "stacks");
	stacks_phys = pmm_alloc(4);
	if (!stacks_phys) {
		pr_err("smp: no memory for the stacks of CPU %u", cpu_id);
		return false;
	}
	p->apic_id = apic_id;
	/* The slot may be one a CPU that timed out earlier had. */
	__atomic_store_n(&p->online, false, __ATOMIC_RELEASE);
	p->kernel_stack_bottom = (uint64_t)phys_to_virt(stacks_phys);
	p->kernel_stack_top = p->kernel_stack_bottom + KERNEL_STACK_SIZE;

	memcpy(code, trampoline_start, trampoline_end - trampoline_start);
	params = (struct trampoline_params *)(code + (trampoline_params -
						     trampoline_start));
	params->cr3 = paging_root();
	params->nx = paging_has_nx();
	params->entry = (uint64_t)ap_entry;
	params->stack_top = p->kernel_stack_top;
	params->cpu_id = cpu_id;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);

	/* INIT, 10 ms, SIPI, 200 us, SIPI (SDM Vol. 3A 9.4.4.1). */
	if (!lapic_send_init(apic_id))
		return false;
	tsc_delay_us(10000);
	for (int sipi = 0; sipi < 2; sipi++) {
		if (__atomic_load_n(&p->online, __ATOMIC_ACQUIRE))
			break;
		lapic_send_startup(apic_id, (uint8_t)(page >> 12));
		tsc_delay_us(200);
	}
	deadline = tsc_us_since_boot() + timeout_ms * 1000ull;
	while (!__atomic_load_n(&p->online, __ATOMIC_ACQUIRE)) {
		if (tsc_us_since_boot() > deadline) {
			/*
			 * Hold it in wait-for-SIPI so it cannot wake up later
			 * on parameters meant for the next CPU; keep its
			 * stacks in case it is already running.
			 */
			lapic_send_init(apic_id);
			__atomic_store_n(&p->online, false, __ATOMIC_RELEASE);
			return false;
		}
		cpu_relax();
	}
	return true;
}

/* True if apic_id is one of the CPUs this hypervisor runs on. */
static bool smp_apic_id_online(uint32_t apic_id)
{
	for (unsigned i = 0; i < online_count; i++)
		if (percpu_area[i].apic_id == apic_id)
			return true;
	return false;
}

/*
 * The CPUs the MADT lists that this hypervisor does not run (beyond
 * maxcpus= or MAX_CPUS) still sit in the firmware's parking loop, whose
 * code may live in memory the allocator hands out later. INIT puts each
 * in wait-for-SIPI, where it runs nothing (SDM Vol. 3A, 9.4.4.1); the
 * console says how many.
 */
static void smp_park_unused(const struct acpi_cpus *cpus, uint32_t my_apic_id)
{
	unsigned parked = 0, unreachable = 0;

	for (unsigned i = 0; i < cpus->count; i++) {
		uint32_t apic_id = cpus->apic_ids[i];

		if (apic_id == my_apic_id || smp_apic_id_online(apic_id))
			continue;
		if (lapic_send_init(apic_id))
			parked++;
		else
			unreachable++;
	}
	if (parked)
		pr_info("smp: %u CPU(s) not used: sent INIT, they wait for a SIPI that never comes",
			parked);
	if (unreachable)
		pr_warn("smp: %u CPU(s) not used and not reachable by INIT from xAPIC mode: left where the firmware parked them",
			unreachable);
}

unsigned smp_start_aps(const struct acpi_cpus *cpus, unsigned maxcpus,
		       unsigned timeout_ms, uint64_t trampoline_page)
{
	uint32_t my_apic_id = lapic_id();

	traps_set_handler(VEC_IPI_CALL, smp_call_handler);
	traps_set_handler(VEC_KICK, smp_kick_handler);
	traps_set_handler(VEC_TICK, smp_kick_handler);
	percpu_area[0].apic_id = my_apic_id;
	percpu_area[0].online = true;

	for (unsigned i = 0; i < cpus->count && online_count < maxcpus; i++) {
		uint32_t apic_id = cpus->apic_ids[i];
		unsigned cpu_id = online_count;

		if (apic_id == my_apic_id)
			continue;
		if (smp_start_one(cpu_id, apic_id, trampoline_page,
				  timeout_ms)) {
			online_count++;
			pr_debug("smp: CPU %u (APIC ID %u) is up", cpu_id,
				 apic_id);
		} else {
			pr_warn("smp: CPU with APIC ID %u did not start within %u ms: skipped",
				apic_id, timeout_ms);
		}
	}
	smp_park_unused(cpus, my_apic_id);
	return online_count;
}
