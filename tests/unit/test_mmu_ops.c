/*
 * The MMU core's operations on one thread: faults (demand, large, MMIO,
 * read-only, out of memory), zap, split and collapse, write protection,
 * dirty logging, aging, discard and teardown, each checked against the
 * tree, the books and the data the guest wrote.
 */
#include "tests/unit/mmu_fixture.h"

static void stats(struct fixture *fx, struct tdp_stats *st)
{
	tdp_get_stats(&fx->vm, st);
}

static void assert_audit(struct fixture *fx)
{
	struct tdp_audit a;

	assert_true(tdp_audit(&fx->vm, &a));
}

/* The leaf that maps gpa, and its level (0: none). */
static unsigned leaf_of(struct fixture *fx, uint64_t gpa, uint64_t *leaf)
{
	uint64_t ptes[TDP_MAX_LEVELS + 1];
	unsigned l = tdp_walk(&fx->vm, gpa, ptes);

	*leaf = ptes[l];
	return tdp_pte_present(fx->fmt, ptes[l]) ? l : 0;
}

static void test_mmio(void **state)
{
	struct fixture *fx = *state;
	struct tdp_vm *vm = &fx->vm;
	struct tdp_stats st;
	uint64_t leaf;

	assert_true(tdp_slot_add(vm, 1 * MiB, 1 * MiB, 0) >= 0);
	assert_true(tdp_slot_add(vm, 4 * MiB, 1 * MiB, TDP_SLOT_READONLY) >= 0);
	/* Overlapping and misaligned slots are refused. */
	assert_int_equal(tdp_slot_add(vm, 1 * MiB + 4096, 4096, 0), -1);
	assert_int_equal(tdp_slot_add(vm, 8 * MiB + 1, 4096, 0), -1);

	assert_int_equal(tdp_fault(vm, 0, TDP_ACC_READ), TDP_FAULT_MMIO);
	assert_int_equal(tdp_fault(vm, 2 * MiB, TDP_ACC_WRITE), TDP_FAULT_MMIO);
	assert_int_equal(tdp_fault(vm, 1ull << 60, TDP_ACC_READ),
			 TDP_FAULT_MMIO);
	stats(fx, &st);
	assert_int_equal(st.table_pages, 0);
	assert_int_equal(st.mapped_pages, 0);
	assert_int_equal(leaf_of(fx, 0, &leaf), 0);

	/* Read-only: reads map without write, writes are MMIO. */
	assert_int_equal(tdp_fault(vm, 4 * MiB, TDP_ACC_WRITE), TDP_FAULT_MMIO);
	assert_int_equal(tdp_fault(vm, 4 * MiB, TDP_ACC_READ), TDP_FAULT_OK);
	assert_int_equal(leaf_of(fx, 4 * MiB, &leaf), 1);
	assert_int_equal(tdp_pte_access(fx->fmt, leaf),
			 TDP_ACC_READ | TDP_ACC_EXEC);
	assert_false(guest_write(vm, 4 * MiB, 1));
	assert_audit(fx);
}

static void test_demand_faults(void **state)
{
	struct fixture *fx = *state;
	struct tdp_vm *vm = &fx->vm;
	struct tdp_stats st;
	uint64_t v, i, leaf;

	assert_true(tdp_slot_add(vm, 0, 64 * PAGE_SIZE, 0) >= 0);
	stats(fx, &st);
	assert_int_equal(st.backing_pages, 0);
	for (i = 0; i < 64; i++) {
		assert_true(guest_read_faulting(vm, i * PAGE_SIZE, &v));
		assert_int_equal(v, 0); /* demand pages are zeroed */
		assert_true(
		    guest_write_faulting(vm, i * PAGE_SIZE + 8, i * 3 + 1));
	}
	stats(fx, &st);
	assert_int_equal(st.backing_pages, 64);
	assert_int_equal(st.leaves[1], 64);
	assert_int_equal(st.table_pages, 3);
	assert_int_equal(leaf_of(fx, 5 * PAGE_SIZE, &leaf), 1);
	assert_int_equal(tdp_pte_addr(fx->fmt, leaf, 1),
			 vm->slots[0].backing[5]);
	/* A refault of a mapped page changes nothing. */
	assert_int_equal(tdp_fault(vm, 5 * PAGE_SIZE, TDP_ACC_WRITE),
			 TDP_FAULT_OK);
	stats(fx, &st);
	assert_int_equal(st.leaves[1], 64);

	/* Zap keeps the backing: the data comes back on refault. */
	assert_true(tdp_zap_range(vm, 0, 64) > 0);
	stats(fx, &st);
	assert_int_equal(st.mapped_pages, 0);
	assert_int_equal(st.backing_pages, 64);
	for (i = 0; i < 64; i++) {
		assert_true(guest_read_faulting(vm, i * PAGE_SIZE + 8, &v));
		assert_int_equal(v, i * 3 + 1);
	}

	/* Discard gives the backing back: zeros afterwards. */
	tdp_slot_discard(vm, 10, 4);
	stats(fx, &st);
	assert_int_equal(st.backing_pages, 60);
	assert_true(guest_read_faulting(vm, 11 * PAGE_SIZE + 8, &v));
	assert_int_equal(v, 0);
	assert_true(guest_read_faulting(vm, 14 * PAGE_SIZE + 8, &v));
	assert_int_equal(v, 14 * 3 + 1);
	assert_audit(fx);
}

