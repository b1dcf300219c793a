#include "arch/x86/tsc.h"
#include "arch/x86/cpu.h"

#define PIT_HZ 1193182ull
#define PIT_CH2_DATA 0x42
#define PIT_COMMAND 0x43
#define PIT_GATE_PORT 0x61 /* bit 0: channel 2 gate, bit 5: its output */
#define CALIBRATE_MS 10

static uint64_t khz;
static uint64_t boot_tsc;

/* Counts TSC ticks while PIT channel 2 counts down CALIBRATE_MS. */
static uint64_t tsc_measure_with_pit(void)
{
	uint16_t count = (uint16_t)(PIT_HZ * CALIBRATE_MS / 1000);
	uint8_t gate = inb(PIT_GATE_PORT);
	uint64_t start, end;
	unsigned long spins = 0;

	outb(PIT_GATE_PORT, (gate & ~0x02) | 0x01); /* gate on, speaker off */
	outb(PIT_COMMAND, 0xb0); /* channel 2, lobyte/hibyte, mode 0 */
	outb(PIT_CH2_DATA, count & 0xff);
	outb(PIT_CH2_DATA, count >> 8);

	start = rdtsc();
	while (!(inb(PIT_GATE_PORT) & 0x20)) {
		if (++spins > 100000000ul)
			return 0; /* no PIT: the output never rose */
	}
	end = rdtsc();
	outb(PIT_GATE_PORT, gate);
	return (end - start) / CALIBRATE_MS;
}

uint64_t tsc_calibrate(const char **note)
{
	struct cpuid_regs r = cpuid(0, 0);

	*note = NULL;
	boot_tsc = rdtsc();
	if (r.eax >= 0x15) {
		struct cpuid_regs t = cpuid(0x15, 0);

		if (t.eax && t.ebx && t.ecx) {
			khz = (uint64_t)t.ecx * t.ebx / t.eax / 1000;
			*note = "from CPUID leaf 0x15";
			return khz;
		}
	}
	khz = tsc_measure_with_pit();
	if (khz == 0) {
		khz = 1000000;
		*note = "PIT did not count: assuming 1 GHz, times are rough";
	} else {
		*note = "measured against the PIT";
	}
	return khz;
}

uint64_t tsc_khz(void)
{
	return khz;
}

uint64_t tsc_us_since_boot(void)
{
	if (!khz)
		return 0;
	return (rdtsc() - boot_tsc) * 1000 / khz;
}

void tsc_delay_us(uint64_t us)
{
	uint64_t start = rdtsc();
	uint64_t ticks = us * (khz ? khz : 1000000) / 1000;

	while (rdtsc() - start < ticks)
		__builtin_ia32_pause();
}
