/* 16550-compatible UART on an I/O port, polled, no interrupts. */
#ifndef ARCH_X86_UART_H
#define ARCH_X86_UART_H

#include "lib/compiler.h"

#define UART_COM1 0x3f8
#define UART_BASE_CLOCK 115200

/*
 * Programs the UART for baud 8N1, FIFOs on, interrupts off. Returns false
 * (leaving it alone) when nothing answers at the port, as on PCs without a
 * serial port: the scratch register does not hold a value.
 */
bool uart_init(uint16_t port, uint32_t baud);

/* Sends one byte; gives up after ~10 ms so a dead UART cannot hang us. */
void uart_putc(uint16_t port, char c);

/* Waits (at most ~10 ms) until everything sent has left the wire. */
void uart_drain(uint16_t port);

#endif