/* 2 MiB then 1 GiB leaves: map, write, split to 4K, collapse back; the
 * translation and the data never change. */
static void check_large(struct fixture *fx, uint64_t gpa, unsigned level)
{
	struct tdp_vm *vm = &fx->vm;
	uint64_t n = tdp_level_pages(level), gfn = gpa >> PAGE_SHIFT;
	uint64_t leaf, v, i, tables, mapped;
	struct tdp_stats st;

	assert_int_equal(tdp_fault(vm, gpa + 5 * PAGE_SIZE, TDP_ACC_WRITE),
			 TDP_FAULT_OK);
	assert_int_equal(leaf_of(fx, gpa + (n - 1) * PAGE_SIZE, &leaf), level);
	stats(fx, &st);
	assert_int_equal(st.leaves[level], 1);
	tables = st.table_pages;
	mapped = st.mapped_pages;
	for (i = 0; i < n; i += n / 8)
		assert_true(guest_write(vm, gpa + i * PAGE_SIZE, i + 7));

	assert_int_equal(tdp_split_range(vm, gfn, gfn + n, 1),
			 level == 3 ? 1 + 512 : 1);
	stats(fx, &st);
	assert_int_equal(st.leaves[level], 0);
	assert_int_equal(st.leaves[1], level == 3 ? 512 * 512 : 512);
	assert_int_equal(st.table_pages, tables + (level == 3 ? 513 : 1));
	assert_int_equal(st.mapped_pages, mapped);
	for (i = 0; i < n; i += n / 8) {
		assert_int_equal(leaf_of(fx, gpa + i * PAGE_SIZE, &leaf), 1);
		assert_true(guest_read(vm, gpa + i * PAGE_SIZE, &v));
		assert_int_equal(v, i + 7);
	}
	assert_audit(fx);

	assert_int_equal(tdp_collapse_range(vm, gfn, gfn + n), 1);
	tdp_reclaim_barrier(vm);
	stats(fx, &st);
	assert_int_equal(st.leaves[level], 1);
	assert_int_equal(st.leaves[1], 0);
	assert_int_equal(st.table_pages, tables);
	assert_int_equal(st.pending_free, 0);
	for (i = 0; i < n; i += n / 8) {
		assert_true(guest_read(vm, gpa + i * PAGE_SIZE, &v));
		assert_int_equal(v, i + 7);
	}
	assert_audit(fx);
}

