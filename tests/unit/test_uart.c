/*
 * arch/x86/uart_detect.c and uart_tx.c against models of what sits at a
 * UART's port (tests/unit/fake_uart.c): which ports pass detection and in
 * what state they are left, the divisor, how many bytes go out per look
 * at LSR, and a transmitter that stalls and comes back, in model time.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "arch/x86/uart_detect.h"
#include "arch/x86/uart_mmio.h"
#include "arch/x86/uart_regs.h"
#include "arch/x86/uart_tx.h"
#include "tests/unit/fake_uart.h"

#define BYTE_NS_115200 86806 /* 10 bits at 115200 baud */

static struct fake_uart f;

static void expect_line(const struct uart_found *found, const char *name,
			const char *want)
{
	char line[300];

	uart_describe(found, name, line, sizeof(line));
	assert_string_equal(line, want);
}

/* Detects a fake of this kind; returns the model time it took, in us. */
static uint64_t detect(enum fake_uart_kind kind, uint32_t baud,
		       struct uart_found *found, bool want)
{
	uint64_t start;

	fake_uart_init(&f, kind);
	start = f.now_ns;
	assert_int_equal(uart_detect(&f.io, baud, found), want);
	return (f.now_ns - start) / 1000;
}

/* A port that failed is given back its registers, loopback off. */
static void assert_left_as_found(void)
{
	assert_int_equal(f.mcr, UART_MCR_DTR | UART_MCR_RTS);
	assert_int_equal(f.lcr, UART_LCR_8N1);
	assert_int_equal(fake_uart_divisor(&f), 12);
	assert_false(f.fifo_on);
	assert_int_equal(f.wire_len, 0);
}

static void test_detect_16550a(void **state)
{
	struct uart_found found;
	uint64_t us;

	(void)state;
	us = detect(FAKE_16550A, 115200, &found, true);
	assert_int_equal(found.model, UART_MODEL_16550A);
	assert_int_equal(found.fifo_depth, 16);
	assert_int_equal(found.baud, 115200);
	expect_line(&found, "0x3f8",
		    "uart: 16550A at 0x3f8, 115200 baud, 16-byte FIFO");
	/* Left ready for polled output, nothing pending, nothing sent. */
	assert_int_equal(f.mcr, UART_MCR_CONSOLE);
	assert_int_equal(f.lcr, UART_LCR_8N1);
	assert_int_equal(f.ier, 0);
	assert_int_equal(fake_uart_divisor(&f), 1);
	assert_true(f.fifo_on);
	assert_int_equal(f.rx_len, 0);
	assert_int_equal(f.wire_len, 0);
	assert_true(us < 1000);
}

/* A firmware that left the divisor latch selected (DLAB) changes nothing. */
static void test_detect_with_dlab_left_set(void **state)
{
	struct uart_found found;

	(void)state;
	fake_uart_init(&f, FAKE_16550A);
	f.lcr |= UART_LCR_DLAB;
	f.ier = 0x0f;
	assert_true(uart_detect(&f.io, 115200, &found));
	assert_int_equal(f.lcr, UART_LCR_8N1);
	assert_int_equal(f.ier, 0);
	assert_int_equal(fake_uart_divisor(&f), 1);
}

/*
 * Baud 0 (an SPCR's "as is", or a UART whose clock is not 1.8432 MHz):
 * the divisor the firmware left is kept, and the line says so rather
 * than name a baud rate it cannot know.
 */
static void test_detect_keeps_the_firmware_divisor(void **state)
{
	struct uart_found found;

	(void)state;
	detect(FAKE_16550A, 0, &found, true);
	assert_true(found.divisor_kept);
	assert_int_equal(found.divisor, 12);
	assert_int_equal(fake_uart_divisor(&f), 12);
	assert_int_equal(f.lcr, UART_LCR_8N1);
	expect_line(&found, "MMIO 0xfe030000 (32-bit registers) from ACPI SPCR",
		    "uart: 16550A at MMIO 0xfe030000 (32-bit registers) from "
		    "ACPI SPCR, divisor 12 as the firmware set it, 16-byte "
		    "FIFO");

	/* A firmware that left no divisor: 115200. */
	fake_uart_init(&f, FAKE_16550A);
	f.dll = f.dlm = 0;
	assert_true(uart_detect(&f.io, 0, &found));
	assert_false(found.divisor_kept);
	assert_int_equal(fake_uart_divisor(&f), 1);
	assert_int_equal(found.baud, 115200);
}

