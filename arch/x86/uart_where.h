/*
 * Where a 16550's registers are: at I/O ports, or in memory as 8-bit
 * registers one byte apart or as 32-bit registers four bytes apart (the
 * UARTs of Intel LPSS and AMD chipsets), and, for the UART of a PCI
 * serial card, which function and BAR. Pure: host-tested.
 */
#ifndef ARCH_X86_UART_WHERE_H
#define ARCH_X86_UART_WHERE_H

#include "lib/compiler.h"

#define UART_REGS 8       /* registers 0..7 (uart_regs.h) */
#define UART_NAME_MAX 64  /* uart_where_name()'s longest text, and more */

enum uart_space {
	UART_SPACE_IO = 0,     /* I/O ports base..base+7 */
	UART_SPACE_MMIO8 = 1,  /* memory: register r at base + r, 8 bits */
	UART_SPACE_MMIO32 = 2, /* memory: register r at base + 4r, 32 bits */
};

struct uart_where {
	uint8_t space;  /* enum uart_space */
	uint64_t base;  /* I/O port or physical address */
	bool pci;       /* the UART of a PCI function, in one of its BARs: */
	uint8_t pci_bus, pci_dev, pci_fn, pci_bar;
};

/* Bytes the registers span from base: 8 (I/O, MMIO8) or 32 (MMIO32). */
uint64_t uart_where_span(const struct uart_where *w);

/*
 * Whether the registers can be reached as the space says: an I/O base
 * whose eight ports stay below 0x10000, a memory base aligned to the
 * register width whose span does not wrap. Otherwise why says what is
 * wrong ("MMIO32 address 0xfe030002 is not 4-byte aligned").
 */
bool uart_where_valid(const struct uart_where *w, const char **why);

/*
 * Its name in log lines: "0x3f8", "MMIO 0xfe030000 (32-bit registers)",
 * "PCI 00:03.0 BAR0 I/O 0xc000", "PCI 00:04.0 BAR1 MMIO 0xfebf1000".
 */
void uart_where_name(const struct uart_where *w, char *buf, size_t len);

#endif
