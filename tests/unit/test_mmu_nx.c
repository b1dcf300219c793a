/*
 * Large leaves that are not executable (tdp_vm.large_leaves_nx, the
 * iTLB multihit rule): data faults map large leaves without exec, a fault
 * that executes splits them down to one executable 4 KiB leaf, split and
 * collapse never make an executable large leaf, the audit finds one that
 * slipped through; and with the rule off nothing of this happens.
 */
#include "tests/unit/mmu_fixture.h"

#define BLOCK_2M (2 * MiB)
#define BLOCK_1G (1 * GiB)

/* The leaf mapping gpa and its level in *level (0: none). */
static uint64_t leaf_at(struct fixture *fx, uint64_t gpa, unsigned *level)
{
	uint64_t ptes[TDP_MAX_LEVELS + 1];
	unsigned l = tdp_walk(&fx->vm, gpa, ptes);

	*level = tdp_pte_present(fx->fmt, ptes[l]) ? l : 0;
	return ptes[l];
}

static bool executable(struct fixture *fx, uint64_t pte)
{
	return tdp_pte_access(fx->fmt, pte) & TDP_ACC_EXEC;
}

/* The leaf mapping gpa is at level, and executable or not. */
static void assert_leaf(struct fixture *fx, uint64_t gpa, unsigned level,
			bool exec)
{
	unsigned l;
	uint64_t pte = leaf_at(fx, gpa, &l);

	assert_int_equal(l, level);
	assert_int_equal(executable(fx, pte), exec);
}

static int64_t nx_splits(struct fixture *fx)
{
	struct tdp_stats st;

	tdp_get_stats(&fx->vm, &st);
	return st.nx_splits;
}

/* The rule on or off, and two preallocated slots: 4 MiB at 2 MiB (2 MiB
 * leaves) and 1 GiB at 1 GiB (1 GiB leaves). */
static void add_large_slots(struct fixture *fx, bool nx)
{
	fx->vm.large_leaves_nx = nx;
	assert_true(tdp_slot_add(&fx->vm, BLOCK_2M, 2 * BLOCK_2M,
				 TDP_SLOT_PREALLOC) >= 0);
	assert_true(tdp_slot_add(&fx->vm, BLOCK_1G, BLOCK_1G,
				 TDP_SLOT_PREALLOC) >= 0);
}

/* Reads and writes map the largest leaf the slot allows, without exec. */
static void test_nx_data_faults_map_large_nx(void **state)
{
	struct fixture *fx = *state;
	struct tdp_vm *vm = &fx->vm;

	add_large_slots(fx, true);
	assert_int_equal(tdp_fault(vm, BLOCK_2M + 5 * PAGE_SIZE, TDP_ACC_WRITE),
			 TDP_FAULT_OK);
	assert_leaf(fx, BLOCK_2M, 2, false);
	assert_int_equal(tdp_fault(vm, BLOCK_1G + 77 * PAGE_SIZE, TDP_ACC_READ),
			 TDP_FAULT_OK);
	assert_leaf(fx, BLOCK_1G, 3, false);
	assert_int_equal(nx_splits(fx), 0);
	assert_true(tdp_audit(vm, NULL));
}

/*
 * An instruction fetch inside a large leaf without exec: the leaf is split
 * in place down to 4 KiB (one split per level), exactly the page fetched
 * becomes executable, the data stays, and the others keep their rights.
 */