static void test_detect_16550_broken_fifo(void **state)
{
	struct uart_found found;

	(void)state;
	detect(FAKE_16550_BROKEN_FIFO, 9600, &found, true);
	assert_int_equal(found.model, UART_MODEL_16550);
	assert_int_equal(found.fifo_depth, 1);
	assert_false(f.fifo_on);
	expect_line(&found, "0x2f8",
		    "uart: 16550 at 0x2f8, 9600 baud, FIFO not used (it does "
		    "not work in a 16550)");
}

static void test_detect_16450(void **state)
{
	struct uart_found found;

	(void)state;
	detect(FAKE_16450, 115200, &found, true);
	assert_int_equal(found.model, UART_MODEL_16450);
	assert_int_equal(found.fifo_depth, 1);
	assert_int_equal(f.mcr, UART_MCR_CONSOLE);
	expect_line(&found, "0x3f8", "uart: 16450 at 0x3f8, 115200 baud, no FIFO");
}

static void test_detect_floating_bus(void **state)
{
	struct uart_found found;
	uint64_t us;

	(void)state;
	us = detect(FAKE_FLOATING, 115200, &found, false);
	assert_int_equal(found.model, UART_MODEL_NONE);
	expect_line(&found, "0x3f8",
		    "uart: no 16550 at 0x3f8 (nothing answers: reads 0xff): "
		    "serial console off");
	assert_true(us < 10);
}

/*
 * A UART disabled in the firmware that still decodes its port and keeps
 * the scratch byte: the scratch test alone would take it.
 */
static void test_detect_scratch_without_loopback(void **state)
{
	struct uart_found found;

	(void)state;
	detect(FAKE_NO_LOOP_LINES, 115200, &found, false);
	expect_line(&found, "0x3f8",
		    "uart: no 16550 at 0x3f8 (loopback failed: modem inputs "
		    "0x00, not 0x90): serial console off");
	assert_left_as_found();
}

/* Modem lines loop back but no byte does: bounded wait, then refused. */
static void test_detect_loopback_byte_lost(void **state)
{
	struct uart_found found;
	uint64_t us;

	(void)state;
	us = detect(FAKE_NO_LOOP_DATA, 115200, &found, false);
	expect_line(&found, "0x3e8",
		    "uart: no 16550 at 0x3e8 (loopback failed: byte 0xa5 never "
		    "came back): serial console off");
	assert_true(us >= UART_LOOPBACK_WAIT_US);
	assert_true(us < UART_LOOPBACK_WAIT_US + 100);
	assert_left_as_found();
}

static void expect_name(const struct uart_where *w, const char *want)
{
	char name[UART_NAME_MAX];

	uart_where_name(w, name, sizeof(name));
	assert_string_equal(name, want);
}

/* How each kind of UART is named in the log, and what is refused. */
static void test_where(void **state)
{
	struct uart_where w = {.space = UART_SPACE_IO, .base = 0x3f8};
	const char *why = NULL;

	(void)state;
	expect_name(&w, "0x3f8");
	assert_true(uart_where_valid(&w, &why));
	assert_int_equal(uart_where_span(&w), 8);
	w.base = 0xfff9;
	assert_false(uart_where_valid(&w, &why));
	assert_string_equal(why, "the I/O port is out of range (0x1..0xfff8)");

	w = (struct uart_where){.space = UART_SPACE_MMIO8, .base = 0xfed00001};
	expect_name(&w, "MMIO 0xfed00001");
	assert_true(uart_where_valid(&w, &why));
	assert_int_equal(uart_where_span(&w), 8);

	w = (struct uart_where){.space = UART_SPACE_MMIO32, .base = 0xfe030000};
	expect_name(&w, "MMIO 0xfe030000 (32-bit registers)");
	assert_true(uart_where_valid(&w, &why));
	assert_int_equal(uart_where_span(&w), 32);
	w.base = 0xfe030002;
	assert_false(uart_where_valid(&w, &why));
	assert_string_equal(why, "the address of 32-bit registers is not "
				 "4-byte aligned");
	w.base = (1ull << 52) - 16;
	assert_false(uart_where_valid(&w, &why));
	w.base = 0;
	assert_false(uart_where_valid(&w, &why));
	assert_string_equal(why, "the memory address is 0");

	w = (struct uart_where){.space = UART_SPACE_IO, .base = 0xc000,
				.pci = true, .pci_bus = 0, .pci_dev = 3};
	expect_name(&w, "PCI 00:03.0 BAR0 I/O 0xc000");
	w = (struct uart_where){.space = UART_SPACE_MMIO8,
				.base = 0x4000100000ull, .pci = true,
				.pci_bus = 0x2a, .pci_dev = 0x1f, .pci_fn = 7,
				.pci_bar = 1};
	expect_name(&w, "PCI 2a:1f.7 BAR1 MMIO 0x4000100000");
	w.base = 0;
	expect_name(&w, "PCI 2a:1f.7");
}

