/*
 * Memslots: the guest-physical memory of a VM and the pages behind it.
 *
 * A slot owns its backing. A demand-paged slot gets each page, zeroed, on
 * the first fault; a preallocated slot gets it all at creation in aligned
 * contiguous chunks, so that large leaves can map it. Unmapping never frees
 * backing: only discarding a range, removing the slot or destroying the VM.
 */
#include "mm/tdp_internal.h"

static unsigned order_for_bytes(uint64_t bytes)
{
	unsigned order = 0;

	while ((PAGE_SIZE << order) < bytes)
		order++;
	return order;
}

static uint64_t *slot_array_alloc(struct tdp_vm *vm, unsigned order,
				  uint64_t *phys)
{
	*phys = vm->plat->alloc_pages(vm->plat->ctx, order, true);
	return *phys ? tdp_virt(vm, *phys) : NULL;
}

struct tdp_memslot *tdp_slot_find(struct tdp_vm *vm, uint64_t gfn)
{
	unsigned i;

	for (i = 0; i < TDP_MAX_SLOTS; i++) {
		struct tdp_memslot *s = &vm->slots[i];

		if (gfn - s->base_gfn < s->npages)
			return s;
	}
	return NULL;
}

unsigned tdp_slot_access(const struct tdp_memslot *s)
{
	return s->flags & TDP_SLOT_READONLY ? TDP_ACC_READ | TDP_ACC_EXEC
					    : TDP_ACC_ALL;
}

void tdp_slot_mark(struct tdp_memslot *s, uint64_t *bitmap, uint64_t gfn,
		   uint64_t n)
{
	uint64_t first = MAX(gfn, s->base_gfn) - s->base_gfn;
	uint64_t last = MIN(gfn + n, s->base_gfn + s->npages) - s->base_gfn;
	uint64_t i;

	for (i = first; i < last; i++)
		if (!(__atomic_load_n(&bitmap[i / 64], __ATOMIC_RELAXED) &
		      (1ull << (i % 64))))
			__atomic_fetch_or(&bitmap[i / 64], 1ull << (i % 64),
					  __ATOMIC_RELAXED);
}

