/*
 * What answers at a UART's I/O base. A scratch register alone is not
 * enough on real PCs: a Super I/O chip whose UART is disabled in the
 * firmware setup may still decode the port and keep the scratch byte, and
 * then nothing ever leaves it. So the UART must also loop its modem
 * outputs and a byte back to itself, as only a working one can.
 */
#include "arch/x86/uart_detect.h"
#include "arch/x86/uart_regs.h"
#include "lib/format.h"

#include <stdarg.h>

/* Bytes to read from RBR before giving up on emptying it (FIFO and more). */
#define UART_RX_FLUSH_MAX (4 * UART_FIFO_DEPTH)

/* What a port's registers were before the test, to give them back. */
struct uart_saved {
	uint8_t lcr, mcr;
	uint16_t divisor;
};

static void __printf(2, 3) uart_fail(struct uart_found *found,
				      const char *fmt, ...)
{
	va_list ap;

	found->model = UART_MODEL_NONE;
	va_start(ap, fmt);
	fmt_vsnprintf(found->failure, sizeof(found->failure), fmt, ap);
	va_end(ap);
}

uint16_t uart_divisor(uint32_t baud)
{
	uint32_t divisor;

	if (baud == 0 || baud > UART_BASE_CLOCK)
		return 1;
	divisor = UART_BASE_CLOCK / baud;
	return (uint16_t)MIN(divisor, (uint32_t)UART_DIVISOR_MAX);
}

static uint16_t uart_read_divisor(const struct uart_io *io, uint8_t lcr)
{
	uint16_t divisor;

	uart_io_write(io, UART_LCR, lcr | UART_LCR_DLAB);
	divisor = uart_io_read(io, UART_DLL);
	divisor |= (uint16_t)(uart_io_read(io, UART_DLM) << 8);
	uart_io_write(io, UART_LCR, lcr);
	return divisor;
}

/* Programs the divisor and line control; true if the latch holds it. */
static bool uart_set_divisor(const struct uart_io *io, uint16_t divisor,
			     uint8_t lcr)
{
	uart_io_write(io, UART_LCR, UART_LCR_DLAB);
	uart_io_write(io, UART_DLL, divisor & 0xff);
	uart_io_write(io, UART_DLM, divisor >> 8);
	uart_io_write(io, UART_LCR, lcr);
	return uart_read_divisor(io, lcr) == divisor;
}

/*
 * The scratch register holds two patterns. A port where nothing answers
 * reads 0xff everywhere (the bus floats), which is said apart.
 */
static bool uart_scratch_holds(const struct uart_io *io,
			       struct uart_found *found)
{
	static const uint8_t patterns[] = {0x5a, 0xa5};

	for (unsigned i = 0; i < ARRAY_SIZE(patterns); i++) {
		uint8_t got;

		uart_io_write(io, UART_SCR, patterns[i]);
		got = uart_io_read(io, UART_SCR);
		if (got == patterns[i])
			continue;
		if (got == 0xff && uart_io_read(io, UART_LSR) == 0xff)
			uart_fail(found, "nothing answers: reads 0xff");
		else
			uart_fail(found,
				  "scratch register wrote 0x%02x, read 0x%02x",
				  patterns[i], got);
		return false;
	}
	return true;
}

/*
 * Turns the FIFO on and reads what IIR bits 7:6 say of it. A 16550's FIFO
 * (bits 7:6 = 10) does not work and is turned off again, as is anything
 * that does not report a working one.
 */
static void uart_enable_fifo(const struct uart_io *io,
			     struct uart_found *found)
{
	uint8_t iir;

	uart_io_write(io, UART_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR_RX |
					    UART_FCR_CLEAR_TX);
	iir = uart_io_read(io, UART_IIR) & UART_IIR_FIFO_MASK;
	if (iir == UART_IIR_FIFO_OK) {
		found->model = UART_MODEL_16550A;
		found->fifo_depth = UART_FIFO_DEPTH;
		return;
	}
	uart_io_write(io, UART_FCR, 0);
	found->model = iir == UART_IIR_FIFO_BAD ? UART_MODEL_16550 :
						  UART_MODEL_16450;
	found->fifo_depth = 1;
}

/*
 * In loopback the modem inputs show the outputs (CTS <- RTS, DSR <- DTR,
 * RI <- OUT1, DCD <- OUT2): two complementary patterns, each input seen
 * both set and clear.
 */
static bool uart_loopback_lines(const struct uart_io *io,
				struct uart_found *found)
{
	static const struct {
		uint8_t mcr, msr;
	} patterns[] = {
	    {UART_MCR_LOOP | UART_MCR_OUT2 | UART_MCR_RTS,
	     UART_MSR_DCD | UART_MSR_CTS},
	    {UART_MCR_LOOP | UART_MCR_OUT1 | UART_MCR_DTR,
	     UART_MSR_RI | UART_MSR_DSR},
	};

	for (unsigned i = 0; i < ARRAY_SIZE(patterns); i++) {
		uint8_t msr;

		uart_io_write(io, UART_MCR, patterns[i].mcr);
		msr = uart_io_read(io, UART_MSR) & UART_MSR_INPUTS;
		if (msr != patterns[i].msr) {
			uart_fail(found,
				  "loopback failed: modem inputs 0x%02x, "
				  "not 0x%02x",
				  msr, patterns[i].msr);
			return false;
		}
	}
	return true;
}