static void test_large_pages(void **state)
{
	struct fixture *fx = *state;
	struct tdp_vm *vm = &fx->vm;
	struct tdp_stats st;
	uint64_t leaf;

	assert_true(tdp_slot_add(vm, 2 * MiB, 4 * MiB, TDP_SLOT_PREALLOC) >= 0);
	assert_true(tdp_slot_add(vm, 1 * GiB, 1 * GiB, TDP_SLOT_PREALLOC) >= 0);
	check_large(fx, 2 * MiB, 2);
	check_large(fx, 1 * GiB, 3);
	/* A zap of one page inside a large leaf drops the whole leaf. */
	assert_int_equal(
	    tdp_zap_range(vm, (2 * MiB >> 12) + 3, (2 * MiB >> 12) + 4), 1);
	assert_int_equal(leaf_of(fx, 2 * MiB + 100 * PAGE_SIZE, &leaf), 0);
	stats(fx, &st);
	assert_int_equal(st.leaves[2], 0);
	/* The slot end caps the leaf size: the last 2 MiB of a slot that
	 * is not 1 GiB aligned get 2 MiB leaves. */
	assert_int_equal(tdp_fault(vm, 5 * MiB, TDP_ACC_READ), TDP_FAULT_OK);
	assert_int_equal(leaf_of(fx, 5 * MiB, &leaf), 2);
	assert_audit(fx);
}

/* With leaves capped at 4K, a preallocated slot maps 4K only. */
static void test_max_level(void **state)
{
	struct fixture *fx = *state;
	struct tdp_vm *vm = &fx->vm;
	uint64_t leaf;

	vm->max_level = 1;
	assert_true(tdp_slot_add(vm, 0, 2 * MiB, TDP_SLOT_PREALLOC) >= 0);
	assert_int_equal(tdp_fault(vm, 0, TDP_ACC_READ), TDP_FAULT_OK);
	assert_int_equal(leaf_of(fx, 0, &leaf), 1);
	assert_int_equal(tdp_collapse_range(vm, 0, 512), 0);
	assert_audit(fx);
}

static void test_write_protect(void **state)
{
	struct fixture *fx = *state;
	struct tdp_vm *vm = &fx->vm;
	uint64_t leaf, v;

	assert_true(tdp_slot_add(vm, 0, 16 * PAGE_SIZE, 0) >= 0);
	assert_true(guest_write_faulting(vm, 3 * PAGE_SIZE, 33));
	assert_int_equal(tdp_write_protect_range(vm, 0, 16), 1);
	assert_int_equal(leaf_of(fx, 3 * PAGE_SIZE, &leaf), 1);
	assert_false(leaf & fx->fmt->write_mask);
	assert_false(guest_write(vm, 3 * PAGE_SIZE, 34));
	assert_true(guest_read(vm, 3 * PAGE_SIZE, &v));
	assert_int_equal(v, 33);
	assert_true(guest_write_faulting(vm, 3 * PAGE_SIZE, 34));
	assert_true(guest_read(vm, 3 * PAGE_SIZE, &v));
	assert_int_equal(v, 34);
	assert_int_equal(tdp_write_protect_range(vm, 4, 16), 0);
	assert_audit(fx);
}

static uint64_t bits_of(const uint64_t *bm, unsigned words)
{
	uint64_t n = 0;
	unsigned i;

	for (i = 0; i < words; i++)
		n += __builtin_popcountll(bm[i]);
	return n;
}

static void test_dirty_log(void **state)
{
	struct fixture *fx = *state;
	struct tdp_vm *vm = &fx->vm;
	uint64_t out[8], leaf;
	struct tdp_stats st;
	int id;

	id = tdp_slot_add(vm, 2 * MiB, 2 * MiB, TDP_SLOT_PREALLOC);
	assert_true(id >= 0);
	/* Mapped with one 2 MiB leaf, written at page 1. */
	assert_true(guest_write_faulting(vm, 2 * MiB + PAGE_SIZE, 1));
	assert_int_equal(leaf_of(fx, 2 * MiB, &leaf), 2);

	/* Start: split to 4K and write-protect. The write fault logged the
	 * whole 2 MiB leaf. */
	tdp_dirty_log_start(vm, id);
	stats(fx, &st);
	assert_int_equal(st.leaves[2], 0);
	assert_int_equal(st.leaves[1], 512);
	assert_int_equal(leaf_of(fx, 2 * MiB + PAGE_SIZE, &leaf), 1);
	assert_false(leaf & fx->fmt->write_mask);
	assert_int_equal(tdp_dirty_log_get_and_clear(vm, id, out), 512);
	assert_int_equal(tdp_dirty_log_get_and_clear(vm, id, out), 0);

	/* Writes fault, are logged, and are logged once. */
	assert_true(guest_write_faulting(vm, 2 * MiB + 7 * PAGE_SIZE, 7));
	assert_true(guest_write_faulting(vm, 2 * MiB + 300 * PAGE_SIZE, 3));
	assert_int_equal(tdp_dirty_log_get_and_clear(vm, id, out), 2);
	assert_int_equal(out[0], 1ull << 7);
	assert_int_equal(out[4], 1ull << (300 - 256));
	assert_int_equal(bits_of(out, 8), 2);
	assert_int_equal(leaf_of(fx, 2 * MiB + 7 * PAGE_SIZE, &leaf), 1);
	assert_false(leaf & fx->fmt->write_mask);
	/* A read maps without write in a logged slot. */
	assert_int_equal(tdp_fault(vm, 2 * MiB + 9 * PAGE_SIZE, TDP_ACC_READ),
			 TDP_FAULT_OK);
	assert_int_equal(tdp_dirty_log_get_and_clear(vm, id, out), 0);
	/* Collapse refuses a logged slot; after stop it works again. */
	assert_int_equal(tdp_collapse_range(vm, 512, 1024), 0);
	tdp_dirty_log_stop(vm, id);
	assert_int_equal(tdp_collapse_range(vm, 512, 1024), 1);
	assert_audit(fx);
}

