/*
 * arch/x86/pci_uart.c on configuration headers read from QEMU 7.2's q35
 * machine (through 0xcf8/0xcfc, by the hypervisor, under SeaBIOS and
 * OVMF: pci-serial, pci-serial-2x, virtio-rng-pci, the host bridge, the
 * LPC bridge, a PCIe root port, an empty slot) and on a few written for
 * the test where QEMU has no such device (a card whose UART is in a
 * memory BAR, a UART of class 07/80, BARs that cannot be decoded).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "arch/x86/pci_uart.h"

#define HDR PCI_HEADER_BYTES

/* 00:05.0, -device pci-serial under SeaBIOS: BAR0 I/O at 0xc090. */
static const uint8_t qemu_pci_serial_bios[HDR] = {
    0x36, 0x1b, 0x02, 0x00, 0x03, 0x01, 0x00, 0x00,
    0x01, 0x02, 0x00, 0x07, 0x00, 0x00, 0x00, 0x00,
    0x91, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0xf4, 0x1a, 0x00, 0x11,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x0a, 0x01, 0x00, 0x00,
};

/* The same under OVMF: BAR0 at 0x6090, Command 0x0007. */
static const uint8_t qemu_pci_serial_uefi[HDR] = {
    0x36, 0x1b, 0x02, 0x00, 0x07, 0x00, 0x00, 0x00,
    0x01, 0x02, 0x00, 0x07, 0x00, 0x00, 0x00, 0x00,
    0x91, 0x60, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0xf4, 0x1a, 0x00, 0x11,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x0a, 0x01, 0x00, 0x00,
};

/* 00:06.0, -device pci-serial-2x (SeaBIOS): two UARTs in BAR0 (0xc080). */
static const uint8_t qemu_pci_serial_2x_bios[HDR] = {
    0x36, 0x1b, 0x03, 0x00, 0x03, 0x01, 0x00, 0x00,
    0x01, 0x02, 0x00, 0x07, 0x00, 0x00, 0x00, 0x00,
    0x81, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0xf4, 0x1a, 0x00, 0x11,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x0b, 0x01, 0x00, 0x00,
};

/*
 * 00:07.0, -device virtio-rng-pci (transitional, class 00/ff) under
 * SeaBIOS and OVMF: BAR0 I/O, BAR1 32-bit memory, BAR4+5 a 64-bit memory
 * BAR (0xfe000000; above 4 GiB under OVMF, 0xe000000000).
 */
static const uint8_t qemu_virtio_rng_bios[HDR] = {
    0xf4, 0x1a, 0x05, 0x10, 0x03, 0x01, 0x10, 0x00,
    0x00, 0x00, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x41, 0xc0, 0x00, 0x00, 0x00, 0x10, 0xbf, 0xfe,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x0c, 0x00, 0x00, 0xfe, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0xf4, 0x1a, 0x04, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x98, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x0b, 0x01, 0x00, 0x00,
};

static const uint8_t qemu_virtio_rng_uefi[HDR] = {
    0xf4, 0x1a, 0x05, 0x10, 0x07, 0x00, 0x10, 0x00,
    0x00, 0x00, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x61, 0x60, 0x00, 0x00, 0x00, 0x10, 0x01, 0xc1,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x0c, 0x00, 0x00, 0x00, 0xe0, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0xf4, 0x1a, 0x04, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x98, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x0b, 0x01, 0x00, 0x00,
};

/* 00:00.0, the q35 host bridge (8086:29c0, class 06/00). */
static const uint8_t qemu_host_bridge[HDR] = {
    0x86, 0x80, 0xc0, 0x29, 0x03, 0x01, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00,
    [0x2c] = 0xf4, 0x1a, 0x00, 0x11,
};

