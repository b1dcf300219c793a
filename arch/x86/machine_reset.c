/*
 * Resetting the machine (panic=reboot), each way a PC may offer tried in
 * turn, the most standard first: the ACPI reset register the FADT names
 * (ACPI 6.5, 4.8.4.6), the keyboard controller's pulse of the reset line
 * (command 0xFE to port 0x64), the reset control register at port 0xCF9
 * that Intel chipsets and their emulations have (system reset, then
 * reset with the CPU), and last a triple fault, which every x86 turns
 * into a shutdown that the chipset answers with a reset. Each way gets
 * MACHINE_RESET_WAIT_US to work; the console says when one did not.
 */
#include "arch/x86/machine.h"
#include "arch/x86/console.h"
#include "arch/x86/cpu.h"
#include "arch/x86/descriptors.h"
#include "arch/x86/tsc.h"
#include "base/log.h"
#include "lib/format.h"

#define MACHINE_RESET_WAIT_US 100000ull
#define KBC_STATUS_PORT 0x64
#define KBC_STATUS_INPUT_FULL (1u << 1)
#define KBC_CMD_PULSE_RESET 0xfe
#define RST_CNT_PORT 0xcf9
#define RST_CNT_SYS_RST (1u << 1)
#define RST_CNT_RST_CPU (1u << 2)
#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA 0xcfc
#define PCI_CONFIG_ENABLE (1u << 31)

static struct acpi_reset reset_register;

void machine_set_reset_register(const struct acpi_reset *r)
{
	reset_register = *r;
}

void machine_describe_reset(char *buf, size_t size)
{
	const struct acpi_reset *r = &reset_register;

	if (!r->present)
		fmt_snprintf(buf, size, "the keyboard controller (%s)",
			     r->why ? r->why : "no FADT");
	else if (r->space == ACPI_RESET_IO)
		fmt_snprintf(buf, size,
			     "the ACPI reset register (I/O port %#llx, value %#x)",
			     (unsigned long long)r->address, r->value);
	else
		fmt_snprintf(buf, size,
			     "the ACPI reset register (PCI 00:%02llx.%llx offset %#llx, value %#x)",
			     (unsigned long long)(r->address >> 32),
			     (unsigned long long)((r->address >> 16) & 0xffff),
			     (unsigned long long)(r->address & 0xffff), r->value);
}

static void machine_reset_acpi(void)
{
	const struct acpi_reset *r = &reset_register;
	uint32_t dev, fn, off;

	if (r->space == ACPI_RESET_IO) {
		outb((uint16_t)r->address, r->value);
		return;
	}
	dev = (uint32_t)(r->address >> 32);
	fn = (uint32_t)(r->address >> 16) & 0xffff;
	off = (uint32_t)r->address & 0xffff;
	outl(PCI_CONFIG_ADDRESS,
	     PCI_CONFIG_ENABLE | dev << 11 | fn << 8 | (off & 0xfc));
	outb((uint16_t)(PCI_CONFIG_DATA + (off & 3)), r->value);
}

/* Waits (bounded) until the controller takes a command, then sends it. */
static void machine_reset_keyboard_controller(void)
{
	for (unsigned i = 0; i < 10000; i++) {
		if (!(inb(KBC_STATUS_PORT) & KBC_STATUS_INPUT_FULL))
			break;
		tsc_delay_us(10);
	}
	outb(KBC_STATUS_PORT, KBC_CMD_PULSE_RESET);
}

static void machine_reset_cf9(void)
{
	outb(RST_CNT_PORT, RST_CNT_SYS_RST);
	tsc_delay_us(50);
	outb(RST_CNT_PORT, RST_CNT_SYS_RST | RST_CNT_RST_CPU);
}

/*
 * No IDT at all: the breakpoint cannot be delivered, nor the #GP, nor
 * the #DF that follow, so the CPU shuts down.
 */
static __noreturn void machine_reset_triple_fault(void)
{
	struct descriptor_ptr none = { .limit = 0, .base = 0 };

	__asm__ volatile("lidt %0; int3" : : "m"(none) : "memory");
	cpu_halt_forever();
}

__noreturn void machine_reset(void)
{
	static const struct {
		const char *name;
		void (*reset)(void);
	} ways[] = {
		{ "the ACPI reset register", machine_reset_acpi },
		{ "the keyboard controller", machine_reset_keyboard_controller },
		{ "port 0xcf9", machine_reset_cf9 },
	};

	irq_disable();
	for (unsigned i = 0; i < ARRAY_SIZE(ways); i++) {
		if (i == 0 && !reset_register.present)
			continue;
		ways[i].reset();
		tsc_delay_us(MACHINE_RESET_WAIT_US);
		pr_err("reboot: %s did not reset the machine within %llu ms: trying %s",
		       ways[i].name, MACHINE_RESET_WAIT_US / 1000,
		       i + 1 < ARRAY_SIZE(ways) ? ways[i + 1].name : "a triple fault");
		console_flush();
	}
	machine_reset_triple_fault();
}
