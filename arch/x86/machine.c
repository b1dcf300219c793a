#include "arch/x86/machine.h"
#include "arch/x86/console.h"
#include "arch/x86/cpu.h"
#include "arch/x86/tsc.h"
#include "base/log.h"

#define QEMU_DEBUG_EXIT_PORT 0xf4
#define BOCHS_SHUTDOWN_PORT 0x8900

bool machine_port_is_owned(uint16_t port)
{
	static const struct {
		uint16_t first, last;
	} owned[] = {
		{ 0x20, 0x21 },     /* 8259 PIC */
		{ 0x40, 0x43 },     /* PIT */
		{ 0x61, 0x61 },     /* PIT gate */
		{ 0xa0, 0xa1 },     /* 8259 PIC */
		{ 0xe9, 0xe9 },     /* debug console */
		{ QEMU_DEBUG_EXIT_PORT, QEMU_DEBUG_EXIT_PORT + 3 },
		{ 0x2e8, 0x2ef },   /* COM4 */
		{ 0x2f8, 0x2ff },   /* COM2 */
		{ 0x3e8, 0x3ef },   /* COM3 */
		{ 0x3f8, 0x3ff },   /* COM1 */
		{ BOCHS_SHUTDOWN_PORT, BOCHS_SHUTDOWN_PORT },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(owned); i++)
		if (port >= owned[i].first && port <= owned[i].last)
			return true;
	return false;
}

int machine_ports_first_owned(uint16_t port, unsigned size)
{
	for (unsigned i = 0; i < size; i++) {
		uint16_t p = (uint16_t)(port + i);

		if (machine_port_is_owned(p))
			return p;
	}
	return -1;
}

__noreturn void machine_exit(unsigned exit_mode, bool pass)
{
	irq_disable();
	if (exit_mode == EXIT_QEMU) {
		outl(QEMU_DEBUG_EXIT_PORT, pass ? 0 : 1);
	} else if (exit_mode == EXIT_BOCHS) {
		for (const char *s = "Shutdown"; *s; s++)
			outb(BOCHS_SHUTDOWN_PORT, (uint8_t)*s);
	}
	cpu_halt_forever();
}

__noreturn void machine_end_fatal(unsigned exit_mode, unsigned panic_mode,
				  void (*monitor)(void))
{
	char how[120];

	irq_disable();
	if (panic_mode == PANIC_MODE_DEFAULT && exit_mode != EXIT_HALT)
		machine_exit(exit_mode, false);
	if (panic_mode == PANIC_MODE_DEFAULT)
		panic_mode = PANIC_MODE_MONITOR;
	switch (panic_mode) {
	case PANIC_MODE_REBOOT:
		machine_describe_reset(how, sizeof(how));
		log_printf(LOG_ERROR, "panic=reboot: resetting the machine in %llu ms through %s",
			   MACHINE_REBOOT_DELAY_US / 1000, how);
		console_flush();
		tsc_delay_us(MACHINE_REBOOT_DELAY_US);
		machine_reset();
	case PANIC_MODE_MONITOR:
		if (monitor) {
			monitor();
			log_printf(LOG_ERROR, "panic=monitor: no serial console to read commands from: halting");
		} else {
			log_printf(LOG_ERROR, "panic=monitor: no debug monitor in this build: halting");
		}
		break;
	default:
		log_printf(LOG_ERROR, "panic=halt: halting");
		break;
	}
	console_flush();
	cpu_halt_forever();
}
