/* The ACPI PM timer: a free-running 3.579545 MHz counter at an I/O port. */
#include "arch/x86/cpu.h"
#include "arch/x86/tsc_ref.h"
#include "lib/format.h"

static uint16_t pm_timer_port;
static uint32_t pm_timer_mask;

static uint64_t pm_timer_read(void)
{
	return inl(pm_timer_port) & pm_timer_mask;
}

bool pm_timer_open(uint16_t port, unsigned bits, struct tsc_ref *ref,
		   char *why, size_t whysz)
{
	if (port == 0 || (bits != 24 && bits != 32)) {
		fmt_snprintf(why, whysz, "no port, or a width of %u bits", bits);
		return false;
	}
	pm_timer_port = port;
	pm_timer_mask = bits == 32 ? 0xffffffffu : 0xffffffu;
	*ref = (struct tsc_ref){
		.method = TSC_PM_TIMER,
		.read = pm_timer_read,
		.bits = bits,
		.period_fs = PM_TIMER_PERIOD_FS,
	};
	return true;
}