/*
 * Registers in memory: register r at byte r, or in the 32-bit word at 4r,
 * read and written whole (the upper bytes written as 0).
 */
static void test_mmio_registers(void **state)
{
	union {
		uint8_t bytes[32];
		uint32_t words[8];
	} regs;

	(void)state;
	memset(&regs, 0xaa, sizeof(regs));
	uart_mmio_write(regs.bytes, UART_SPACE_MMIO8, UART_LCR, 0x83);
	assert_int_equal(regs.bytes[3], 0x83);
	assert_int_equal(regs.bytes[2], 0xaa);
	assert_int_equal(regs.bytes[4], 0xaa);
	regs.bytes[UART_LSR] = 0x60;
	assert_int_equal(uart_mmio_read(regs.bytes, UART_SPACE_MMIO8, UART_LSR),
			 0x60);

	memset(&regs, 0xaa, sizeof(regs));
	uart_mmio_write(regs.bytes, UART_SPACE_MMIO32, UART_LCR, 0x83);
	assert_int_equal(regs.words[3], 0x83);
	assert_int_equal(regs.words[2], 0xaaaaaaaa);
	assert_int_equal(regs.words[4], 0xaaaaaaaa);
	regs.words[UART_LSR] = 0x12345660;
	assert_int_equal(
	    uart_mmio_read(regs.bytes, UART_SPACE_MMIO32, UART_LSR), 0x60);
	assert_int_equal(uart_mmio_read(regs.bytes, UART_SPACE_MMIO32, UART_SCR),
			 0xaa);
}

static void test_divisor(void **state)
{
	static const struct {
		uint32_t baud;
		uint16_t divisor;
	} cases[] = {
	    {115200, 1}, {57600, 2}, {38400, 3},  {9600, 12},
	    {300, 384},  {50, 2304}, {2, 57600},  {1, UART_DIVISOR_MAX},
	    {0, 1},      {230400, 1},
	};
	struct uart_found found;

	(void)state;
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(uart_divisor(cases[i].baud), cases[i].divisor);

	/* The latch holds what was asked; the line says the rate it gives. */
	detect(FAKE_16550A, 300, &found, true);
	assert_int_equal(fake_uart_divisor(&f), 384);
	assert_int_equal(found.baud, 300);
	assert_int_equal(f.lcr, UART_LCR_8N1);

	/* A latch that does not hold is no UART. */
	detect(FAKE_DIVISOR_IGNORED, 115200, &found, false);
	expect_line(&found, "0x3f8",
		    "uart: no 16550 at 0x3f8 (divisor latch does not hold "
		    "0x0001): serial console off");
}

static void test_timeout(void **state)
{
	(void)state;
	assert_int_equal(uart_tx_timeout_us(16, 115200), UART_TX_TIMEOUT_MIN_US);
	assert_int_equal(uart_tx_timeout_us(1, 115200), UART_TX_TIMEOUT_MIN_US);
	/* 17 bytes of 1042 us, twice. */
	assert_int_equal(uart_tx_timeout_us(16, 9600), 2 * 17 * 1042);
	assert_int_equal(uart_tx_timeout_us(1, 300), 2 * 2 * 33334);
}

/* A detected fake with its transmitter state; the bytes it accepted. */
static struct uart_tx tx;
static char sent[FAKE_UART_WIRE_MAX];
static size_t sent_len;

static void start_tx(enum fake_uart_kind kind, uint32_t baud)
{
	struct uart_found found;

	detect(kind, baud, &found, true);
	uart_tx_init(&tx, found.fifo_depth, found.baud);
	sent_len = 0;
}

