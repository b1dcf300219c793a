/*
 * Memory-map sanitizing.
 *
 * memmap_sanitize() works in place and allocates nothing: it sorts the
 * entries by base (heapsort), then sweeps them in order. Everything below
 * the sweep is final: sorted, disjoint, adjacent entries of a type merged.
 * Everything above is still to be looked at, kept sorted. Only the last
 * final entry can overlap the next pending one; resolving that overlap
 * may leave a piece that starts further up, which goes back into the
 * pending part at its sorted place. Each such re-queue costs a shift, so
 * the whole is O(n log n) plus O(n) per split: fine for n <= 512.
 */
#include "mm/memmap.h"

/* Exclusive end; never overflows once memmap_normalize() has run. */
static uint64_t range_end(const struct mem_range *r)
{
	return r->base + r->length;
}

/* Sort order: by base, then by type, so that ties are deterministic. */
static bool range_before(const struct mem_range *a, const struct mem_range *b)
{
	if (a->base != b->base)
		return a->base < b->base;
	return a->type < b->type;
}

/*
 * Drops zero-length entries, clamps ends that would pass 2^64 to
 * UINT64_MAX (the very last byte is lost) and treats unknown types as
 * MEM_RESERVED. Returns the new count.
 */
static size_t memmap_normalize(struct mem_range *r, size_t count)
{
	size_t n = 0;

	for (size_t i = 0; i < count; i++) {
		struct mem_range e = r[i];

		if (e.length > UINT64_MAX - e.base)
			e.length = UINT64_MAX - e.base;
		if (!e.length)
			continue;
		if (e.type < MEM_USABLE || e.type > MEM_BAD)
			e.type = MEM_RESERVED;
		r[n++] = e;
	}
	return n;
}

static void memmap_sift_down(struct mem_range *r, size_t root, size_t n)
{
	for (;;) {
		size_t child = 2 * root + 1;
		struct mem_range tmp;

		if (child >= n)
			return;
		if (child + 1 < n && range_before(&r[child], &r[child + 1]))
			child++;
		if (!range_before(&r[root], &r[child]))
			return;
		tmp = r[root];
		r[root] = r[child];
		r[child] = tmp;
		root = child;
	}
}

/* Heapsort: O(n log n), no recursion, no scratch memory. */
static void memmap_sort(struct mem_range *r, size_t n)
{
	for (size_t i = n / 2; i-- > 0;)
		memmap_sift_down(r, i, n);
	for (size_t end = n; end-- > 1;) {
		struct mem_range tmp = r[0];

		r[0] = r[end];
		r[end] = tmp;
		memmap_sift_down(r, 0, end);
	}
}

/*
 * The sweep's state: r[0..done) is final, r[next..end) is pending and
 * sorted, r[done..next) and r[end..cap) are free slots.
 */
struct memmap_sweep {
	struct mem_range *r;
	size_t done;
	size_t next;
	size_t end;
	size_t cap;
	unsigned dropped;
};

/* Appends e to the final part, merging it into an adjacent same type. */
static void sweep_emit(struct memmap_sweep *s, const struct mem_range *e)
{
	struct mem_range *last = s->done ? &s->r[s->done - 1] : NULL;

	if (last && last->type == e->type && range_end(last) == e->base) {
		last->length += e->length;
		return;
	}
	s->r[s->done++] = *e;
}

/* Shortens r to end at limit; returns false when nothing is left. */
static bool range_clip(struct mem_range *r, uint64_t limit)
{
	if (r->base >= limit)
		return false;
	if (range_end(r) > limit)
		r->length = limit - r->base;
	return true;
}

/*
 * Makes room by forgetting everything at or above the highest base among
 * the pending entries and e: entries starting there are dropped, the others
 * cut short. The map stays correct below that address and above it becomes
 * a hole, which no caller may use. At least one entry goes (or e does).
 */
static void sweep_truncate(struct memmap_sweep *s, struct mem_range *e)
{
	uint64_t limit = e->base;

	if (s->end > s->next)
		limit = MAX(limit, s->r[s->end - 1].base);

	while (s->end > s->next && s->r[s->end - 1].base >= limit) {
		s->end--;
		s->dropped++;
	}
	for (size_t i = s->next; i < s->end; i++)
		range_clip(&s->r[i], limit);
	while (s->done && !range_clip(&s->r[s->done - 1], limit)) {
		s->done--;
		s->dropped++;
	}
	if (!range_clip(e, limit)) {
		e->length = 0;
		s->dropped++;
	}
}

/* Puts e back among the pending entries at its sorted place. */
static void sweep_requeue(struct memmap_sweep *s, struct mem_range e)
{
	size_t i;

	if (s->end == s->cap && s->next == s->done) {
		sweep_truncate(s, &e);
		if (!e.length)
			return;
	}

	if (s->next > s->done) {
		/* A free slot just below the pending part: shift down. */
		i = --s->next;
		while (i + 1 < s->end && range_before(&s->r[i + 1], &e)) {
			s->r[i] = s->r[i + 1];
			i++;
		}
	} else {
		/* Room at the top: shift up. */
		i = s->end++;
		while (i > s->next && range_before(&e, &s->r[i - 1])) {
			s->r[i] = s->r[i - 1];
			i--;
		}
	}
	s->r[i] = e;
}

