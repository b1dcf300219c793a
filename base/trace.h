/*
 * The trace: a ring of recent events per CPU (VM exits, MMU operations),
 * for the monitor's `trace` command, the fatal path and tests, and the
 * source of the debug log's lines about them.
 *
 * Recording is lock-free: each CPU writes only its own ring, and reserves
 * its slot with one compare-exchange, so an NMI that records in the middle
 * of another record takes another slot. While neither the rings nor the
 * debug log want events, trace_record() costs one predictable branch.
 * Readers on any CPU check each event they copy; one overwritten while
 * being read is left out, and whatever a slot holds is decoded without
 * trusting it (an unknown kind is shown as a number), never crashes.
 *
 * Like the log, the trace sits below arch/: the CPU number and the clock
 * come through hooks arch/x86 registers (arch/x86/base_hooks.c), the ring
 * memory and the names of exit kinds from hv/ (hv/vm_trace.c).
 */
#ifndef BASE_TRACE_H
#define BASE_TRACE_H

#include "lib/compiler.h"

#define TRACE_MAX_CPUS	  64
#define TRACE_RING_EVENTS 4096 /* per CPU, a power of two */
#define TRACE_LINE_MAX	  160
/* Debug log: lines per CPU and kind each second before the rest are counted. */
#define TRACE_LOG_PER_SECOND 5

/*
 * What happened, and what its three arguments a, b, c are. gfn: guest
 * frame number; level: 1 = 4 KiB entries.
 */
enum trace_kind {
	/* A VM exit. a: exit kind (as named by trace_set_exit_names()) |
	 * the vendor's exit code << 16; b: qualification (EXITINFO1);
	 * c: the guest-physical address for exits whose name says so,
	 * else RIP. */
	TRACE_EXIT,
	/* A nested page fault handled (recorded by its handler, hv/exit.c).
	 * a: gpa; b: access, TRACE_ACC_*; c: result, TRACE_FAULT_*. */
	TRACE_FAULT,
	/* An entry made present or given more rights by a fault, split or
	 * collapse. a: gfn it maps from; b: level, | the table's physical
	 * address when the entry links a table; c: the new entry. */
	TRACE_INSTALL,
	/* A table unlinked from the tree, its entries about to be marked.
	 * a: its physical address; b: the level of its entries; c: its
	 * first gfn. */
	TRACE_DISCONNECT,
	/* A disconnected table freed after its grace period. a: its
	 * physical address. */
	TRACE_FREE,
	/* A TLB flush of the VM. a: TRACE_FLUSH_*; b: its generation. */
	TRACE_FLUSH,
	/* Range operations. a: first gfn; b: end gfn (exclusive); c: how
	 * many entries the operation changed (removed, split, replaced,
	 * write-protected, found young). */
	TRACE_ZAP,
	TRACE_SPLIT,
	TRACE_COLLAPSE,
	TRACE_WRPROTECT,
	TRACE_AGE,
	/* A grace period for disconnected tables. a: TRACE_GRACE_*;
	 * b: BEGIN: the flush generation it waits for; END: tables freed. */
	TRACE_GRACE,
	TRACE_KINDS
};

/* TRACE_FAULT's b and c. */
#define TRACE_ACC_READ	(1u << 0)
#define TRACE_ACC_WRITE (1u << 1)
#define TRACE_ACC_EXEC	(1u << 2)
enum trace_fault_result {
	TRACE_FAULT_OK = 0,
	TRACE_FAULT_RETRY = 1,
	TRACE_FAULT_MMIO = 2,
	TRACE_FAULT_ERROR = 3,
};

/* TRACE_FLUSH's a: begun here, completed here, or served by one another
 * CPU began (b: the generation that served). */
enum trace_flush_step {
	TRACE_FLUSH_BEGIN = 0,
	TRACE_FLUSH_DONE = 1,
	TRACE_FLUSH_JOINED = 2,
};

/* TRACE_GRACE's a. */
enum trace_grace_step {
	TRACE_GRACE_BEGIN = 0,
	TRACE_GRACE_END = 1,
};

/*
 * One event, 32 bytes. stamp_kind holds the TSC in bits 55:0 and kind + 1
 * in bits 63:56; 0 while the slot is being written (or was never written).
 */
struct trace_event {
	uint64_t stamp_kind;
	uint64_t arg[3];
};

#define TRACE_STAMP_MASK ((1ull << 56) - 1)

/* Where trace_record() sends events: bits of trace_sinks. */
#define TRACE_TO_RING (1u << 0)
#define TRACE_TO_LOG  (1u << 1)
extern unsigned trace_sinks;

