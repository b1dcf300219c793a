#include <stdarg.h>

#include "base/log.h"
#include "base/log_ring.h"
#include "lib/format.h"
#include "lib/spinlock.h"

#define EARLY_BUFFER_SIZE 16384

static struct spinlock log_lock = SPINLOCK_INIT;
static volatile int log_owner = -1; /* CPU holding log_lock, for re-entry */
static unsigned log_level = LOG_INFO;
static bool panic_mode;

/* Until arch/ registers its hooks: the boot CPU alone, no clock yet. */
static unsigned log_early_cpu_id(void)
{
	return 0;
}

static uint64_t log_early_us_since_boot(void)
{
	return 0;
}

static bool log_early_irq_mask(void)
{
	return false;
}

static void log_early_irq_unmask(void)
{
}

static const struct log_hooks log_early_hooks = {
	.cpu_id = log_early_cpu_id,
	.us_since_boot = log_early_us_since_boot,
	.irq_mask = log_early_irq_mask,
	.irq_unmask = log_early_irq_unmask,
};

static const struct log_hooks *hooks = &log_early_hooks;
static void (*log_console)(const char *s, size_t n); /* NULL: none yet */
static void (*log_serial_console)(const char *s, size_t n); /* no screens */

/*
 * Text logged before the console was up, every level: each line starts
 * with its level as one character ('0' + level). The replay, once the
 * console is up and the options have set the level, writes the lines the
 * level lets through, without that character.
 */
static char early_buffer[EARLY_BUFFER_SIZE];
static size_t early_used;
static bool early_overflowed;

void log_set_hooks(const struct log_hooks *h)
{
	hooks = h;
}

void log_set_console(void (*write)(const char *s, size_t n))
{
	log_console = write;
}

static uint64_t log_warnings;

uint64_t log_warning_count(void)
{
	return __atomic_load_n(&log_warnings, __ATOMIC_RELAXED);
}

void log_set_level(unsigned level)
{
	log_level = level;
}

unsigned log_get_level(void)
{
	return log_level;
}

void log_enter_panic_mode(void)
{
	panic_mode = true;
}

static void log_emit(const char *s, size_t n)
{
	if (log_console) {
		log_console(s, n);
		return;
	}
	if (early_used + n > sizeof(early_buffer)) {
		early_overflowed = true;
		n = sizeof(early_buffer) - early_used;
	}
	for (size_t i = 0; i < n; i++)
		early_buffer[early_used++] = s[i];
}

/*
 * One whole line, a then b, without its newline: to the console and the
 * ring once the console is up, else to the early buffer with its level
 * in front.
 */
static void log_emit_line(unsigned level, const char *a, size_t alen,
			  const char *b, size_t blen)
{
	if (!log_console) {
		char tag = (char)('0' + level);

		log_emit(&tag, 1);
	}
	log_emit(a, alen);
	if (blen)
		log_emit(b, blen);
	log_emit("\n", 1);
	if (log_console)
		log_ring_add_line(a, alen, b, blen);
}

/*
 * The early lines the level lets through go to the console and into the
 * ring, as if they were written now; the others are gone.
 */
void log_replay_to_console(void)
{
	static const char lost[] = "[log: early messages were cut]";

	if (!log_console)
		return;
	for (size_t start = 0; start < early_used;) {
		size_t end = start;
		unsigned level = (unsigned)(early_buffer[start] - '0');

		while (end < early_used && early_buffer[end++] != '\n')
			;
		/* A line the buffer cut has no newline: it gets one. */
		if (level <= log_level)
			log_emit_line(level, early_buffer + start + 1,
				      end - start - 1 -
					  (early_buffer[end - 1] == '\n'),
				      NULL, 0);
		start = end;
	}
	if (early_overflowed)
		log_emit_line(LOG_ERROR, lost, sizeof(lost) - 1, NULL, 0);
	early_used = 0;
}

/*
 * Takes the log lock, with interrupts off so that a handler that logs
 * cannot queue behind its own CPU, unless this CPU already holds it (an
 * exception or NMI while logging) or we are panicking. A CPU that has
 * held it for LOG_LOCK_WAIT_US is taken to be wedged: the waiter says so
 * and writes without the lock, as does everyone after it while that CPU
 * still holds it, so a wedged CPU can garble the log but never silence
 * it. Returns the flags to give back to log_lock_release();
 * LOG_NOT_TAKEN when not taken, LOG_BYPASSED set when written without,
 * LOG_IRQ_WERE_ON when interrupts were unmasked before.
 */
#define LOG_NOT_TAKEN (~0ull)
#define LOG_BYPASSED (1ull << 63)
#define LOG_IRQ_WERE_ON (1ull << 0)
#define LOG_LOCK_WAIT_US 2000000ull
static int log_wedged_owner = -1;

