/*
 * The 16550 of a PCI serial card: a function of class 07/00 (serial
 * controller) whose programming interface says 16450/16550-compatible
 * (PCI Code and ID Assignment 1.11, 1.8), with its first UART at the
 * start of a BAR: the first assigned I/O BAR, else the first assigned
 * memory BAR (8-bit registers one byte apart). Cards that put their
 * UARTs elsewhere in a BAR need to be named by address (console=mmio:).
 */
#ifndef ARCH_X86_PCI_UART_H
#define ARCH_X86_PCI_UART_H

#include "arch/x86/pci_config.h"
#include "arch/x86/uart_where.h"

struct pci_uart {
	uint16_t vendor, device;
	uint8_t prog_if;      /* 0x00 8250 .. 0x06 16950 */
	struct uart_where where;
	uint16_t command;     /* the Command register as read */
	uint16_t command_bit; /* the bit that makes the BAR decoded */
};

/*
 * Reads the configuration header hdr (PCI_HEADER_BYTES as read from
 * function f) and finds its UART. False, with why ("no device there:
 * ...", "8086:29c0 is not a serial controller (class 06/00, not 07/00)",
 * "... has no BAR that the firmware assigned ..."), when there is none.
 * Pure: host-tested on captured headers.
 */
bool pci_uart_decode(const uint8_t *hdr, struct pci_func f,
		     struct pci_uart *out, char *why, size_t len);

/* Whether hdr (as above) is a serial controller, 16550-compatible. */
bool pci_uart_is_serial(const uint8_t *hdr);

/*
 * The UART of function f on this machine: its header read, decoded, and
 * the decoding of its BAR turned on in the Command register when the
 * firmware left it off (said in the log). False with why as above.
 */
bool pci_uart_at(struct pci_func f, struct uart_where *where, char *why,
		 size_t len);

/*
 * The first serial controller on buses 0..255 (every device and, on
 * multi-function devices, every function) that pci_uart_at() takes;
 * false when there is none.
 */
bool pci_uart_scan(struct uart_where *where);

#endif