static void test_nx_exec_fault_splits(void **state)
{
	struct fixture *fx = *state;
	struct tdp_vm *vm = &fx->vm;
	uint64_t page7 = BLOCK_2M + 7 * PAGE_SIZE, v, i;
	uint64_t far = BLOCK_1G + 300 * BLOCK_2M + 9 * PAGE_SIZE;
	struct tdp_stats st;

	add_large_slots(fx, true);
	for (i = 0; i < 512; i += 64)
		assert_true(guest_write_faulting(vm, BLOCK_2M + i * PAGE_SIZE,
						 i + 1));
	assert_leaf(fx, page7, 2, false);
	assert_false(guest_fetch(vm, page7, &v));

	assert_int_equal(tdp_fault(vm, page7, TDP_ACC_EXEC), TDP_FAULT_OK);
	assert_int_equal(nx_splits(fx), 1);
	assert_leaf(fx, page7, 1, true);
	for (i = 0; i < 512; i++)
		if (i != 7)
			assert_leaf(fx, BLOCK_2M + i * PAGE_SIZE, 1, false);
	tdp_get_stats(vm, &st);
	assert_int_equal(st.leaves[2], 0);
	assert_int_equal(st.leaves[1], 512);
	assert_true(guest_fetch(vm, page7, &v));
	assert_false(guest_fetch(vm, page7 + PAGE_SIZE, &v));
	for (i = 0; i < 512; i += 64) {
		assert_true(guest_read(vm, BLOCK_2M + i * PAGE_SIZE, &v));
		assert_int_equal(v, i + 1);
	}
	/* The next page is a small leaf already: no split, just exec. */
	assert_true(guest_fetch_faulting(vm, page7 + PAGE_SIZE, &v));
	assert_int_equal(nx_splits(fx), 1);
	assert_leaf(fx, page7 + PAGE_SIZE, 1, true);

	/* 1 GiB: split to 2 MiB leaves, the one fetched from to 4 KiB. */
	assert_true(guest_write_faulting(vm, far, 99));
	assert_leaf(fx, far, 3, false);
	assert_true(guest_fetch_faulting(vm, far, &v));
	assert_int_equal(v, 99);
	assert_int_equal(nx_splits(fx), 3);
	assert_leaf(fx, far, 1, true);
	assert_leaf(fx, far + PAGE_SIZE, 1, false);
	assert_leaf(fx, far + BLOCK_2M, 2, false);
	assert_leaf(fx, BLOCK_1G, 2, false);
	assert_true(tdp_audit(vm, NULL));
}

/* A fetch where nothing is mapped yet maps a 4 KiB executable leaf
 * where a large one would have been made, and splits nothing. */
static void test_nx_exec_fault_maps_small(void **state)
{
	struct fixture *fx = *state;
	struct tdp_vm *vm = &fx->vm;
	uint64_t v;

	add_large_slots(fx, true);
	assert_true(guest_fetch_faulting(vm, BLOCK_2M + 3 * PAGE_SIZE, &v));
	assert_leaf(fx, BLOCK_2M + 3 * PAGE_SIZE, 1, true);
	assert_true(guest_fetch_faulting(vm, BLOCK_1G, &v));
	assert_leaf(fx, BLOCK_1G, 1, true);
	assert_int_equal(nx_splits(fx), 0);
	/* A read beside it finds the table and maps a small leaf too. */
	assert_true(guest_read_faulting(vm, BLOCK_2M + 4 * PAGE_SIZE, &v));
	assert_leaf(fx, BLOCK_2M + 4 * PAGE_SIZE, 1, true);
	assert_true(tdp_audit(vm, NULL));
}

/*
 * A collapse over executable 4 KiB leaves makes a large leaf without
 * exec, at either level; a fetch then splits it again.
 */
static void test_nx_collapse_never_executable(void **state)
{
	struct fixture *fx = *state;
	struct tdp_vm *vm = &fx->vm;
	uint64_t gfn2m = BLOCK_2M >> PAGE_SHIFT, gfn1g = BLOCK_1G >> PAGE_SHIFT;
	uint64_t v, i;

	add_large_slots(fx, true);
	for (i = 0; i < 512; i += 32)
		assert_true(guest_fetch_faulting(vm, BLOCK_2M + i * PAGE_SIZE,
						 &v));
	assert_true(guest_write_faulting(vm, BLOCK_2M + 8, 1234));
	assert_leaf(fx, BLOCK_2M, 1, true);
	assert_int_equal(tdp_collapse_range(vm, gfn2m, gfn2m + 512), 1);
	assert_leaf(fx, BLOCK_2M, 2, false);
	assert_true(guest_read(vm, BLOCK_2M + 8, &v));
	assert_int_equal(v, 1234);
	assert_true(guest_fetch_faulting(vm, BLOCK_2M + 8, &v));
	assert_int_equal(nx_splits(fx), 1);

	assert_true(guest_fetch_faulting(vm, BLOCK_1G + 5 * BLOCK_2M, &v));
	assert_leaf(fx, BLOCK_1G + 5 * BLOCK_2M, 1, true);
	assert_int_equal(tdp_collapse_range(vm, gfn1g, gfn1g + (1 << 18)), 1);
	assert_leaf(fx, BLOCK_1G + 5 * BLOCK_2M, 3, false);
	tdp_reclaim_barrier(vm);
	assert_true(tdp_audit(vm, NULL));
}

