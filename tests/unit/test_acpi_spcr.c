/*
 * arch/x86/acpi_spcr.c on SPCR tables laid out field by field: as
 * firmware writes them (revision 1 with a COM port, revision 2 with a
 * 16550 in memory or on a PCI card, revision 4 with a precise baud rate,
 * an Intel LPSS UART), as other architectures' firmware does (QEMU's arm
 * virt PL011, a Qualcomm UART: not 16550s), and broken (too short, an odd
 * address space, register width or alignment). The checksum is
 * acpi_parse()'s business (tests/unit/test_acpi.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "arch/x86/acpi_spcr.h"

#define SPCR_LEN 80

/* The fields a firmware fills in (Microsoft SPCR, revision 2 and 4). */
struct spcr_fields {
	uint8_t revision;
	uint8_t type;
	uint8_t space, bit_width, access;
	uint64_t address;
	uint8_t baud_code;
	uint16_t pci_device, pci_vendor; /* 0xffff: not a PCI device */
	uint8_t pci_bus, pci_dev, pci_fn, pci_segment;
	uint32_t clock;        /* revision 3+ */
	uint32_t precise_baud; /* revision 4 */
};

static void put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

/* A table of len bytes (at most 88) from f, checksum set. */
static void spcr_build(uint8_t *t, uint32_t len, const struct spcr_fields *f)
{
	uint8_t sum = 0;

	memset(t, 0, 88);
	memcpy(t, "SPCR", 4);
	put32(t + 4, len);
	t[8] = f->revision;
	memcpy(t + 10, "HVTEST", 6);
	memcpy(t + 16, "SPCRTEST", 8);
	put32(t + 24, 1);
	t[36] = f->type;
	t[40] = f->space;
	t[41] = f->bit_width;
	t[43] = f->access;
	memcpy(t + 44, &f->address, 8);
	t[58] = f->baud_code;
	t[60] = 1; /* one stop bit */
	put16(t + 64, f->pci_device);
	put16(t + 66, f->pci_vendor);
	t[68] = f->pci_bus;
	t[69] = f->pci_dev;
	t[70] = f->pci_fn;
	t[75] = f->pci_segment;
	put32(t + 76, f->clock);
	put32(t + 80, f->precise_baud);
	for (uint32_t i = 0; i < len; i++)
		sum += t[i];
	t[9] = (uint8_t)-sum;
}

/* Parses the table from a heap block of exactly len bytes. */
static struct acpi_spcr parse(const struct spcr_fields *f, uint32_t len)
{
	uint8_t t[88];
	uint8_t *exact = malloc(len);
	struct acpi_spcr s;

	assert_non_null(exact);
	spcr_build(t, len, f);
	memcpy(exact, t, len);
	memset(&s, 0x5a, sizeof(s));
	acpi_spcr_parse(exact, len, &s);
	free(exact);
	assert_true(s.present);
	assert_int_equal(s.revision, f->revision);
	return s;
}

static void expect_usable(const struct acpi_spcr *s, uint8_t space,
			  uint64_t base, uint32_t baud)
{
	if (!s->usable)
		fail_msg("not usable: %s", s->why);
	assert_int_equal(s->where.space, space);
	assert_int_equal(s->where.base, base);
	assert_int_equal(s->baud, baud);
}

static void expect_refused(const struct acpi_spcr *s, const char *why)
{
	assert_false(s->usable);
	assert_string_equal(s->why, why);
}

/* A server's COM1 for its BMC, in the table's first revision. */
static const struct spcr_fields com1_rev1 = {
    .revision = 1, .type = 0, .space = 1, .bit_width = 8,
    .address = 0x3f8, .baud_code = 7,
    .pci_device = 0xffff, .pci_vendor = 0xffff,
};

static void test_revision_1_com1(void **state)
{
	struct acpi_spcr s;

	(void)state;
	s = parse(&com1_rev1, SPCR_LEN);
	expect_usable(&s, UART_SPACE_IO, 0x3f8, 115200);
	assert_int_equal(s.interface_type, 0);
	assert_false(s.pci);
	assert_null(s.baud_why);
}

/* Revision 2: COM2 at 9600, the "16450-compatible subset" type. */
static void test_revision_2_subset_9600(void **state)
{
	struct spcr_fields f = com1_rev1;
	struct acpi_spcr s;

	(void)state;
	f.revision = 2;
	f.type = 1;
	f.address = 0x2f8;
	f.access = 1;
	f.baud_code = 3;
	s = parse(&f, SPCR_LEN);
	expect_usable(&s, UART_SPACE_IO, 0x2f8, 9600);
	f.baud_code = 4;
	expect_usable((s = parse(&f, SPCR_LEN), &s), UART_SPACE_IO, 0x2f8,
		      19200);
	f.baud_code = 6;
	expect_usable((s = parse(&f, SPCR_LEN), &s), UART_SPACE_IO, 0x2f8,
		      57600);
}

