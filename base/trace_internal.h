/* Inside the trace (base/trace*.c): the rings and how they are read. */
#ifndef BASE_TRACE_INTERNAL_H
#define BASE_TRACE_INTERNAL_H

#include "base/trace.h"

_Static_assert((TRACE_RING_EVENTS & (TRACE_RING_EVENTS - 1)) == 0,
	       "TRACE_RING_EVENTS must be a power of two");
_Static_assert(sizeof(struct trace_event) == 32, "an event is 32 bytes");

/*
 * One CPU's ring. head counts the slots its CPU reserved since boot (only
 * that CPU adds to it); event i lives in events[i % TRACE_RING_EVENTS]
 * until event i + TRACE_RING_EVENTS is reserved. cleared is head at the
 * last trace_clear(): older events are not shown.
 */
struct trace_ring {
	uint64_t head;
	uint64_t cleared;
	struct trace_event *events; /* NULL: no ring yet */
} __aligned(64);

extern struct trace_ring trace_rings[TRACE_MAX_CPUS];
extern const struct trace_hooks *trace_hooks;

static inline unsigned trace_event_kind(const struct trace_event *ev)
{
	return (unsigned)(ev->stamp_kind >> 56) - 1;
}

static inline uint64_t trace_event_stamp(const struct trace_event *ev)
{
	return ev->stamp_kind & TRACE_STAMP_MASK;
}

/*
 * The oldest event of r still shown, for a ring whose head was read as
 * head: none before the last clear, none overwritten.
 */
uint64_t trace_ring_first(const struct trace_ring *r, uint64_t head);

/*
 * Copies event idx of r into *ev. False if it is not there whole: being
 * written, or its slot reserved for a newer event meanwhile.
 */
bool trace_ring_read(struct trace_ring *r, uint64_t idx,
		     struct trace_event *ev);

/* The line for one event: "<seconds> cpu<N> <text>", seconds since boot
 * right-aligned in 5 digits with 6 decimals. */
void trace_format_event(char *buf, size_t size, unsigned cpu,
			const struct trace_event *ev);
/* The text alone: "exit npf code=0x400 ...". */
void trace_format_text(char *buf, size_t size, const struct trace_event *ev);
/* "exit", "fault", ...; "?" for a kind out of range. */
const char *trace_kind_name(unsigned kind);

/* The debug log's share of trace_record_event(): one event of cpu. */
void trace_log_event(unsigned cpu, const struct trace_event *ev);

#endif
