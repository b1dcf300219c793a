/*
 * Finding out what answers at a UART's I/O base, from its registers alone:
 * a scratch register that holds a value, a divisor latch that holds the
 * divisor, modem-control outputs and a byte that come back in loopback,
 * and the FIFO that IIR bits 7:6 report. Pure (through struct uart_io):
 * host-tested against models of each kind of port.
 */
#ifndef ARCH_X86_UART_DETECT_H
#define ARCH_X86_UART_DETECT_H

#include "arch/x86/uart_io.h"

/* How long a byte sent in loopback may take to come back (~23 bytes). */
#define UART_LOOPBACK_WAIT_US 2000

enum uart_model {
	UART_MODEL_NONE,    /* nothing usable: see uart_found.failure */
	UART_MODEL_16450,   /* no FIFO (an 8250 looks the same) */
	UART_MODEL_16550,   /* a FIFO that does not work: not used */
	UART_MODEL_16550A,  /* a working 16-byte FIFO */
};

struct uart_found {
	enum uart_model model;
	unsigned fifo_depth; /* bytes THR takes once THRE is set: 16 or 1 */
	uint16_t divisor;    /* programmed into the divisor latch */
	bool divisor_kept;   /* baud 0: the one the firmware left */
	uint32_t baud;       /* UART_BASE_CLOCK / divisor */
	char failure[160];   /* why model is UART_MODEL_NONE */
};

/*
 * The divisor for baud: UART_BASE_CLOCK / baud, 1 (115200) for 0 or a
 * rate above 115200, at most UART_DIVISOR_MAX.
 */
uint16_t uart_divisor(uint32_t baud);

/*
 * Tests the port and fills *found. When a UART passes, it is left ready
 * for polled output: baud 8N1 (baud 0: the divisor the firmware left
 * there, for UARTs whose clock is not 1.8432 MHz; 115200 if it left 0), interrupts off, FIFO on when it works,
 * MCR = DTR | RTS | OUT2, nothing pending; returns true. Otherwise
 * found->failure says what failed; a port that answered is given back
 * its line control, modem control (loopback off) and divisor, and one
 * that did not (reads 0xff) was only written to at its scratch register;
 * returns false. Never waits longer than twice UART_LOOPBACK_WAIT_US.
 */
bool uart_detect(const struct uart_io *io, uint32_t baud,
		 struct uart_found *found);

/*
 * The boot log's line for what uart_detect() found at the UART called
 * name (uart_where_name(), perhaps with where it came from):
 * "uart: 16550A at 0x3f8, 115200 baud, 16-byte FIFO" or
 * "uart: no 16550 at 0x3f8 (loopback failed: ...): serial console off".
 */
void uart_describe(const struct uart_found *found, const char *name,
		   char *buf, size_t len);

#endif
