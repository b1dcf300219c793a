/*
 * The debug log's lines about events (loglevel=debug): each event as a
 * "trace: ..." line, rate-limited per CPU and kind so that a boot with
 * every exit and fault logged still runs at the pace of its work, not of
 * the serial line.
 *
 * Each CPU and kind gets TRACE_LOG_PER_SECOND lines per second of the
 * clock (seconds since boot, whole); the rest of that second are counted,
 * and the next event of that kind in a later second first says how many
 * there were. Only the CPU itself touches its counts (an NMI that records
 * in between may miscount one line, no more).
 */
#include "base/log.h"
#include "base/trace_internal.h"

struct trace_log_budget {
	uint64_t second; /* the second the counts are for */
	uint32_t shown;
	uint32_t suppressed;
};

static struct trace_log_budget trace_log_budgets[TRACE_MAX_CPUS][TRACE_KINDS];

void trace_log_event(unsigned cpu, const struct trace_event *ev)
{
	unsigned kind = trace_event_kind(ev);
	uint64_t second =
	    trace_hooks->stamp_to_us(trace_event_stamp(ev)) / 1000000;
	struct trace_log_budget *b;
	char text[TRACE_LINE_MAX];

	if (cpu >= TRACE_MAX_CPUS || kind >= TRACE_KINDS)
		return;
	b = &trace_log_budgets[cpu][kind];
	if (second != b->second) {
		if (b->suppressed)
			pr_debug("trace: ... %u more %s lines suppressed (at most %u a second per CPU)",
				 b->suppressed, trace_kind_name(kind),
				 TRACE_LOG_PER_SECOND);
		b->second = second;
		b->shown = 0;
		b->suppressed = 0;
	}
	if (b->shown >= TRACE_LOG_PER_SECOND) {
		b->suppressed++;
		return;
	}
	b->shown++;
	trace_format_text(text, sizeof(text), ev);
	pr_debug("trace: %s", text);
}

void trace_log_flush(void)
{
	for (unsigned cpu = 0; cpu < TRACE_MAX_CPUS; cpu++) {
		for (unsigned kind = 0; kind < TRACE_KINDS; kind++) {
			struct trace_log_budget *b =
			    &trace_log_budgets[cpu][kind];

			if (!b->suppressed)
				continue;
			pr_debug("trace: ... %u more %s lines of cpu%u suppressed (at most %u a second per CPU)",
				 b->suppressed, trace_kind_name(kind), cpu,
				 TRACE_LOG_PER_SECOND);
			b->suppressed = 0;
		}
	}
}
