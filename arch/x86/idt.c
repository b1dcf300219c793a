#include "arch/x86/idt.h"
#include "arch/x86/descriptors.h"
#include "arch/x86/percpu.h"

#define GATE_INTERRUPT 0x8e /* present, DPL 0, 64-bit interrupt gate */

extern const uint64_t trap_stub_table[256];

static struct idt_gate idt[256] __aligned(16);
static bool idt_filled;

static uint8_t idt_ist_for(unsigned vector)
{
	switch (vector) {
	case VEC_NMI:
		return IST_NMI;
	case VEC_DOUBLE_FAULT:
		return IST_DOUBLE_FAULT;
	case VEC_MACHINE_CHECK:
		return IST_MACHINE_CHECK;
	default:
		return 0;
	}
}

static void idt_fill(void)
{
	for (unsigned v = 0; v < 256; v++) {
		uint64_t target = trap_stub_table[v];

		idt[v] = (struct idt_gate){
			.offset_low = target & 0xffff,
			.selector = GDT_CODE64,
			.ist = idt_ist_for(v),
			.type_attr = GATE_INTERRUPT,
			.offset_mid = (target >> 16) & 0xffff,
			.offset_high = target >> 32,
		};
	}
	idt_filled = true;
}

void idt_load(void)
{
	struct descriptor_ptr ptr = {
		.limit = sizeof(idt) - 1,
		.base = (uint64_t)idt,
	};

	if (!idt_filled)
		idt_fill();
	__asm__ volatile("lidt %0" : : "m"(ptr));
}