/*
 * A 16550 in memory described by the GAS (type 0x12), 32-bit registers
 * four bytes apart, as AMD's and Intel's chipset UARTs are; and the same
 * with 8-bit ones.
 */
static void test_memory_space(void **state)
{
	struct spcr_fields f = {
	    .revision = 2, .type = 0x12, .space = 0, .bit_width = 32,
	    .access = 3, .address = 0xfedc9000, .baud_code = 7,
	    .pci_device = 0xffff, .pci_vendor = 0xffff,
	};
	struct acpi_spcr s;

	(void)state;
	s = parse(&f, SPCR_LEN);
	expect_usable(&s, UART_SPACE_MMIO32, 0xfedc9000, 115200);
	f.bit_width = 8;
	f.access = 1;
	s = parse(&f, SPCR_LEN);
	expect_usable(&s, UART_SPACE_MMIO8, 0xfedc9000, 115200);
	/* Type 0 in memory with 32-bit registers (as a Raspberry Pi's). */
	f.type = 0;
	f.bit_width = 32;
	f.address = 0x3f215040;
	s = parse(&f, SPCR_LEN);
	expect_usable(&s, UART_SPACE_MMIO32, 0x3f215040, 115200);
	/* Above 4 GiB. */
	f.address = 0x4010002000ull;
	s = parse(&f, SPCR_LEN);
	expect_usable(&s, UART_SPACE_MMIO32, 0x4010002000ull, 115200);
}

static void test_bad_registers(void **state)
{
	struct spcr_fields f = {
	    .revision = 2, .type = 0x12, .space = 0, .bit_width = 16,
	    .address = 0xfedc9000, .baud_code = 7,
	    .pci_device = 0xffff, .pci_vendor = 0xffff,
	};
	struct acpi_spcr s;

	(void)state;
	s = parse(&f, SPCR_LEN);
	expect_refused(&s, "its registers are 16 bits wide (8 or 32 are "
			   "supported)");
	f.bit_width = 32;
	f.address = 0xfedc9002;
	s = parse(&f, SPCR_LEN);
	expect_refused(&s, "the address of 32-bit registers is not 4-byte "
			   "aligned (0xfedc9002)");
	f.space = 2; /* PCI configuration space */
	s = parse(&f, SPCR_LEN);
	expect_refused(&s, "its registers are in address space 2, not I/O or "
			   "memory");
	f = com1_rev1;
	f.address = 0;
	s = parse(&f, SPCR_LEN);
	expect_refused(&s, "it gives no address and no PCI device");
	f.address = 0xfffc;
	s = parse(&f, SPCR_LEN);
	expect_refused(&s, "the I/O port is out of range (0x1..0xfff8) "
			   "(0xfffc)");
}

/*
 * A PCI serial card: the IDs and the function are reported; with an
 * address the address is used, without one the function is (its BAR is
 * for the console to read), but only in PCI segment 0.
 */
static void test_pci_device(void **state)
{
	struct spcr_fields f = {
	    .revision = 2, .type = 0, .space = 1, .bit_width = 8,
	    .address = 0xc060, .baud_code = 7,
	    .pci_device = 0x0002, .pci_vendor = 0x1b36,
	    .pci_bus = 0, .pci_dev = 5, .pci_fn = 0,
	};
	struct acpi_spcr s;

	(void)state;
	s = parse(&f, SPCR_LEN);
	expect_usable(&s, UART_SPACE_IO, 0xc060, 115200);
	assert_true(s.pci);
	assert_int_equal(s.pci_vendor, 0x1b36);
	assert_int_equal(s.pci_device, 0x0002);
	assert_int_equal(s.pci_dev, 5);

	f.address = 0;
	f.pci_bus = 3;
	f.pci_fn = 1;
	s = parse(&f, SPCR_LEN);
	expect_usable(&s, UART_SPACE_IO, 0, 115200);
	assert_int_equal(s.pci_bus, 3);
	assert_int_equal(s.pci_fn, 1);

	f.pci_segment = 1;
	s = parse(&f, SPCR_LEN);
	expect_refused(&s, "its PCI device is in segment 1 (only segment 0 "
			   "is reached)");

	/* Vendor 0xffff: not a PCI device, whatever the other fields say. */
	f = com1_rev1;
	f.pci_bus = 7;
	s = parse(&f, SPCR_LEN);
	assert_false(s.pci);
}

