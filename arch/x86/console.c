#include "arch/x86/console.h"
#include "arch/x86/cpu.h"
#include "arch/x86/pci_uart.h"
#include "arch/x86/fb_console.h"
#include "arch/x86/uart.h"
#include "arch/x86/vga_text.h"
#include "base/log.h"
#include "lib/format.h"
#include "lib/string.h"

#define E9_PORT 0xe9
#define CONSOLE_NEWS_MAX 160

/* One output console= names; a UART is used only when it was found. */
struct console_output {
	struct console_spec spec;
	struct uart uart; /* CONSOLE_UART (a PCI card's becomes one) */
	bool present;
	bool waits_for_paging; /* a UART in memory, started later */
	bool mid_line; /* the last byte it took was not a newline */
};

static struct console_output outputs[CONSOLE_MAX_OUTPUTS];
static unsigned output_count;
static bool ready;
static bool vga_active;
static bool paging_up; /* mmio_map() now refuses RAM, reaches above 4 GiB */

bool console_add_vga_text(uint64_t phys, unsigned width, unsigned height)
{
	vga_active = vga_text_init(phys, width, height);
	return vga_active;
}

/*
 * A PCI card's UART becomes a CONSOLE_UART at the BAR its function's
 * header gives (or, when it has none, one that failed, named after the
 * function); false then, with why.
 */
static bool console_find_pci_uart(struct console_output *o)
{
	struct pci_func f = o->spec.pci;
	char why[sizeof(o->uart.found.failure)];
	bool found = pci_uart_at(f, &o->spec.uart, why, sizeof(why));

	o->spec.kind = CONSOLE_UART;
	if (!found) {
		o->spec.uart = (struct uart_where){.pci = true,
						   .pci_bus = f.bus,
						   .pci_dev = f.dev,
						   .pci_fn = f.fn};
		uart_init_failed(&o->uart, &o->spec.uart, why);
	}
	return found;
}

/*
 * Brings one output up: true when it can be written to. A UART in memory
 * waits until paging is up: before, mmio_map() would take any address
 * below 4 GiB, RAM (the image, the tables) included.
 */
static bool console_output_start(struct console_output *o)
{
	o->mid_line = false;
	o->waits_for_paging = false;
	if (o->spec.kind == CONSOLE_UART_PCI && !console_find_pci_uart(o))
		return false;
	if (o->spec.kind != CONSOLE_UART)
		return true;
	if (o->spec.uart.space != UART_SPACE_IO && !paging_up) {
		o->waits_for_paging = true;
		return false;
	}
	return uart_init(&o->uart, &o->spec.uart, o->spec.baud);
}

static void console_put(struct console_output *o, char c);

static struct console_output *replay_target;

static void console_write_replay(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		console_put(replay_target, s[i]);
}

/* Gives one output what the log kept since boot (log_replay_history()). */
static void console_catch_up(struct console_output *o)
{
	replay_target = o;
	log_replay_history(console_write_replay);
	replay_target = NULL;
}

/* The UART's log line, with where it came from. */
static void console_describe(const struct console_output *o, char *buf,
			     size_t len)
{
	static const char *const origins[] = {
	    [CONSOLE_FROM_SPCR] = " from ACPI SPCR",
	    [CONSOLE_FROM_PCI_SCAN] = " found by PCI class scan",
	};
	char name[UART_NAME_MAX + 32];
	const char *origin = o->spec.origin < ARRAY_SIZE(origins) ?
				 origins[o->spec.origin] :
				 NULL;

	fmt_snprintf(name, sizeof(name), "%s%s", o->uart.name,
		     origin ? origin : "");
	uart_describe(&o->uart.found, name, buf, len);
}

/* To the UARTs and port 0xe9, not the screens (log_write_raw_serial()). */
static void console_write_serial(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (unsigned k = 0; k < output_count; k++)
			console_put(&outputs[k], s[i]);
}

bool console_add_framebuffer(const struct boot_framebuffer *fb)
{
	return fb_console_init(fb);
}

bool console_show_framebuffer(void)
{
	return fb_console_show();
}

void console_init_screens_only(void)
{
	output_count = 0;
	ready = true;
	log_set_console(console_write);
	log_set_serial_console(console_write_serial);
}

void console_init(const struct console_spec *specs, unsigned count)
{
	static const struct console_spec default_spec = {
		.kind = CONSOLE_UART,
		.uart = {.space = UART_SPACE_IO, .base = UART_COM1},
		.baud = 115200,
		.origin = CONSOLE_FROM_DEFAULT,
	};

	if (count == 0) {
		specs = &default_spec;
		count = 1;
	}
	output_count = 0;
	for (unsigned i = 0; i < count && i < CONSOLE_MAX_OUTPUTS; i++) {
		struct console_output *o = &outputs[output_count++];

		o->spec = specs[i];
		o->present = console_output_start(o);
	}
	ready = true;
	log_set_console(console_write);
	log_set_serial_console(console_write_serial);
}

