/*
 * The UART's decisions (uart_detect.c, uart_tx.c) on real UARTs: port
 * I/O or an uncached mapping for its registers, the TSC for its clock.
 */
#include "arch/x86/uart.h"
#include "arch/x86/uart_mmio.h"
#include "arch/x86/uart_regs.h"
#include "arch/x86/cpu.h"
#include "arch/x86/mmio.h"
#include "arch/x86/tsc.h"
#include "lib/format.h"

static uint8_t uart_port_read(void *ctx, unsigned reg)
{
	const struct uart *u = ctx;

	return inb((uint16_t)(u->where.base + reg));
}

static void uart_port_write(void *ctx, unsigned reg, uint8_t value)
{
	const struct uart *u = ctx;

	outb((uint16_t)(u->where.base + reg), value);
}

static uint8_t uart_mem_read(void *ctx, unsigned reg)
{
	const struct uart *u = ctx;

	return uart_mmio_read(u->regs, u->where.space, reg);
}

static void uart_mem_write(void *ctx, unsigned reg, uint8_t value)
{
	const struct uart *u = ctx;

	uart_mmio_write(u->regs, u->where.space, reg, value);
}

/*
 * Microseconds of TSC time once the TSC is calibrated (boot_entry() does
 * that before any console starts). Before then, each call counts as one
 * microsecond: the waits read the clock once per status read, and a
 * status read of a UART behind a PC's LPC bus takes about that long, so
 * a timeout still ends, after roughly the time it names.
 */
static uint64_t uart_clock_us(void *ctx)
{
	static uint64_t uncalibrated_us;

	(void)ctx;
	if (tsc_khz())
		return tsc_us_since_boot();
	return ++uncalibrated_us;
}

void uart_init_failed(struct uart *u, const struct uart_where *where,
		      const char *why)
{
	u->where = *where;
	u->regs = NULL;
	uart_where_name(where, u->name, sizeof(u->name));
	u->found = (struct uart_found){.model = UART_MODEL_NONE};
	fmt_snprintf(u->found.failure, sizeof(u->found.failure), "%s", why);
}

void uart_rebind(struct uart *u)
{
	u->io.ctx = u;
}

bool uart_init(struct uart *u, const struct uart_where *where, uint32_t baud)
{
	const char *why;
	bool in_memory = where->space != UART_SPACE_IO;

	u->where = *where;
	u->regs = NULL;
	uart_where_name(where, u->name, sizeof(u->name));
	u->io = (struct uart_io){
	    .read = in_memory ? uart_mem_read : uart_port_read,
	    .write = in_memory ? uart_mem_write : uart_port_write,
	    .now_us = uart_clock_us,
	    .ctx = u,
	};
	if (!uart_where_valid(where, &why)) {
		uart_init_failed(u, where, why);
		return false;
	}
	if (in_memory) {
		u->regs = mmio_map(where->base, uart_where_span(where),
				   MMIO_UNCACHED);
		if (!u->regs) {
			uart_init_failed(u, where,
					 "its registers could not be mapped "
					 "(see the mmio: warning)");
			return false;
		}
	}
	if (!uart_detect(&u->io, baud, &u->found))
		return false;
	uart_tx_init(&u->tx, u->found.fifo_depth, u->found.baud);
	return true;
}

bool uart_putc(struct uart *u, char c)
{
	return uart_tx_put(&u->tx, &u->io, (uint8_t)c);
}

bool uart_take_news(struct uart *u, char *buf, size_t len)
{
	uart_tx_retry(&u->tx, &u->io);
	return uart_tx_take_news(&u->tx, u->name, buf, len);
}

void uart_drain(struct uart *u)
{
	uart_tx_drain(&u->tx, &u->io);
}

enum uart_input uart_getc(struct uart *u, uint8_t *byte)
{
	uint8_t lsr = uart_io_read(&u->io, UART_LSR);

	/* A break also leaves a 0 byte in the FIFO: take it with it. */
	if (lsr & UART_LSR_BI) {
		if (lsr & UART_LSR_DR)
			(void)uart_io_read(&u->io, UART_RBR);
		return UART_INPUT_BREAK;
	}
	if (!(lsr & UART_LSR_DR))
		return UART_INPUT_NONE;
	*byte = uart_io_read(&u->io, UART_RBR);
	return UART_INPUT_BYTE;
}
