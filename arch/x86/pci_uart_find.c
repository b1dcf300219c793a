/*
 * The UART of a PCI serial card on this machine: configuration space
 * read through the legacy mechanism, decoded by pci_uart.c.
 */
#include "arch/x86/pci_uart.h"
#include "base/log.h"

#define PCI_BUSES     256
#define PCI_DEVICES   32
#define PCI_FUNCTIONS 8

bool pci_uart_at(struct pci_func f, struct uart_where *where, char *why,
		 size_t len)
{
	uint8_t hdr[PCI_HEADER_BYTES];
	struct pci_uart pu;

	pci_config_read_header(f, hdr);
	if (!pci_uart_decode(hdr, f, &pu, why, len))
		return false;
	if (!(pu.command & pu.command_bit)) {
		pr_info("pci: %02x:%02x.%x: %s decoding was off: turned on",
			f.bus, f.dev, f.fn,
			pu.command_bit == PCI_COMMAND_IO ? "I/O" : "memory");
		pci_config_write16(f, PCI_COMMAND,
				   (uint16_t)(pu.command | pu.command_bit));
	}
	*where = pu.where;
	return true;
}

/* Whether function f answers, and reads its header into hdr if so. */
static bool pci_probe(struct pci_func f, uint8_t *hdr)
{
	if ((pci_config_read32(f, PCI_VENDOR_ID) & 0xffff) == 0xffff)
		return false;
	pci_config_read_header(f, hdr);
	return true;
}

bool pci_uart_scan(struct uart_where *where)
{
	uint8_t hdr[PCI_HEADER_BYTES];
	char why[160];

	for (unsigned bus = 0; bus < PCI_BUSES; bus++) {
		for (unsigned dev = 0; dev < PCI_DEVICES; dev++) {
			struct pci_func f = {(uint8_t)bus, (uint8_t)dev, 0};
			unsigned fns;

			if (!pci_probe(f, hdr))
				continue;
			fns = hdr[PCI_HEADER_TYPE] & PCI_MULTI_FUNCTION
				  ? PCI_FUNCTIONS
				  : 1;
			for (unsigned fn = 0; fn < fns; fn++) {
				f.fn = (uint8_t)fn;
				if (fn && !pci_probe(f, hdr))
					continue;
				if (!pci_uart_is_serial(hdr))
					continue;
				if (pci_uart_at(f, where, why, sizeof(why)))
					return true;
				pr_info("pci: %02x:%02x.%x: %s: passed over",
					bus, dev, fn, why);
			}
		}
	}
	return false;
}
