#include "arch/x86/console_default.h"
#include "arch/x86/console.h"
#include "arch/x86/pci_uart.h"
#include "arch/x86/uart.h"
#include "base/log.h"
#include "lib/format.h"

#define SPCR_TEXT_MAX 240

void console_describe_spcr(const struct acpi_spcr *spcr, char *buf, size_t len)
{
	char where[UART_NAME_MAX];
	size_t used;

	if (spcr->where.base)
		uart_where_name(&spcr->where, where, sizeof(where));
	else
		fmt_snprintf(where, sizeof(where), "its PCI device");
	used = (size_t)fmt_snprintf(
	    buf, len, "%s at %s, ",
	    acpi_spcr_interface_name(spcr->interface_type), where);
	if (used < len && spcr->baud)
		used += (size_t)fmt_snprintf(buf + used, len - used, "%u baud",
					     spcr->baud);
	else if (used < len)
		used += (size_t)fmt_snprintf(
		    buf + used, len - used,
		    "divisor as the firmware set it (%s)", spcr->baud_why);
	if (used < len && spcr->pci)
		fmt_snprintf(buf + used, len - used,
			     ", PCI %04x:%04x at %02x:%02x.%x",
			     spcr->pci_vendor, spcr->pci_device, spcr->pci_bus,
			     spcr->pci_dev, spcr->pci_fn);
}

/* The console= an SPCR amounts to. */
static struct console_spec console_spec_of_spcr(const struct acpi_spcr *spcr)
{
	struct console_spec spec = {
	    .kind = CONSOLE_UART,
	    .uart = spcr->where,
	    .baud = spcr->baud,
	    .origin = CONSOLE_FROM_SPCR,
	};

	if (spcr->where.base == 0) {
		spec.kind = CONSOLE_UART_PCI;
		spec.pci = (struct pci_func){spcr->pci_bus, spcr->pci_dev,
					     spcr->pci_fn};
	}
	return spec;
}

/* Step 1: true when the SPCR's UART is the console now. */
static bool console_try_spcr(const struct acpi_spcr *spcr, bool com1_works)
{
	struct console_spec spec;
	char text[SPCR_TEXT_MAX];

	if (!spcr->present)
		return false;
	if (!spcr->usable) {
		pr_warn("acpi: SPCR (revision %u): %s: not used",
			spcr->revision, spcr->why);
		return false;
	}
	console_describe_spcr(spcr, text, sizeof(text));
	pr_info("acpi: SPCR (revision %u): %s", spcr->revision, text);
	spec = console_spec_of_spcr(spcr);
	if (com1_works && spec.kind == CONSOLE_UART &&
	    spec.uart.space == UART_SPACE_IO && spec.uart.base == UART_COM1 &&
	    spec.baud == 115200) {
		pr_info("console: COM1, the UART the ACPI SPCR table names "
			"(no console= option)");
		return true;
	}
	return console_move_to(&spec, "the ACPI SPCR table names this UART "
				      "(no console= option)");
}

void console_choose_default(const struct acpi_spcr *spcr)
{
	bool com1_works = console_has_input(); /* the only UART so far */
	struct console_spec spec = {
	    .kind = CONSOLE_UART,
	    .baud = 115200,
	    .origin = CONSOLE_FROM_PCI_SCAN,
	};

	if (console_try_spcr(spcr, com1_works))
		return;
	if (com1_works) {
		pr_info("console: COM1 (no console= option, %s)",
			spcr->present ? "the ACPI SPCR table's UART not used"
				      : "no ACPI SPCR table");
		return;
	}
	if (pci_uart_scan(&spec.uart) &&
	    console_move_to(&spec, "no console= option, no usable ACPI SPCR "
				   "table, no COM1: the first PCI serial card"))
		return;
	pr_warn("console: no serial console: no console= option, no usable "
		"ACPI SPCR table, no UART at COM1, no PCI serial card");
}