/* 00:1f.0, the ICH9 LPC bridge: header type 0x80, a multi-function device. */
static const uint8_t qemu_lpc_bridge[HDR] = {
    0x86, 0x80, 0x18, 0x29, 0x03, 0x01, 0x00, 0x00,
    0x02, 0x00, 0x01, 0x06, 0x00, 0x00, 0x80, 0x00,
    [0x2c] = 0xf4, 0x1a, 0x00, 0x11,
};

/* 00:04.0, -device pcie-root-port: a type 1 (bridge) header. */
static const uint8_t qemu_root_port[HDR] = {
    0x36, 0x1b, 0x0c, 0x00, 0x03, 0x01, 0x10, 0x00,
    0x00, 0x00, 0x04, 0x06, 0x00, 0x00, 0x01, 0x00,
    0x00, 0x10, 0xa1, 0xfe, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x01, 0x01, 0x00, 0xc0, 0xb0, 0x00, 0x00,
    0x80, 0xfe, 0x90, 0xfe, 0x01, 0xfe, 0x11, 0xfe,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x54, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x0a, 0x01, 0x02, 0x00,
};

static const struct pci_func slot5 = {0, 5, 0};

static struct pci_uart decode_ok(const uint8_t *hdr, struct pci_func f)
{
	struct pci_uart pu;
	char why[200] = "";

	if (!pci_uart_decode(hdr, f, &pu, why, sizeof(why)))
		fail_msg("not decoded: %s", why);
	assert_true(pu.where.pci);
	assert_int_equal(pu.where.pci_bus, f.bus);
	assert_int_equal(pu.where.pci_dev, f.dev);
	assert_int_equal(pu.where.pci_fn, f.fn);
	return pu;
}

static void expect_refused(const uint8_t *hdr, const char *want)
{
	struct pci_uart pu;
	char why[200] = "";

	assert_false(pci_uart_decode(hdr, slot5, &pu, why, sizeof(why)));
	assert_string_equal(why, want);
}

static void expect_name(const struct pci_uart *pu, const char *want)
{
	char name[UART_NAME_MAX];

	uart_where_name(&pu->where, name, sizeof(name));
	assert_string_equal(name, want);
}

static void test_qemu_pci_serial(void **state)
{
	struct pci_uart pu;

	(void)state;
	pu = decode_ok(qemu_pci_serial_bios, slot5);
	assert_int_equal(pu.vendor, 0x1b36);
	assert_int_equal(pu.device, 0x0002);
	assert_int_equal(pu.prog_if, 0x02);
	assert_int_equal(pu.where.space, UART_SPACE_IO);
	assert_int_equal(pu.where.base, 0xc090);
	assert_int_equal(pu.where.pci_bar, 0);
	assert_int_equal(pu.command, 0x0103);
	assert_int_equal(pu.command_bit, PCI_COMMAND_IO);
	expect_name(&pu, "PCI 00:05.0 BAR0 I/O 0xc090");
	assert_true(pci_uart_is_serial(qemu_pci_serial_bios));

	pu = decode_ok(qemu_pci_serial_uefi, slot5);
	assert_int_equal(pu.where.base, 0x6090);
	assert_int_equal(pu.command, 0x0007);

	pu = decode_ok(qemu_pci_serial_2x_bios, (struct pci_func){0, 6, 0});
	assert_int_equal(pu.device, 0x0003);
	assert_int_equal(pu.where.base, 0xc080);
	expect_name(&pu, "PCI 00:06.0 BAR0 I/O 0xc080");
}

/* The decoding of a BAR turned off: the bit to turn on is named. */
static void test_decoding_off(void **state)
{
	uint8_t hdr[HDR];
	struct pci_uart pu;

	(void)state;
	memcpy(hdr, qemu_pci_serial_bios, HDR);
	hdr[PCI_COMMAND] = 0;
	hdr[PCI_COMMAND + 1] = 0;
	pu = decode_ok(hdr, slot5);
	assert_int_equal(pu.command, 0);
	assert_int_equal(pu.command_bit, PCI_COMMAND_IO);
}

