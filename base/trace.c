/*
 * Recording into the per-CPU rings, and the switches.
 *
 * Only a ring's CPU writes it: a record zeroes the stamp_kind of the slot
 * at head, then reserves it by moving head on with a compare-exchange.
 * An NMI that records in between takes that slot and moves head itself;
 * the exchange then fails and the interrupted record starts again at the
 * next slot, so two records never share one. The zero is visible before
 * the slot is reserved, so a reader that sees the slot reserved never
 * takes the event it held one lap before for the new one. The arguments
 * are written next and stamp_kind last, all with release order: a reader
 * that finds it non-zero and unchanged around its copy of the arguments
 * (acquire loads) has a whole event (base/trace_show.c). On x86 release
 * stores and acquire loads are plain moves.
 */
#include "base/trace_internal.h"

unsigned trace_sinks;
struct trace_ring trace_rings[TRACE_MAX_CPUS];

/* Until arch/ registers its hooks: the boot CPU alone, no clock. */
static unsigned trace_early_cpu_id(void)
{
	return 0;
}

static uint64_t trace_early_stamp(void)
{
	return 0;
}

static uint64_t trace_early_stamp_to_us(uint64_t stamp)
{
	return 0;
}

static const struct trace_hooks trace_early_hooks = {
    .cpu_id = trace_early_cpu_id,
    .stamp = trace_early_stamp,
    .stamp_to_us = trace_early_stamp_to_us,
};

const struct trace_hooks *trace_hooks = &trace_early_hooks;

void trace_set_hooks(const struct trace_hooks *hooks)
{
	trace_hooks = hooks;
}

static void trace_set_sink(unsigned sink, bool on)
{
	if (on)
		__atomic_fetch_or(&trace_sinks, sink, __ATOMIC_RELAXED);
	else
		__atomic_fetch_and(&trace_sinks, ~sink, __ATOMIC_RELAXED);
}

void trace_set_enabled(bool on)
{
	trace_set_sink(TRACE_TO_RING, on);
}

bool trace_is_enabled(void)
{
	return __atomic_load_n(&trace_sinks, __ATOMIC_RELAXED) & TRACE_TO_RING;
}

void trace_set_log(bool on)
{
	trace_set_sink(TRACE_TO_LOG, on);
}

void trace_attach_ring(unsigned cpu, struct trace_event *events)
{
	if (cpu < TRACE_MAX_CPUS)
		__atomic_store_n(&trace_rings[cpu].events, events,
				 __ATOMIC_RELEASE);
}

void trace_clear(void)
{
	for (unsigned cpu = 0; cpu < TRACE_MAX_CPUS; cpu++) {
		struct trace_ring *r = &trace_rings[cpu];

		__atomic_store_n(&r->cleared,
				 __atomic_load_n(&r->head, __ATOMIC_ACQUIRE),
				 __ATOMIC_RELEASE);
	}
}

uint64_t trace_count(unsigned cpu)
{
	const struct trace_ring *r;

	if (cpu >= TRACE_MAX_CPUS)
		return 0;
	r = &trace_rings[cpu];
	return __atomic_load_n(&r->head, __ATOMIC_ACQUIRE) -
	       __atomic_load_n(&r->cleared, __ATOMIC_ACQUIRE);
}

static void trace_ring_write(struct trace_ring *r, const struct trace_event *ev)
{
	struct trace_event *events =
	    __atomic_load_n(&r->events, __ATOMIC_ACQUIRE);
	struct trace_event *slot;
	uint64_t idx;

	if (!events)
		return;
	idx = __atomic_load_n(&r->head, __ATOMIC_RELAXED);
	do {
		slot = &events[idx & (TRACE_RING_EVENTS - 1)];
		__atomic_store_n(&slot->stamp_kind, 0, __ATOMIC_RELAXED);
	} while (!__atomic_compare_exchange_n(&r->head, &idx, idx + 1, false,
					      __ATOMIC_SEQ_CST,
					      __ATOMIC_RELAXED));
	for (unsigned i = 0; i < ARRAY_SIZE(ev->arg); i++)
		__atomic_store_n(&slot->arg[i], ev->arg[i], __ATOMIC_RELEASE);
	__atomic_store_n(&slot->stamp_kind, ev->stamp_kind, __ATOMIC_RELEASE);
}

/* Never 0, which trace_stamp() keeps for "nothing records". */
uint64_t trace_stamp_now(void)
{
	return (trace_hooks->stamp() & TRACE_STAMP_MASK) | 1;
}

void trace_record_event_at(uint64_t stamp, enum trace_kind kind, uint64_t a,
			   uint64_t b, uint64_t c)
{
	unsigned sinks = __atomic_load_n(&trace_sinks, __ATOMIC_RELAXED);
	unsigned cpu = trace_hooks->cpu_id();
	struct trace_event ev = {
	    .stamp_kind = (stamp & TRACE_STAMP_MASK) | ((uint64_t)kind + 1)
							   << 56,
	    .arg = {a, b, c},
	};

	if (cpu >= TRACE_MAX_CPUS || (unsigned)kind >= TRACE_KINDS)
		return;
	if (sinks & TRACE_TO_RING)
		trace_ring_write(&trace_rings[cpu], &ev);
	if (sinks & TRACE_TO_LOG)
		trace_log_event(cpu, &ev);
}

/*
 * The stamp is read before the slot is reserved, so the events of one
 * ring are in stamp order (but for an NMI that lands in between).
 */
void trace_record_event(enum trace_kind kind, uint64_t a, uint64_t b,
			uint64_t c)
{
	trace_record_event_at(trace_hooks->stamp(), kind, a, b, c);
}
