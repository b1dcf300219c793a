/*
 * The MMU core against CPUs that cache translations: the TLB model itself
 * (what an access caches, what it still touches in the tree, walks from a
 * cached table, a walk into a freed table), then what the core owes it:
 * a range operation leaves no translation it removed on any CPU, a table
 * is freed only after a flush that followed its removal, and a write made
 * while another CPU's flush is in flight is not lost by the dirty log.
 */
#include <pthread.h>
#include <time.h>

#include "tests/unit/mmu_fixture.h"

static void flush(struct fixture *fx)
{
	fx->hp.plat.flush_tlb(fx->hp.plat.ctx);
}

/* The entry that maps gpa at level, found through the tree. */
static uint64_t *pte_of(struct fixture *fx, uint64_t gpa, unsigned level)
{
	uint64_t ptes[TDP_MAX_LEVELS + 1], *pt;

	tdp_walk(&fx->vm, gpa, ptes);
	assert_true(tdp_pte_present(fx->fmt, ptes[level + 1]));
	pt = tdp_virt(&fx->vm,
		      tdp_pte_addr(fx->fmt, ptes[level + 1], level + 1));
	return &pt[tdp_index(gpa >> PAGE_SHIFT, level)];
}

/*
 * A walk sets the accessed flag on every entry it goes through and the
 * dirty flag on the leaf it writes through. After that, reads and writes
 * use the cached translation and touch nothing in the tree; a write
 * through a writable translation cached clean walks to set the dirty
 * flag, and faults if the leaf has lost its write right meanwhile.
 * (The leaf is changed here behind the core's back, as only a test may.)
 */
static void test_tlb_caches_translations(void **state)
{
	struct fixture *fx = *state;
	const struct tdp_format *f = fx->fmt;
	struct tdp_vm *vm = &fx->vm;
	uint64_t ptes[TDP_MAX_LEVELS + 1], gpa = 5 * PAGE_SIZE, v, *leaf, saved;
	uint64_t walks;
	unsigned l;

	assert_true(tdp_slot_add(vm, 0, 2 * MiB, 0) >= 0);
	assert_true(guest_write_faulting(vm, gpa, 55));
	assert_int_equal(tdp_walk(vm, gpa, ptes), 1);
	for (l = vm->root_level; l >= 1; l--)
		assert_true(ptes[l] & f->accessed_mask);
	assert_true(ptes[1] & f->dirty_mask);

	/* Cached writable and dirty: the tree is not looked at. */
	leaf = pte_of(fx, gpa, 1);
	saved = *leaf;
	*leaf = 0;
	walks = guest_walks(vm);
	assert_true(guest_read(vm, gpa, &v));
	assert_int_equal(v, 55);
	assert_true(guest_write(vm, gpa, 66));
	assert_int_equal(*leaf, 0);
	assert_int_equal(guest_walks(vm), walks);
	/* Until a flush. */
	flush(fx);
	assert_false(guest_read(vm, gpa, &v));

	/* Cached writable but clean: a write walks, and faults if the leaf
	 * is read-only by now. */
	*leaf = saved & ~f->dirty_mask;
	assert_true(guest_read(vm, gpa, &v));
	assert_int_equal(v, 66);
	*leaf &= ~f->write_mask;
	assert_false(guest_write(vm, gpa, 77));
	*leaf |= f->write_mask;
	assert_true(guest_read(vm, gpa, &v));
	walks = guest_walks(vm);
	assert_true(guest_write(vm, gpa, 77));
	assert_int_equal(guest_walks(vm), walks + 1);
	assert_true(*leaf & f->dirty_mask);
	/* Now cached dirty: the next write walks no more. */
	assert_true(guest_write(vm, gpa, 88));
	assert_int_equal(guest_walks(vm), walks + 1);
	*leaf = saved;
	assert_true(guest_read(vm, gpa, &v));
	assert_int_equal(v, 88);
}

/*
 * A walk starts from the lowest table the CPU has cached on the way, not
 * from the root: with the table unlinked behind the core's back, the CPU
 * that cached it still reaches its leaves and another CPU does not. A
 * walk from a cached pointer into a table that has been freed reads the
 * freed pattern and is reported (on stderr too: that line is expected).
 */
