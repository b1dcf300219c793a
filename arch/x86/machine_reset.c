/*
 * Resetting the machine, the ways PCs are known to honour, each tried in
 * turn with a pause to act: the keyboard controller's pulse of the reset
 * line (command 0xfe at port 0x64), the PCI reset control register at
 * 0xcf9 (hard reset), and last a triple fault, which every x86 turns into
 * a shutdown that the chipset answers with a reset.
 */
#include "arch/x86/cpu.h"
#include "arch/x86/descriptors.h"
#include "arch/x86/machine.h"
#include "arch/x86/tsc.h"

#define KBC_STATUS_PORT 0x64
#define KBC_STATUS_INPUT_FULL 0x02
#define KBC_CMD_PULSE_RESET 0xfe
#define PCI_RESET_CONTROL_PORT 0xcf9
#define PCI_RESET_SYS_RST 0x02 /* the next CPU_RST is a full reset */
#define PCI_RESET_CPU_RST 0x04 /* do the reset */
#define RESET_SETTLE_US 50000

static void machine_reset_keyboard_controller(void)
{
	/* The controller takes a command only with its input buffer empty;
	 * a PC without one reads 0xff forever: give up after a while. */
	for (unsigned i = 0; i < 10000; i++) {
		if (!(inb(KBC_STATUS_PORT) & KBC_STATUS_INPUT_FULL)) {
			outb(KBC_STATUS_PORT, KBC_CMD_PULSE_RESET);
			return;
		}
		tsc_delay_us(10);
	}
}

static __noreturn void machine_triple_fault(void)
{
	static const struct descriptor_ptr no_idt = {0, 0};

	__asm__ volatile("lidt %0; int3" : : "m"(no_idt));
	cpu_halt_forever();
}

__noreturn void machine_reset(void)
{
	irq_disable();
	machine_reset_keyboard_controller();
	tsc_delay_us(RESET_SETTLE_US);
	outb(PCI_RESET_CONTROL_PORT, PCI_RESET_SYS_RST);
	outb(PCI_RESET_CONTROL_PORT, PCI_RESET_SYS_RST | PCI_RESET_CPU_RST);
	tsc_delay_us(RESET_SETTLE_US);
	machine_triple_fault();
}