/*
 * Resolves e, the lowest pending entry, against the last final entry,
 * the only one it can overlap.
 */
static void sweep_step(struct memmap_sweep *s, struct mem_range e)
{
	struct mem_range *last = s->done ? &s->r[s->done - 1] : NULL;
	uint64_t last_end, e_end = range_end(&e);

	if (!last || range_end(last) <= e.base) {
		sweep_emit(s, &e);
		return;
	}

	last_end = range_end(last);
	if (e.type == last->type) {
		last->length = MAX(last_end, e_end) - last->base;
	} else if (e.type < last->type) {
		/* last wins where they overlap; the rest of e comes later. */
		if (e_end > last_end) {
			e.length = e_end - last_end;
			e.base = last_end;
			sweep_requeue(s, e);
		}
	} else {
		/* e wins: cut last at e's base, queue what is left above e. */
		struct mem_range tail = {
		    .base = e_end,
		    .length = last_end > e_end ? last_end - e_end : 0,
		    .type = last->type,
		};

		last->length = e.base - last->base;
		if (!last->length)
			s->done--;
		sweep_emit(s, &e);
		if (tail.length)
			sweep_requeue(s, tail);
	}
}

size_t memmap_sanitize(struct mem_range *ranges, size_t count, size_t cap,
		       unsigned *dropped)
{
	struct memmap_sweep s = {
	    .r = ranges,
	    .cap = MAX(cap, count),
	};

	s.end = memmap_normalize(ranges, count);
	memmap_sort(ranges, s.end);

	while (s.next < s.end)
		sweep_step(&s, ranges[s.next++]);

	/* Only when the caller gave more entries than cap. */
	if (s.done > cap) {
		s.dropped += s.done - cap;
		s.done = cap;
	}
	if (dropped)
		*dropped = s.dropped;
	return s.done;
}

/*
 * Rounds a reserved range outward to pages. Returns false for an empty
 * one; an end past the last page saturates to UINT64_MAX, which is above
 * every usable page.
 */
static bool reserved_pages(const struct mem_range *r, uint64_t *base,
			   uint64_t *end)
{
	uint64_t e;

	if (!r->length)
		return false;
	*base = ALIGN_DOWN(r->base, PAGE_SIZE);
	if (r->length > UINT64_MAX - r->base)
		e = UINT64_MAX;
	else
		e = r->base + r->length;
	*end = e > ALIGN_DOWN(UINT64_MAX, PAGE_SIZE) ? UINT64_MAX
						     : ALIGN_UP(e, PAGE_SIZE);
	return true;
}

/* The first address at or above addr not inside a reserved range. */
static uint64_t reserved_skip(const struct mem_range *reserved, size_t nres,
			      uint64_t addr)
{
	bool moved;

	do {
		moved = false;
		for (size_t i = 0; i < nres; i++) {
			uint64_t b, e;

			if (reserved_pages(&reserved[i], &b, &e) && b <= addr &&
			    addr < e) {
				addr = e;
				moved = true;
			}
		}
	} while (moved);
	return addr;
}

/* The lowest reserved base in (addr, limit), or limit when there is none. */
static uint64_t reserved_next(const struct mem_range *reserved, size_t nres,
			      uint64_t addr, uint64_t limit)
{
	for (size_t i = 0; i < nres; i++) {
		uint64_t b, e;

		if (reserved_pages(&reserved[i], &b, &e) && b > addr &&
		    b < limit)
			limit = b;
	}
	return limit;
}

size_t memmap_usable(const struct mem_range *ranges, size_t count,
		     const struct mem_range *reserved, size_t nres,
		     struct mem_range *out, size_t cap)
{
	size_t n = 0;

	for (size_t i = 0; i < count; i++) {
		const struct mem_range *r = &ranges[i];
		uint64_t addr, end;

		if (r->type != MEM_USABLE || !r->length)
			continue;
		if (r->base > ALIGN_DOWN(UINT64_MAX, PAGE_SIZE))
			continue;
		addr = MAX(ALIGN_UP(r->base, PAGE_SIZE), PAGE_SIZE);
		end = r->length > UINT64_MAX - r->base ? UINT64_MAX
						       : range_end(r);
		end = ALIGN_DOWN(end, PAGE_SIZE);

		for (;;) {
			uint64_t stop;

			addr = reserved_skip(reserved, nres, addr);
			if (addr >= end)
				break;
			stop = reserved_next(reserved, nres, addr, end);
			if (n == cap)
				return n;
			out[n++] = (struct mem_range){
			    .base = addr,
			    .length = stop - addr,
			    .type = MEM_USABLE,
			};
			addr = stop;
		}
	}
	return n;
}

uint64_t memmap_total(const struct mem_range *ranges, size_t count,
		      uint32_t type)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < count; i++)
		if (ranges[i].type == type)
			sum += ranges[i].length;
	return sum;
}