static void test_tlb_walks_from_cached_tables(void **state)
{
	struct fixture *fx = *state;
	const struct tdp_format *f = fx->fmt;
	struct tdp_vm *vm = &fx->vm;
	uint64_t *link, saved, table, *pt, v;
	int id = tdp_slot_add(vm, 0, 4 * MiB, 0);

	assert_true(id >= 0);
	assert_int_equal(tdp_fault(vm, 0, TDP_ACC_READ), TDP_FAULT_OK);
	assert_int_equal(tdp_fault(vm, PAGE_SIZE, TDP_ACC_READ), TDP_FAULT_OK);
	host_platform_set_cpu(1);
	assert_true(guest_read(vm, 0, &v));

	link = pte_of(fx, 0, 2);
	saved = *link;
	*link = 0;
	assert_true(guest_read(vm, PAGE_SIZE, &v));
	host_platform_set_cpu(2);
	assert_false(guest_read(vm, PAGE_SIZE, &v));

	/* CPU 3 walks through a table of its own, which is then unlinked
	 * and freed without a flush. */
	table = fx->hp.plat.alloc_pages(fx->hp.plat.ctx, 0, true);
	pt = tdp_virt(vm, table);
	pt[1] = tdp_make_leaf(f, vm->slots[id].backing[1], 1, TDP_ACC_READ);
	*link = tdp_make_table(f, table);
	host_platform_set_cpu(3);
	assert_true(guest_read(vm, PAGE_SIZE, &v));
	*link = saved;
	fx->hp.plat.free_pages(fx->hp.plat.ctx, table, 0);
	assert_false(guest_read(vm, 2 * PAGE_SIZE, &v));
	assert_int_equal(fx->hp.freed_walks, 1);
	/* The fault dropped the cached table: the next walk starts at the
	 * root. */
	assert_true(guest_read_faulting(vm, 2 * PAGE_SIZE, &v));
	assert_int_equal(fx->hp.freed_walks, 1);
	fx->hp.freed_walks = 0;
	host_platform_set_cpu(0);
}

/*
 * Zap, write protection, discard and get-and-clear: once they return, no
 * CPU uses a translation they removed. CPU 1 caches, CPU 0 operates.
 */
static void test_range_ops_flush(void **state)
{
	struct fixture *fx = *state;
	struct tdp_vm *vm = &fx->vm;
	uint64_t v, out[1];
	int id = tdp_slot_add(vm, 0, 16 * PAGE_SIZE, 0);

	assert_true(id >= 0);
	host_platform_set_cpu(1);
	assert_true(guest_write_faulting(vm, 3 * PAGE_SIZE, 33));
	assert_true(guest_write_faulting(vm, 4 * PAGE_SIZE, 44));
	assert_true(guest_write_faulting(vm, 6 * PAGE_SIZE, 66));

	host_platform_set_cpu(0);
	assert_int_equal(tdp_zap_range(vm, 3, 4), 1);
	host_platform_set_cpu(1);
	assert_false(guest_read(vm, 3 * PAGE_SIZE, &v));

	host_platform_set_cpu(0);
	assert_int_equal(tdp_write_protect_range(vm, 4, 5), 1);
	host_platform_set_cpu(1);
	assert_false(guest_write(vm, 4 * PAGE_SIZE, 45));
	assert_true(guest_read(vm, 4 * PAGE_SIZE, &v));
	assert_int_equal(v, 44);

	/* The backing is freed after the flush: never written through a
	 * stale translation, zero when faulted in again. */
	host_platform_set_cpu(0);
	tdp_slot_discard(vm, 6, 1);
	host_platform_set_cpu(1);
	assert_false(guest_read(vm, 6 * PAGE_SIZE, &v));
	assert_true(guest_read_faulting(vm, 6 * PAGE_SIZE, &v));
	assert_int_equal(v, 0);

	host_platform_set_cpu(0);
	tdp_dirty_log_start(vm, id);
	assert_int_equal(tdp_dirty_log_get_and_clear(vm, id, out), 3);
	host_platform_set_cpu(1);
	assert_true(guest_write_faulting(vm, 7 * PAGE_SIZE, 77));
	host_platform_set_cpu(0);
	assert_int_equal(tdp_dirty_log_get_and_clear(vm, id, out), 1);
	assert_int_equal(out[0], 1ull << 7);
	host_platform_set_cpu(1);
	assert_false(guest_write(vm, 7 * PAGE_SIZE, 78));
	host_platform_set_cpu(0);
}