/* Hardware setting the dirty bit of a writable leaf (no fault) is not
 * lost by get-and-clear. */
static void test_dirty_bit_race(void **state)
{
	struct fixture *fx = *state;
	struct tdp_vm *vm = &fx->vm;
	uint64_t out[1];
	int id = tdp_slot_add(vm, 0, 16 * PAGE_SIZE, 0);

	tdp_dirty_log_start(vm, id);
	assert_true(guest_write_faulting(vm, 2 * PAGE_SIZE, 1));
	/* Mapped writable by the logged write fault; the bit is set. */
	assert_int_equal(tdp_dirty_log_get_and_clear(vm, id, out), 1);
	assert_true(guest_write_faulting(vm, 2 * PAGE_SIZE, 2));
	assert_int_equal(tdp_dirty_log_get_and_clear(vm, id, out), 1);
	assert_int_equal(out[0], 1ull << 2);
	assert_audit(fx);
}

/*
 * A large leaf the guest wrote without a fault (the CPU set its dirty
 * flag) is split: every child keeps the flags, so the write is still
 * known when dirty logging starts, and the first get-and-clear reports
 * every page of the leaf.
 */
static void test_split_keeps_dirty(void **state)
{
	struct fixture *fx = *state;
	const struct tdp_format *f = fx->fmt;
	struct tdp_vm *vm = &fx->vm;
	uint64_t out[8], leaf, i;
	int id;

	id = tdp_slot_add(vm, 2 * MiB, 2 * MiB, TDP_SLOT_PREALLOC);
	assert_true(id >= 0);
	assert_int_equal(tdp_fault(vm, 2 * MiB, TDP_ACC_READ), TDP_FAULT_OK);
	assert_int_equal(leaf_of(fx, 2 * MiB, &leaf), 2);
	assert_true(leaf & f->write_mask);
	assert_false(leaf & f->dirty_mask);
	assert_true(guest_write(vm, 2 * MiB + 5 * PAGE_SIZE, 5));
	assert_int_equal(leaf_of(fx, 2 * MiB, &leaf), 2);
	assert_true(leaf & f->dirty_mask);

	assert_int_equal(tdp_split_range(vm, 512, 1024, 1), 1);
	for (i = 0; i < 512; i += 73) {
		assert_int_equal(leaf_of(fx, 2 * MiB + i * PAGE_SIZE, &leaf),
				 1);
		assert_true(leaf & f->accessed_mask);
		assert_true(leaf & f->dirty_mask);
	}
	tdp_dirty_log_start(vm, id);
	assert_int_equal(tdp_dirty_log_get_and_clear(vm, id, out), 512);
	assert_int_equal(tdp_dirty_log_get_and_clear(vm, id, out), 0);
	assert_audit(fx);
}