/* Out of the way of the code that records: cold, so that its callers
 * keep their registers for their own work. */
__cold void trace_record_event(enum trace_kind kind, uint64_t a, uint64_t b,
			       uint64_t c);
__cold void trace_record_event_at(uint64_t stamp, enum trace_kind kind,
				  uint64_t a, uint64_t b, uint64_t c);
__cold uint64_t trace_stamp_now(void);

/* Records an event on this CPU; any context, NMI handlers included. */
static inline void trace_record(enum trace_kind kind, uint64_t a, uint64_t b,
				uint64_t c)
{
	if (unlikely(__atomic_load_n(&trace_sinks, __ATOMIC_RELAXED)))
		trace_record_event(kind, a, b, c);
}

/*
 * For an event that can only be recorded once the change it describes is
 * visible to other CPUs (a table linked into the tree): a stamp taken
 * before the change, and the event recorded afterwards with it, so that
 * the merged view orders it before whatever another CPU did to the table
 * next. 0 while nothing records (the event is then dropped).
 */
static inline uint64_t trace_stamp(void)
{
	if (unlikely(__atomic_load_n(&trace_sinks, __ATOMIC_RELAXED)))
		return trace_stamp_now();
	return 0;
}

static inline void trace_record_at(uint64_t stamp, enum trace_kind kind,
				   uint64_t a, uint64_t b, uint64_t c)
{
	if (unlikely(stamp))
		trace_record_event_at(stamp, kind, a, b, c);
}

/* Recording into the rings on or off (off at boot). */
void trace_set_enabled(bool on);
bool trace_is_enabled(void);

/*
 * The debug log: each event also becomes a "trace: ..." line at LOG_DEBUG,
 * at most TRACE_LOG_PER_SECOND per CPU and kind each second; the next line
 * of that kind after a second with more says how many were left out
 * ("trace: ... K more exit lines suppressed"). Turn on only when the log
 * shows LOG_DEBUG: the lines are made whether shown or not.
 */
void trace_set_log(bool on);

/*
 * The debug log's last word: how many lines each CPU and kind left out
 * that no later line has told of yet. At the end of a run, with no CPU
 * recording.
 */
void trace_log_flush(void);

/*
 * Gives cpu its ring: TRACE_RING_EVENTS events, zeroed, kept for good.
 * Until then events of that CPU go nowhere but the debug log.
 */
void trace_attach_ring(unsigned cpu, struct trace_event *events);

/* Forgets every CPU's events (recording may go on meanwhile). */
void trace_clear(void);

/* Events recorded on cpu since the last clear, overwritten ones too. */
uint64_t trace_count(unsigned cpu);

/*
 * Calls out(ctx, line) for each of the last n events of cpu, oldest first,
 * one line each without a newline:
 *     "    12.345678 cpu1 exit npf code=0x400 info=0x100000006 gpa=0x1234000"
 * Returns how many lines.
 */
unsigned trace_show(unsigned cpu, unsigned n,
		    void (*out)(void *ctx, const char *line), void *ctx);

/*
 * For the fatal report: logs (as errors) the last n events of cpu under a
 * heading ("the last 8 trace events of cpu1:"); nothing when the CPU
 * recorded none. Safe on the fatal path (no lock).
 */
void trace_report_cpu(unsigned cpu, unsigned n);

/*
 * The same for the last n events of all CPUs merged in TSC order. Starts
 * no earlier than the oldest event still held by a CPU whose ring wrapped,
 * so that no CPU's events are missing from the span shown.
 */
unsigned trace_show_all(unsigned n, void (*out)(void *ctx, const char *line),
			void *ctx);

/* How TRACE_EXIT's exit kinds (its a & 0xffff) are named. */
struct trace_exit_name {
	const char *name;
	bool gpa; /* c is a guest-physical address, not RIP */
};

/* names[kind] for kinds below count; kept for good. Unnamed: "exit#N". */
void trace_set_exit_names(const struct trace_exit_name *names, unsigned count);

/*
 * What the trace needs from the machine; each hook may be called on any
 * CPU in any context and must neither log nor record.
 */
struct trace_hooks {
	/* This CPU's number (0 = the boot CPU). */
	unsigned (*cpu_id)(void);
	/* The TSC (or any counter that all CPUs share). */
	uint64_t (*stamp)(void);
	/* Microseconds since boot at that stamp; 0 until calibrated. */
	uint64_t (*stamp_to_us)(uint64_t stamp);
};

/* Registers the hooks, kept for good; until then CPU 0 and stamp 0. */
void trace_set_hooks(const struct trace_hooks *hooks);

#endif