/*
 * A table is freed only after a TLB flush that began after it was
 * unlinked (DESIGN.md, "Reclamation"), whatever the operation that
 * unlinked it does about flushing: here a zap without its flush, inside
 * an operation of its own. CPU 1 holds a cached pointer to the table; if
 * the table were freed before a flush, CPU 1's next walk would start in
 * freed memory.
 */
static void test_reclaim_waits_for_flush(void **state)
{
	struct fixture *fx = *state;
	struct tdp_vm *vm = &fx->vm;
	struct tdp_flush_debt debt = {0};
	struct tdp_stats st;
	struct tdp_cpu *c;
	uint64_t v;

	assert_true(tdp_slot_add(vm, 0, 4 * MiB, 0) >= 0);
	assert_int_equal(tdp_fault(vm, 0, TDP_ACC_READ), TDP_FAULT_OK);
	assert_int_equal(tdp_fault(vm, PAGE_SIZE, TDP_ACC_READ), TDP_FAULT_OK);
	host_platform_set_cpu(1);
	assert_true(guest_read(vm, 0, &v));

	host_platform_set_cpu(0);
	c = tdp_op_begin(vm, false);
	/* The zap's own flush left out: only the grace period's remains. */
	assert_int_equal(tdp_zap_locked(vm, 0, 512, &debt), 1);
	tdp_op_end(vm, c, false);
	tdp_reclaim_barrier(vm);
	tdp_flush_settle(vm, &debt); /* no look: only the debt is dropped */
	tdp_get_stats(vm, &st);
	assert_int_equal(st.freed_tables, 1);

	host_platform_set_cpu(1);
	assert_false(guest_read(vm, PAGE_SIZE, &v));
	if (fx->hp.freed_walks)
		fail_msg("the level-1 table of gfns [0, 0x200) was freed while "
			 "cpu1 still had a pointer to it cached: no TLB flush "
			 "between its removal and its freeing");
	host_platform_set_cpu(0);
}

/*
 * This program is built with the race points (mm/tdp_race.h): an
 * operation on one CPU can be stopped at one of its windows, with what it
 * has done before that point visible to the others, until the test lets
 * it go on (10 s at most).
 */
static struct {
	enum tdp_race_point point;
	unsigned cpu;
	bool armed, reached, released;
} stop;

void tdp_race_point(struct tdp_vm *vm, enum tdp_race_point p, uint64_t *ptep,
		    uint64_t old)
{
	struct timespec ms = {0, 1000000};
	unsigned i;

	(void)ptep;
	(void)old;
	if (!__atomic_load_n(&stop.armed, __ATOMIC_ACQUIRE) || p != stop.point ||
	    vm->plat->cpu_id(vm->plat->ctx) != stop.cpu)
		return;
	__atomic_store_n(&stop.armed, false, __ATOMIC_RELAXED);
	__atomic_store_n(&stop.reached, true, __ATOMIC_RELEASE);
	for (i = 0; i < 10000 && !__atomic_load_n(&stop.released,
						  __ATOMIC_ACQUIRE);
	     i++)
		nanosleep(&ms, NULL);
}

static void stop_at(enum tdp_race_point point, unsigned cpu)
{
	stop.point = point;
	stop.cpu = cpu;
	stop.reached = stop.released = false;
	__atomic_store_n(&stop.armed, true, __ATOMIC_RELEASE);
}

/* One MMU operation on a CPU of its own thread: range_op on the page gfn,
 * or, without one, a get-and-clear of slot. */
struct op_thread {
	pthread_t tid;
	struct fixture *fx;
	unsigned cpu;
	int slot;
	uint64_t gfn;
	uint64_t (*range_op)(struct tdp_vm *vm, uint64_t start, uint64_t end);
	uint64_t out[1];
	bool done;
};

