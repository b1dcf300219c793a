/*
 * The local APIC, in x2APIC mode when the CPU has it (MSR access, 32-bit
 * IDs), else in xAPIC mode (MMIO through the direct map).
 */
#ifndef ARCH_X86_LAPIC_H
#define ARCH_X86_LAPIC_H

#include "lib/compiler.h"

/* Enables this CPU's LAPIC (x2APIC mode when available), masks its LVTs. */
void lapic_init_this_cpu(void);

bool lapic_is_x2apic(void);

uint32_t lapic_id(void);
void lapic_eoi(void);

/* INIT, then the start-up IPI pointing at the real-mode page vector. */
bool lapic_send_init(uint32_t apic_id);
bool lapic_send_startup(uint32_t apic_id, uint8_t vector_page);

/* A fixed interrupt to one CPU. */
bool lapic_send_fixed(uint32_t apic_id, uint8_t vector);

/* An NMI to one CPU. */
void lapic_send_nmi(uint32_t apic_id);

/*
 * A periodic interrupt on this CPU: initial_count ticks of the APIC timer
 * (bus clock / 16; its rate differs between machines, so use it only for
 * "often enough", measure time with the TSC).
 */
void lapic_timer_start_periodic(uint8_t vector, uint32_t initial_count);
void lapic_timer_stop(void);

#endif
