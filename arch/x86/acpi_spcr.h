/*
 * The Serial Port Console Redirection table (Microsoft SPCR, revisions 1
 * to 4): the UART the firmware uses as its console, which the hypervisor
 * takes when console= names none. Only 16550s are taken: interface types
 * 0 (16550), 1 (16450-compatible subset), 0x12 (16550 described by the
 * Generic Address Structure) and 0x14 (Intel LPSS, a 16550 with 32-bit
 * registers), at I/O ports or in memory with 8- or 32-bit registers.
 * Pure: host-tested on table bytes.
 */
#ifndef ARCH_X86_ACPI_SPCR_H
#define ARCH_X86_ACPI_SPCR_H

#include "arch/x86/uart_where.h"

struct acpi_spcr {
	bool present;        /* an SPCR table was found (checksum good) */
	bool usable;         /* it names a 16550 the hypervisor can drive */
	char why[96];        /* present and not usable: why not */
	uint8_t revision;
	uint8_t interface_type;
	struct uart_where where; /* .base 0: at the PCI function below */
	uint32_t baud;       /* 0: keep the divisor the firmware set */
	const char *baud_why; /* baud 0: why ("the table says as is", ...) */
	bool pci;            /* it names a PCI function: */
	uint16_t pci_vendor, pci_device;
	uint8_t pci_segment, pci_bus, pci_dev, pci_fn;
};

/*
 * Reads an SPCR table of len bytes (at least its 36-byte header, checksum
 * already checked) into *out.
 */
void acpi_spcr_parse(const uint8_t *t, uint32_t len, struct acpi_spcr *out);

/* What the table's interface type is: "16550", "ARM PL011", ... */
const char *acpi_spcr_interface_name(uint8_t type);

#endif
