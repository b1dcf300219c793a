#include "arch/x86/uart.h"
#include "arch/x86/cpu.h"

enum {
	UART_THR = 0, /* transmit holding (DLAB=0) */
	UART_DLL = 0, /* divisor latch low (DLAB=1) */
	UART_IER = 1,
	UART_DLH = 1,
	UART_FCR = 2,
	UART_LCR = 3,
	UART_MCR = 4,
	UART_LSR = 5,
	UART_SCR = 7,
};

#define LCR_8N1 0x03
#define LCR_DLAB 0x80
#define FCR_ENABLE_CLEAR 0x07
#define MCR_DTR_RTS_OUT2 0x0b
#define LSR_THRE 0x20
#define LSR_TEMT 0x40

bool uart_init(uint16_t port, uint32_t baud)
{
	uint16_t divisor = (uint16_t)(UART_BASE_CLOCK / (baud ? baud : 115200));

	outb(port + UART_SCR, 0x5a);
	if (inb(port + UART_SCR) != 0x5a)
		return false;
	outb(port + UART_SCR, 0xa5);
	if (inb(port + UART_SCR) != 0xa5)
		return false;

	outb(port + UART_IER, 0);
	outb(port + UART_LCR, LCR_DLAB);
	outb(port + UART_DLL, divisor & 0xff);
	outb(port + UART_DLH, divisor >> 8);
	outb(port + UART_LCR, LCR_8N1);
	outb(port + UART_FCR, FCR_ENABLE_CLEAR);
	outb(port + UART_MCR, MCR_DTR_RTS_OUT2);
	return true;
}

void uart_putc(uint16_t port, char c)
{
	/* At 9600 baud a byte takes ~1 ms; each inb costs ~1 us on hardware. */
	for (unsigned spins = 0; spins < 10000; spins++) {
		if (inb(port + UART_LSR) & LSR_THRE)
			break;
	}
	outb(port + UART_THR, (uint8_t)c);
}

void uart_drain(uint16_t port)
{
	for (unsigned spins = 0; spins < 10000; spins++) {
		if (inb(port + UART_LSR) & LSR_TEMT)
			return;
	}
}
