#include "arch/x86/pci_config.h"
#include "arch/x86/cpu.h"

#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA	   0xcfc
#define PCI_CONFIG_ENABLE  (1u << 31)

static void pci_config_select(struct pci_func f, unsigned off)
{
	outl(PCI_CONFIG_ADDRESS, PCI_CONFIG_ENABLE | (uint32_t)f.bus << 16 |
				     (uint32_t)(f.dev & 31) << 11 |
				     (uint32_t)(f.fn & 7) << 8 | (off & 0xfc));
}

uint32_t pci_config_read32(struct pci_func f, unsigned off)
{
	pci_config_select(f, off);
	return inl(PCI_CONFIG_DATA);
}

void pci_config_write16(struct pci_func f, unsigned off, uint16_t value)
{
	pci_config_select(f, off);
	outw((uint16_t)(PCI_CONFIG_DATA + (off & 2)), value);
}

void pci_config_read_header(struct pci_func f, uint8_t *hdr)
{
	for (unsigned off = 0; off < PCI_HEADER_BYTES; off += 4) {
		uint32_t v = pci_config_read32(f, off);

		hdr[off] = (uint8_t)v;
		hdr[off + 1] = (uint8_t)(v >> 8);
		hdr[off + 2] = (uint8_t)(v >> 16);
		hdr[off + 3] = (uint8_t)(v >> 24);
	}
}