/*
 * A card whose UART is in a 32-bit memory BAR (as Exar's XR17V35x put
 * their first UART at the start of BAR0), decoding left off: 8-bit
 * registers one byte apart, the Memory Space bit to turn on.
 */
static void test_memory_bar_card(void **state)
{
	static const uint8_t hdr[HDR] = {
	    0xa8, 0x13, 0x52, 0x03, 0x00, 0x00, 0x10, 0x00,
	    0x03, 0x02, 0x00, 0x07, 0x10, 0x00, 0x00, 0x00,
	    0x00, 0x00, 0xbf, 0xfe, /* BAR0: memory, 32-bit, 0xfebf0000 */
	    [0x2c] = 0xa8, 0x13, 0x52, 0x03,
	    [0x3c] = 0x0b, 0x01,
	};
	struct pci_uart pu;

	(void)state;
	pu = decode_ok(hdr, (struct pci_func){2, 0, 0});
	assert_int_equal(pu.where.space, UART_SPACE_MMIO8);
	assert_int_equal(pu.where.base, 0xfebf0000);
	assert_int_equal(pu.where.pci_bar, 0);
	assert_int_equal(pu.command_bit, PCI_COMMAND_MEMORY);
	expect_name(&pu, "PCI 02:00.0 BAR0 MMIO 0xfebf0000");
}

/*
 * BAR choice on the virtio-rng headers with a serial class put in: an I/O
 * BAR first; without one, the first memory BAR (BAR1, 32-bit); without
 * that, the 64-bit BAR4 (low dword in BAR4, high dword in BAR5), above
 * 4 GiB under OVMF.
 */
static void test_bar_choice_and_64_bit_bars(void **state)
{
	uint8_t hdr[HDR];
	struct pci_uart pu;

	(void)state;
	memcpy(hdr, qemu_virtio_rng_uefi, HDR);
	hdr[0x09] = 0x02; /* 16550 */
	hdr[0x0a] = 0x00; /* serial */
	hdr[0x0b] = 0x07; /* communication */
	pu = decode_ok(hdr, slot5);
	assert_int_equal(pu.where.space, UART_SPACE_IO);
	assert_int_equal(pu.where.base, 0x6060);

	memset(hdr + 0x10, 0, 4); /* no BAR0 */
	pu = decode_ok(hdr, slot5);
	assert_int_equal(pu.where.space, UART_SPACE_MMIO8);
	assert_int_equal(pu.where.base, 0xc1011000);
	assert_int_equal(pu.where.pci_bar, 1);
	assert_int_equal(pu.command_bit, PCI_COMMAND_MEMORY);

	memset(hdr + 0x14, 0, 4); /* no BAR1 */
	pu = decode_ok(hdr, slot5);
	assert_int_equal(pu.where.base, 0xe000000000ull);
	assert_int_equal(pu.where.pci_bar, 4);
	expect_name(&pu, "PCI 00:05.0 BAR4 MMIO 0xe000000000");

	/* Under SeaBIOS the same BAR4 is below 4 GiB. */
	memcpy(hdr, qemu_virtio_rng_bios, HDR);
	hdr[0x09] = 0x02;
	hdr[0x0a] = 0x00;
	hdr[0x0b] = 0x07;
	memset(hdr + 0x10, 0, 8);
	pu = decode_ok(hdr, slot5);
	assert_int_equal(pu.where.base, 0xfe000000);
	assert_int_equal(pu.where.pci_bar, 4);

	/* A 64-bit BAR in the last slot has no high dword: not decodable. */
	memset(hdr + 0x10, 0, 24);
	hdr[0x24] = 0x04;
	hdr[0x27] = 0xfe;
	expect_refused(hdr, "1af4:1005 has no BAR that the firmware assigned "
			    "and that can be decoded");
	/* Nor is a memory BAR of the reserved type 11b. */
	memset(hdr + 0x10, 0, 24);
	hdr[0x10] = 0x06;
	hdr[0x13] = 0xfe;
	expect_refused(hdr, "1af4:1005 has no BAR that the firmware assigned "
			    "and that can be decoded");
}