/*
 * Baud rates: 0 keeps what the firmware set, an undefined code too;
 * revision 4's precise baud rate overrides the code; a UART clock other
 * than 1.8432 MHz (revision 3) or an Intel LPSS UART leaves the divisor
 * alone, since 115200 / baud would be wrong for it.
 */
static void test_baud_rates(void **state)
{
	struct spcr_fields f = com1_rev1;
	struct acpi_spcr s;

	(void)state;
	f.baud_code = 0;
	s = parse(&f, SPCR_LEN);
	expect_usable(&s, UART_SPACE_IO, 0x3f8, 0);
	assert_string_equal(s.baud_why, "the table says: as the firmware "
					"set it");
	f.baud_code = 5;
	s = parse(&f, SPCR_LEN);
	expect_usable(&s, UART_SPACE_IO, 0x3f8, 0);
	assert_string_equal(s.baud_why, "the table's baud rate code is "
					"undefined");

	f.revision = 4;
	f.baud_code = 7;
	f.clock = 1843200;
	f.precise_baud = 38400;
	s = parse(&f, 88);
	expect_usable(&s, UART_SPACE_IO, 0x3f8, 38400);
	/* Revision 4 fields in a revision 2 table are not read. */
	f.revision = 2;
	s = parse(&f, 88);
	expect_usable(&s, UART_SPACE_IO, 0x3f8, 115200);
	/* Nor past the table's end. */
	f.revision = 4;
	s = parse(&f, SPCR_LEN);
	expect_usable(&s, UART_SPACE_IO, 0x3f8, 115200);

	f.revision = 3;
	f.clock = 48000000;
	s = parse(&f, SPCR_LEN);
	expect_usable(&s, UART_SPACE_IO, 0x3f8, 0);
	assert_string_equal(s.baud_why, "its clock is not 1.8432 MHz");

	f = (struct spcr_fields){
	    .revision = 2, .type = 0x14, .space = 0, .bit_width = 8,
	    .address = 0x4017002000ull, .baud_code = 7,
	    .pci_device = 0xffff, .pci_vendor = 0xffff,
	};
	s = parse(&f, SPCR_LEN);
	expect_usable(&s, UART_SPACE_MMIO32, 0x4017002000ull, 0);
	assert_string_equal(s.baud_why, "its clock is not 1.8432 MHz");
}

/* Not 16550s: QEMU's arm virt machine's PL011, a Qualcomm GENI UART. */
static void test_other_interface_types(void **state)
{
	struct spcr_fields f = {
	    .revision = 2, .type = 3, .space = 0, .bit_width = 8,
	    .access = 1, .address = 0x9000000, .baud_code = 3,
	    .pci_device = 0xffff, .pci_vendor = 0xffff,
	};
	struct acpi_spcr s;

	(void)state;
	s = parse(&f, SPCR_LEN);
	expect_refused(&s, "interface type 0x3 (ARM PL011) is not a 16550");
	f.type = 0x13;
	f.bit_width = 32;
	f.address = 0x894000;
	s = parse(&f, SPCR_LEN);
	expect_refused(&s, "interface type 0x13 (SDM845 (7.372 MHz)) is not a "
			   "16550");
	f.type = 0x42;
	s = parse(&f, SPCR_LEN);
	expect_refused(&s, "interface type 0x42 (unknown) is not a 16550");
	f.type = 0x07; /* a hole in the list */
	s = parse(&f, SPCR_LEN);
	expect_refused(&s, "interface type 0x7 (unknown) is not a 16550");
}

/* A table cut short (its header says so): nothing past it is read. */
static void test_truncated(void **state)
{
	struct acpi_spcr s;

	(void)state;
	s = parse(&com1_rev1, 52);
	expect_refused(&s, "the table is 52 bytes long, too short for an SPCR "
			   "(80)");
	s = parse(&com1_rev1, 79);
	expect_refused(&s, "the table is 79 bytes long, too short for an SPCR "
			   "(80)");
	s = parse(&com1_rev1, 36);
	assert_false(s.usable);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_revision_1_com1),
	    cmocka_unit_test(test_revision_2_subset_9600),
	    cmocka_unit_test(test_memory_space),
	    cmocka_unit_test(test_bad_registers),
	    cmocka_unit_test(test_pci_device),
	    cmocka_unit_test(test_baud_rates),
	    cmocka_unit_test(test_other_interface_types),
	    cmocka_unit_test(test_truncated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