uint64_t tdp_slot_backing(struct tdp_vm *vm, struct tdp_memslot *s,
			  uint64_t gfn)
{
	uint64_t *slotp = &s->backing[gfn - s->base_gfn];
	uint64_t page = __atomic_load_n(slotp, __ATOMIC_ACQUIRE);
	uint64_t expected = 0;

	if (page)
		return page;
	page = vm->plat->alloc_pages(vm->plat->ctx, 0, true);
	if (!page)
		return 0;
	if (__atomic_compare_exchange_n(slotp, &expected, page, false,
					__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		tdp_stat_add(vm, backing_pages, 1);
		return page;
	}
	vm->plat->free_pages(vm->plat->ctx, page, 0);
	return expected;
}

unsigned tdp_slot_max_level(struct tdp_vm *vm, struct tdp_memslot *s,
			    uint64_t gfn)
{
	unsigned level;

	if (!(s->flags & TDP_SLOT_PREALLOC) || s->dirty_log)
		return 1;
	for (level = vm->max_level; level > 1; level--) {
		uint64_t n = tdp_level_pages(level);
		uint64_t first = ALIGN_DOWN(gfn, n);

		if (s->chunk_order >= tdp_level_shift(level) &&
		    first >= s->base_gfn &&
		    first + n <= s->base_gfn + s->npages)
			return level;
	}
	return 1;
}

static void slot_free_backing(struct tdp_vm *vm, struct tdp_memslot *s)
{
	uint64_t i, step = 1;

	if (s->flags & TDP_SLOT_PREALLOC)
		step = 1ull << s->chunk_order;
	for (i = 0; i < s->npages; i += step) {
		if (!s->backing[i])
			continue;
		vm->plat->free_pages(vm->plat->ctx, s->backing[i],
				     step == 1 ? 0 : s->chunk_order);
		tdp_stat_add(vm, backing_pages, -(int64_t)step);
		s->backing[i] = 0;
	}
}

/* All of the slot in chunks of 2^order pages, each aligned to its size;
 * false (with nothing kept) if memory runs out. */
static bool slot_prealloc(struct tdp_vm *vm, struct tdp_memslot *s,
			  unsigned order)
{
	uint64_t i, j, n = 1ull << order;

	s->chunk_order = order;
	for (i = 0; i < s->npages; i += n) {
		uint64_t chunk =
		    vm->plat->alloc_pages(vm->plat->ctx, order, true);

		if (!chunk) {
			slot_free_backing(vm, s);
			return false;
		}
		for (j = 0; j < n; j++)
			s->backing[i + j] = chunk + j * PAGE_SIZE;
		tdp_stat_add(vm, backing_pages, n);
	}
	return true;
}

static void slot_free_arrays(struct tdp_vm *vm, struct tdp_memslot *s)
{
	void *ctx = vm->plat->ctx;

	if (s->backing)
		vm->plat->free_pages(ctx, s->backing_phys, s->backing_order);
	if (s->dirty)
		vm->plat->free_pages(ctx, s->dirty_phys, s->bitmap_order);
	if (s->young)
		vm->plat->free_pages(ctx, s->young_phys, s->bitmap_order);
	memset(s, 0, sizeof(*s));
}

static bool slot_overlaps(struct tdp_vm *vm, uint64_t gfn, uint64_t n)
{
	unsigned i;

	for (i = 0; i < TDP_MAX_SLOTS; i++) {
		struct tdp_memslot *s = &vm->slots[i];

		if (s->npages && gfn < s->base_gfn + s->npages &&
		    s->base_gfn < gfn + n)
			return true;
	}
	return false;
}

/* Largest chunk order that keeps chunks aligned in both address spaces and
 * is still useful for a leaf the VM allows. */
static unsigned slot_chunk_order(struct tdp_vm *vm, uint64_t gfn, uint64_t n)
{
	unsigned order = tdp_level_shift(vm->max_level);

	while (order && !IS_ALIGNED(gfn | n, 1ull << order))
		order--;
	return order;
}

static bool slot_setup(struct tdp_vm *vm, struct tdp_memslot *s, uint64_t gfn,
		       uint64_t n, unsigned flags)
{
	unsigned order;

	s->base_gfn = gfn;
	s->flags = flags;
	s->backing_order = order_for_bytes(n * sizeof(uint64_t));
	s->bitmap_order = order_for_bytes(ALIGN_UP(n, 64) / 8);
	s->backing = slot_array_alloc(vm, s->backing_order, &s->backing_phys);
	s->dirty = slot_array_alloc(vm, s->bitmap_order, &s->dirty_phys);
	s->young = slot_array_alloc(vm, s->bitmap_order, &s->young_phys);
	if (!s->backing || !s->dirty || !s->young)
		return false;
	s->npages = n;
	if (!(flags & TDP_SLOT_PREALLOC))
		return true;
	for (order = slot_chunk_order(vm, gfn, n);; order--) {
		if (slot_prealloc(vm, s, order))
			return true;
		if (!order)
			return false;
	}
}

int tdp_slot_add(struct tdp_vm *vm, uint64_t gpa, uint64_t size, unsigned flags)
{
	uint64_t gfn = gpa >> PAGE_SHIFT, n = size >> PAGE_SHIFT;
	struct tdp_cpu *c;
	int id = -1, i;

	if (!n || !IS_ALIGNED(gpa | size, PAGE_SIZE) ||
	    gfn + n > tdp_level_pages(vm->root_level + 1))
		return -1;
	c = tdp_op_begin(vm, true);
	for (i = 0; i < TDP_MAX_SLOTS && id < 0; i++)
		if (!vm->slots[i].npages)
			id = i;
	if (id >= 0 && !slot_overlaps(vm, gfn, n) &&
	    slot_setup(vm, &vm->slots[id], gfn, n, flags)) {
		tdp_op_end(vm, c, true);
		return id;
	}
	if (id >= 0)
		slot_free_arrays(vm, &vm->slots[id]);
	tdp_op_end(vm, c, true);
	return -1;
}

/*
 * The guest loses the slot: no mapping of it survives the flush, and only
 * then does its backing go back to the platform.
 */
void tdp_slot_remove(struct tdp_vm *vm, int id)
{
	struct tdp_memslot *s = &vm->slots[id];
	struct tdp_flush_debt debt = {0};
	struct tdp_cpu *c = tdp_op_begin(vm, true);

	if (s->npages) {
		tdp_zap_locked(vm, s->base_gfn, s->base_gfn + s->npages, &debt);
		tdp_flush(vm);
		slot_free_backing(vm, s);
		slot_free_arrays(vm, s);
	}
	tdp_op_end(vm, c, true);
	tdp_flush_settle(vm, &debt);
}

void tdp_slot_discard(struct tdp_vm *vm, uint64_t gfn, uint64_t n)
{
	struct tdp_flush_debt debt = {0};
	struct tdp_cpu *c = tdp_op_begin(vm, true);
	struct tdp_memslot *s = tdp_slot_find(vm, gfn);
	uint64_t i;

	if (s && !(s->flags & TDP_SLOT_PREALLOC)) {
		n = MIN(n, s->base_gfn + s->npages - gfn);
		tdp_zap_locked(vm, gfn, gfn + n, &debt);
		tdp_flush(vm);
		for (i = gfn - s->base_gfn; i < gfn - s->base_gfn + n; i++) {
			if (!s->backing[i])
				continue;
			vm->plat->free_pages(vm->plat->ctx, s->backing[i], 0);
			tdp_stat_add(vm, backing_pages, -1);
			s->backing[i] = 0;
		}
	}
	tdp_op_end(vm, c, true);
	tdp_flush_settle(vm, &debt);
}
