/*
 * How the UART's decisions (uart_detect.c, uart_tx.c) reach a UART: its
 * registers and a clock, through functions. The hypervisor hands them
 * port I/O and the TSC (uart.c); the host tests a model of a UART.
 */
#ifndef ARCH_X86_UART_IO_H
#define ARCH_X86_UART_IO_H

#include "lib/compiler.h"

struct uart_io {
	/* Reads or writes the register at this offset (enum uart_reg). */
	uint8_t (*read)(void *ctx, unsigned reg);
	void (*write)(void *ctx, unsigned reg, uint8_t value);
	/* Microseconds from any fixed point; never goes backwards. */
	uint64_t (*now_us)(void *ctx);
	void *ctx;
};

static inline uint8_t uart_io_read(const struct uart_io *io, unsigned reg)
{
	return io->read(io->ctx, reg);
}

static inline void uart_io_write(const struct uart_io *io, unsigned reg,
				 uint8_t value)
{
	io->write(io->ctx, reg, value);
}

#endif