static uint64_t log_lock_take(int cpu)
{
	uint64_t flags;
	uint64_t since = 0;
	char note[112], holder[24];

	if (panic_mode || log_owner == cpu)
		return LOG_NOT_TAKEN;
	flags = hooks->irq_mask() ? LOG_IRQ_WERE_ON : 0;
	while (!spin_trylock(&log_lock)) {
		int owner = log_owner;
		uint64_t now = hooks->us_since_boot();

		if (owner >= 0 && owner == log_wedged_owner)
			return flags | LOG_BYPASSED;
		if (now && !since)
			since = now;
		/*
		 * Also when no owner is recorded yet: the holder sits between
		 * its trylock and its store of log_owner, and may be this very
		 * CPU, interrupted there by an NMI that logs.
		 */
		if (since && now - since > LOG_LOCK_WAIT_US) {
			log_wedged_owner = owner;
			if (owner >= 0)
				fmt_snprintf(holder, sizeof(holder), "cpu%d", owner);
			else
				fmt_snprintf(holder, sizeof(holder), "a CPU not yet named");
			log_emit_line(LOG_ERROR, note,
				fmt_snprintf(note, sizeof(note),
					"[log: %s has held the log lock for %llu s: writing without it]",
					holder, (unsigned long long)(LOG_LOCK_WAIT_US / 1000000)),
				NULL, 0);
			return flags | LOG_BYPASSED;
		}
		cpu_relax();
	}
	log_owner = cpu;
	return flags;
}

static void log_lock_release(uint64_t flags)
{
	if (flags == LOG_NOT_TAKEN)
		return;
	if (!(flags & LOG_BYPASSED)) {
		log_owner = -1;
		spin_unlock(&log_lock);
	}
	if (flags & LOG_IRQ_WERE_ON)
		hooks->irq_unmask();
}

void log_selftest_hold_lock(void)
{
	log_lock_take((int)hooks->cpu_id());
}

void log_vprintf(unsigned level, const char *fmt, va_list ap)
{
	char msg[LOG_LINE_MAX];
	char prefix[40];
	int cpu = (int)hooks->cpu_id();
	uint64_t us = hooks->us_since_boot();
	int plen, mlen;
	uint64_t taken;

	if (level == LOG_WARN)
		__atomic_fetch_add(&log_warnings, 1, __ATOMIC_RELAXED);
	/* Before the console every level is kept: the replay filters. */
	if (level > log_level && log_console)
		return;
	mlen = fmt_vsnprintf(msg, sizeof(msg), fmt, ap);
	if (mlen >= (int)sizeof(msg))
		mlen = sizeof(msg) - 1;
	plen = fmt_snprintf(prefix, sizeof(prefix), "[%5llu.%06llu] cpu%d ",
			    (unsigned long long)(us / 1000000),
			    (unsigned long long)(us % 1000000), cpu);

	taken = log_lock_take(cpu);
	/* One prefix for each line of the message. */
	for (int start = 0; start < mlen;) {
		int end = start;

		while (end < mlen && msg[end] != '\n')
			end++;
		log_emit_line(level, prefix, plen, msg + start, end - start);
		start = end + 1;
	}
	log_lock_release(taken);
}

void log_printf(unsigned level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprintf(level, fmt, ap);
	va_end(ap);
}

void log_set_serial_console(void (*write)(const char *s, size_t n))
{
	log_serial_console = write;
}

void log_write_raw_serial(const char *s, size_t n)
{
	uint64_t taken;

	if (!log_serial_console || n == 0)
		return;
	taken = log_lock_take((int)hooks->cpu_id());
	log_serial_console(s, n);
	log_lock_release(taken);
}

void log_write_raw(const char *s, size_t n)
{
	uint64_t taken;

	if (!log_console || n == 0)
		return;
	taken = log_lock_take((int)hooks->cpu_id());
	log_console(s, n);
	log_lock_release(taken);
}

/* log_ring_tail()'s line, to a console's write function (ctx). */
static void log_write_history_line(void *ctx, const char *line, size_t len)
{
	void (*write)(const char *s, size_t n) = ctx;

	write(line, len);
	write("\n", 1);
}

void log_replay_history(void (*write)(const char *s, size_t n))
{
	static const char lost[] = "[log: the oldest lines of the boot were overwritten]\n";

	if (log_ring_dropped())
		write(lost, sizeof(lost) - 1);
	log_ring_tail(~0u, log_write_history_line, (void *)write);
}

uint64_t log_ring_lines(void)
{
	return log_ring_added();
}

uint64_t log_ring_dropped(void)
{
	return log_ring_overwritten();
}

/*
 * Each line is copied out of the ring under the log lock and handed to
 * out without it: out may write to the console (log_write_raw) for as
 * long as it takes while other CPUs go on logging. A line overwritten
 * in the meantime is left out.
 */
unsigned log_ring_tail_before(uint64_t end_line, unsigned n,
			      void (*out)(void *ctx, const char *line,
					  size_t len),
			      void *ctx)
{
	char line[LOG_RING_LINE_MAX + 1];
	uint64_t pos, to, taken;
	unsigned count = 0;
	int cpu = (int)hooks->cpu_id();

	taken = log_lock_take(cpu);
	log_ring_find(end_line, n, &pos, &to);
	log_lock_release(taken);
	while (pos < to && count < n) {
		size_t len;

		taken = log_lock_take(cpu);
		len = log_ring_copy_line(&pos, line, sizeof(line));
		log_lock_release(taken);
		if (pos > to)
			break; /* what pos pointed at was overwritten */
		out(ctx, line, len);
		count++;
	}
	return count;
}

unsigned log_ring_tail(unsigned n,
		       void (*out)(void *ctx, const char *line, size_t len),
		       void *ctx)
{
	return log_ring_tail_before(log_ring_lines(), n, out, ctx);
}
