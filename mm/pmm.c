/*
 * Buddy allocator with per-CPU page caches.
 *
 * Every managed frame has one state byte in a table covering the lowest
 * to the highest usable frame:
 *
 *   FRAME_ABSENT        a hole, page 0 or the table itself: never handed out
 *   FRAME_FREE | order  head of a free block, on free_list[order]
 *   FRAME_ALLOC | order head of an allocated block
 *   FRAME_TAIL          any other frame of a block, free or allocated
 *   FRAME_CACHED        a single page sitting in a CPU cache
 *
 * Blocks are aligned to their size in physical frame numbers, so the buddy
 * of the block at pfn is pfn ^ (1 << order). Splitting or merging changes
 * one byte per step, never a whole block's worth.
 *
 * The buddy lists and every FREE/TAIL transition belong to pmm.lock. A CPU
 * cache belongs to its CPU: it moves its pages between FRAME_CACHED and
 * FRAME_ALLOC without the lock, which never looks at those two states but
 * to refuse them as buddies. State bytes are accessed with relaxed atomics
 * since both sides touch neighbouring ones.
 */
#include "mm/pmm.h"
#include "lib/spinlock.h"
#include "lib/string.h"

#define PMM_NR_ORDERS	(PMM_MAX_ORDER + 1)
#define PMM_CACHE_SIZE	64
#define PMM_CACHE_BATCH 32

#define FRAME_ABSENT 0x00
#define FRAME_TAIL   0x01
#define FRAME_CACHED 0x02
#define FRAME_FREE   0x40
#define FRAME_ALLOC  0x80

/* Written into the first page of each free block. */
struct pmm_node {
	struct pmm_node *next;
	struct pmm_node *prev;
	uint64_t pfn;
};

struct pmm_cpu_cache {
	unsigned count;
	uint64_t pages[PMM_CACHE_SIZE]; /* physical addresses, hottest last */
} __aligned(64);

static struct {
	struct pmm_platform plat;
	uint8_t *frames; /* state of frame first_pfn + i */
	uint64_t first_pfn;
	uint64_t end_pfn;
	uint64_t managed_pages;
	uint64_t metadata_pages;

	/* Written under the lock; kept off the line the fast path reads. */
	struct spinlock lock __aligned(64);
	struct pmm_node *free_list[PMM_NR_ORDERS];
	uint64_t nr_free[PMM_NR_ORDERS];
	uint32_t nonempty; /* bit k: free_list[k] has a block */
} pmm;

static struct pmm_cpu_cache pmm_cache[PMM_MAX_CPUS];

static uint8_t frame_get(uint64_t pfn)
{
	return __atomic_load_n(&pmm.frames[pfn - pmm.first_pfn],
			       __ATOMIC_RELAXED);
}

static void frame_set(uint64_t pfn, uint8_t state)
{
	__atomic_store_n(&pmm.frames[pfn - pmm.first_pfn], state,
			 __ATOMIC_RELAXED);
}

static void pmm_report(const char *msg)
{
	if (!pmm.plat.fatal)
		__builtin_trap();
	pmm.plat.fatal(msg);
}

static struct pmm_node *pmm_node_of(uint64_t pfn)
{
	return pmm.plat.phys_to_virt(pfn << PAGE_SHIFT);
}

static void free_list_push(unsigned order, uint64_t pfn)
{
	struct pmm_node *node = pmm_node_of(pfn);
	struct pmm_node *head = pmm.free_list[order];

	node->pfn = pfn;
	node->prev = NULL;
	node->next = head;
	if (head)
		head->prev = node;
	pmm.free_list[order] = node;
	pmm.nr_free[order]++;
	pmm.nonempty |= 1u << order;
}

static void free_list_remove(unsigned order, struct pmm_node *node)
{
	if (node->prev)
		node->prev->next = node->next;
	else
		pmm.free_list[order] = node->next;
	if (node->next)
		node->next->prev = node->prev;
	pmm.nr_free[order]--;
	if (!pmm.free_list[order])
		pmm.nonempty &= ~(1u << order);
}

/*
 * Takes the smallest free block of at least 2^order pages and splits it
 * down, putting the upper halves back. Returns its pfn marked FRAME_ALLOC,
 * or 0 when no block is large enough. Needs pmm.lock.
 */
static uint64_t buddy_alloc_locked(unsigned order)
{
	uint32_t avail = pmm.nonempty >> order;
	struct pmm_node *node;
	unsigned k;
	uint64_t pfn;

	if (!avail)
		return 0;
	k = order + __builtin_ctz(avail);
	node = pmm.free_list[k];
	pfn = node->pfn;
	free_list_remove(k, node);

	while (k > order) {
		uint64_t upper;

		k--;
		upper = pfn + (1ull << k);
		frame_set(upper, FRAME_FREE | k);
		free_list_push(k, upper);
	}
	frame_set(pfn, FRAME_ALLOC | order);
	return pfn;
}

/*
 * Gives back the block at pfn, merging it with its buddy as long as the
 * buddy is a free block of the same order. The caller has checked the
 * block. Needs pmm.lock.
 */