void console_report_uarts(void)
{
	char line[LOG_LINE_MAX];

	for (unsigned i = 0; i < output_count; i++) {
		const struct console_output *o = &outputs[i];

		if (o->spec.kind != CONSOLE_UART || o->waits_for_paging)
			continue;
		console_describe(o, line, sizeof(line));
		if (o->present || o->spec.origin == CONSOLE_FROM_DEFAULT)
			pr_info("%s", line);
		else
			pr_warn("%s", line);
	}
}

bool console_move_to(const struct console_spec *spec, const char *reason)
{
	static struct console_output next;
	char line[LOG_LINE_MAX];
	unsigned kept = 0;

	next = (struct console_output){.spec = *spec};
	next.present = console_output_start(&next);
	console_describe(&next, line, sizeof(line));
	if (!next.present) {
		pr_warn("%s", line);
		return false;
	}
	pr_info("console: %s: the log moves to %s", reason, next.uart.name);
	for (unsigned k = 0; k < output_count; k++)
		if (outputs[k].spec.kind != CONSOLE_UART)
			outputs[kept++] = outputs[k];
	output_count = kept;
	outputs[output_count] = next;
	uart_rebind(&outputs[output_count].uart);
	console_catch_up(&outputs[output_count++]);
	pr_info("%s", line);
	return true;
}

void console_start_memory_uarts(void)
{
	char line[LOG_LINE_MAX];

	paging_up = true;
	for (unsigned k = 0; k < output_count; k++) {
		struct console_output *o = &outputs[k];

		if (!o->waits_for_paging)
			continue;
		o->present = console_output_start(o);
		if (o->present)
			console_catch_up(o);
		console_describe(o, line, sizeof(line));
		if (o->present)
			pr_info("%s", line);
		else
			pr_warn("%s", line);
	}
}

bool console_is_ready(void)
{
	return ready;
}

/* One byte to one output; a UART gets CR LF for a newline. */
static void console_put(struct console_output *o, char c)
{
	if (!o->present)
		return;
	if (o->spec.kind == CONSOLE_E9) {
		outb(E9_PORT, (uint8_t)c);
		return;
	}
	if (c == '\n')
		uart_putc(&o->uart, '\r');
	if (uart_putc(&o->uart, c))
		o->mid_line = c != '\n';
}

static void console_put_everywhere(const char *s, size_t n)
{
	fb_console_write(s, n);
	for (size_t i = 0; i < n; i++) {
		if (vga_active)
			vga_text_putc(s[i]);
		for (unsigned k = 0; k < output_count; k++)
			console_put(&outputs[k], s[i]);
	}
}

/*
 * Between two lines: a stuck UART is looked at once, and what changed
 * (stuck, draining again) is said on a line of its own on every output,
 * so a stuck UART is reported where it can be and a UART that comes back
 * learns how much it missed (on a line of its own there too: the line it
 * got stuck in was cut).
 */
static void console_between_lines(void)
{
	char news[CONSOLE_NEWS_MAX];

	for (unsigned k = 0; k < output_count; k++) {
		struct console_output *o = &outputs[k];

		if (!o->present || o->spec.kind != CONSOLE_UART)
			continue;
		if (!uart_take_news(&o->uart, news, sizeof(news)))
			continue;
		if (o->mid_line && !o->uart.tx.stuck)
			console_put(o, '\n');
		console_put_everywhere(news, strlen(news));
		console_put_everywhere("\n", 1);
	}
}

void console_write(const char *s, size_t n)
{
	if (n == 0)
		return;
	console_put_everywhere(s, n);
	if (s[n - 1] == '\n')
		console_between_lines();
}

void console_flush(void)
{
	fb_console_show_early();
	for (unsigned k = 0; k < output_count; k++)
		if (outputs[k].present && outputs[k].spec.kind == CONSOLE_UART)
			uart_drain(&outputs[k].uart);
}

/* The first UART that works: where the console's input comes from. */
static struct console_output *console_input_uart(void)
{
	for (unsigned k = 0; k < output_count; k++)
		if (outputs[k].present && outputs[k].spec.kind == CONSOLE_UART)
			return &outputs[k];
	return NULL;
}

bool console_has_input(void)
{
	return console_input_uart() != NULL;
}

enum console_input console_poll_input(uint8_t *byte)
{
	struct console_output *o = console_input_uart();

	if (!o)
		return CONSOLE_INPUT_NONE;
	switch (uart_getc(&o->uart, byte)) {
	case UART_INPUT_BYTE:
		return CONSOLE_INPUT_BYTE;
	case UART_INPUT_BREAK:
		return CONSOLE_INPUT_BREAK;
	default:
		return CONSOLE_INPUT_NONE;
	}
}
