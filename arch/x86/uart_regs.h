/*
 * The registers of a 16550-compatible UART (National Semiconductor PC16550D
 * data sheet): offsets from its I/O base and the bits the hypervisor uses.
 */
#ifndef ARCH_X86_UART_REGS_H
#define ARCH_X86_UART_REGS_H

#define UART_BASE_CLOCK 115200 /* 1.8432 MHz / 16: the divisor divides it */
#define UART_DIVISOR_MAX 0xffff
#define UART_FIFO_DEPTH 16 /* a 16550A's transmit FIFO */

enum uart_reg {
	UART_RBR = 0, /* receive buffer (read, DLAB=0) */
	UART_THR = 0, /* transmit holding (write, DLAB=0) */
	UART_DLL = 0, /* divisor latch, low byte (DLAB=1) */
	UART_IER = 1, /* interrupt enable (DLAB=0) */
	UART_DLM = 1, /* divisor latch, high byte (DLAB=1) */
	UART_IIR = 2, /* interrupt identification (read) */
	UART_FCR = 2, /* FIFO control (write) */
	UART_LCR = 3, /* line control */
	UART_MCR = 4, /* modem control */
	UART_LSR = 5, /* line status */
	UART_MSR = 6, /* modem status */
	UART_SCR = 7, /* scratch */
};

#define UART_FCR_ENABLE	  0x01
#define UART_FCR_CLEAR_RX 0x02
#define UART_FCR_CLEAR_TX 0x04

#define UART_IIR_FIFO_MASK 0xc0 /* bits 7:6 with the FIFO enabled: */
#define UART_IIR_FIFO_NONE 0x00 /* 8250/16450: no FIFO */
#define UART_IIR_FIFO_BAD  0x80 /* 16550: a FIFO that does not work */
#define UART_IIR_FIFO_OK   0xc0 /* 16550A and later: a working FIFO */

#define UART_LCR_8N1  0x03
#define UART_LCR_DLAB 0x80 /* registers 0 and 1 are the divisor latch */

#define UART_MCR_DTR  0x01
#define UART_MCR_RTS  0x02
#define UART_MCR_OUT1 0x04
#define UART_MCR_OUT2 0x08 /* on PCs, gates the interrupt line */
#define UART_MCR_LOOP 0x10 /* outputs looped back to inputs, TX to RX */
#define UART_MCR_CONSOLE (UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2)

/* In loopback, the modem inputs show the outputs: */
#define UART_MSR_CTS 0x10 /* <- RTS */
#define UART_MSR_DSR 0x20 /* <- DTR */
#define UART_MSR_RI  0x40 /* <- OUT1 */
#define UART_MSR_DCD 0x80 /* <- OUT2 */
#define UART_MSR_INPUTS 0xf0

#define UART_LSR_DR   0x01 /* a received byte waits in RBR */
#define UART_LSR_BI   0x10 /* a break condition was received */
#define UART_LSR_THRE 0x20 /* THR (or the whole TX FIFO) is empty */
#define UART_LSR_TEMT 0x40 /* THR and the shift register are empty */

#endif