static void buddy_free_locked(uint64_t pfn, unsigned order)
{
	while (order < PMM_MAX_ORDER) {
		uint64_t buddy = pfn ^ (1ull << order);

		if (buddy < pmm.first_pfn || buddy >= pmm.end_pfn ||
		    frame_get(buddy) != (FRAME_FREE | order))
			break;
		free_list_remove(order, pmm_node_of(buddy));
		frame_set(MAX(pfn, buddy), FRAME_TAIL);
		pfn = MIN(pfn, buddy);
		order++;
	}
	frame_set(pfn, FRAME_FREE | order);
	free_list_push(order, pfn);
}

/*
 * NULL when phys is the head of an allocated block of this order (what a
 * free needs), else what is wrong with freeing it.
 */
static const char *pmm_check_allocated(uint64_t phys, unsigned order)
{
	uint64_t pfn = phys >> PAGE_SHIFT;
	uint8_t state;

	if (order > PMM_MAX_ORDER)
		return "pmm: free of an order above PMM_MAX_ORDER";
	if (!IS_ALIGNED(phys, PAGE_SIZE << order))
		return "pmm: free of a misaligned block";
	if (pfn < pmm.first_pfn || pfn >= pmm.end_pfn ||
	    (1ull << order) > pmm.end_pfn - pfn)
		return "pmm: free of memory the allocator does not manage";
	state = frame_get(pfn);
	if (state == (FRAME_ALLOC | order))
		return NULL;
	if ((state & FRAME_FREE) || state == FRAME_CACHED)
		return "pmm: double free";
	if (state & FRAME_ALLOC)
		return "pmm: free with another order than allocated";
	return "pmm: free of a block that was never allocated";
}

uint64_t pmm_alloc(unsigned order)
{
	uint64_t pfn;

	if (order > PMM_MAX_ORDER)
		return 0;
	spin_lock(&pmm.lock);
	pfn = buddy_alloc_locked(order);
	spin_unlock(&pmm.lock);
	return pfn << PAGE_SHIFT;
}

void pmm_free(uint64_t phys, unsigned order)
{
	const char *err;

	spin_lock(&pmm.lock);
	err = pmm_check_allocated(phys, order);
	if (!err)
		buddy_free_locked(phys >> PAGE_SHIFT, order);
	spin_unlock(&pmm.lock);
	if (unlikely(err))
		pmm_report(err);
}

/* This CPU's cache, or NULL when cpu_id() is out of range (reported). */
static struct pmm_cpu_cache *pmm_this_cache(void)
{
	unsigned cpu = pmm.plat.cpu_id();

	if (unlikely(cpu >= PMM_MAX_CPUS)) {
		pmm_report("pmm: cpu_id() out of range");
		return NULL;
	}
	return &pmm_cache[cpu];
}

/* Fills an empty cache with up to a batch of pages; false when none. */
static bool pmm_cache_refill(struct pmm_cpu_cache *c)
{
	unsigned n = 0;

	spin_lock(&pmm.lock);
	while (n < PMM_CACHE_BATCH) {
		uint64_t pfn = buddy_alloc_locked(0);

		if (!pfn)
			break;
		frame_set(pfn, FRAME_CACHED);
		c->pages[n++] = pfn << PAGE_SHIFT;
	}
	spin_unlock(&pmm.lock);
	WRITE_ONCE(c->count, n);
	return n != 0;
}

/* Gives the n coldest cached pages back to the buddy lists. */
static void pmm_cache_drain(struct pmm_cpu_cache *c, unsigned n)
{
	spin_lock(&pmm.lock);
	for (unsigned i = 0; i < n; i++)
		buddy_free_locked(c->pages[i] >> PAGE_SHIFT, 0);
	spin_unlock(&pmm.lock);
	memmove(&c->pages[0], &c->pages[n],
		(c->count - n) * sizeof(c->pages[0]));
	WRITE_ONCE(c->count, c->count - n);
}

uint64_t pmm_alloc_page(void)
{
	struct pmm_cpu_cache *c = pmm_this_cache();
	uint64_t phys;

	if (unlikely(!c))
		return pmm_alloc(0);
	if (unlikely(!c->count) && !pmm_cache_refill(c))
		return 0;
	phys = c->pages[c->count - 1];
	WRITE_ONCE(c->count, c->count - 1);
	frame_set(phys >> PAGE_SHIFT, FRAME_ALLOC);
	return phys;
}

void pmm_free_page(uint64_t phys)
{
	struct pmm_cpu_cache *c = pmm_this_cache();
	const char *err;

	if (unlikely(!c)) {
		pmm_free(phys, 0);
		return;
	}
	err = pmm_check_allocated(phys, 0);
	if (unlikely(err)) {
		pmm_report(err);
		return;
	}
	frame_set(phys >> PAGE_SHIFT, FRAME_CACHED);
	if (unlikely(c->count == PMM_CACHE_SIZE))
		pmm_cache_drain(c, PMM_CACHE_BATCH);
	c->pages[c->count] = phys;
	WRITE_ONCE(c->count, c->count + 1);
}