static void test_aging(void **state)
{
	struct fixture *fx = *state;
	struct tdp_vm *vm = &fx->vm;
	uint64_t young[2], v, i;

	assert_true(tdp_slot_add(vm, 0, 128 * PAGE_SIZE, 0) >= 0);
	for (i = 0; i < 10; i++)
		assert_true(guest_read_faulting(vm, i * PAGE_SIZE, &v));
	assert_int_equal(tdp_age_range(vm, 0, 128, young), 10);
	assert_int_equal(young[0], 0x3ff);
	assert_int_equal(tdp_age_range(vm, 0, 128, young), 0);
	/*
	 * The guest touches page 3 on CPU 1, whose walk sets A. (On CPU 0 it
	 * may use the translation cached by the read above, and set
	 * nothing.)
	 */
	host_platform_set_cpu(1);
	assert_true(guest_read(vm, 3 * PAGE_SIZE, &v));
	host_platform_set_cpu(0);
	assert_int_equal(tdp_age_range(vm, 0, 128, young), 1);
	assert_int_equal(young[0], 1ull << 3);
	/* Page 4 touched, then unmapped: still reported young, once. */
	host_platform_set_cpu(1);
	assert_true(guest_read(vm, 4 * PAGE_SIZE, &v));
	host_platform_set_cpu(0);
	assert_int_equal(tdp_zap_range(vm, 4, 5), 1);
	assert_int_equal(tdp_age_range(vm, 2, 128, young), 1);
	assert_int_equal(young[0], 1ull << 2);
	assert_int_equal(tdp_age_range(vm, 0, 128, young), 0);
	assert_audit(fx);
}

/* Aging part of a large leaf: the leaf's accessed flag is gone, but the
 * pages of the leaf outside the range are reported by the next aging that
 * looks at them, once. */
static void test_aging_inside_large_leaf(void **state)
{
	struct fixture *fx = *state;
	struct tdp_vm *vm = &fx->vm;
	uint64_t young[8], leaf, i;

	assert_true(tdp_slot_add(vm, 2 * MiB, 2 * MiB, TDP_SLOT_PREALLOC) >= 0);
	assert_int_equal(tdp_fault(vm, 2 * MiB, TDP_ACC_READ), TDP_FAULT_OK);
	assert_int_equal(leaf_of(fx, 2 * MiB, &leaf), 2);
	assert_int_equal(tdp_age_range(vm, 512 + 100, 512 + 110, young), 10);
	assert_int_equal(young[0], 0x3ff);
	assert_int_equal(tdp_age_range(vm, 512, 1024, young), 502);
	for (i = 100; i < 110; i++)
		assert_false(young[i / 64] & (1ull << (i % 64)));
	assert_int_equal(tdp_age_range(vm, 512, 1024, young), 0);
	assert_audit(fx);
}

/* Out of memory: the fault says so and nothing leaks. */
static void test_out_of_memory(void **state)
{
	struct fixture *fx = *state;
	struct tdp_vm *vm = &fx->vm;
	int64_t live;

	assert_true(tdp_slot_add(vm, 0, 4 * MiB, 0) >= 0);
	live = host_live_pages(&fx->hp);
	fx->hp.limit_pages = live + 2;
	assert_int_equal(tdp_fault(vm, 0, TDP_ACC_READ), TDP_FAULT_ERROR);
	fx->hp.limit_pages = 0;
	assert_int_equal(tdp_fault(vm, 0, TDP_ACC_READ), TDP_FAULT_OK);
	assert_audit(fx);
}

/*
 * A fault that reads DISCONNECTED_PTE walks again from the root. Faked here
 * by planting the value in a linked table (which never happens for real):
 * every walk meets it, so the fault gives up with RETRY after its bound of
 * restarts; once the entry is clear it maps the page.
 */
static void test_fault_restart(void **state)
{
	struct fixture *fx = *state;
	struct tdp_vm *vm = &fx->vm;
	uint64_t ptes[TDP_MAX_LEVELS + 1], *l1, leaf;
	uint64_t before = vm->cpu[0].restarts;

	assert_true(tdp_slot_add(vm, 0, 2 * MiB, 0) >= 0);
	assert_int_equal(tdp_fault(vm, 0, TDP_ACC_READ), TDP_FAULT_OK);
	tdp_walk(vm, 0, ptes);
	l1 = tdp_virt(vm, tdp_pte_addr(fx->fmt, ptes[2], 2));
	l1[1] = DISCONNECTED_PTE;
	assert_int_equal(tdp_fault(vm, PAGE_SIZE, TDP_ACC_READ),
			 TDP_FAULT_RETRY);
	assert_true(vm->cpu[0].restarts - before >= 60);
	l1[1] = 0;
	assert_int_equal(tdp_fault(vm, PAGE_SIZE, TDP_ACC_READ), TDP_FAULT_OK);
	assert_int_equal(leaf_of(fx, PAGE_SIZE, &leaf), 1);
	assert_audit(fx);
}

