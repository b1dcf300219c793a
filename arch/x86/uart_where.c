#include "arch/x86/uart_where.h"
#include "lib/format.h"

#define UART_PHYS_LIMIT (1ull << 52)

uint64_t uart_where_span(const struct uart_where *w)
{
	return w->space == UART_SPACE_MMIO32 ? 4 * UART_REGS : UART_REGS;
}

bool uart_where_valid(const struct uart_where *w, const char **why)
{
	uint64_t span = uart_where_span(w);

	switch (w->space) {
	case UART_SPACE_IO:
		if (w->base == 0 || w->base > 0x10000 - span) {
			*why = "the I/O port is out of range (0x1..0xfff8)";
			return false;
		}
		return true;
	case UART_SPACE_MMIO32:
		if (w->base & 3) {
			*why = "the address of 32-bit registers is not 4-byte "
			       "aligned";
			return false;
		}
		/* fall through */
	case UART_SPACE_MMIO8:
		if (w->base == 0) {
			*why = "the memory address is 0";
			return false;
		}
		if (w->base + span > UART_PHYS_LIMIT) {
			*why = "the memory address is beyond 52 bits, the "
			       "widest physical address";
			return false;
		}
		return true;
	default:
		*why = "unknown register space";
		return false;
	}
}

void uart_where_name(const struct uart_where *w, char *buf, size_t len)
{
	unsigned long long base = (unsigned long long)w->base;
	const char *kind = w->space == UART_SPACE_IO ? "I/O" : "MMIO";
	const char *width =
	    w->space == UART_SPACE_MMIO32 ? " (32-bit registers)" : "";

	if (w->pci && w->base == 0)
		fmt_snprintf(buf, len, "PCI %02x:%02x.%x", w->pci_bus,
			     w->pci_dev, w->pci_fn);
	else if (w->pci)
		fmt_snprintf(buf, len, "PCI %02x:%02x.%x BAR%u %s %#llx%s",
			     w->pci_bus, w->pci_dev, w->pci_fn, w->pci_bar,
			     kind, base, width);
	else if (w->space == UART_SPACE_IO)
		fmt_snprintf(buf, len, "%#llx", base);
	else
		fmt_snprintf(buf, len, "MMIO %#llx%s", base, width);
}
