#include "arch/x86/acpi_reset.h"
#include "lib/string.h"

/* FADT fields (ACPI 6.5, table 5.9) and the Generic Address Structure (5.2.3.2). */
#define FADT_FLAGS 112
#define FADT_FLAGS_RESET_REG_SUP (1u << 10)
#define FADT_RESET_REG 116
#define FADT_RESET_VALUE 128
#define GAS_SPACE_ID 0
#define GAS_ADDRESS 4
#define GAS_SPACE_MEMORY 0
#define GAS_SPACE_IO 1
#define GAS_SPACE_PCI 2

#define RESET_PORT_MAX 0xffff
#define RESET_PCI_ADDRESS_MASK 0x0000ffffffffffffull /* bits 63:48 reserved */

void acpi_reset_from_fadt(const uint8_t *fadt, uint32_t len,
			  struct acpi_reset *r)
{
	uint32_t flags = 0;
	uint64_t address;

	memset(r, 0, sizeof(*r));
	if (len < FADT_RESET_VALUE + 1) {
		r->why = "the FADT is too short to hold a reset register";
		return;
	}
	memcpy(&flags, fadt + FADT_FLAGS, sizeof(flags));
	memcpy(&address, fadt + FADT_RESET_REG + GAS_ADDRESS, sizeof(address));
	if (!(flags & FADT_FLAGS_RESET_REG_SUP) || address == 0) {
		r->why = "the FADT offers no reset register";
		return;
	}
	r->address = address;
	r->value = fadt[FADT_RESET_VALUE];
	switch (fadt[FADT_RESET_REG + GAS_SPACE_ID]) {
	case GAS_SPACE_IO:
		if (address > RESET_PORT_MAX) {
			r->why = "the reset register's port is out of range";
			return;
		}
		r->space = ACPI_RESET_IO;
		break;
	case GAS_SPACE_PCI:
		if ((address & ~RESET_PCI_ADDRESS_MASK) ||
		    (address >> 32) > 31 || ((address >> 16) & 0xffff) > 7 ||
		    (address & 0xffff) > 0xff) {
			r->why = "the reset register's PCI address is not one of bus 0";
			return;
		}
		r->space = ACPI_RESET_PCI;
		break;
	case GAS_SPACE_MEMORY:
		r->why = "the reset register is memory-mapped (not written)";
		return;
	default:
		r->why = "the reset register is in an unknown address space";
		return;
	}
	r->present = true;
}