static void *range_op_thread(void *arg)
{
	struct op_thread *t = arg;

	host_platform_set_cpu(t->cpu);
	t->range_op(&t->fx->vm, t->gfn, t->gfn + 1);
	__atomic_store_n(&t->done, true, __ATOMIC_RELEASE);
	return NULL;
}

static void *get_and_clear_thread(void *arg)
{
	struct op_thread *t = arg;

	host_platform_set_cpu(t->cpu);
	tdp_dirty_log_get_and_clear(&t->fx->vm, t->slot, t->out);
	__atomic_store_n(&t->done, true, __ATOMIC_RELEASE);
	return NULL;
}

static bool op_done(struct op_thread *t)
{
	return __atomic_load_n(&t->done, __ATOMIC_ACQUIRE);
}

/* Until the operation has returned, or waits (for another CPU's flush,
 * say), or its flush is held if held is true; at most 10 s. */
static void wait_op(struct fixture *fx, struct op_thread *t, bool held)
{
	struct timespec ms = {0, 1000000};
	int64_t waits = fx->hp.waits[t->cpu];
	unsigned i;

	for (i = 0; i < 10000; i++) {
		if (op_done(t) || (held && host_flush_held(&fx->hp)) ||
		    __atomic_load_n(&fx->hp.waits[t->cpu], __ATOMIC_RELAXED) >
			waits)
			return;
		nanosleep(&ms, NULL);
	}
}

/*
 * Get-and-clear against a write protection whose flush is in flight, in a
 * logged slot where page P is writable and dirty, and CPU 2 has P cached
 * writable and dirty:
 *   CPU 1 write-protects P; its flush has not landed yet;
 *   CPU 0's get-and-clear takes P's bit and finds P read-only already;
 *   CPU 2 writes P through its cached translation, with no fault;
 *   CPU 1's flush lands; the next get-and-clear must report P, unless the
 *   first one returned only after CPU 2's write (then its caller's copy
 *   of P has the write).
 */
static void test_get_and_clear_vs_write_protect(void **state)
{
	struct fixture *fx = *state;
	struct tdp_vm *vm = &fx->vm;
	const uint64_t p = 5;
	struct op_thread wp = {.fx = fx, .cpu = 1, .gfn = p,
				.range_op = tdp_write_protect_range};
	struct op_thread gc = {.fx = fx, .cpu = 0};
	uint64_t ptes[TDP_MAX_LEVELS + 1], out[1], v;
	int id = tdp_slot_add(vm, 0, 16 * PAGE_SIZE, 0);
	bool returned_first;

	assert_true(id >= 0);
	gc.slot = id;
	tdp_dirty_log_start(vm, id);
	host_platform_set_cpu(2);
	assert_true(guest_write_faulting(vm, p * PAGE_SIZE, 1));
	host_platform_set_cpu(3);

	host_hold_flush(&fx->hp, 1);
	pthread_create(&wp.tid, NULL, range_op_thread, &wp);
	wait_op(fx, &wp, true);
	if (!host_flush_held(&fx->hp)) {
		host_release_flush(&fx->hp);
		pthread_join(wp.tid, NULL);
		fail_msg("the write protection of gfn %#llx on cpu1 returned "
			 "without a TLB flush",
			 (unsigned long long)p);
	}
	tdp_walk(vm, p * PAGE_SIZE, ptes);
	assert_false(ptes[1] & fx->fmt->write_mask);

	pthread_create(&gc.tid, NULL, get_and_clear_thread, &gc);
	wait_op(fx, &gc, false);
	returned_first = op_done(&gc);

	host_platform_set_cpu(2);
	if (!guest_write(vm, p * PAGE_SIZE, 2))
		assert_true(guest_write_faulting(vm, p * PAGE_SIZE, 2));
	host_release_flush(&fx->hp);
	pthread_join(wp.tid, NULL);
	pthread_join(gc.tid, NULL);

	host_platform_set_cpu(0);
	assert_int_equal(gc.out[0], 1ull << p);
	tdp_dirty_log_get_and_clear(vm, id, out);
	if (returned_first && !(out[0] & (1ull << p)))
		fail_msg("page gfn %#llx lost by the dirty log: cpu0's "
			 "get-and-clear took its bit and returned while cpu1's "
			 "write protection of it was still flushing; cpu2 then "
			 "wrote it through its stale writable translation, "
			 "and the next get-and-clear did not report it",
			 (unsigned long long)p);
	assert_true(guest_read(vm, p * PAGE_SIZE, &v));
	assert_int_equal(v, 2);
}

