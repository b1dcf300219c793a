/*
 * PIT channel 2 as a free-running 16-bit counter at 1.193182 MHz: mode 2
 * with a reload of 65536, gated on through port 0x61, its count latched
 * and read. Many recent chipsets gate the PIT's clock off; it then does
 * not count, which the caller finds out.
 */
#include "arch/x86/cpu.h"
#include "arch/x86/tsc_ref.h"

#define PIT_CH2_DATA 0x42
#define PIT_COMMAND 0x43
#define PIT_CH2_MODE2_LOHI 0xb4 /* channel 2, lobyte/hibyte, mode 2, binary */
#define PIT_CH2_LATCH 0x80
#define PIT_GATE_PORT 0x61 /* bit 0: channel 2 gate, bit 1: speaker */
#define PIT_GATE_ON 0x01
#define PIT_SPEAKER_ON 0x02

static uint8_t pit_gate_saved;
static bool pit_opened;

/* The count goes down: its negation counts up, modulo 2^16. */
static uint64_t pit_counter_read(void)
{
	uint8_t lo, hi;

	outb(PIT_COMMAND, PIT_CH2_LATCH);
	lo = inb(PIT_CH2_DATA);
	hi = inb(PIT_CH2_DATA);
	return (uint16_t)-(uint16_t)(lo | hi << 8);
}

void pit_counter_open(struct tsc_ref *ref)
{
	pit_gate_saved = inb(PIT_GATE_PORT);
	outb(PIT_GATE_PORT, (pit_gate_saved & ~PIT_SPEAKER_ON) | PIT_GATE_ON);
	outb(PIT_COMMAND, PIT_CH2_MODE2_LOHI);
	outb(PIT_CH2_DATA, 0);
	outb(PIT_CH2_DATA, 0);
	pit_opened = true;
	*ref = (struct tsc_ref){
		.method = TSC_PIT,
		.read = pit_counter_read,
		.bits = 16,
		.period_fs = PIT_PERIOD_FS,
	};
}

void pit_counter_close(void)
{
	if (pit_opened)
		outb(PIT_GATE_PORT, pit_gate_saved);
	pit_opened = false;
}
