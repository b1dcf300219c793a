#include "arch/x86/tsc.h"
#include "arch/x86/cpu.h"

#define PIT_HZ 1193182ull
#define PIT_CH2_DATA 0x42
#define PIT_COMMAND 0x43
#define PIT_GATE_PORT 0x61 /* bit 0: channel 2 gate, bit 5: its output */
#define CALIBRATE_MS 10

static uint64_t khz;
static uint64_t boot_tsc;

/*
 * Counts TSC ticks while PIT channel 2 counts down CALIBRATE_MS; 0 when
 * the PIT does not behave (gated off on many newer PCs: its output is
 * high before it was started, or never rises).
 */
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
	if (inb(PIT_GATE_PORT) & 0x20)
		return 0; /* mode 0 starts low: nothing is there */
	while (!(inb(PIT_GATE_PORT) & 0x20)) {
		if (++spins > 2000000ul)
			return 0; /* never rose */
	}
	end = rdtsc();
	outb(PIT_GATE_PORT, gate);
	return (end - start) / CALIBRATE_MS;
}

/* A frequency in kHz we can believe: 1 MHz (slow emulators) to 10 GHz. */
static bool tsc_khz_plausible(uint64_t k)
{
	return k >= 1000 && k <= 10000000;
}

uint64_t tsc_calibrate(const char **note)
{
	uint32_t max_leaf = cpuid(0, 0).eax;

	boot_tsc = rdtsc();
	if (max_leaf >= 0x15) {
		struct cpuid_regs t = cpuid(0x15, 0);

		khz = t.eax ? (uint64_t)t.ecx * t.ebx / t.eax / 1000 : 0;
		if (tsc_khz_plausible(khz)) {
			*note = "from CPUID leaf 0x15";
			return khz;
		}
	}
	khz = tsc_measure_with_pit();
	if (tsc_khz_plausible(khz)) {
		*note = "measured against the PIT";
		return khz;
	}
	if (max_leaf >= 0x16) {
		khz = (uint64_t)(cpuid(0x16, 0).eax & 0xffff) * 1000;
		if (tsc_khz_plausible(khz)) {
			*note = "no PIT: the base frequency from CPUID leaf 0x16";
			return khz;
		}
	}
	khz = 1000000;
	*note = "no PIT and no CPUID frequency: assuming 1 GHz, times and timeouts are rough";
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
