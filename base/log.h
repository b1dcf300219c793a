/*
 * The hypervisor log: printf-style, one prefix per line with a timestamp
 * (seconds since boot) and the CPU number:
 *
 *   [    0.012345] cpu0 acpi: MADT lists 4 CPUs
 *
 * A message is formatted first and written whole under one lock, so lines
 * from different CPUs never interleave. Usable from the first instruction
 * of C: text written before the console is registered is kept and replayed.
 *
 * Every line the console is given is also kept in a ring in memory (1 MiB
 * of whole lines, base/log_ring.c), from the first line of the boot: the
 * early lines enter it as they are replayed, those the level lets
 * through. The debug monitor's `log` command and the tail of the fatal
 * report read it back.
 *
 * The log sits below arch/: it reaches the machine only through the hooks
 * below, which arch/x86 registers (arch/x86/base_hooks.c, console.c).
 */
#ifndef BASE_LOG_H
#define BASE_LOG_H

#include <stdarg.h>

#include "lib/compiler.h"

#define LOG_LINE_MAX 512

/* Levels: a message is written when its level is at most the log's. */
enum log_level {
	LOG_ERROR = 0,
	LOG_WARN = 1,
	LOG_INFO = 2,
	LOG_DEBUG = 3,
};

void log_printf(unsigned level, const char *fmt, ...) __printf(2, 3);
void log_vprintf(unsigned level, const char *fmt, va_list ap);

#define pr_err(...) log_printf(LOG_ERROR, "ERROR: " __VA_ARGS__)
#define pr_warn(...) log_printf(LOG_WARN, "WARNING: " __VA_ARGS__)
#define pr_info(...) log_printf(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) log_printf(LOG_DEBUG, __VA_ARGS__)

/* The level messages are written at (a LOG_* value). */
unsigned log_get_level(void);

/* Messages above this level (a LOG_* value) are dropped (default LOG_INFO). */
void log_set_level(unsigned level);

/* How many LOG_WARN messages were logged so far, shown or hidden by the
 * level (the summary's warnings=). */
uint64_t log_warning_count(void);

/*
 * What the log needs from the machine. Each hook may be called on any CPU,
 * in any context (NMI and exception handlers included), and must not log.
 */
struct log_hooks {
	/* This CPU's number (0 = the boot CPU). */
	unsigned (*cpu_id)(void);
	/* Microseconds since boot; 0 until the clock is calibrated. */
	uint64_t (*us_since_boot)(void);
	/* Masks maskable interrupts on this CPU; true if they were unmasked. */
	bool (*irq_mask)(void);
	/* Unmasks them again (after irq_mask() returned true). */
	void (*irq_unmask)(void);
};

/*
 * Registers the hooks; hooks must stay valid for good. Call on the boot
 * CPU before any other CPU starts. Until then the log writes "cpu0" and
 * time 0 and leaves interrupts alone (only the boot CPU runs, interrupts
 * off).
 */
void log_set_hooks(const struct log_hooks *hooks);

/*
 * Registers the console: write(s, n) sends n bytes to every output. The
 * log serializes the calls (except once the lock is bypassed, see
 * log_enter_panic_mode() and log.c). Until a console is registered,
 * messages go to an early buffer (16 KiB; what does not fit is cut, and
 * that is said); log_replay_to_console() sends them out.
 */
void log_set_console(void (*write)(const char *s, size_t n));

/*
 * Sends everything logged before the console was registered to it (and a
 * note if some of it was cut). Does nothing without a console.
 */
void log_replay_to_console(void);

/*
 * Sends every line the console was given since boot (what the ring
 * holds: the lines the level let through) to write, rather than to the
 * console: for a console that moves to another output once the machine
 * is known. For the console alone, before other CPUs log.
 */
void log_replay_history(void (*write)(const char *s, size_t n));

/*
 * For the fatal path: makes the log usable even if another CPU was stopped
 * while holding its lock. Everything after this is written unlocked.
 */
void log_enter_panic_mode(void);

/*
 * Writes n bytes to the console as they are: no prefix, not into the ring
 * (the debug monitor's prompt and answers). Serialized with the log lines
 * by the log lock, under the same rules: a lock held for good by a wedged
 * CPU is bypassed, and after log_enter_panic_mode() it is not taken.
 * Nothing is written before a console is registered.
 */
void log_write_raw(const char *s, size_t n);

/*
 * The same, to the console's outputs that are not screens (UARTs, port
 * 0xe9) only: for text a screen already shows, such as the log tail of a
 * fatal report, which would push the report itself off a screen. The
 * console registers that writer with log_set_serial_console(); without
 * one nothing is written.
 */
void log_write_raw_serial(const char *s, size_t n);
void log_set_serial_console(void (*write)(const char *s, size_t n));

/*
 * Calls out(ctx, line, len) for the last n lines of the ring, oldest
 * first (line without its newline, len bytes, also NUL-terminated);
 * returns how many. Fewer when fewer are kept; a line overwritten while
 * the tail is being read is left out. out is called without the log lock
 * held and may log or write to the console.
 */
unsigned log_ring_tail(unsigned n,
		       void (*out)(void *ctx, const char *line, size_t len),
		       void *ctx);

/*
 * The same for the last n of the lines that came before a moment:
 * end_line is what log_ring_lines() said then (the fatal report shows
 * what the log said before the report began).
 */
unsigned log_ring_tail_before(uint64_t end_line, unsigned n,
			      void (*out)(void *ctx, const char *line,
					  size_t len),
			      void *ctx);

/* Lines that went into the ring since boot (kept, or overwritten since). */
uint64_t log_ring_lines(void);

/* Lines the ring has overwritten to make room (the oldest first). */
uint64_t log_ring_dropped(void);

/*
 * selftest=deaf-cpu: takes the log lock for good, as a CPU wedged in the
 * middle of a line would; other CPUs must still be heard.
 */
void log_selftest_hold_lock(void);

#endif
