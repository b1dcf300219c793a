/*
 * The log ring: every line the console was given since the first line of
 * the boot, in memory, for the debug monitor's `log` command and the tail
 * of the fatal report (the public side is in base/log.h). Lines are kept
 * whole, each ending in '\n'; when a new line does not fit, the oldest go,
 * whole, and are counted.
 *
 * Only base/log.c uses this header: it serializes the writers with the log
 * lock. On the fatal path writers may run unlocked and even race; every
 * access is then still inside the buffer and every scan bounded, so a race
 * can garble lines but never write outside the ring or loop for ever.
 */
#ifndef BASE_LOG_RING_H
#define BASE_LOG_RING_H

#include "lib/compiler.h"

#define LOG_RING_SIZE (1u << 20) /* bytes; a power of two */
/* A longer line is cut to this many bytes (its newline not counted). */
#define LOG_RING_LINE_MAX 1023

/* Appends one line: a then b (either may be empty), and a newline. */
void log_ring_add_line(const char *a, size_t alen, const char *b,
		       size_t blen);

/* Lines added since boot, kept or not, and how many were overwritten. */
uint64_t log_ring_added(void);
uint64_t log_ring_overwritten(void);

/*
 * Finds the last n lines among the first end_line lines ever added (those
 * still kept): *from is where the first of them starts, *to where the last
 * ends; returns how many there are (fewer than n when fewer are kept).
 */
unsigned log_ring_find(uint64_t end_line, unsigned n, uint64_t *from,
		       uint64_t *to);

/*
 * Copies the line that starts at *pos, without its newline, into buf
 * (size bytes, at least LOG_RING_LINE_MAX + 1; NUL-terminated) and moves
 * *pos to the next line; returns its length. A line overwritten since
 * *pos was found is skipped: *pos first moves to the oldest line kept.
 */
size_t log_ring_copy_line(uint64_t *pos, char *buf, size_t size);

#endif
