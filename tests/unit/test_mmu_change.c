/*
 * The PTE formats and the change handler: every transition and the books
 * it keeps, and the disconnection of a subtree with exact counts.
 */
#include "tests/unit/mmu_fixture.h"

#define GIB_PAGES (1ull << 18)

static void test_formats(void **state)
{
	const struct tdp_format *fmts[] = {&ept_format, &npt_format};
	unsigned i, l;

	for (i = 0; i < ARRAY_SIZE(fmts); i++) {
		const struct tdp_format *f = fmts[i];
		uint64_t leaf, table = tdp_make_table(f, 0x123456000ull);

		assert_false(tdp_pte_present(f, DISCONNECTED_PTE));
		assert_false(tdp_pte_present(f, 0));
		assert_int_equal(DISCONNECTED_PTE & f->addr_mask, 0);
		assert_true(tdp_pte_present(f, table));
		assert_false(tdp_pte_leaf(f, table, 2));
		assert_int_equal(tdp_pte_addr(f, table, 2), 0x123456000ull);
		for (l = 1; l <= f->max_leaf_level; l++) {
			uint64_t phys = 0x40000000ull;

			leaf = tdp_make_leaf(f, phys, l, TDP_ACC_READ);
			assert_true(tdp_pte_present(f, leaf));
			assert_true(tdp_pte_leaf(f, leaf, l));
			assert_int_equal(tdp_pte_addr(f, leaf, l), phys);
			assert_int_equal(tdp_pte_access(f, leaf), TDP_ACC_READ);
			leaf = tdp_make_leaf(f, phys, l, TDP_ACC_ALL);
			assert_int_equal(tdp_pte_access(f, leaf), TDP_ACC_ALL);
		}
	}
	/* NPT walks are user accesses: U on tables and leaves. */
	assert_true(tdp_make_table(&npt_format, 0x1000) & NPT_US);
	assert_true(tdp_make_leaf(&npt_format, 0x1000, 1, TDP_ACC_READ) &
		    NPT_US);
	assert_true(tdp_make_leaf(&npt_format, 0x1000, 1, TDP_ACC_READ) &
		    NPT_NX);
	assert_int_equal(tdp_make_leaf(&ept_format, 0x1000, 1, TDP_ACC_ALL) &
			     0x78,
			 EPT_MEMTYPE_WB | EPT_IGNORE_PAT);
}

static void stats(struct fixture *fx, struct tdp_stats *st)
{
	tdp_get_stats(&fx->vm, st);
}

/* Leaf transitions, one by one, straight through the handler. */
static void test_leaf_transitions(void **state)
{
	struct fixture *fx = *state;
	const struct tdp_format *f = fx->fmt;
	struct tdp_vm *vm = &fx->vm;
	struct tdp_memslot *s;
	struct tdp_stats st;
	uint64_t leaf, big;
	int id = tdp_slot_add(vm, 0, 4 * MiB, TDP_SLOT_PREALLOC);

	assert_true(id >= 0);
	s = &vm->slots[id];
	leaf = tdp_make_leaf(f, s->backing[3], 1, TDP_ACC_ALL);

	handle_changed_pte(vm, 3, 0, leaf, 1);
	stats(fx, &st);
	assert_int_equal(st.leaves[1], 1);
	assert_int_equal(st.mapped_pages, 1);

	/* Rights only: no change of the counts; W+D lost is logged dirty. */
	handle_changed_pte(vm, 3, leaf, leaf | f->dirty_mask, 1);
	assert_int_equal(s->dirty[0], 0);
	handle_changed_pte(vm, 3, leaf | f->dirty_mask, leaf & ~f->write_mask,
			   1);
	stats(fx, &st);
	assert_int_equal(st.leaves[1], 1);
	assert_int_equal(s->dirty[0], 1ull << 3);

	/* Another page: the old one gone, the new one there. */
	handle_changed_pte(vm, 3, leaf & ~f->write_mask,
			   tdp_make_leaf(f, s->backing[4], 1, TDP_ACC_ALL), 1);
	stats(fx, &st);
	assert_int_equal(st.leaves[1], 1);
	assert_int_equal(st.mapped_pages, 1);

	/* Leaf gone with the accessed bit: young in the slot. */
	handle_changed_pte(vm, 3,
			   tdp_make_leaf(f, s->backing[4], 1, TDP_ACC_ALL) |
			       f->accessed_mask,
			   0, 1);
	stats(fx, &st);
	assert_int_equal(st.leaves[1], 0);
	assert_int_equal(st.mapped_pages, 0);
	assert_int_equal(s->young[0], 1ull << 3);

	/* A 2 MiB leaf, writable and dirty, disconnected: 512 dirty. */
	big = tdp_make_leaf(f, s->backing[512], 2, TDP_ACC_ALL) | f->dirty_mask;
	handle_changed_pte(vm, 512, 0, big, 2);
	stats(fx, &st);
	assert_int_equal(st.leaves[2], 1);
	assert_int_equal(st.mapped_pages, 512);
	handle_changed_pte(vm, 512, big, DISCONNECTED_PTE, 2);
	stats(fx, &st);
	assert_int_equal(st.leaves[2], 0);
	assert_int_equal(st.mapped_pages, 0);
	assert_int_equal(s->dirty[8], ~0ull);
	assert_int_equal(s->dirty[15], ~0ull);
	assert_int_equal(s->dirty[16 - 1 + 1], 0);

	/* Non-present to DISCONNECTED_PTE: nothing; to anything else: WARN. */
	handle_changed_pte(vm, 0, 0, DISCONNECTED_PTE, 1);
	stats(fx, &st);
	assert_int_equal(st.warnings, 0);
	handle_changed_pte(vm, 0, 0, 1ull << 52, 1);
	stats(fx, &st);
	assert_int_equal(st.warnings, 1);
	assert_int_equal(fx->hp.reports, 1);
	memset(s->dirty, 0, 64);
	memset(s->young, 0, 64);
}