/* Waits, at most UART_LOOPBACK_WAIT_US, for a received byte. */
static bool uart_wait_received(const struct uart_io *io)
{
	uint64_t start = io->now_us(io->ctx);

	while (!(uart_io_read(io, UART_LSR) & UART_LSR_DR)) {
		if (io->now_us(io->ctx) - start >= UART_LOOPBACK_WAIT_US)
			return false;
	}
	return true;
}

/* In loopback (outputs off), two bytes sent come back through RBR. */
static bool uart_loopback_bytes(const struct uart_io *io,
				struct uart_found *found)
{
	static const uint8_t bytes[] = {0xa5, 0x5a};

	uart_io_write(io, UART_MCR, UART_MCR_LOOP);
	for (unsigned i = 0; i < UART_RX_FLUSH_MAX; i++) {
		if (!(uart_io_read(io, UART_LSR) & UART_LSR_DR))
			break;
		(void)uart_io_read(io, UART_RBR);
	}
	for (unsigned i = 0; i < ARRAY_SIZE(bytes); i++) {
		uint8_t got;

		uart_io_write(io, UART_THR, bytes[i]);
		if (!uart_wait_received(io)) {
			uart_fail(found,
				  "loopback failed: byte 0x%02x never came "
				  "back",
				  bytes[i]);
			return false;
		}
		got = uart_io_read(io, UART_RBR);
		if (got != bytes[i]) {
			uart_fail(found,
				  "loopback failed: sent 0x%02x, received "
				  "0x%02x",
				  bytes[i], got);
			return false;
		}
	}
	return true;
}

/* The tests, at 115200 baud so that the loopback bytes take no time. */
static bool uart_test(const struct uart_io *io, struct uart_found *found)
{
	if (!uart_set_divisor(io, 1, UART_LCR_8N1)) {
		uart_fail(found, "divisor latch does not hold 0x0001");
		return false;
	}
	uart_io_write(io, UART_IER, 0);
	uart_enable_fifo(io, found);
	return uart_loopback_lines(io, found) &&
	       uart_loopback_bytes(io, found);
}

bool uart_detect(const struct uart_io *io, uint32_t baud,
		 struct uart_found *found)
{
	struct uart_saved saved;

	*found = (struct uart_found){.model = UART_MODEL_NONE};
	if (!uart_scratch_holds(io, found))
		return false;
	saved.lcr = uart_io_read(io, UART_LCR);
	saved.mcr = uart_io_read(io, UART_MCR);
	saved.divisor = uart_read_divisor(io, saved.lcr);

	if (uart_test(io, found)) {
		found->divisor_kept = baud == 0 && saved.divisor != 0;
		found->divisor = found->divisor_kept ? saved.divisor :
						       uart_divisor(baud);
		found->baud = UART_BASE_CLOCK / found->divisor;
		uart_io_write(io, UART_MCR, UART_MCR_CONSOLE);
		if (found->fifo_depth > 1)
			uart_io_write(io, UART_FCR,
				      UART_FCR_ENABLE | UART_FCR_CLEAR_RX |
					      UART_FCR_CLEAR_TX);
		(void)uart_io_read(io, UART_RBR);
		if (uart_set_divisor(io, found->divisor, UART_LCR_8N1))
			return true;
		uart_fail(found, "divisor latch does not hold 0x%04x",
			  found->divisor);
	}
	uart_io_write(io, UART_FCR, 0);
	uart_io_write(io, UART_MCR, saved.mcr);
	uart_set_divisor(io, saved.divisor, saved.lcr & ~UART_LCR_DLAB);
	uart_io_write(io, UART_LCR, saved.lcr);
	return false;
}

static const char *uart_model_name(enum uart_model model)
{
	switch (model) {
	case UART_MODEL_16450:
		return "16450";
	case UART_MODEL_16550:
		return "16550";
	case UART_MODEL_16550A:
		return "16550A";
	default:
		return "no 16550";
	}
}

void uart_describe(const struct uart_found *found, const char *name,
		   char *buf, size_t len)
{
	int used;

	if (found->model == UART_MODEL_NONE) {
		fmt_snprintf(buf, len,
			     "uart: no 16550 at %s (%s): serial console off",
			     name, found->failure);
		return;
	}
	if (found->divisor_kept)
		used = fmt_snprintf(buf, len,
				    "uart: %s at %s, divisor %u as the "
				    "firmware set it, ",
				    uart_model_name(found->model), name,
				    found->divisor);
	else
		used = fmt_snprintf(buf, len, "uart: %s at %s, %u baud, ",
				    uart_model_name(found->model), name,
				    found->baud);
	if (used < 0 || (size_t)used >= len)
		return;
	if (found->fifo_depth > 1)
		fmt_snprintf(buf + used, len - used, "%u-byte FIFO",
			     found->fifo_depth);
	else if (found->model == UART_MODEL_16550)
		fmt_snprintf(buf + used, len - used,
			     "FIFO not used (it does not work in a 16550)");
	else
		fmt_snprintf(buf + used, len - used, "no FIFO");
}
