#include "arch/x86/machine.h"
#include "arch/x86/cpu.h"
#include "hv/options.h"

#define QEMU_DEBUG_EXIT_PORT 0xf4
#define BOCHS_SHUTDOWN_PORT 0x8900

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
