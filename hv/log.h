/*
 * The hypervisor log: printf-style, one prefix per line with a timestamp
 * (seconds since boot, from the TSC) and the CPU number:
 *
 *   [    0.012345] cpu0 acpi: MADT lists 4 CPUs
 *
 * A message is formatted first and written whole under one lock, so lines
 * from different CPUs never interleave. Usable from the first instruction
 * of C: text written before the console is configured is kept and replayed.
 */
#ifndef HV_LOG_H
#define HV_LOG_H

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

/* Messages above this level are dropped (default LOG_INFO). */
void log_set_level(unsigned level);

/* Sends everything logged so far to the (now configured) console. */
void log_replay_to_console(void);

/*
 * For the fatal path: makes the log usable even if another CPU was stopped
 * while holding its lock. Everything after this is written unlocked.
 */
void log_enter_panic_mode(void);

/*
 * selftest=deaf-cpu: takes the log lock for good, as a CPU wedged in the
 * middle of a line would; other CPUs must still be heard.
 */
void log_selftest_hold_lock(void);

#endif