/*
 * Split children still above level 1 never get exec, even from an
 * executable parent (planted with the rule off, as no operation with the
 * rule on makes one); 4 KiB children keep the parent's rights.
 */
static void test_nx_split_children(void **state)
{
	struct fixture *fx = *state;
	struct tdp_vm *vm = &fx->vm;
	uint64_t gfn1g = BLOCK_1G >> PAGE_SHIFT, i;
	struct tdp_audit a;

	assert_true(tdp_slot_add(vm, BLOCK_1G, BLOCK_1G, TDP_SLOT_PREALLOC) >=
		    0);
	assert_int_equal(tdp_fault(vm, BLOCK_1G, TDP_ACC_EXEC), TDP_FAULT_OK);
	assert_leaf(fx, BLOCK_1G, 3, true);
	vm->large_leaves_nx = true;
	/* The audit finds the executable large leaf. */
	assert_false(tdp_audit(vm, &a));
	assert_int_equal(a.exec_large, 1);

	assert_int_equal(tdp_split_range(vm, gfn1g, gfn1g + (1 << 18), 2), 1);
	for (i = 0; i < 512; i++)
		assert_leaf(fx, BLOCK_1G + i * BLOCK_2M, 2, false);
	assert_true(tdp_audit(vm, &a));
	assert_int_equal(tdp_split_range(vm, gfn1g, gfn1g + 512, 1), 1);
	for (i = 0; i < 512; i += 17)
		assert_leaf(fx, BLOCK_1G + i * PAGE_SIZE, 1, false);
	assert_true(tdp_audit(vm, NULL));
}

/* The rule off: large leaves executable, fetches split nothing, collapse
 * and split keep exec. */
static void test_nx_rule_off(void **state)
{
	struct fixture *fx = *state;
	struct tdp_vm *vm = &fx->vm;
	uint64_t gfn2m = BLOCK_2M >> PAGE_SHIFT, gfn1g = BLOCK_1G >> PAGE_SHIFT;
	uint64_t v;

	add_large_slots(fx, false);
	assert_true(guest_write_faulting(vm, BLOCK_2M, 5));
	assert_leaf(fx, BLOCK_2M, 2, true);
	assert_true(guest_fetch(vm, BLOCK_2M + 9 * PAGE_SIZE, &v));
	assert_true(guest_fetch_faulting(vm, BLOCK_1G + 3 * PAGE_SIZE, &v));
	assert_leaf(fx, BLOCK_1G, 3, true);
	assert_int_equal(tdp_split_range(vm, gfn1g, gfn1g + (1 << 18), 2), 1);
	assert_leaf(fx, BLOCK_1G + BLOCK_2M, 2, true);
	assert_int_equal(tdp_split_range(vm, gfn2m, gfn2m + 512, 1), 1);
	assert_leaf(fx, BLOCK_2M + PAGE_SIZE, 1, true);
	assert_int_equal(tdp_collapse_range(vm, gfn2m, gfn2m + 512), 1);
	assert_leaf(fx, BLOCK_2M, 2, true);
	assert_int_equal(nx_splits(fx), 0);
	tdp_reclaim_barrier(vm);
	assert_true(tdp_audit(vm, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    MMU_TEST_BOTH(test_nx_data_faults_map_large_nx),
	    MMU_TEST_BOTH(test_nx_exec_fault_splits),
	    MMU_TEST_BOTH(test_nx_exec_fault_maps_small),
	    MMU_TEST_BOTH(test_nx_collapse_never_executable),
	    MMU_TEST_BOTH(test_nx_split_children),
	    MMU_TEST_BOTH(test_nx_rule_off),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
