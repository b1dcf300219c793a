/*
 * The console: every configured output (16550 UARTs at I/O ports, in
 * memory or on a PCI serial card; port 0xe9) receives every byte. A UART
 * whose transmitter stops draining is skipped, and the other outputs are
 * told so, until it drains again. Until console_init() runs nothing is
 * sent; the log keeps the text and replays it then. console_init()
 * registers console_write() as the log's console (base/log.h).
 */
#ifndef ARCH_X86_CONSOLE_H
#define ARCH_X86_CONSOLE_H

#include "arch/x86/pci_config.h"
#include "arch/x86/uart_where.h"
#include "boot/boot_info.h"

#define CONSOLE_MAX_OUTPUTS 4 /* console_init() uses the first this many */

enum console_kind {
	CONSOLE_UART = 1,     /* a 16550 at I/O ports or in memory (.uart) */
	CONSOLE_E9 = 2,       /* the emulators' debug port 0xe9 */
	CONSOLE_UART_PCI = 3, /* the 16550 of a PCI serial card (.pci) */
};

/* Why an output is there, for its log line. */
enum console_origin {
	CONSOLE_FROM_OPTION = 0, /* console= named it */
	CONSOLE_FROM_DEFAULT,    /* no console=: COM1, until ACPI is read */
	CONSOLE_FROM_SPCR,       /* no console=: the ACPI SPCR table's UART */
	CONSOLE_FROM_PCI_SCAN,   /* no console=, SPCR or COM1: a PCI card */
};

/* One output, as console= names it. */
struct console_spec {
	uint32_t kind;          /* enum console_kind */
	struct uart_where uart; /* CONSOLE_UART: where its registers are */
	struct pci_func pci;    /* CONSOLE_UART_PCI: the card's function */
	uint32_t baud;          /* UARTs; 0: the divisor the firmware set */
	uint32_t origin;        /* enum console_origin */
};

/*
 * Brings up the given outputs (the default COM1 115200 when count is 0)
 * and registers them as the log's console. A UART is tested first
 * (uart_detect.h) and left out when it fails: the other outputs carry on
 * and nothing ever waits for it. A UART in memory waits for
 * console_start_memory_uarts(). Safe to call again with other outputs.
 */
void console_init(const struct console_spec *specs, unsigned count);

/*
 * Logs one line per UART console_init() was given: what was found and
 * where ("uart: 16550A at 0x3f8, 115200 baud, 16-byte FIFO"), or, as a
 * warning, why it is not used (for the default COM1 an ordinary line:
 * console_choose_default() still looks elsewhere). Call once the log's
 * early text was replayed.
 */
void console_report_uarts(void);

/*
 * Once paging is up (after memory_init_paging()): brings up the UARTs in
 * memory console_init() was given, which waited until mmio_map() could
 * refuse RAM and reach above 4 GiB; each is given everything the log
 * kept since boot (log_replay_history()) and gets its line.
 */
void console_start_memory_uarts(void);

/*
 * Makes the UART spec names the console's only UART, in place of those
 * console_init() brought up, if it works; port 0xe9 and the screen are
 * left as they are. The outputs it leaves are told first, with reason
 * ("console: <reason>: the log moves to <UART>"); the new UART is then
 * given everything the log kept since boot (log_replay_history()), and its
 * line is logged as console_report_uarts() would. False, the console
 * unchanged and a warning logged, when the UART does not work.
 */
bool console_move_to(const struct console_spec *spec, const char *reason);

/*
 * Adds the VGA text screen (a BIOS boot's EGA text framebuffer) as one more
 * output; false when its geometry is implausible.
 */
bool console_add_vga_text(uint64_t phys, unsigned width, unsigned height);

/*
 * Adds a linear framebuffer (arch/x86/fb_console.h) as one more output;
 * false, with a warning that says why, when text cannot be drawn on it.
 * What is written is kept until console_show_framebuffer() draws it.
 */
bool console_add_framebuffer(const struct boot_framebuffer *fb);

/* Draws on the framebuffer from now on: once the final page tables are in. */
bool console_show_framebuffer(void);

/*
 * console_init() with no UART and no port (console=fb alone): only the
 * screens added with console_add_*() show the log; nothing takes input.
 */
void console_init_screens_only(void);

/* Sends bytes to every output. The caller serializes (the log does). */
void console_write(const char *s, size_t n);

bool console_is_ready(void);

/* What console_poll_input() found. */
enum console_input {
	CONSOLE_INPUT_NONE = 0,  /* nothing was typed */
	CONSOLE_INPUT_BYTE = 1,  /* a byte, in *byte */
	CONSOLE_INPUT_BREAK = 2, /* a break condition on the serial line */
};

/*
 * Takes one byte typed on the console's input, the first UART that
 * console_init() found working; never waits. CONSOLE_INPUT_NONE when
 * there is no such UART. The caller serializes (one CPU reads input).
 */
enum console_input console_poll_input(uint8_t *byte);

/* Whether some UART can take input (console_poll_input() can return more
 * than CONSOLE_INPUT_NONE). */
bool console_has_input(void);

/*
 * Returns once the UARTs have sent everything, and the framebuffer shows
 * what it kept if the run ends before console_show_framebuffer() (before
 * the machine stops).
 */
void console_flush(void);

#endif
