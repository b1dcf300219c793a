/*
 * A model of what can sit at a UART's I/O base, for the host tests of
 * arch/x86/uart_detect.c and uart_tx.c: a 16550A with its 16-byte FIFO, a
 * 16550 whose FIFO does not work, a 16450 without one, a bus where nothing
 * answers, and UARTs that keep their scratch register but fail loopback.
 * It keeps time: every register access costs a microsecond, as on a PC's
 * LPC bus (or access_ns, as in an emulator), and the transmitter sends one byte each 10 bit times at the
 * divisor's baud rate, unless it is told to stall.
 */
#ifndef TESTS_UNIT_FAKE_UART_H
#define TESTS_UNIT_FAKE_UART_H

#include "arch/x86/uart_io.h"

#define FAKE_UART_WIRE_MAX 8192
#define FAKE_UART_ACCESS_NS 1000

enum fake_uart_kind {
	FAKE_16550A,
	FAKE_16550_BROKEN_FIFO, /* IIR bits 7:6 = 10 */
	FAKE_16450,             /* no FIFO: THR holds one byte */
	FAKE_FLOATING,          /* nothing there: every read is 0xff */
	FAKE_NO_LOOP_LINES,     /* scratch works, modem inputs read 0 */
	FAKE_NO_LOOP_DATA,      /* scratch and modem lines work, no RX */
	FAKE_DIVISOR_IGNORED,   /* the divisor latch reads back 0 */
};

struct fake_uart {
	enum fake_uart_kind kind;
	struct uart_io io;

	uint8_t ier, lcr, mcr, scr, dll, dlm;
	bool fifo_on;
	uint8_t tx[64];
	unsigned tx_len;        /* bytes waiting in THR / the TX FIFO */
	bool shifting;          /* a byte is in the shift register */
	uint8_t shift_byte;
	uint64_t shift_end_ns;  /* when it has left */
	uint64_t line_free_ns;  /* when the shift register became free */
	uint8_t rx[64];
	unsigned rx_len;

	uint64_t now_ns;
	uint64_t access_ns;     /* what one register access costs */
	uint64_t stall_from_ns, stall_until_ns; /* the transmitter stops */

	char wire[FAKE_UART_WIRE_MAX]; /* what went out on TX */
	size_t wire_len;
	unsigned overruns;     /* bytes written to a full THR / FIFO */
	unsigned lsr_reads;
	unsigned thr_run;      /* THR writes since LSR was last read */
	unsigned thr_run_max;
};

/* A fake of this kind, registers as a firmware might leave them. */
void fake_uart_init(struct fake_uart *f, enum fake_uart_kind kind);

/* The transmitter sends nothing from now on for us microseconds. */
void fake_uart_stall(struct fake_uart *f, uint64_t us);

/* Lets time pass without touching the UART. */
void fake_uart_idle(struct fake_uart *f, uint64_t us);

uint16_t fake_uart_divisor(const struct fake_uart *f);

#endif
