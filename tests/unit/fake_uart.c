/*
 * The UART model behind tests/unit/test_uart.c (see fake_uart.h). Time
 * moves only with register accesses and fake_uart_idle(); the transmitter
 * catches up with it at each one.
 */
#include "tests/unit/fake_uart.h"

#include <string.h>

#include "arch/x86/uart_regs.h"

#define FAKE_BITS_PER_BYTE 10

uint16_t fake_uart_divisor(const struct fake_uart *f)
{
	return (uint16_t)(f->dll | f->dlm << 8);
}

static uint64_t fake_byte_ns(const struct fake_uart *f)
{
	uint64_t divisor = fake_uart_divisor(f) ? fake_uart_divisor(f) : 65536;

	return FAKE_BITS_PER_BYTE * divisor * 1000000000ull / UART_BASE_CLOCK;
}

static unsigned fake_fifo_size(const struct fake_uart *f)
{
	return f->fifo_on ? UART_FIFO_DEPTH : 1;
}

/* A byte leaves the shift register: on the wire, or to RX in loopback. */
static void fake_deliver(struct fake_uart *f, uint8_t byte)
{
	if (!(f->mcr & UART_MCR_LOOP)) {
		if (f->wire_len < sizeof(f->wire))
			f->wire[f->wire_len++] = (char)byte;
		return;
	}
	if (f->kind == FAKE_NO_LOOP_DATA)
		return;
	if (f->rx_len < fake_fifo_size(f))
		f->rx[f->rx_len++] = byte;
}

/* The transmitter, brought up to f->now_ns. */
static void fake_run(struct fake_uart *f)
{
	for (;;) {
		uint64_t start;

		if (f->shifting) {
			if (f->now_ns < f->shift_end_ns)
				return;
			f->shifting = false;
			f->line_free_ns = f->shift_end_ns;
			fake_deliver(f, f->shift_byte);
		}
		if (f->tx_len == 0) {
			f->line_free_ns = f->now_ns;
			return;
		}
		start = f->line_free_ns;
		if (start >= f->stall_from_ns && start < f->stall_until_ns)
			start = f->stall_until_ns;
		if (start > f->now_ns)
			return;
		f->shift_byte = f->tx[0];
		memmove(f->tx, f->tx + 1, --f->tx_len);
		f->shift_end_ns = start + fake_byte_ns(f);
		f->shifting = true;
	}
}

static void fake_tick(struct fake_uart *f)
{
	f->now_ns += f->access_ns;
	fake_run(f);
}

static uint8_t fake_read_rbr(struct fake_uart *f)
{
	uint8_t byte;

	if (f->rx_len == 0)
		return 0;
	byte = f->rx[0];
	memmove(f->rx, f->rx + 1, --f->rx_len);
	return byte;
}

static uint8_t fake_read_msr(const struct fake_uart *f)
{
	uint8_t msr = 0;

	if (!(f->mcr & UART_MCR_LOOP) || f->kind == FAKE_NO_LOOP_LINES)
		return 0;
	if (f->mcr & UART_MCR_RTS)
		msr |= UART_MSR_CTS;
	if (f->mcr & UART_MCR_DTR)
		msr |= UART_MSR_DSR;
	if (f->mcr & UART_MCR_OUT1)
		msr |= UART_MSR_RI;
	if (f->mcr & UART_MCR_OUT2)
		msr |= UART_MSR_DCD;
	return msr;
}

static uint8_t fake_read(void *ctx, unsigned reg)
{
	struct fake_uart *f = ctx;
	bool dlab = f->lcr & UART_LCR_DLAB;
	bool latch_reads = f->kind != FAKE_DIVISOR_IGNORED;
	uint8_t lsr = 0;

	fake_tick(f);
	if (f->kind == FAKE_FLOATING)
		return 0xff;
	switch (reg) {
	case UART_RBR:
		return dlab ? (latch_reads ? f->dll : 0) : fake_read_rbr(f);
	case UART_IER:
		return dlab ? (latch_reads ? f->dlm : 0) : f->ier;
	case UART_IIR:
		if (f->fifo_on && f->kind == FAKE_16550_BROKEN_FIFO)
			return 0x81;
		return f->fifo_on ? 0xc1 : 0x01;
	case UART_LCR:
		return f->lcr;
	case UART_MCR:
		return f->mcr;
	case UART_LSR:
		f->lsr_reads++;
		f->thr_run = 0;
		if (f->rx_len)
			lsr |= UART_LSR_DR;
		if (f->tx_len == 0)
			lsr |= UART_LSR_THRE;
		if (f->tx_len == 0 && !f->shifting)
			lsr |= UART_LSR_TEMT;
		return lsr;
	case UART_MSR:
		return fake_read_msr(f);
	default:
		return f->scr;
	}
}

static void fake_write_thr(struct fake_uart *f, uint8_t byte)
{
	if (f->tx_len >= fake_fifo_size(f)) {
		f->overruns++;
		return;
	}
	f->tx[f->tx_len++] = byte;
	if (++f->thr_run > f->thr_run_max)
		f->thr_run_max = f->thr_run;
	fake_run(f);
}

static void fake_write_fcr(struct fake_uart *f, uint8_t fcr)
{
	if (f->kind == FAKE_16450)
		return;
	f->fifo_on = fcr & UART_FCR_ENABLE;
	if (fcr & UART_FCR_CLEAR_RX)
		f->rx_len = 0;
	if (fcr & UART_FCR_CLEAR_TX)
		f->tx_len = 0;
}

static void fake_write(void *ctx, unsigned reg, uint8_t value)
{
	struct fake_uart *f = ctx;
	bool dlab = f->lcr & UART_LCR_DLAB;

	fake_tick(f);
	if (f->kind == FAKE_FLOATING)
		return;
	switch (reg) {
	case UART_THR:
		if (dlab)
			f->dll = value;
		else
			fake_write_thr(f, value);
		break;
	case UART_IER:
		if (dlab)
			f->dlm = value;
		else
			f->ier = value & 0x0f;
		break;
	case UART_FCR:
		fake_write_fcr(f, value);
		break;
	case UART_LCR:
		f->lcr = value;
		break;
	case UART_MCR:
		f->mcr = value & 0x1f;
		break;
	case UART_SCR:
		f->scr = value;
		break;
	default:
		break; /* LSR and MSR are read-only */
	}
}

static uint64_t fake_now_us(void *ctx)
{
	const struct fake_uart *f = ctx;

	return f->now_ns / 1000;
}

void fake_uart_init(struct fake_uart *f, enum fake_uart_kind kind)
{
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->io = (struct uart_io){
	    .read = fake_read,
	    .write = fake_write,
	    .now_us = fake_now_us,
	    .ctx = f,
	};
	/* As a firmware might leave it: 9600 8N1, DTR and RTS up. */
	f->dll = 12;
	f->lcr = UART_LCR_8N1;
	f->mcr = UART_MCR_DTR | UART_MCR_RTS;
	f->now_ns = 1000000000ull;
	f->access_ns = FAKE_UART_ACCESS_NS;
}

void fake_uart_stall(struct fake_uart *f, uint64_t us)
{
	f->stall_from_ns = f->now_ns;
	f->stall_until_ns = f->now_ns + us * 1000;
}

void fake_uart_idle(struct fake_uart *f, uint64_t us)
{
	f->now_ns += us * 1000;
	fake_run(f);
}
