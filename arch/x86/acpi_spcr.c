/*
 * SPCR fields (Microsoft "Serial Port Console Redirection Table"; the
 * interface types are those of the DBG2 table's serial subtypes). The
 * layout up to offset 80 is the same in every revision; revision 3 adds
 * the UART's clock at 76, revision 4 a precise baud rate at 80.
 */
#include "arch/x86/acpi_spcr.h"
#include "arch/x86/acpi_bytes.h"
#include "lib/format.h"
#include "lib/string.h"

#include <stdarg.h>

#define SPCR_INTERFACE_TYPE 36
#define SPCR_BASE_ADDRESS   40 /* a Generic Address Structure: */
#define GAS_SPACE_ID	    0
#define GAS_BIT_WIDTH	    1
#define GAS_ADDRESS	    4
#define GAS_SPACE_MEMORY    0
#define GAS_SPACE_IO	    1
#define SPCR_BAUD_RATE	    58
#define SPCR_PCI_DEVICE_ID  64
#define SPCR_PCI_VENDOR_ID  66
#define SPCR_PCI_BUS	    68
#define SPCR_PCI_DEVICE	    69
#define SPCR_PCI_FUNCTION   70
#define SPCR_PCI_SEGMENT    75
#define SPCR_UART_CLOCK	    76 /* revision 3 and later */
#define SPCR_MIN_LENGTH	    80
#define SPCR_PRECISE_BAUD   80 /* revision 4 and later */

#define SPCR_16550	  0x00
#define SPCR_16550_SUBSET 0x01
#define SPCR_16550_GAS	  0x12
#define SPCR_INTEL_LPSS	  0x14

#define SPCR_REVISION 8 /* in the ACPI header */
#define UART_CLOCK_HZ 1843200

const char *acpi_spcr_interface_name(uint8_t type)
{
	static const char *const names[] = {
	    [0x00] = "16550",
	    [0x01] = "16450-compatible 16550 subset",
	    [0x02] = "MAX311xE SPI UART",
	    [0x03] = "ARM PL011",
	    [0x04] = "MSM8x60",
	    [0x05] = "NVIDIA 16550",
	    [0x06] = "TI OMAP",
	    [0x08] = "APM88xxxx",
	    [0x09] = "MSM8974",
	    [0x0a] = "SAM5250",
	    [0x0b] = "Intel USIF",
	    [0x0c] = "i.MX 6",
	    [0x0d] = "ARM SBSA (32-bit)",
	    [0x0e] = "ARM SBSA",
	    [0x0f] = "ARM DCC",
	    [0x10] = "BCM2835",
	    [0x11] = "SDM845 (1.8432 MHz)",
	    [0x12] = "16550 (Generic Address Structure)",
	    [0x13] = "SDM845 (7.372 MHz)",
	    [0x14] = "Intel LPSS",
	    [0x15] = "RISC-V SBI console",
	};

	if (type < ARRAY_SIZE(names) && names[type])
		return names[type];
	return "unknown";
}

static void __printf(2, 3)
    spcr_refuse(struct acpi_spcr *out, const char *fmt, ...)
{
	va_list ap;

	out->usable = false;
	va_start(ap, fmt);
	fmt_vsnprintf(out->why, sizeof(out->why), fmt, ap);
	va_end(ap);
}

/* The baud rate field (0: as is; 3, 4, 6, 7) and the later refinements. */
static void spcr_read_baud(const uint8_t *t, uint32_t len,
			   struct acpi_spcr *out)
{
	static const uint32_t rates[] = {
	    [3] = 9600, [4] = 19200, [6] = 57600, [7] = 115200};
	uint8_t code = t[SPCR_BAUD_RATE];
	uint32_t clock = 0;

