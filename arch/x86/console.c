#include "arch/x86/console.h"
#include "arch/x86/cpu.h"
#include "arch/x86/uart.h"
#include "arch/x86/vga_text.h"
#include "base/log.h"
#include "lib/format.h"

#define E9_PORT 0xe9

static struct console_spec active[CONSOLE_MAX_OUTPUTS];
static unsigned active_count;
static bool ready;
static bool vga_active;

bool console_add_vga_text(uint64_t phys, unsigned width, unsigned height)
{
	vga_active = vga_text_init(phys, width, height);
	return vga_active;
}

void console_init(const struct console_spec *specs, unsigned count,
		  char *missing, size_t missingsz)
{
	static const struct console_spec default_spec = {
		.kind = CONSOLE_UART, .port = UART_COM1, .baud = 115200
	};
	size_t used = 0;

	if (count == 0) {
		specs = &default_spec;
		count = 1;
	}
	if (missing && missingsz)
		missing[0] = '\0';

	active_count = 0;
	for (unsigned i = 0; i < count && i < CONSOLE_MAX_OUTPUTS; i++) {
		const struct console_spec *s = &specs[i];

		if (s->kind == CONSOLE_UART && !uart_init(s->port, s->baud)) {
			if (missing && used < missingsz)
				used += fmt_snprintf(missing + used,
						     missingsz - used,
						     "%sno UART at I/O port %#x",
						     used ? "; " : "", s->port);
			continue;
		}
		active[active_count++] = *s;
	}
	ready = true;
	log_set_console(console_write);
}

bool console_is_ready(void)
{
	return ready;
}

static void console_putc(const struct console_spec *s, char c)
{
	if (s->kind == CONSOLE_E9)
		outb(E9_PORT, (uint8_t)c);
	else
		uart_putc(s->port, c);
}

void console_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (vga_active)
			vga_text_putc(s[i]);
		for (unsigned k = 0; k < active_count; k++) {
			if (s[i] == '\n' && active[k].kind == CONSOLE_UART)
				console_putc(&active[k], '\r');
			console_putc(&active[k], s[i]);
		}
	}
}

void console_flush(void)
{
	for (unsigned k = 0; k < active_count; k++)
		if (active[k].kind == CONSOLE_UART)
			uart_drain(active[k].port);
}