/* Table transitions: linked, replaced by a leaf (disconnected), replaced
 * by another table (disconnected). */
static void test_table_transitions(void **state)
{
	struct fixture *fx = *state;
	const struct tdp_format *f = fx->fmt;
	struct tdp_vm *vm = &fx->vm;
	struct tdp_stats st;
	uint64_t t1 = tdp_alloc_table(vm), t2 = tdp_alloc_table(vm);
	uint64_t *pt1 = tdp_virt(vm, t1);
	int id = tdp_slot_add(vm, 0, 4 * MiB, TDP_SLOT_PREALLOC);
	struct tdp_memslot *s = &vm->slots[id];
	unsigned i;

	/* A level-1 table holding two leaves, linked at level 2. */
	pt1[0] = tdp_make_leaf(f, s->backing[0], 1, TDP_ACC_ALL);
	pt1[7] = tdp_make_leaf(f, s->backing[7], 1, TDP_ACC_ALL);
	handle_changed_pte(vm, 0, 0, tdp_make_table(f, t1), 2);
	handle_changed_pte(vm, 0, 0, pt1[0], 1);
	handle_changed_pte(vm, 7, 0, pt1[7], 1);
	stats(fx, &st);
	assert_int_equal(st.table_pages, 1);
	assert_int_equal(st.leaves[1], 2);

	/* Table -> leaf: the table is disconnected entry by entry. */
	handle_changed_pte(vm, 0, tdp_make_table(f, t1),
			   tdp_make_leaf(f, s->backing[0], 2, TDP_ACC_ALL), 2);
	stats(fx, &st);
	assert_int_equal(st.table_pages, 0);
	assert_int_equal(st.leaves[1], 0);
	assert_int_equal(st.leaves[2], 1);
	assert_int_equal(st.pending_free, 1);
	for (i = 0; i < TDP_PT_ENTRIES; i++)
		assert_int_equal(pt1[i], DISCONNECTED_PTE);

	/* Leaf -> table -> another table. */
	handle_changed_pte(vm, 0,
			   tdp_make_leaf(f, s->backing[0], 2, TDP_ACC_ALL),
			   tdp_make_table(f, t2), 2);
	stats(fx, &st);
	assert_int_equal(st.leaves[2], 0);
	assert_int_equal(st.table_pages, 1);
	t1 = tdp_alloc_table(vm);
	handle_changed_pte(vm, 0, tdp_make_table(f, t2), tdp_make_table(f, t1),
			   2);
	stats(fx, &st);
	assert_int_equal(st.table_pages, 1);
	assert_int_equal(st.pending_free, 2);
	handle_changed_pte(vm, 0, tdp_make_table(f, t1), 0, 2);
	tdp_reclaim_barrier(vm);
	stats(fx, &st);
	assert_int_equal(st.table_pages, 0);
	assert_int_equal(st.pending_free, 0);
	assert_int_equal(st.freed_tables, 3);
	assert_int_equal(st.warnings, 0);
}

