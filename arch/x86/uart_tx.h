/*
 * Polled transmission to a UART that uart_detect() found, bounded in time:
 * bytes go out a FIFO-full at a time, a transmitter that does not drain
 * within a timeout is taken to be stuck and its output is dropped (and
 * counted) instead of waited for, and it is taken back once it drains
 * again. Pure (through struct uart_io): host-tested against models.
 */
#ifndef ARCH_X86_UART_TX_H
#define ARCH_X86_UART_TX_H

#include "arch/x86/uart_io.h"

/* The shortest time THRE may stay clear before the UART is stuck. */
#define UART_TX_TIMEOUT_MIN_US 10000

enum uart_tx_news {
	UART_TX_NO_NEWS,
	UART_TX_NEWS_STUCK,     /* it stopped draining */
	UART_TX_NEWS_RECOVERED, /* it drains again */
};

struct uart_tx {
	unsigned fifo_depth;   /* bytes THR takes once THRE is set */
	unsigned room;         /* bytes that may be written before polling */
	uint64_t timeout_us;   /* the longest wait for THRE or TEMT */
	bool stuck;            /* output is dropped, not waited for */
	uint64_t stuck_at_us;  /* when the wait that failed began */
	uint64_t dropped;      /* bytes dropped since it got stuck */
	uint64_t dropped_total;
	enum uart_tx_news news; /* not said yet (uart_tx_take_news) */
	uint64_t news_dropped;  /* for UART_TX_NEWS_RECOVERED */
	uint64_t news_stuck_ms;
};

/*
 * The timeout for a transmitter that takes fifo_depth bytes at a time at
 * baud: twice the time the FIFO and the shift register need to drain (10
 * bits a byte), and never below UART_TX_TIMEOUT_MIN_US.
 */
uint64_t uart_tx_timeout_us(unsigned fifo_depth, uint32_t baud);

void uart_tx_init(struct uart_tx *tx, unsigned fifo_depth, uint32_t baud);

/*
 * Sends one byte; false when it was dropped. Writes up to fifo_depth
 * bytes each time LSR shows THRE, so it never overruns the FIFO, and
 * waits for THRE at most timeout_us: a transmitter that does not drain by
 * then is stuck (UART_TX_NEWS_STUCK), and while it is, this returns at
 * once without touching the UART.
 */
bool uart_tx_put(struct uart_tx *tx, const struct uart_io *io, uint8_t byte);

/*
 * For a stuck transmitter: one look at LSR; if THRE is set again it is
 * taken back (UART_TX_NEWS_RECOVERED). Returns whether it is usable now.
 */
bool uart_tx_retry(struct uart_tx *tx, const struct uart_io *io);

/*
 * Waits until everything written has left the shift register (TEMT), at
 * most timeout_us (then it is stuck); returns at once when stuck.
 */
void uart_tx_drain(struct uart_tx *tx, const struct uart_io *io);

/*
 * The news not yet said of the UART called name, as one line for the
 * console without a newline ("[uart 0x3f8: ...]"); false (buf untouched)
 * when there is none.
 */
bool uart_tx_take_news(struct uart_tx *tx, const char *name, char *buf,
		       size_t len);

#endif
