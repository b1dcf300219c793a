/*
 * The ACPI reset register (ACPI 6.5, 4.8.4.6 and table 5.9: RESET_REG
 * and RESET_VALUE of the FADT, offered when the flag RESET_REG_SUP is
 * set): writing the value there resets the machine. Only what the FADT
 * says; arch/x86/machine_reset.c writes it.
 */
#ifndef ARCH_X86_ACPI_RESET_H
#define ARCH_X86_ACPI_RESET_H

#include "lib/compiler.h"

/* Address spaces of the register this hypervisor can write. */
enum acpi_reset_space {
	ACPI_RESET_IO = 1,  /* an I/O port */
	ACPI_RESET_PCI = 2, /* PCI configuration space of bus 0 */
};

struct acpi_reset {
	bool present;     /* a register this hypervisor can write */
	uint8_t space;    /* enum acpi_reset_space */
	uint64_t address; /* port; or PCI device << 32 | function << 16 | offset */
	uint8_t value;
	const char *why;  /* when not present: why not */
};

/* Reads the reset register from a FADT of len bytes (checksum checked). */
void acpi_reset_from_fadt(const uint8_t *fadt, uint32_t len,
			  struct acpi_reset *r);

#endif
