/*
 * The console when console= names none. It starts on COM1 before ACPI is
 * read (console_init() with no outputs), while the log keeps everything
 * (the log ring, log_replay_history()); once the tables are read it settles on, in this
 * order:
 *   1. the UART the ACPI SPCR table names, if it works;
 *   2. COM1, if it works;
 *   3. the first PCI serial card of class 07/00 (pci_uart_scan()).
 * A UART other than COM1 is given the whole log since boot. One line
 * says which UART it is and why.
 */
#ifndef ARCH_X86_CONSOLE_DEFAULT_H
#define ARCH_X86_CONSOLE_DEFAULT_H

#include "arch/x86/acpi_spcr.h"

/* Settles the console as above; spcr as acpi_parse() read it. */
void console_choose_default(const struct acpi_spcr *spcr);

/*
 * The SPCR's UART as one phrase for the log: "16550 at 0x2f8, 115200
 * baud" or "16550 (Generic Address Structure) at MMIO 0xfe030000 (32-bit
 * registers), divisor as the firmware set it (its clock is not 1.8432
 * MHz), PCI 8086:a0a8 at 00:1e.0".
 */
void console_describe_spcr(const struct acpi_spcr *spcr, char *buf,
			   size_t len);

#endif