/*
 * Faults build root -> L3 -> L2 -> two L1 tables; zapping the 512 GiB the
 * root entry covers disconnects all four, marks every entry of each, and
 * after the grace period frees exactly those four.
 */
static void test_disconnect_subtree(void **state)
{
	struct fixture *fx = *state;
	struct tdp_vm *vm = &fx->vm;
	uint64_t ptes[TDP_MAX_LEVELS + 1], tables[4], *pt;
	struct tdp_stats st;
	struct tdp_cpu *c1;
	int64_t live;
	unsigned i, l;

	assert_true(tdp_slot_add(vm, 0, 4 * MiB, 0) >= 0);
	for (i = 0; i < 10; i++)
		assert_int_equal(tdp_fault(vm, i * PAGE_SIZE, TDP_ACC_READ),
				 TDP_FAULT_OK);
	for (i = 512; i < 520; i++)
		assert_int_equal(tdp_fault(vm, i * PAGE_SIZE, TDP_ACC_WRITE),
				 TDP_FAULT_OK);
	stats(fx, &st);
	assert_int_equal(st.table_pages, 4);
	assert_int_equal(st.leaves[1], 18);
	assert_int_equal(st.mapped_pages, 18);
	assert_int_equal(st.backing_pages, 18);

	/* tables[0..3]: the L3 table, the L2 table, the two L1 tables. */
	assert_int_equal(tdp_walk(vm, 0, ptes), 1);
	for (l = 4; l >= 2; l--)
		tables[4 - l] = tdp_pte_addr(fx->fmt, ptes[l], l);
	assert_int_equal(tdp_walk(vm, 512 * PAGE_SIZE, ptes), 1);
	tables[3] = tdp_pte_addr(fx->fmt, ptes[2], 2);
	assert_int_equal(tdp_pte_addr(fx->fmt, ptes[3], 3), tables[1]);
	assert_true(tables[3] != tables[2]);

	live = host_live_pages(&fx->hp);
	/* Hold a grace period open: this "CPU" stays inside an operation. */
	host_platform_set_cpu(1);
	c1 = tdp_op_begin(vm, false);
	host_platform_set_cpu(0);
	assert_int_equal(tdp_zap_range(vm, 0, 1ull << 27), 1);
	stats(fx, &st);
	assert_int_equal(st.table_pages, 0);
	assert_int_equal(st.leaves[1], 0);
	assert_int_equal(st.mapped_pages, 0);
	assert_int_equal(st.pending_free, 4);
	assert_int_equal(st.backing_pages, 18);
	/* The dirty leaves went away writable+dirty: logged. */
	assert_int_equal(vm->slots[0].dirty[8], 0xff);
	for (l = 0; l < 4; l++) {
		pt = (uint64_t *)(uintptr_t)tables[l];
		for (i = 0; i < TDP_PT_ENTRIES; i++)
			assert_int_equal(pt[i], DISCONNECTED_PTE);
	}
	/* CPU 1 was inside an operation all along: nothing may be freed. */
	tdp_reclaim_poll(vm);
	stats(fx, &st);
	assert_int_equal(st.freed_tables, 0);

	host_platform_set_cpu(1);
	tdp_op_end(vm, c1, false);
	host_platform_set_cpu(0);
	tdp_reclaim_barrier(vm);
	stats(fx, &st);
	assert_int_equal(st.freed_tables, 4);
	assert_int_equal(st.pending_free, 0);
	/* Four tables and the batch page that listed them. */
	assert_int_equal(host_live_pages(&fx->hp), live - 5);
	assert_true(fx->hp.flushes > 0);
	memset(vm->slots[0].dirty, 0, 64);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_formats),
	    MMU_TEST_BOTH(test_leaf_transitions),
	    MMU_TEST_BOTH(test_table_transitions),
	    MMU_TEST_BOTH(test_disconnect_subtree),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