/* Sends n bytes of text; returns how many were accepted. */
static size_t send(size_t n)
{
	size_t accepted = 0;

	for (size_t i = 0; i < n; i++) {
		uint8_t byte = (uint8_t)('a' + (sent_len + i) % 26);

		if (uart_tx_put(&tx, &f.io, byte)) {
			sent[sent_len++] = (char)byte;
			accepted++;
		}
	}
	return accepted;
}

static void assert_wire_is_sent(void)
{
	uart_tx_drain(&tx, &f.io);
	assert_false(tx.stuck);
	assert_int_equal(f.wire_len, sent_len);
	assert_memory_equal(f.wire, sent, sent_len);
	assert_int_equal(f.overruns, 0);
}

/* A 16550A takes 16 bytes per look at LSR and keeps the line busy. */
static void test_tx_fills_the_fifo(void **state)
{
	uint64_t start, lsr_reads;

	(void)state;
	start_tx(FAKE_16550A, 115200);
	/* Into an idle FIFO: 16 bytes for one status read, no waiting. */
	start = f.now_ns;
	lsr_reads = f.lsr_reads;
	assert_int_equal(send(16), 16);
	assert_int_equal(f.lsr_reads - lsr_reads, 1);
	assert_true(f.now_ns - start <= 17 * FAKE_UART_ACCESS_NS);

	assert_int_equal(send(984), 984);
	assert_int_equal(f.thr_run_max, 16);
	assert_wire_is_sent();
	/* 1,000 bytes in 1,000 byte times, give or take one. */
	assert_true(f.now_ns - start >= 999ull * BYTE_NS_115200);
	assert_true(f.now_ns - start <= 1001ull * BYTE_NS_115200);
}

static void test_tx_without_fifo_one_byte_at_a_time(void **state)
{
	(void)state;
	start_tx(FAKE_16450, 115200);
	assert_int_equal(send(300), 300);
	assert_int_equal(f.thr_run_max, 1);
	assert_wire_is_sent();

	start_tx(FAKE_16550_BROKEN_FIFO, 115200);
	assert_int_equal(send(300), 300);
	assert_int_equal(f.thr_run_max, 1);
	assert_wire_is_sent();
}

/* Model time until n bytes given to an idle UART of this kind are taken. */
static uint64_t time_to_take(enum fake_uart_kind kind, size_t n)
{
	uint64_t start;

	start_tx(kind, 115200);
	start = f.now_ns;
	assert_int_equal(send(n), n);
	return f.now_ns - start;
}

/*
 * What the FIFO saves the CPU: the last bytes of a line wait in the FIFO,
 * not in the CPU. LSR says only when the FIFO is empty, so the saving is
 * up to 16 byte times a line: all of a 16-byte line, 15 byte times of a
 * 96-byte one. The line itself still takes its time on the wire.
 */
static void test_tx_fifo_saves_waiting(void **state)
{
	(void)state;
	assert_true(time_to_take(FAKE_16550A, 16) <= 20 * FAKE_UART_ACCESS_NS);
	assert_true(time_to_take(FAKE_16450, 16) >= 14 * BYTE_NS_115200);
	assert_true(time_to_take(FAKE_16550A, 96) + 14 * BYTE_NS_115200 <=
		    time_to_take(FAKE_16450, 96));
}

/* At 9600 a full FIFO takes 17 ms to drain: no stall for all that. */
static void test_tx_slow_baud_is_not_a_stall(void **state)
{
	(void)state;
	start_tx(FAKE_16550A, 9600);
	assert_int_equal(send(200), 200);
	assert_false(tx.stuck);
	assert_wire_is_sent();
}

