/*
 * The registers of a 16550 in memory, through a mapping of them (the
 * direct map's uncached alias, mmio.h): register r is the byte at r
 * (UART_SPACE_MMIO8), or the low byte of the 32-bit word at 4r
 * (UART_SPACE_MMIO32), which is read and written whole: such UARTs
 * (Intel LPSS, AMD) ignore, or fault on, narrower accesses.
 */
#ifndef ARCH_X86_UART_MMIO_H
#define ARCH_X86_UART_MMIO_H

#include "arch/x86/uart_where.h"

static inline uint8_t uart_mmio_read(volatile void *regs, uint8_t space,
				     unsigned reg)
{
	if (space == UART_SPACE_MMIO32)
		return (uint8_t)((volatile uint32_t *)regs)[reg];
	return ((volatile uint8_t *)regs)[reg];
}

static inline void uart_mmio_write(volatile void *regs, uint8_t space,
				   unsigned reg, uint8_t value)
{
	if (space == UART_SPACE_MMIO32)
		((volatile uint32_t *)regs)[reg] = value;
	else
		((volatile uint8_t *)regs)[reg] = value;
}

#endif
