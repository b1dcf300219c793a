/*
 * A 16550-compatible UART, polled, no interrupts: at I/O ports or in
 * memory (uart_where.h), detected (uart_detect.h) and written (uart_tx.h)
 * through port I/O or an uncached mapping of its registers, with the TSC
 * as the clock of every timeout.
 */
#ifndef ARCH_X86_UART_H
#define ARCH_X86_UART_H

#include "arch/x86/uart_detect.h"
#include "arch/x86/uart_tx.h"
#include "arch/x86/uart_where.h"

#define UART_COM1 0x3f8

struct uart {
	struct uart_where where;
	volatile void *regs; /* in memory: the uncached mapping of them */
	struct uart_io io;
	struct uart_found found; /* what uart_init() found */
	struct uart_tx tx;
	char name[UART_NAME_MAX]; /* for log lines: uart_where_name() */
};

/*
 * Detects the UART at where (memory registers mapped uncached first) and
 * programs it for baud 8N1 (0: the divisor the firmware left), FIFO on,
 * no interrupts. False when there is no working UART there, or its
 * registers cannot be reached: u->found says why, and the UART must not
 * be written to.
 */
bool uart_init(struct uart *u, const struct uart_where *where, uint32_t baud);

/*
 * Records that there is no usable UART at where, and why (a PCI function
 * that has none, say): as uart_init() leaves a UART it did not find.
 */
void uart_init_failed(struct uart *u, const struct uart_where *where,
		      const char *why);

/* After *u was copied elsewhere: its registers are reached from there. */
void uart_rebind(struct uart *u);

/* Sends one byte; never waits longer than the timeout (uart_tx.h). */
bool uart_putc(struct uart *u, char c);

/*
 * Between lines of the log: a stuck UART is looked at again (one status
 * read), then what changed since the last call (it got stuck, it drains
 * again) is written to buf as one line without a newline; false when
 * nothing did.
 */
bool uart_take_news(struct uart *u, char *buf, size_t len);

/* What uart_getc() found. */
enum uart_input {
	UART_INPUT_NONE = 0,  /* nothing received */
	UART_INPUT_BYTE = 1,  /* a byte, in *byte */
	UART_INPUT_BREAK = 2, /* a break condition on the line */
};

/*
 * Takes one received byte or break condition, if any; never waits (one
 * status read when nothing came).
 */
enum uart_input uart_getc(struct uart *u, uint8_t *byte);

/* Waits (bounded) until everything sent has left the wire. */
void uart_drain(struct uart *u);

#endif