	out->baud = code < ARRAY_SIZE(rates) ? rates[code] : 0;
	if (code == 0)
		out->baud_why = "the table says: as the firmware set it";
	else if (out->baud == 0)
		out->baud_why = "the table's baud rate code is undefined";
	if (out->revision >= 4 && len >= SPCR_PRECISE_BAUD + 4 &&
	    acpi_read32(t + SPCR_PRECISE_BAUD)) {
		out->baud = acpi_read32(t + SPCR_PRECISE_BAUD);
		out->baud_why = NULL;
	}
	if (out->revision >= 3)
		clock = acpi_read32(t + SPCR_UART_CLOCK);
	if (out->interface_type == SPCR_INTEL_LPSS ||
	    (clock && clock != UART_CLOCK_HZ)) {
		out->baud = 0;
		out->baud_why = "its clock is not 1.8432 MHz";
	}
}

/* Where the registers are: the GAS's space, width and address. */
static bool spcr_read_where(const uint8_t *t, struct acpi_spcr *out)
{
	const uint8_t *gas = t + SPCR_BASE_ADDRESS;
	uint8_t width = gas[GAS_BIT_WIDTH];

	out->where.base = acpi_read64(gas + GAS_ADDRESS);
	if (gas[GAS_SPACE_ID] == GAS_SPACE_IO) {
		out->where.space = UART_SPACE_IO;
		return true;
	}
	if (gas[GAS_SPACE_ID] != GAS_SPACE_MEMORY) {
		spcr_refuse(out,
			    "its registers are in address space %u, not "
			    "I/O or memory",
			    gas[GAS_SPACE_ID]);
		return false;
	}
	if (width == 32 || out->interface_type == SPCR_INTEL_LPSS)
		out->where.space = UART_SPACE_MMIO32;
	else if (width == 8 || width == 0)
		out->where.space = UART_SPACE_MMIO8;
	else {
		spcr_refuse(out,
			    "its registers are %u bits wide (8 or 32 "
			    "are supported)",
			    width);
		return false;
	}
	return true;
}

void acpi_spcr_parse(const uint8_t *t, uint32_t len, struct acpi_spcr *out)
{
	const char *why;

	memset(out, 0, sizeof(*out));
	out->present = true;
	out->revision = t[SPCR_REVISION];
	if (len < SPCR_MIN_LENGTH) {
		spcr_refuse(out,
			    "the table is %u bytes long, too short for "
			    "an SPCR (%u)",
			    len, SPCR_MIN_LENGTH);
		return;
	}
	out->interface_type = t[SPCR_INTERFACE_TYPE];
	switch (out->interface_type) {
	case SPCR_16550:
	case SPCR_16550_SUBSET:
	case SPCR_16550_GAS:
	case SPCR_INTEL_LPSS:
		break;
	default:
		spcr_refuse(out, "interface type %#x (%s) is not a 16550",
			    out->interface_type,
			    acpi_spcr_interface_name(out->interface_type));
		return;
	}
	out->pci_device =
	    (uint16_t)(t[SPCR_PCI_DEVICE_ID] | t[SPCR_PCI_DEVICE_ID + 1] << 8);
	out->pci_vendor =
	    (uint16_t)(t[SPCR_PCI_VENDOR_ID] | t[SPCR_PCI_VENDOR_ID + 1] << 8);
	out->pci = out->pci_vendor != 0xffff && out->pci_vendor != 0;
	if (out->pci) {
		out->pci_bus = t[SPCR_PCI_BUS];
		out->pci_dev = t[SPCR_PCI_DEVICE];
		out->pci_fn = t[SPCR_PCI_FUNCTION];
		out->pci_segment = t[SPCR_PCI_SEGMENT];
	}
	if (!spcr_read_where(t, out))
		return;
	spcr_read_baud(t, len, out);
	if (out->where.base == 0) {
		if (!out->pci)
			spcr_refuse(out, "it gives no address and no PCI "
					 "device");
		else if (out->pci_segment != 0)
			spcr_refuse(out,
				    "its PCI device is in segment %u "
				    "(only segment 0 is reached)",
				    out->pci_segment);
		else
			out->usable = true;
		return;
	}
	if (!uart_where_valid(&out->where, &why)) {
		spcr_refuse(out, "%s (%#llx)", why,
			    (unsigned long long)out->where.base);
		return;
	}
	out->usable = true;
}
