#include "arch/x86/tsc_measure.h"
#include "arch/x86/cpu.h"

/*
 * A timer that counts changes within a few reads: on hardware a read
 * (about a microsecond of port I/O) takes longer than a PIT tick (0.84
 * us), and under Bochs a PIT tick is 42 emulated instructions at 50 MHz,
 * a few reads. A PIT whose clock is gated off costs 2000 reads, a few ms.
 */
#define PROBE_READS 2000ul
/*
 * Reads of refs[0] in one window at most: 30 times what 10 ms take on
 * hardware or under Bochs, so that a timer that stops counting halfway
 * holds the boot up for about a second, not for ever.
 */
#define WINDOW_READS_MAX 1000000ul

struct edge {
	uint64_t before, after; /* TSC */
	uint64_t value;         /* reference */
};

/* RDTSC fenced on both sides: taken after earlier reads, before later ones. */
static uint64_t rdtsc_ordered(void)
{
	uint64_t t;

	__asm__ volatile("lfence" ::: "memory");
	t = rdtsc();
	__asm__ volatile("lfence" ::: "memory");
	return t;
}

static void edge_read(const struct tsc_ref *ref, struct edge *e)
{
	e->before = rdtsc_ordered();
	e->value = ref->read();
	e->after = rdtsc_ordered();
}

static uint64_t edge_mid(const struct edge *e)
{
	return e->before + (e->after - e->before) / 2;
}

static uint64_t edge_cost(const struct edge *e)
{
	return e->after - e->before;
}

static uint64_t ref_ticks_since(const struct tsc_ref *ref,
				const struct edge *start, uint64_t value)
{
	return tsc_calc_counter_delta(start->value, value, ref->bits);
}

bool tsc_ref_counts(const struct tsc_ref *ref)
{
	uint64_t first = ref->read();

	for (unsigned long i = 0; i < PROBE_READS; i++)
		if (ref->read() != first)
			return true;
	return false;
}

void tsc_measure(const struct tsc_ref *refs, unsigned n,
		 struct tsc_window out[][TSC_WINDOWS])
{
	uint64_t target = TSC_WINDOW_NS * 1000000ull / refs[0].period_fs;
	struct edge start[TSC_TIMERS], end[TSC_TIMERS];

	for (unsigned w = 0; w < TSC_WINDOWS; w++) {
		for (unsigned r = 0; r < n; r++)
			edge_read(&refs[r], &start[r]);
		for (unsigned long i = 0; i < WINDOW_READS_MAX; i++)
			if (ref_ticks_since(&refs[0], &start[0],
					    refs[0].read()) >= target)
				break;
		for (unsigned r = 0; r < n; r++)
			edge_read(&refs[r], &end[r]);
		for (unsigned r = 0; r < n; r++)
			out[r][w] = (struct tsc_window){
				.tsc_ticks = edge_mid(&end[r]) -
					     edge_mid(&start[r]),
				.ref_ticks = ref_ticks_since(&refs[r], &start[r],
							     end[r].value),
				.edge_tsc = edge_cost(&start[r]) +
					    edge_cost(&end[r]),
			};
	}
}
