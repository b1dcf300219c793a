/*
 * Transmission, bounded in time. THRE set means the whole transmit FIFO
 * is empty (PC16550D data sheet, LSR bit 5), so that many bytes may then
 * be written without looking again. The waits measure time through the
 * caller's clock, never a number of status reads, whose cost differs by
 * a hundredfold between emulators and real PCs.
 */
#include "arch/x86/uart_tx.h"
#include "arch/x86/uart_regs.h"
#include "lib/format.h"

#define UART_BITS_PER_BYTE 10 /* start, 8 data, stop */

uint64_t uart_tx_timeout_us(unsigned fifo_depth, uint32_t baud)
{
	uint64_t byte_us, drain_us;

	if (baud == 0)
		baud = 1;
	byte_us = (UART_BITS_PER_BYTE * 1000000ull + baud - 1) / baud;
	drain_us = (fifo_depth + 1) * byte_us; /* the FIFO, the shift register */
	return MAX(2 * drain_us, (uint64_t)UART_TX_TIMEOUT_MIN_US);
}

void uart_tx_init(struct uart_tx *tx, unsigned fifo_depth, uint32_t baud)
{
	*tx = (struct uart_tx){
	    .fifo_depth = fifo_depth ? fifo_depth : 1,
	    .timeout_us = uart_tx_timeout_us(fifo_depth, baud),
	};
}

static void uart_tx_mark_stuck(struct uart_tx *tx, uint64_t since_us)
{
	tx->stuck = true;
	tx->stuck_at_us = since_us;
	tx->dropped = 0;
	tx->room = 0;
	tx->news = UART_TX_NEWS_STUCK;
}

/*
 * Polls LSR until one of the bits in mask is set; true then. After
 * timeout_us of polling, the transmitter is stuck and this returns false.
 * The clock is read only once the first look failed.
 */
static bool uart_tx_wait(struct uart_tx *tx, const struct uart_io *io,
			 uint8_t mask)
{
	uint64_t start;

	if (uart_io_read(io, UART_LSR) & mask)
		return true;
	start = io->now_us(io->ctx);
	for (;;) {
		if (uart_io_read(io, UART_LSR) & mask)
			return true;
		if (io->now_us(io->ctx) - start >= tx->timeout_us) {
			uart_tx_mark_stuck(tx, start);
			return false;
		}
	}
}

bool uart_tx_put(struct uart_tx *tx, const struct uart_io *io, uint8_t byte)
{
	if (tx->stuck) {
		tx->dropped++;
		return false;
	}
	if (tx->room == 0) {
		if (!uart_tx_wait(tx, io, UART_LSR_THRE)) {
			tx->dropped++;
			return false;
		}
		tx->room = tx->fifo_depth;
	}
	uart_io_write(io, UART_THR, byte);
	tx->room--;
	return true;
}

bool uart_tx_retry(struct uart_tx *tx, const struct uart_io *io)
{
	uint64_t now;

	if (!tx->stuck)
		return true;
	if (!(uart_io_read(io, UART_LSR) & UART_LSR_THRE))
		return false;
	now = io->now_us(io->ctx);
	tx->stuck = false;
	tx->room = tx->fifo_depth;
	tx->dropped_total += tx->dropped;
	tx->news = UART_TX_NEWS_RECOVERED;
	tx->news_dropped = tx->dropped;
	tx->news_stuck_ms =
	    now > tx->stuck_at_us ? (now - tx->stuck_at_us) / 1000 : 0;
	tx->dropped = 0;
	return true;
}

void uart_tx_drain(struct uart_tx *tx, const struct uart_io *io)
{
	if (!tx->stuck && uart_tx_wait(tx, io, UART_LSR_TEMT))
		tx->room = tx->fifo_depth;
}

bool uart_tx_take_news(struct uart_tx *tx, const char *name, char *buf,
		       size_t len)
{
	switch (tx->news) {
	case UART_TX_NEWS_STUCK:
		fmt_snprintf(buf, len,
			     "[uart %s: the transmitter has not drained for "
			     "%llu ms: its output is dropped until it does]",
			     name, (unsigned long long)tx->timeout_us / 1000);
		break;
	case UART_TX_NEWS_RECOVERED:
		fmt_snprintf(buf, len,
			     "[uart %s: the transmitter drains again after "
			     "%llu ms; %llu byte(s) were dropped]",
			     name, (unsigned long long)tx->news_stuck_ms,
			     (unsigned long long)tx->news_dropped);
		break;
	default:
		return false;
	}
	tx->news = UART_TX_NO_NEWS;
	return true;
}
