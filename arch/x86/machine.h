/* Leaving the run: emulator exit ports, or halting. */
#ifndef ARCH_X86_MACHINE_H
#define ARCH_X86_MACHINE_H

#include "arch/x86/acpi_reset.h"

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

/* What the fatal path does after its report (panic= on the command line). */
enum panic_mode {
	PANIC_MODE_DEFAULT = 0, /* exit=qemu/bochs: as exit= says; else monitor */
	PANIC_MODE_HALT = 1,    /* every CPU halts */
	PANIC_MODE_REBOOT = 2,  /* machine_reset() after a pause */
	PANIC_MODE_MONITOR = 3, /* the debug monitor, else halt */
};

/* How long panic=reboot waits before the reset, for the serial line. */
#define MACHINE_REBOOT_DELAY_US 500000ull

/*
 * The end of the fatal path, after the "hv: done: FAIL" line, on the CPU
 * that won it, the others stopped: as panic_mode (enum panic_mode) says.
 * The default leaves through the exit port when exit_mode (enum
 * exit_mode) names one (emulators), else opens the monitor. monitor is
 * the debug monitor hv/ registered (it has the console to itself and
 * never needs to return); NULL, or a monitor that returns, halts.
 */
__noreturn void machine_end_fatal(unsigned exit_mode, unsigned panic_mode,
				  void (*monitor)(void));

/* The ACPI reset register the FADT gave, for machine_reset(). */
void machine_set_reset_register(const struct acpi_reset *r);

/* Describes how machine_reset() will try first, e.g. "the ACPI reset
 * register (I/O port 0xcf9, value 0x6)". */
void machine_describe_reset(char *buf, size_t size);

/*
 * Resets the machine (arch/x86/machine_reset.c): the ACPI reset
 * register, else the keyboard controller, else port 0xCF9, else a
 * triple fault; each way that did not work is said on the console.
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
