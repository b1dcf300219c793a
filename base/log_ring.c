#include "base/log_ring.h"

#define LOG_RING_MASK ((uint64_t)LOG_RING_SIZE - 1)

_Static_assert((LOG_RING_SIZE & (LOG_RING_SIZE - 1)) == 0,
	       "the ring's positions are masked into it");
_Static_assert(LOG_RING_LINE_MAX + 1 < LOG_RING_SIZE, "a line fits whole");

/*
 * Positions count bytes since boot; a position p is the byte
 * ring[p & LOG_RING_MASK]. The lines kept are [first, head): first is the
 * start of the oldest one, and head - first <= LOG_RING_SIZE.
 */
static char ring[LOG_RING_SIZE];
static uint64_t ring_head, ring_first;
static uint64_t ring_added, ring_overwritten;

static inline char ring_at(uint64_t pos)
{
	return ring[pos & LOG_RING_MASK];
}

uint64_t log_ring_added(void)
{
	return __atomic_load_n(&ring_added, __ATOMIC_RELAXED);
}

uint64_t log_ring_overwritten(void)
{
	return __atomic_load_n(&ring_overwritten, __ATOMIC_RELAXED);
}

/*
 * Where the line after the one that starts at pos starts: past its
 * newline, looked for at most LOG_RING_LINE_MAX + 1 bytes ahead and never
 * beyond head.
 */
static uint64_t log_ring_next_line(uint64_t pos, uint64_t head)
{
	uint64_t end = pos;

	while (end < head && ring_at(end) != '\n' &&
	       end - pos <= LOG_RING_LINE_MAX)
		end++;
	return end < head ? end + 1 : head;
}

/*
 * Drops the oldest lines, whole, until need more bytes fit after head.
 * Positions that make no sense (left by writers racing on the fatal path)
 * are not trusted: the ring then starts afresh at head.
 */
static void log_ring_make_room(uint64_t head, uint64_t need)
{
	uint64_t first = ring_first;

	if (first > head || head - first > LOG_RING_SIZE)
		first = head;
	while (head + need - first > LOG_RING_SIZE) {
		first = log_ring_next_line(first, head);
		ring_overwritten++;
	}
	ring_first = first;
}

void log_ring_add_line(const char *a, size_t alen, const char *b,
		       size_t blen)
{
	uint64_t head = ring_head;

	if (alen > LOG_RING_LINE_MAX)
		alen = LOG_RING_LINE_MAX;
	if (blen > LOG_RING_LINE_MAX - alen)
		blen = LOG_RING_LINE_MAX - alen;
	log_ring_make_room(head, alen + blen + 1);
	for (size_t i = 0; i < alen; i++)
		ring[head++ & LOG_RING_MASK] = a[i];
	for (size_t i = 0; i < blen; i++)
		ring[head++ & LOG_RING_MASK] = b[i];
	ring[head++ & LOG_RING_MASK] = '\n';
	ring_head = head;
	__atomic_fetch_add(&ring_added, 1, __ATOMIC_RELAXED);
}

/*
 * Where the line that ends just before pos (at its newline, pos - 1)
 * starts: after the newline before it, or at first.
 */
static uint64_t log_ring_line_start(uint64_t pos, uint64_t first)
{
	uint64_t start = pos - 1;

	while (start > first && ring_at(start - 1) != '\n' &&
	       pos - start <= LOG_RING_LINE_MAX)
		start--;
	return start;
}

unsigned log_ring_find(uint64_t end_line, unsigned n, uint64_t *from,
		       uint64_t *to)
{
	uint64_t head = ring_head, first = ring_first;
	uint64_t pos = head, later;
	unsigned found = 0;

	if (first > head || head - first > LOG_RING_SIZE)
		first = head;
	later = ring_added > end_line ? ring_added - end_line : 0;
	for (uint64_t i = 0; i < later && pos > first; i++)
		pos = log_ring_line_start(pos, first);
	*to = pos;
	while (found < n && pos > first) {
		pos = log_ring_line_start(pos, first);
		found++;
	}
	*from = pos;
	return found;
}

size_t log_ring_copy_line(uint64_t *pos, char *buf, size_t size)
{
	uint64_t head = ring_head, p = *pos, next;
	size_t len = 0;

	if (p < ring_first)
		p = ring_first;
	next = log_ring_next_line(p, head);
	for (; p < next && ring_at(p) != '\n' && len + 1 < size; p++)
		buf[len++] = ring_at(p);
	buf[len] = '\0';
	*pos = next;
	return len;
}
