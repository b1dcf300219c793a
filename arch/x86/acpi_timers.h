/*
 * The timers ACPI describes: the PM timer from the FADT (ACPI 6.5,
 * 5.2.9: X_PM_TMR_BLK, else PM_TMR_BLK; 24 bits unless the flag
 * TMR_VAL_EXT says 32) and the HPET's registers from the "HPET" table
 * (IA-PC HPET 1.0a, 3.2.4). Only what the tables say: whether the timers
 * count is for their user to find out.
 */
#ifndef ARCH_X86_ACPI_TIMERS_H
#define ARCH_X86_ACPI_TIMERS_H

#include "lib/compiler.h"

struct acpi_timers {
	bool has_fadt;
	uint16_t pm_timer_port;   /* 0: no PM timer */
	uint8_t pm_timer_bits;    /* 24 or 32 */
	const char *pm_timer_why; /* why there is none, when a FADT is there */
	bool has_hpet_table;
	uint64_t hpet_phys;       /* 0: no usable HPET table */
};

/* Reads the PM timer from a FADT of len bytes (checksum already checked). */
void acpi_timers_from_fadt(const uint8_t *fadt, uint32_t len,
			   struct acpi_timers *t);

/* Reads the HPET's register block from an HPET table of len bytes. */
void acpi_timers_from_hpet(const uint8_t *hpet, uint32_t len,
			   struct acpi_timers *t);

#endif
