/*
 * The HPET's main counter (IA-PC HPET 1.0a, 2.3): its period in
 * femtoseconds from the capabilities register; enabled for the
 * measurement when the firmware left it off, and turned off again after.
 * Only the low 32 bits are read (one access, also on 32-bit counters).
 */
#include "arch/x86/mmio.h"
#include "arch/x86/tsc_ref.h"
#include "lib/format.h"

#define HPET_REGS_SIZE 0x400
#define HPET_CAP_PERIOD 0x004 /* GCAP_ID bits 63:32: COUNTER_CLK_PERIOD */
#define HPET_CONFIG 0x010
#define HPET_CONFIG_ENABLE (1u << 0)
#define HPET_MAIN_COUNTER 0x0f0

static volatile uint8_t *hpet_regs;
static bool hpet_enabled_here;

static uint32_t hpet_reg(unsigned off)
{
	return *(volatile uint32_t *)(hpet_regs + off);
}

static void hpet_reg_write(unsigned off, uint32_t v)
{
	*(volatile uint32_t *)(hpet_regs + off) = v;
}

static uint64_t hpet_read(void)
{
	return hpet_reg(HPET_MAIN_COUNTER);
}

bool hpet_open(uint64_t phys, struct tsc_ref *ref, char *why, size_t whysz)
{
	uint32_t period, config;

	hpet_enabled_here = false;
	hpet_regs = mmio_map(phys, HPET_REGS_SIZE, MMIO_UNCACHED);
	if (!hpet_regs) {
		fmt_snprintf(why, whysz, "its registers at %#llx cannot be mapped uncached",
			     (unsigned long long)phys);
		return false;
	}
	period = hpet_reg(HPET_CAP_PERIOD);
	if (!tsc_calc_hpet_period_valid(period)) {
		fmt_snprintf(why, whysz, "its period of %u fs is invalid",
			     period);
		return false;
	}
	config = hpet_reg(HPET_CONFIG);
	if (!(config & HPET_CONFIG_ENABLE)) {
		hpet_reg_write(HPET_CONFIG, config | HPET_CONFIG_ENABLE);
		hpet_enabled_here = true;
	}
	*ref = (struct tsc_ref){
		.method = TSC_HPET,
		.read = hpet_read,
		.bits = 32,
		.period_fs = period,
	};
	return true;
}

void hpet_close(void)
{
	if (hpet_enabled_here)
		hpet_reg_write(HPET_CONFIG,
			       hpet_reg(HPET_CONFIG) & ~HPET_CONFIG_ENABLE);
	hpet_enabled_here = false;
}
