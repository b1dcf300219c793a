#include "arch/x86/lapic.h"
#include "arch/x86/cpu.h"
#include "arch/x86/idt.h"
#include "arch/x86/mmio.h"
#include "arch/x86/msr.h"
#include "arch/x86/tsc.h"
#include "base/panic.h"

/* Register offsets in xAPIC MMIO; x2APIC MSR = 0x800 + offset / 16. */
enum {
	LAPIC_ID = 0x20,
	LAPIC_TPR = 0x80,
	LAPIC_EOI = 0xb0,
	LAPIC_SVR = 0xf0,
	LAPIC_ICR_LOW = 0x300,
	LAPIC_ICR_HIGH = 0x310,
	LAPIC_LVT_TIMER = 0x320,
	LAPIC_LVT_LINT0 = 0x350,
	LAPIC_LVT_LINT1 = 0x360,
	LAPIC_LVT_ERROR = 0x370,
	LAPIC_TIMER_INITIAL = 0x380,
	LAPIC_TIMER_DIVIDE = 0x3e0,
};

#define SVR_ENABLE (1u << 8)
#define LVT_MASKED (1u << 16)
#define LVT_TIMER_PERIODIC (1u << 17)
#define TIMER_DIVIDE_BY_16 0x3
#define ICR_FIXED (0u << 8)
#define ICR_NMI (4u << 8)
#define ICR_INIT (5u << 8)
#define ICR_STARTUP (6u << 8)
#define ICR_DELIVERY_PENDING (1u << 12)
#define ICR_LEVEL_ASSERT (1u << 14)
#define CPUID_1_ECX_X2APIC (1u << 21)

static bool x2apic;
static bool ready;
static volatile uint32_t *xapic_regs; /* the xAPIC page, uncached */

static uint32_t lapic_read(uint32_t reg)
{
	if (x2apic)
		return (uint32_t)rdmsr(MSR_X2APIC_BASE + reg / 16);
	return xapic_regs[reg / 4];
}

static void lapic_write(uint32_t reg, uint32_t v)
{
	if (x2apic)
		wrmsr(MSR_X2APIC_BASE + reg / 16, v);
	else
		xapic_regs[reg / 4] = v;
}

void lapic_init_this_cpu(void)
{
	uint64_t base = rdmsr(MSR_IA32_APIC_BASE);
	uint64_t xapic_phys = base & 0xffffff000ull;

	x2apic = cpuid(1, 0).ecx & CPUID_1_ECX_X2APIC;
	if (!x2apic) {
		xapic_regs = mmio_map(xapic_phys, PAGE_SIZE, MMIO_UNCACHED);
		if (!xapic_regs)
			panic("lapic: the local APIC's registers at %#llx cannot be mapped",
			      (unsigned long long)xapic_phys);
	}
	base |= APIC_BASE_EN;
	if (x2apic)
		base |= APIC_BASE_EXTD;
	wrmsr(MSR_IA32_APIC_BASE, base);

	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
	lapic_write(LAPIC_LVT_LINT0, LVT_MASKED);
	lapic_write(LAPIC_LVT_LINT1, LVT_MASKED);
	lapic_write(LAPIC_LVT_ERROR, LVT_MASKED);
	lapic_write(LAPIC_SVR, SVR_ENABLE | VEC_SPURIOUS);
	ready = true;
}

bool lapic_is_x2apic(void)
{
	return x2apic;
}

uint32_t lapic_id(void)
{
	uint32_t id = lapic_read(LAPIC_ID);

	return x2apic ? id : id >> 24;
}

void lapic_eoi(void)
{
	if (ready)
		lapic_write(LAPIC_EOI, 0);
}

/* Sends an IPI; false when an xAPIC never reports it delivered (~100 ms). */
static bool lapic_send_icr(uint32_t dest, uint32_t low)
{
	if (x2apic) {
		/*
		 * WRMSR to the x2APIC ICR is not serializing: without the
		 * fences the IPI may overtake stores the target is woken to
		 * see (SDM Vol. 3A 11.12.3).
		 */
		__asm__ volatile("mfence; lfence" ::: "memory");
		wrmsr(MSR_X2APIC_BASE + LAPIC_ICR_LOW / 16,
		      ((uint64_t)dest << 32) | low);
		return true;
	}
	lapic_write(LAPIC_ICR_HIGH, dest << 24);
	lapic_write(LAPIC_ICR_LOW, low);
	for (unsigned i = 0; i < 100000; i++) {
		if (!(lapic_read(LAPIC_ICR_LOW) & ICR_DELIVERY_PENDING))
			return true;
		tsc_delay_us(1);
	}
	return false;
}

bool lapic_send_init(uint32_t apic_id)
{
	return lapic_send_icr(apic_id, ICR_INIT | ICR_LEVEL_ASSERT);
}

bool lapic_send_startup(uint32_t apic_id, uint8_t vector_page)
{
	return lapic_send_icr(apic_id, ICR_STARTUP | vector_page);
}

bool lapic_send_fixed(uint32_t apic_id, uint8_t vector)
{
	return lapic_send_icr(apic_id, ICR_FIXED | vector);
}

void lapic_send_nmi(uint32_t apic_id)
{
	if (ready)
		lapic_send_icr(apic_id, ICR_NMI);
}

void lapic_timer_start_periodic(uint8_t vector, uint32_t initial_count)
{
	lapic_write(LAPIC_TIMER_DIVIDE, TIMER_DIVIDE_BY_16);
	lapic_write(LAPIC_LVT_TIMER, LVT_TIMER_PERIODIC | vector);
	lapic_write(LAPIC_TIMER_INITIAL, initial_count);
}

void lapic_timer_stop(void)
{
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
	lapic_write(LAPIC_TIMER_INITIAL, 0);
}