/* A serial card the firmware gave no addresses: its BARs read 0. */
static void test_unassigned_bars(void **state)
{
	uint8_t hdr[HDR];

	(void)state;
	memcpy(hdr, qemu_pci_serial_bios, HDR);
	hdr[0x10] = 0x01; /* I/O, address 0 */
	hdr[0x11] = 0x00;
	expect_refused(hdr, "1b36:0002 has no BAR that the firmware assigned "
			    "and that can be decoded");
}

static void test_not_a_uart(void **state)
{
	(void)state;
	expect_refused(qemu_virtio_rng_bios, "1af4:1005 is not a serial "
					     "controller (class 00/ff, not "
					     "07/00)");
	expect_refused(qemu_host_bridge, "8086:29c0 is not a serial "
					 "controller (class 06/00, not 07/00)");
	/* Header type 0x80 is a multi-function device, not a bridge. */
	expect_refused(qemu_lpc_bridge, "8086:2918 is not a serial controller "
					"(class 06/01, not 07/00)");
	expect_refused(qemu_root_port, "1b36:000c is a bridge, not a serial "
				       "card (header type 1)");
	assert_false(pci_uart_is_serial(qemu_virtio_rng_bios));
	assert_false(pci_uart_is_serial(qemu_host_bridge));
	assert_false(pci_uart_is_serial(qemu_root_port));
}

/*
 * A UART of another class (07/80, "other communication controller", as
 * Intel's LPSS UARTs are), and a serial controller whose programming
 * interface is not 16450/16550-compatible.
 */
static void test_other_serial_controllers(void **state)
{
	static const uint8_t lpss_like[HDR] = {
	    0x86, 0x80, 0xa8, 0xa0, 0x06, 0x00, 0x10, 0x00,
	    0x20, 0x00, 0x80, 0x07, 0x00, 0x00, 0x80, 0x00,
	    0x04, 0x00, 0x23, 0x60, 0x00, 0x00, 0x00, 0x00,
	};
	uint8_t hdr[HDR];

	(void)state;
	expect_refused(lpss_like, "8086:a0a8 is a communication controller of "
				  "class 07/80, not a 16550-compatible serial "
				  "port (07/00): name a 16550 in its BAR with "
				  "mmio: or mmio32:");
	assert_false(pci_uart_is_serial(lpss_like));
	memcpy(hdr, qemu_pci_serial_bios, HDR);
	hdr[0x09] = 0x07;
	expect_refused(hdr, "1b36:0002 is a serial controller, but not "
			    "16550-compatible (programming interface 0x7)");
	assert_false(pci_uart_is_serial(hdr));
	/* 0x00 (8250) to 0x06 (16950) all have the 16450's registers. */
	for (uint8_t pi = 0; pi <= 6; pi++) {
		hdr[0x09] = pi;
		assert_true(pci_uart_is_serial(hdr));
		decode_ok(hdr, slot5);
	}
}

/* Nothing in the slot: configuration reads return all ones. */
static void test_empty_slot(void **state)
{
	uint8_t hdr[HDR];

	(void)state;
	memset(hdr, 0xff, HDR);
	expect_refused(hdr, "no device there: its configuration space reads "
			    "0xffff");
	assert_false(pci_uart_is_serial(hdr));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_qemu_pci_serial),
	    cmocka_unit_test(test_decoding_off),
	    cmocka_unit_test(test_memory_bar_card),
	    cmocka_unit_test(test_bar_choice_and_64_bit_bars),
	    cmocka_unit_test(test_unassigned_bars),
	    cmocka_unit_test(test_not_a_uart),
	    cmocka_unit_test(test_other_serial_controllers),
	    cmocka_unit_test(test_empty_slot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