/*
 * Get-and-clear against a zap in progress, in a logged slot where page P
 * is writable and dirty and CPU 2 has P cached writable and dirty:
 *   CPU 1's zap of P stops inside its window (the point before its
 *   cmpxchg: whatever the zap does before it has been done);
 *   CPU 0's get-and-clear takes P's bit and returns;
 *   CPU 2 writes P, through its cached translation if it still has one;
 *   CPU 1's zap goes on and returns.
 * The next get-and-clear reports P, unless CPU 2's write faulted (then
 * it marked P again, or wrote where the first get-and-clear left it).
 * Every order of the zap's steps around its window must keep this: a zap
 * that removed P before the window has to be counted as owing its flush
 * already, or get-and-clear finds P gone and returns with CPU 2's stale
 * translation still live.
 */
static void test_get_and_clear_vs_zap(void **state)
{
	struct fixture *fx = *state;
	struct tdp_vm *vm = &fx->vm;
	const uint64_t p = 5;
	struct op_thread zap = {.fx = fx, .cpu = 1, .gfn = p,
				 .range_op = tdp_zap_range};
	uint64_t out[1], v;
	int id = tdp_slot_add(vm, 0, 16 * PAGE_SIZE, 0);
	bool faulted;

	assert_true(id >= 0);
	tdp_dirty_log_start(vm, id);
	host_platform_set_cpu(2);
	assert_true(guest_write_faulting(vm, p * PAGE_SIZE, 1));
	assert_true(guest_write(vm, p * PAGE_SIZE, 1)); /* cached */

	stop_at(TDP_RACE_ZAP, 1);
	pthread_create(&zap.tid, NULL, range_op_thread, &zap);
	while (!__atomic_load_n(&stop.reached, __ATOMIC_ACQUIRE) &&
	       !op_done(&zap))
		sched_yield();
	if (op_done(&zap)) {
		pthread_join(zap.tid, NULL);
		fail_msg("the zap of gfn %#llx returned without reaching its "
			 "race point", (unsigned long long)p);
	}

	host_platform_set_cpu(0);
	tdp_dirty_log_get_and_clear(vm, id, out);
	assert_int_equal(out[0], 1ull << p);

	host_platform_set_cpu(2);
	faulted = !guest_write(vm, p * PAGE_SIZE, 2);
	if (faulted)
		assert_true(guest_write_faulting(vm, p * PAGE_SIZE, 2));
	__atomic_store_n(&stop.released, true, __ATOMIC_RELEASE);
	pthread_join(zap.tid, NULL);

	host_platform_set_cpu(0);
	tdp_dirty_log_get_and_clear(vm, id, out);
	if (!faulted && !(out[0] & (1ull << p)))
		fail_msg("page gfn %#llx lost by the dirty log: cpu0's "
			 "get-and-clear took its bit and returned while cpu1's "
			 "zap of it was unflushed; cpu2 then wrote it through "
			 "its stale writable translation, and the next "
			 "get-and-clear did not report it",
			 (unsigned long long)p);
	assert_true(guest_read_faulting(vm, p * PAGE_SIZE, &v));
	assert_int_equal(v, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    MMU_TEST_BOTH(test_tlb_caches_translations),
	    MMU_TEST_BOTH(test_tlb_walks_from_cached_tables),
	    MMU_TEST_BOTH(test_range_ops_flush),
	    MMU_TEST_BOTH(test_reclaim_waits_for_flush),
	    MMU_TEST_BOTH(test_get_and_clear_vs_write_protect),
	    MMU_TEST_BOTH(test_get_and_clear_vs_zap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
