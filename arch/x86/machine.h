/* Leaving the run: emulator exit ports, or halting. */
#ifndef ARCH_X86_MACHINE_H
#define ARCH_X86_MACHINE_H

#include "lib/compiler.h"

/* How a run ends (exit= on the command line). */
enum exit_mode {
	EXIT_HALT = 0,  /* halt every CPU (default) */
	EXIT_QEMU = 1,  /* isa-debug-exit at port 0xf4 */
	EXIT_BOCHS = 2, /* Bochs shutdown port 0x8900 */
};

/*
 * exit_mode is enum exit_mode. QEMU's isa-debug-exit
 * (iobase 0xf4) exits with status (value << 1) | 1: 1 for a pass, 3 for a
 * failure. Bochs leaves on "Shutdown" written to port 0x8900. Otherwise,
 * and if the port does nothing (real hardware), this CPU halts for good.
 */
__noreturn void machine_exit(unsigned exit_mode, bool pass);

/*
 * Resets the machine (keyboard controller, PCI reset control, then a
 * triple fault). The caller drains the console first.
 */
__noreturn void machine_reset(void);

/*
 * Whether the hypervisor itself drives this I/O port (its serial ports,
 * the debug console, the emulator exit ports, PIC and PIT): a guest write
 * there must not reach the hardware.
 */
bool machine_port_is_owned(uint16_t port);

/*
 * The first port of the size bytes from port (which wrap at 64 Ki) that
 * the hypervisor owns, or -1 if none: an access that covers an owned
 * port is an access to that port.
 */
int machine_ports_first_owned(uint16_t port, unsigned size);

#endif
