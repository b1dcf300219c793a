#include "arch/x86/direct_map_plan.h"

#define PAGE_2M (2 * MiB)
#define PAGE_1G GiB

/* base + length, or the top of the address space where that overflows. */
static uint64_t range_end(uint64_t base, uint64_t length)
{
	return length > UINT64_MAX - base ? UINT64_MAX : base + length;
}

/*
 * Input i of a plan (the memory map's ranges first, then the extras) as
 * page-aligned [*b, *e) below limit, of kind *kind; false when it maps
 * nothing.
 */
static bool plan_input(const struct mem_range *map, size_t n,
		       const struct dmap_range *extra, size_t i,
		       uint64_t limit, uint64_t *b, uint64_t *e,
		       uint32_t *kind)
{
	uint64_t base, end;
	bool inward = false;

	if (i < n) {
		base = map[i].base;
		end = range_end(base, map[i].length);
		if (map[i].type == MEM_USABLE) {
			*kind = DMAP_RAM;
			inward = true;
		} else if (map[i].type == MEM_ACPI_RECLAIM) {
			*kind = DMAP_READ_ONLY;
		} else {
			return false;
		}
	} else {
		base = extra[i - n].base;
		end = range_end(base, extra[i - n].length);
		*kind = extra[i - n].kind;
		if (*kind == DMAP_NONE || *kind >= DMAP_KINDS)
			return false;
	}
	/* Clip first: limit is page-aligned, so rounding cannot overflow. */
	end = MIN(end, limit);
	if (base >= end)
		return false;
	if (inward) {
		base = ALIGN_UP(base, PAGE_SIZE);
		end = ALIGN_DOWN(end, PAGE_SIZE);
	} else {
		base = ALIGN_DOWN(base, PAGE_SIZE);
		end = ALIGN_UP(end, PAGE_SIZE);
	}
	*b = base;
	*e = end;
	return base < end;
}

/* The output of dmap_plan_ranges(), merging and counting as it goes. */
struct plan_out {
	struct dmap_range *ranges;
	size_t cap, count;
	uint64_t last_end;
	uint32_t last_kind;
};

static void plan_emit(struct plan_out *o, uint64_t base, uint64_t end,
		      uint32_t kind)
{
	if (o->count && o->last_end == base && o->last_kind == kind) {
		if (o->count <= o->cap)
			o->ranges[o->count - 1].length += end - base;
	} else {
		if (o->count < o->cap)
			o->ranges[o->count] = (struct dmap_range){
				.base = base, .length = end - base, .kind = kind
			};
		o->count++;
	}
	o->last_end = end;
	o->last_kind = kind;
}

size_t dmap_plan_ranges(const struct mem_range *map, size_t n,
			const struct dmap_range *extra, size_t nextra,
			uint64_t limit, struct dmap_range *out, size_t cap)
{
	struct plan_out o = { .ranges = out, .cap = cap };
	uint64_t pos = 0;

	/*
	 * A sweep from address 0: at each step, the kind at pos is the
	 * largest of the inputs that cover it, and it holds up to the next
	 * place where an input starts or ends.
	 */
	while (pos < limit) {
		uint32_t kind = DMAP_NONE;
		uint64_t next = limit;

		for (size_t i = 0; i < n + nextra; i++) {
			uint64_t b, e;
			uint32_t k;

			if (!plan_input(map, n, extra, i, limit, &b, &e, &k))
				continue;
			if (b <= pos && pos < e) {
				kind = MAX(kind, k);
				next = MIN(next, e);
			} else if (b > pos) {
				next = MIN(next, b);
			}
		}
		if (kind != DMAP_NONE)
			plan_emit(&o, pos, next, kind);
		pos = next;
	}
	return o.count;
}

/* The largest page size that starts at b and ends by e. */
static uint64_t largest_page(uint64_t b, uint64_t e, bool use_1g)
{
	if (use_1g && IS_ALIGNED(b, PAGE_1G) && e - b >= PAGE_1G)
		return PAGE_1G;
	if (IS_ALIGNED(b, PAGE_2M) && e - b >= PAGE_2M)
		return PAGE_2M;
	return PAGE_SIZE;
}

size_t dmap_plan_runs(const struct dmap_range *r, bool use_1g,
		      struct dmap_run out[DMAP_RUNS_PER_RANGE])
{
	static const uint64_t sizes[] = { PAGE_2M, PAGE_1G };
	uint64_t b = r->base, e = r->base + r->length;
	size_t count = 0;

	while (b < e && count < DMAP_RUNS_PER_RANGE) {
		uint64_t size = largest_page(b, e, use_1g);
		uint64_t end = ALIGN_DOWN(e, size);

		/* Stop where a larger page becomes possible. */
		for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
			uint64_t larger = sizes[i], at = ALIGN_UP(b, larger);

			if (larger <= size || (larger == PAGE_1G && !use_1g))
				continue;
			if (at < e && e - at >= larger)
				end = MIN(end, at);
		}
		out[count++] = (struct dmap_run){ .base = b, .length = end - b,
						  .page_size = size,
						  .kind = r->kind };
		b = end;
	}
	return count;
}

void dmap_stats_add(struct dmap_stats *s, const struct dmap_run *run)
{
	/* A PDPT covers 512 GiB, a page directory 1 GiB, a page table 2 MiB. */
	static const unsigned table_span_shift[3] = { 39, 30, 21 };
	uint64_t pages = run->length / run->page_size;

	if (run->kind < DMAP_KINDS)
		s->bytes[run->kind] += run->length;
	if (run->page_size == PAGE_1G)
		s->pages_1g += pages;
	else if (run->page_size == PAGE_2M)
		s->pages_2m += pages;
	else
		s->pages_4k += pages;
	for (unsigned t = 0; t < 3; t++) {
		unsigned shift = table_span_shift[t];
		uint64_t first = run->base >> shift;
		uint64_t last = (run->base + run->length - 1) >> shift;

		if (run->page_size >= (1ull << shift))
			continue; /* a leaf at least as large as the table */
		first = MAX(first, s->counted_end[t]);
		if (first > last)
			continue;
		s->table_pages += last - first + 1;
		s->counted_end[t] = last + 1;
	}
}

void dmap_plan_stats(const struct dmap_range *ranges, size_t n, bool use_1g,
		     struct dmap_stats *s)
{
	for (size_t i = 0; i < n; i++) {
		struct dmap_run runs[DMAP_RUNS_PER_RANGE];
		size_t nr = dmap_plan_runs(&ranges[i], use_1g, runs);

		for (size_t k = 0; k < nr; k++)
			dmap_stats_add(s, &runs[k]);
	}
}
