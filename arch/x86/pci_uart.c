/*
 * Decoding a PCI function's configuration header (PCI Local Bus 3.0,
 * 6.1-6.2.5): IDs, header type, class code, Command, and the six BARs of
 * a type 0 header, where a 64-bit memory BAR takes two.
 */
#include "arch/x86/pci_uart.h"
#include "lib/format.h"
#include "lib/string.h"

#define PCI_BARS 6

#define PCI_HEADER_TYPE_MASK   0x7f /* bit 7: multi-function */
#define PCI_HEADER_TYPE_NORMAL 0x00

#define PCI_CLASS_COMMUNICATION 0x07
#define PCI_SUBCLASS_SERIAL	0x00
#define PCI_PROG_IF_16950	0x06 /* 0x00 8250 .. 0x06 16950: 16450-compatible */

#define PCI_BAR_IO	    0x1
#define PCI_BAR_IO_MASK	    0xfffffffcu
#define PCI_BAR_MEM_TYPE    0x6
#define PCI_BAR_MEM_TYPE_32 0x0
#define PCI_BAR_MEM_TYPE_1M 0x2 /* below 1 MiB (PCI 2.x) */
#define PCI_BAR_MEM_TYPE_64 0x4
#define PCI_BAR_MEM_MASK    0xfffffff0u
#define PCI_IO_LIMIT	    0x10000

static uint16_t hdr16(const uint8_t *hdr, unsigned off)
{
	return (uint16_t)(hdr[off] | hdr[off + 1] << 8);
}

static uint32_t hdr32(const uint8_t *hdr, unsigned off)
{
	return (uint32_t)hdr16(hdr, off) | (uint32_t)hdr16(hdr, off + 2) << 16;
}

bool pci_uart_is_serial(const uint8_t *hdr)
{
	return hdr16(hdr, PCI_VENDOR_ID) != 0xffff &&
	       (hdr[PCI_HEADER_TYPE] & PCI_HEADER_TYPE_MASK) ==
		   PCI_HEADER_TYPE_NORMAL &&
	       hdr[PCI_CLASS] == PCI_CLASS_COMMUNICATION &&
	       hdr[PCI_SUBCLASS] == PCI_SUBCLASS_SERIAL &&
	       hdr[PCI_PROG_IF] <= PCI_PROG_IF_16950;
}

/* One BAR: where it points, or false when unassigned or undecodable. */
static bool pci_bar_decode(const uint8_t *hdr, unsigned i, bool *is_io,
			   uint64_t *base, unsigned *slots)
{
	uint32_t bar = hdr32(hdr, PCI_BAR0 + 4 * i);

	*slots = 1;
	*is_io = bar & PCI_BAR_IO;
	if (*is_io) {
		*base = bar & PCI_BAR_IO_MASK;
		return *base != 0 && *base < PCI_IO_LIMIT;
	}
	*base = bar & PCI_BAR_MEM_MASK;
	switch (bar & PCI_BAR_MEM_TYPE) {
	case PCI_BAR_MEM_TYPE_64:
		*slots = 2;
		if (i + 1 >= PCI_BARS)
			return false;
		*base |= (uint64_t)hdr32(hdr, PCI_BAR0 + 4 * (i + 1)) << 32;
		break;
	case PCI_BAR_MEM_TYPE_32:
	case PCI_BAR_MEM_TYPE_1M:
		break;
	default:
		return false; /* a reserved type */
	}
	return *base != 0;
}

/* The first assigned I/O BAR, else the first assigned memory BAR. */
static bool pci_uart_pick_bar(const uint8_t *hdr, struct pci_uart *out)
{
	int mem_bar = -1;
	uint64_t mem_base = 0;

	for (unsigned i = 0, slots; i < PCI_BARS; i += slots) {
		bool is_io;
		uint64_t base;

		if (!pci_bar_decode(hdr, i, &is_io, &base, &slots))
			continue;
		if (is_io) {
			out->where.space = UART_SPACE_IO;
			out->where.base = base;
			out->where.pci_bar = (uint8_t)i;
			out->command_bit = PCI_COMMAND_IO;
			return true;
		}
		if (mem_bar < 0) {
			mem_bar = (int)i;
			mem_base = base;
		}
	}
	if (mem_bar < 0)
		return false;
	out->where.space = UART_SPACE_MMIO8;
	out->where.base = mem_base;
	out->where.pci_bar = (uint8_t)mem_bar;
	out->command_bit = PCI_COMMAND_MEMORY;
	return true;
}

bool pci_uart_decode(const uint8_t *hdr, struct pci_func f,
		     struct pci_uart *out, char *why, size_t len)
{
	char ids[16];
	uint8_t type = hdr[PCI_HEADER_TYPE] & PCI_HEADER_TYPE_MASK;

	memset(out, 0, sizeof(*out));
	out->vendor = hdr16(hdr, PCI_VENDOR_ID);
	out->device = hdr16(hdr, PCI_DEVICE_ID);
	out->prog_if = hdr[PCI_PROG_IF];
	out->command = hdr16(hdr, PCI_COMMAND);
	out->where = (struct uart_where){
	    .pci = true, .pci_bus = f.bus, .pci_dev = f.dev, .pci_fn = f.fn};
	if (out->vendor == 0xffff || out->vendor == 0) {
		fmt_snprintf(why, len,
			     "no device there: its configuration space reads "
			     "%#x",
			     out->vendor);
		return false;
	}
	fmt_snprintf(ids, sizeof(ids), "%04x:%04x", out->vendor, out->device);
	if (type != PCI_HEADER_TYPE_NORMAL) {
		fmt_snprintf(why, len,
			     "%s is a bridge, not a serial card (header type "
			     "%u)",
			     ids, type);
		return false;
	}
	if (hdr[PCI_CLASS] == PCI_CLASS_COMMUNICATION &&
	    hdr[PCI_SUBCLASS] != PCI_SUBCLASS_SERIAL) {
		fmt_snprintf(why, len,
			     "%s is a communication controller of class "
			     "07/%02x, not a 16550-compatible serial port "
			     "(07/00): name a 16550 in its BAR with mmio: or "
			     "mmio32:",
			     ids, hdr[PCI_SUBCLASS]);
		return false;
	}
	if (hdr[PCI_CLASS] != PCI_CLASS_COMMUNICATION) {
		fmt_snprintf(why, len,
			     "%s is not a serial controller (class %02x/%02x, "
			     "not 07/00)",
			     ids, hdr[PCI_CLASS], hdr[PCI_SUBCLASS]);
		return false;
	}
	if (out->prog_if > PCI_PROG_IF_16950) {
		fmt_snprintf(why, len,
			     "%s is a serial controller, but not "
			     "16550-compatible (programming interface %#x)",
			     ids, out->prog_if);
		return false;
	}
	if (!pci_uart_pick_bar(hdr, out)) {
		fmt_snprintf(why, len,
			     "%s has no BAR that the firmware assigned and "
			     "that can be decoded",
			     ids);
		return false;
	}
	return true;
}
