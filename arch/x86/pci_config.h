/*
 * PCI configuration space through the legacy mechanism (PCI Local Bus
 * 3.0, 3.2.2.3.2): the function's address and the register's dword
 * offset written to port 0xcf8, the data read or written at 0xcfc.
 * Segment 0, the first 256 bytes of each function: all that finding a
 * serial card's UART needs. The caller serializes (boot CPU only).
 */
#ifndef ARCH_X86_PCI_CONFIG_H
#define ARCH_X86_PCI_CONFIG_H

#include "lib/compiler.h"

#define PCI_HEADER_BYTES 64 /* the type 0/1 header: IDs, class, BARs */

/* Registers of the header (PCI Local Bus 3.0, 6.1). */
#define PCI_VENDOR_ID	   0x00 /* 0xffff: no function there */
#define PCI_DEVICE_ID	   0x02
#define PCI_COMMAND	   0x04
#define PCI_COMMAND_IO	   0x0001 /* decode the I/O BARs */
#define PCI_COMMAND_MEMORY 0x0002 /* decode the memory BARs */
#define PCI_PROG_IF	   0x09
#define PCI_SUBCLASS	   0x0a
#define PCI_CLASS	   0x0b
#define PCI_HEADER_TYPE	   0x0e
#define PCI_MULTI_FUNCTION 0x80 /* in PCI_HEADER_TYPE of function 0 */
#define PCI_BAR0	   0x10

struct pci_func {
	uint8_t bus, dev, fn; /* dev 0..31, fn 0..7 */
};

/* The dword at offset off & 0xfc; all ones where no function answers. */
uint32_t pci_config_read32(struct pci_func f, unsigned off);

/* Writes the 16-bit register at offset off (even, below 256). */
void pci_config_write16(struct pci_func f, unsigned off, uint16_t value);

/* Reads the first PCI_HEADER_BYTES of the function's configuration space. */
void pci_config_read_header(struct pci_func f, uint8_t *hdr);

#endif