/* Five levels: the same code walks a 57-bit guest-physical space. */
static void test_five_levels(void **state)
{
	struct fixture *fx = *state;
	struct tdp_format five = *fx->fmt;
	struct tdp_vm *vm = calloc(1, sizeof(*vm));
	uint64_t gpa = 1ull << 52, v, ptes[TDP_MAX_LEVELS + 1];
	struct tdp_stats st;

	five.levels = 5;
	assert_true(tdp_vm_init(vm, &five, &fx->hp.plat, 3));
	assert_true(tdp_slot_add(vm, gpa, 4 * MiB, 0) >= 0);
	assert_int_equal(tdp_slot_add(vm, 1ull << 57, 4096, 0), -1);
	assert_true(guest_write_faulting(vm, gpa + 8, 55));
	assert_int_equal(tdp_walk(vm, gpa, ptes), 1);
	assert_true(tdp_pte_present(&five, ptes[5]));
	tdp_get_stats(vm, &st);
	assert_int_equal(st.table_pages, 4);
	assert_true(tdp_zap_range(vm, 0, 1ull << 45) == 1);
	assert_true(guest_read_faulting(vm, gpa + 8, &v));
	assert_int_equal(v, 55);
	assert_true(tdp_audit(vm, NULL));
	tdp_vm_destroy(vm);
	free(vm);
}

/* Teardown with everything mapped returns every page (the fixture checks
 * the count after destroy). */
static void test_teardown(void **state)
{
	struct fixture *fx = *state;
	struct tdp_vm *vm = &fx->vm;
	uint64_t i;

	assert_true(tdp_slot_add(vm, 0, 8 * MiB, 0) >= 0);
	assert_true(tdp_slot_add(vm, 1 * GiB, 1 * GiB, TDP_SLOT_PREALLOC) >= 0);
	assert_true(tdp_slot_add(vm, 512 * GiB, 4 * MiB,
				 TDP_SLOT_PREALLOC | TDP_SLOT_READONLY) >= 0);
	for (i = 0; i < 8 * MiB; i += 3 * PAGE_SIZE)
		assert_int_equal(tdp_fault(vm, i, TDP_ACC_WRITE), TDP_FAULT_OK);
	assert_int_equal(tdp_fault(vm, 1 * GiB, TDP_ACC_WRITE), TDP_FAULT_OK);
	assert_int_equal(tdp_split_range(vm, 1 * GiB >> 12, 2 * GiB >> 12, 2),
			 1);
	assert_int_equal(tdp_fault(vm, 512 * GiB, TDP_ACC_READ), TDP_FAULT_OK);
	tdp_slot_remove(vm, 0);
	assert_true(tdp_fault(vm, 0, TDP_ACC_READ) == TDP_FAULT_MMIO);
	assert_true(tdp_slot_add(vm, 0, 8 * MiB, 0) >= 0);
	for (i = 0; i < 8 * MiB; i += 5 * PAGE_SIZE)
		assert_int_equal(tdp_fault(vm, i, TDP_ACC_READ), TDP_FAULT_OK);
	assert_audit(fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    MMU_TEST_BOTH(test_mmio),
	    MMU_TEST_BOTH(test_demand_faults),
	    MMU_TEST_BOTH(test_large_pages),
	    MMU_TEST_BOTH(test_max_level),
	    MMU_TEST_BOTH(test_write_protect),
	    MMU_TEST_BOTH(test_dirty_log),
	    MMU_TEST_BOTH(test_dirty_bit_race),
	    MMU_TEST_BOTH(test_split_keeps_dirty),
	    MMU_TEST_BOTH(test_aging),
	    MMU_TEST_BOTH(test_aging_inside_large_leaf),
	    MMU_TEST_BOTH(test_out_of_memory),
	    MMU_TEST_BOTH(test_fault_restart),
	    MMU_TEST_BOTH(test_five_levels),
	    MMU_TEST_BOTH(test_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