static void test_tx_stall_and_recovery(void **state)
{
	char news[160];
	uint64_t stall_at, lsr_reads, now;
	size_t accepted;

	(void)state;
	start_tx(FAKE_16550A, 115200);
	assert_int_equal(send(40), 40);
	assert_false(uart_tx_take_news(&tx, "0x3f8", news, sizeof(news)));

	/* The transmitter stops for 50 ms: within the timeout, it is stuck. */
	fake_uart_stall(&f, 50000);
	stall_at = f.now_ns;
	accepted = send(40);
	assert_true(accepted < 40);
	assert_true(tx.stuck);
	assert_true(f.now_ns - stall_at >=
		    (UART_TX_TIMEOUT_MIN_US - 1) * 1000ull);
	assert_true(f.now_ns - stall_at <
		    (UART_TX_TIMEOUT_MIN_US + 2 * BYTE_NS_115200 / 1000) * 1000ull);
	assert_true(uart_tx_take_news(&tx, "0x3f8", news, sizeof(news)));
	assert_string_equal(news, "[uart 0x3f8: the transmitter has not drained "
				  "for 10 ms: its output is dropped until it "
				  "does]");
	assert_false(uart_tx_take_news(&tx, "0x3f8", news, sizeof(news)));

	/* While stuck, bytes are dropped without touching the UART. */
	now = f.now_ns;
	lsr_reads = f.lsr_reads;
	assert_int_equal(send(100), 0);
	assert_int_equal(f.now_ns, now);
	uart_tx_drain(&tx, &f.io);
	assert_int_equal(f.now_ns, now);

	/* A look before it drains again: one status read, still stuck. */
	assert_false(uart_tx_retry(&tx, &f.io));
	assert_int_equal(f.lsr_reads, lsr_reads + 1);
	assert_true(tx.stuck);

	fake_uart_idle(&f, 50000);
	assert_true(uart_tx_retry(&tx, &f.io));
	assert_false(tx.stuck);
	assert_true(uart_tx_take_news(&tx, "0x3f8", news, sizeof(news)));
	assert_int_equal(tx.news_dropped, 40 - accepted + 100);
	assert_true(tx.news_stuck_ms >= 50 && tx.news_stuck_ms <= 62);
	assert_int_equal(tx.dropped_total, tx.news_dropped);

	/* Output goes on; what was accepted went out, in order. */
	assert_int_equal(send(100), 100);
	assert_wire_is_sent();
}

/*
 * The timeout is time, not a number of status reads: where a read costs
 * 50 ns (an emulator), a stall is still waited for 10 ms, not 0.5 ms.
 */
static void test_tx_timeout_is_time(void **state)
{
	uint64_t start;

	(void)state;
	start_tx(FAKE_16550A, 115200);
	f.access_ns = 50;
	send(16);
	fake_uart_stall(&f, 1000000);
	start = f.now_ns;
	send(1);
	assert_true(tx.stuck);
	/* The clock counts whole microseconds: one may be lost. */
	assert_true(f.now_ns - start >= (UART_TX_TIMEOUT_MIN_US - 1) * 1000ull);
	assert_true(f.now_ns - start < (UART_TX_TIMEOUT_MIN_US + 10) * 1000ull);
}

/* A drain that never ends is a stall too. */
static void test_drain_is_bounded(void **state)
{
	uint64_t start;

	(void)state;
	start_tx(FAKE_16550A, 115200);
	send(10);
	fake_uart_stall(&f, 1000000);
	start = f.now_ns;
	uart_tx_drain(&tx, &f.io);
	assert_true(tx.stuck);
	assert_true(f.now_ns - start < (UART_TX_TIMEOUT_MIN_US + 200) * 1000ull);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_detect_16550a),
	    cmocka_unit_test(test_detect_with_dlab_left_set),
	    cmocka_unit_test(test_detect_keeps_the_firmware_divisor),
	    cmocka_unit_test(test_detect_16550_broken_fifo),
	    cmocka_unit_test(test_detect_16450),
	    cmocka_unit_test(test_detect_floating_bus),
	    cmocka_unit_test(test_detect_scratch_without_loopback),
	    cmocka_unit_test(test_detect_loopback_byte_lost),
	    cmocka_unit_test(test_where),
	    cmocka_unit_test(test_mmio_registers),
	    cmocka_unit_test(test_divisor),
	    cmocka_unit_test(test_timeout),
	    cmocka_unit_test(test_tx_fills_the_fifo),
	    cmocka_unit_test(test_tx_without_fifo_one_byte_at_a_time),
	    cmocka_unit_test(test_tx_fifo_saves_waiting),
	    cmocka_unit_test(test_tx_slow_baud_is_not_a_stall),
	    cmocka_unit_test(test_tx_stall_and_recovery),
	    cmocka_unit_test(test_tx_timeout_is_time),
	    cmocka_unit_test(test_drain_is_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