void pmm_drain_cpu_cache(unsigned cpu)
{
	if (cpu < PMM_MAX_CPUS && pmm_cache[cpu].count)
		pmm_cache_drain(&pmm_cache[cpu], pmm_cache[cpu].count);
}

void pmm_get_stats(struct pmm_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->managed_pages = pmm.managed_pages;
	st->metadata_pages = pmm.metadata_pages;

	spin_lock(&pmm.lock);
	for (unsigned k = 0; k < PMM_NR_ORDERS; k++) {
		st->free_blocks[k] = pmm.nr_free[k];
		st->free_pages += pmm.nr_free[k] << k;
	}
	spin_unlock(&pmm.lock);

	for (unsigned cpu = 0; cpu < PMM_MAX_CPUS; cpu++)
		st->cached_pages += READ_ONCE(pmm_cache[cpu].count);
	st->free_pages += st->cached_pages;
}

/* The whole frames of r, without page 0; false when there are none. */
static bool range_frames(const struct mem_range *r, uint64_t *first,
			 uint64_t *end)
{
	uint64_t top =
	    r->length > UINT64_MAX - r->base ? UINT64_MAX : r->base + r->length;

	if (!r->length || r->base > ALIGN_DOWN(UINT64_MAX, PAGE_SIZE))
		return false;
	*first = MAX(ALIGN_UP(r->base, PAGE_SIZE) >> PAGE_SHIFT, 1);
	*end = top >> PAGE_SHIFT;
	return *first < *end;
}

/* The largest block order that starts at pfn and ends by end. */
static unsigned pmm_fit_order(uint64_t pfn, uint64_t end)
{
	unsigned order = MIN((unsigned)__builtin_ctzll(pfn), PMM_MAX_ORDER);

	while ((1ull << order) > end - pfn)
		order--;
	return order;
}

/*
 * Hands frames [first, end) to the buddy lists, as the largest aligned
 * blocks that fit, merging with blocks already there. Frames some other
 * range already gave are reported and skipped.
 */
static void pmm_add_frames(uint64_t first, uint64_t end)
{
	for (uint64_t pfn = first; pfn < end; pfn++) {
		if (frame_get(pfn) != FRAME_ABSENT) {
			pmm_report("pmm: usable ranges overlap");
			return;
		}
	}
	memset(&pmm.frames[first - pmm.first_pfn], FRAME_TAIL, end - first);
	pmm.managed_pages += end - first;

	while (first < end) {
		unsigned order = pmm_fit_order(first, end);

		buddy_free_locked(first, order);
		first += 1ull << order;
	}
}

/*
 * Chooses where the state table goes: the smallest range that holds
 * pages frames (best fit), at its start. False when none does.
 */
static bool pmm_place_metadata(const struct mem_range *usable, size_t n,
			       uint64_t pages, uint64_t *at)
{
	uint64_t best = UINT64_MAX;

	for (size_t i = 0; i < n; i++) {
		uint64_t first, end;

		if (!range_frames(&usable[i], &first, &end))
			continue;
		if (end - first >= pages && end - first < best) {
			best = end - first;
			*at = first;
		}
	}
	return best != UINT64_MAX;
}

bool pmm_init(const struct pmm_platform *plat, const struct mem_range *usable,
	      size_t n)
{
	uint64_t first_pfn = UINT64_MAX, end_pfn = 0, meta_pfn, meta_pages;

	for (size_t i = 0; i < n; i++) {
		uint64_t first, end;

		if (range_frames(&usable[i], &first, &end)) {
			first_pfn = MIN(first_pfn, first);
			end_pfn = MAX(end_pfn, end);
		}
	}
	if (first_pfn >= end_pfn)
		return false;
	meta_pages = (end_pfn - first_pfn + PAGE_SIZE - 1) >> PAGE_SHIFT;
	if (!pmm_place_metadata(usable, n, meta_pages, &meta_pfn))
		return false;

	memset(&pmm, 0, sizeof(pmm));
	memset(pmm_cache, 0, sizeof(pmm_cache));
	pmm.plat = *plat;
	pmm.first_pfn = first_pfn;
	pmm.end_pfn = end_pfn;
	pmm.metadata_pages = meta_pages;
	pmm.frames = plat->phys_to_virt(meta_pfn << PAGE_SHIFT);
	memset(pmm.frames, FRAME_ABSENT, end_pfn - first_pfn);

	spin_lock(&pmm.lock);
	for (size_t i = 0; i < n; i++) {
		uint64_t first, end;

		if (!range_frames(&usable[i], &first, &end))
			continue;
		/* The part below the table, then the part above it. */
		if (first < meta_pfn)
			pmm_add_frames(first, MIN(end, meta_pfn));
		if (end > meta_pfn + meta_pages)
			pmm_add_frames(MAX(first, meta_pfn + meta_pages), end);
	}
	spin_unlock(&pmm.lock);
	return true;
}
