/*
 * Reading the rings, from any CPU, while their CPUs go on recording: one
 * CPU's last events, or every CPU's merged in stamp order.
 */
#include "base/trace_internal.h"
#include "base/log.h"

uint64_t trace_ring_first(const struct trace_ring *r, uint64_t head)
{
	uint64_t first = __atomic_load_n(&r->cleared, __ATOMIC_ACQUIRE);

	if (first > head) /* a clear after head was read */
		return head;
	if (head - first > TRACE_RING_EVENTS)
		first = head - TRACE_RING_EVENTS;
	return first;
}

/*
 * The stamp_kind read before and after the copy must be the same and not
 * 0 (the writer zeroes it first and sets it last); then the slot must not
 * have been reserved for event idx + TRACE_RING_EVENTS by the time the
 * copy was made.
 */
bool trace_ring_read(struct trace_ring *r, uint64_t idx, struct trace_event *ev)
{
	struct trace_event *events =
	    __atomic_load_n(&r->events, __ATOMIC_ACQUIRE);
	struct trace_event *slot;
	uint64_t head;

	if (!events)
		return false;
	slot = &events[idx & (TRACE_RING_EVENTS - 1)];
	ev->stamp_kind = __atomic_load_n(&slot->stamp_kind, __ATOMIC_ACQUIRE);
	for (unsigned i = 0; i < ARRAY_SIZE(ev->arg); i++)
		ev->arg[i] = __atomic_load_n(&slot->arg[i], __ATOMIC_ACQUIRE);
	if (!ev->stamp_kind ||
	    ev->stamp_kind !=
		__atomic_load_n(&slot->stamp_kind, __ATOMIC_RELAXED))
		return false;
	head = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
	return head - idx <= TRACE_RING_EVENTS;
}

static unsigned trace_emit(unsigned cpu, const struct trace_event *ev,
			   void (*out)(void *ctx, const char *line), void *ctx)
{
	char line[TRACE_LINE_MAX];

	trace_format_event(line, sizeof(line), cpu, ev);
	out(ctx, line);
	return 1;
}

unsigned trace_show(unsigned cpu, unsigned n,
		    void (*out)(void *ctx, const char *line), void *ctx)
{
	struct trace_ring *r;
	struct trace_event ev;
	uint64_t head, idx;
	unsigned shown = 0;

	if (cpu >= TRACE_MAX_CPUS)
		return 0;
	r = &trace_rings[cpu];
	head = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
	idx = trace_ring_first(r, head);
	if (head - idx > n)
		idx = head - n;
	for (; idx < head; idx++)
		if (trace_ring_read(r, idx, &ev))
			shown += trace_emit(cpu, &ev, out, ctx);
	return shown;
}

static void trace_report_line(void *ctx, const char *line)
{
	(void)ctx;
	log_printf(LOG_ERROR, "%s", line);
}

void trace_report_cpu(unsigned cpu, unsigned n)
{
	uint64_t recorded = cpu < TRACE_MAX_CPUS ? trace_count(cpu) : 0;

	if (!recorded)
		return;
	log_printf(LOG_ERROR, "the last %llu trace events of cpu%u:",
		   (unsigned long long)MIN(recorded, (uint64_t)n), cpu);
	trace_show(cpu, n, trace_report_line, NULL);
}

/*
 * A CPU's place in the merge: events [hi - lo, hi) may be shown, those
 * from hi - pos on are taken (lo and pos count back from hi).
 */
struct trace_cursor {
	uint64_t hi;
	uint32_t lo, pos;
};

/*
 * The stamp of the oldest event a wrapped ring still holds, the latest
 * over all CPUs: before it, some CPU's events are gone. 0 if no ring
 * wrapped since the last clear.
 */
static uint64_t trace_merge_start(struct trace_cursor *cur)
{
	uint64_t start = 0;
	struct trace_event ev;

	for (unsigned cpu = 0; cpu < TRACE_MAX_CPUS; cpu++) {
		struct trace_ring *r = &trace_rings[cpu];
		uint64_t head = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
		uint64_t first = trace_ring_first(r, head);

		cur[cpu] = (struct trace_cursor){
		    .hi = head, .lo = (uint32_t)(head - first)};
		if (!r->events ||
		    head - __atomic_load_n(&r->cleared, __ATOMIC_ACQUIRE) <=
			TRACE_RING_EVENTS)
			continue;
		/* The oldest one readable: the very first may be in the
		 * middle of being overwritten. */
		for (uint64_t idx = first; idx < head; idx++) {
			if (trace_ring_read(r, idx, &ev)) {
				start = MAX(start, trace_event_stamp(&ev));
				break;
			}
		}
	}
	return start;
}

/*
 * The CPU whose next event is the newest (backwards: the one before pos)
 * or the oldest (forwards: at pos), read into *ev; -1 when none is left.
 * Unreadable events and, backwards, those before start are dropped.
 */
static int trace_merge_pick(struct trace_cursor *cur, bool backwards,
			    uint64_t start, struct trace_event *ev)
{
	int best = -1;
	uint64_t best_stamp = 0;

	for (unsigned cpu = 0; cpu < TRACE_MAX_CPUS; cpu++) {
		struct trace_cursor *c = &cur[cpu];
		struct trace_event e;
		uint64_t stamp;

		for (;;) {
			uint64_t idx;

			if (backwards ? c->pos >= c->lo : c->pos == 0)
				break;
			idx = c->hi - (backwards ? c->pos + 1 : c->pos);
			if (trace_ring_read(&trace_rings[cpu], idx, &e))
				break;
			/* Not there whole: skipped. */
			if (backwards)
				c->pos++;
			else
				c->pos--;
		}
		if (backwards ? c->pos >= c->lo : c->pos == 0)
			continue;
		stamp = trace_event_stamp(&e);
		if (backwards && stamp < start) {
			c->lo = c->pos; /* everything older is before start */
			continue;
		}
		if (best < 0 ||
		    (backwards ? stamp > best_stamp : stamp < best_stamp)) {
			best = (int)cpu;
			best_stamp = stamp;
			*ev = e;
		}
	}
	return best;
}

/*
 * Two passes: backwards from each head, taking the newest event over all
 * CPUs n times, finds where each CPU's share of the last n begins; then
 * forwards from there, taking the oldest each time, shows them.
 */
unsigned trace_show_all(unsigned n, void (*out)(void *ctx, const char *line),
			void *ctx)
{
	struct trace_cursor cur[TRACE_MAX_CPUS];
	struct trace_event ev;
	uint64_t start = trace_merge_start(cur);
	unsigned taken, shown = 0;
	int cpu;

	for (taken = 0; taken < n; taken++) {
		cpu = trace_merge_pick(cur, true, start, &ev);
		if (cpu < 0)
			break;
		cur[cpu].pos++;
	}
	while (shown < taken) {
		cpu = trace_merge_pick(cur, false, 0, &ev);
		if (cpu < 0)
			break;
		cur[cpu].pos--;
		shown += trace_emit((unsigned)cpu, &ev, out, ctx);
	}
	return shown;
}
