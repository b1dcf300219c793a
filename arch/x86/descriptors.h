/* GDT, TSS and IDT layouts (SDM Vol. 3A, 3.4.5, 7.7 and 6.14.1). */
#ifndef ARCH_X86_DESCRIPTORS_H
#define ARCH_X86_DESCRIPTORS_H

#include "lib/compiler.h"

#define GDT_CODE64 0x08
#define GDT_DATA 0x10
#define GDT_TSS 0x18

/* Descriptor types (SDM Vol. 3A, 3.4.5.1 and 3.5; APM Vol. 2, 4.7, 4.8). */
#define SEG_TYPE_DATA_RW_ACCESSED 0x3
#define SEG_TYPE_CODE_XR_ACCESSED 0xb
#define SEG_TYPE_LDT		  0x2
#define SEG_TYPE_TSS32_BUSY	  0xb

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7]; /* ist[0] is IST1 */
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __packed;

struct gdt {
	uint64_t entries[5]; /* null, code64, data, TSS (two slots) */
} __aligned(16);

struct idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t reserved;
} __packed;

struct descriptor_ptr {
	uint16_t limit;
	uint64_t base;
} __packed;

_Static_assert(sizeof(struct tss) == 104, "TSS layout");
_Static_assert(sizeof(struct idt_gate) == 16, "IDT gate layout");

#endif
