/*
 * The descriptor tables the trap catcher needs: delivering an exception
 * reads the IDT gate and the GDT descriptor of its code selector, and the
 * entry state has neither (GDTR and IDTR limit 0).
 */
#include "guest/trap.h"

#define GDT_CODE32_SELECTOR 0x08
/*
 * Base 0, limit 4 GiB, 32-bit, present, DPL 0, already accessed (as the
 * entry state's segments are, so the CPU never writes the table).
 */
#define GDT_FLAT_CODE32 0x00cf9b000000ffffull /* execute/read */
#define GDT_FLAT_DATA	0x00cf93000000ffffull /* read/write */

#define IDT_GATE_INTR32 0x8e /* present, DPL 0, 32-bit interrupt gate */

struct idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t zero;
	uint8_t type_attr;
	uint16_t offset_high;
} __packed;

struct table_register {
	uint16_t limit;
	uint32_t base;
} __packed;

/* The entry stubs, one per vector (guest/trap_entry.asm). */
extern const uint32_t trap_stubs[TRAP_VECTORS];

static uint64_t trap_gdt[3] = {0, GDT_FLAT_CODE32, GDT_FLAT_DATA};
static struct idt_gate trap_idt[TRAP_VECTORS];

static void trap_load_idt(const void *base, uint16_t limit)
{
	struct table_register idtr = {limit, (uintptr_t)base};

	asm volatile("lidt %0" : : "m"(idtr) : "memory");
}

void trap_install(void)
{
	struct table_register gdtr = {sizeof(trap_gdt) - 1,
				      (uintptr_t)trap_gdt};

	for (unsigned i = 0; i < TRAP_VECTORS; i++) {
		trap_idt[i] = (struct idt_gate){
		    .offset_low = trap_stubs[i] & 0xffff,
		    .selector = GDT_CODE32_SELECTOR,
		    .type_attr = IDT_GATE_INTR32,
		    .offset_high = trap_stubs[i] >> 16,
		};
	}
	asm volatile("lgdt %0" : : "m"(gdtr) : "memory");
	trap_load_idt(trap_idt, sizeof(trap_idt) - 1);
}

void trap_remove(void)
{
	trap_load_idt(NULL, 0);
}
