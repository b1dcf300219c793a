/*
 * Inside the MMU core: entry access, the change handler, the iterator and
 * the per-CPU state shared by the files of mm/tdp_*.c.
 */
#ifndef MM_TDP_INTERNAL_H
#define MM_TDP_INTERNAL_H

#include "mm/tdp.h"
#include "mm/tdp_race.h"
#include "base/trace.h"
#include "lib/bits.h"
#include "lib/string.h"

struct tdp_flush_debt; /* tdp_flush.c, below */

#define TDP_REPORT(vm, cond, fatal)                                            \
	({                                                                     \
		bool __c = !!(cond);                                           \
		if (unlikely(__c))                                             \
			tdp_report((vm), __FILE__, __LINE__, #cond, (fatal));  \
		__c;                                                           \
	})
#define TDP_WARN_ON(vm, cond) TDP_REPORT(vm, cond, false)
#define TDP_BUG_ON(vm, cond)  ((void)TDP_REPORT(vm, cond, true))

void tdp_report(struct tdp_vm *vm, const char *file, int line, const char *what,
		bool fatal);

/*
 * The calling CPU's share of the books. Only that CPU writes it (each CPU
 * id is used by one thread of control at a time), so an update is a plain
 * load and store, atomic only so that tdp_get_stats() may read it meanwhile.
 */
static inline struct tdp_stats *tdp_my_stats(struct tdp_vm *vm)
{
	return &vm->cpu[vm->plat->cpu_id(vm->plat->ctx)].stats;
}

static inline void stat_add(int64_t *counter, int64_t v)
{
	int64_t n = __atomic_load_n(counter, __ATOMIC_RELAXED) + v;

	__atomic_store_n(counter, n, __ATOMIC_RELAXED);
}

#define tdp_stat_add(vm, field, v) stat_add(&tdp_my_stats(vm)->field, (v))

static inline void *tdp_virt(struct tdp_vm *vm, uint64_t phys)
{
	return vm->plat->phys_to_virt(vm->plat->ctx, phys);
}

/* Entries are read with acquire so that a table seen through an entry is
 * seen with the contents it had when it was linked. */
static inline uint64_t tdp_pte_read(uint64_t *ptep)
{
	return __atomic_load_n(ptep, __ATOMIC_ACQUIRE);
}

/*
 * Full barrier: orders a CPU's earlier stores before its later loads. The
 * thread sanitizer has no model of fences; its builds rely on the
 * sequentially consistent read-modify-write that precedes every use.
 */
static inline void tdp_smp_mb(void)
{
#ifndef __SANITIZE_THREAD__
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
}

static inline bool tdp_pte_cmpxchg(uint64_t *ptep, uint64_t *old, uint64_t new)
{
	return __atomic_compare_exchange_n(ptep, old, new, false,
					   __ATOMIC_SEQ_CST, __ATOMIC_ACQUIRE);
}

static inline uint64_t tdp_pte_xchg(uint64_t *ptep, uint64_t new)
{
	return __atomic_exchange_n(ptep, new, __ATOMIC_SEQ_CST);
}

/* --- tdp_change.c --- */

/*
 * The books after one entry at level, mapping from gfn, changed from old to
 * new (atomically, or while no one else could see the entry). Must run for
 * every change except the accessed/dirty bits that hardware sets.
 */
void handle_changed_pte(struct tdp_vm *vm, uint64_t gfn, uint64_t old,
			uint64_t new, unsigned level);

/* --- tdp_iter.c --- */

/*
 * Pre-order walk over the entries that map [start, end), from the root down
 * to min_level. Meeting DISCONNECTED_PTE restarts the walk at the root at
 * the current gfn, so the caller only ever sees connected entries (or an
 * entry that is disconnected after it was read: its cmpxchg then fails or
 * lands in a table on its way out, whose disconnection accounts for it).
 */
struct tdp_iter {
	struct tdp_vm *vm;
	uint64_t *pt[TDP_MAX_LEVELS + 1]; /* table walked at each level */
	uint64_t *ptep;
	uint64_t old;	 /* value last read from or written to *ptep */
	uint64_t gfn;	 /* first gfn mapped by *ptep */
	uint64_t target; /* gfn the walk is heading for */
	uint64_t start, end;
	unsigned level;
	unsigned min_level;
	bool valid;
};

void tdp_iter_start(struct tdp_iter *it, struct tdp_vm *vm, uint64_t start,
		    uint64_t end, unsigned min_level);
void tdp_iter_next(struct tdp_iter *it);

#define tdp_for_each_pte(it, vm, start, end, min_level)                        \
	for (tdp_iter_start(&(it), (vm), (start), (end), (min_level));         \
	     (it).valid; tdp_iter_next(&(it)))

/* Replaces it->old by new with a cmpxchg and runs the change handler. On
 * failure it->old holds the current value and nothing else happened. */
bool tdp_iter_set(struct tdp_iter *it, uint64_t new);

/* Whether the entry's range lies inside [it->start, it->end). */
static inline bool tdp_iter_covered(const struct tdp_iter *it)
{
	return it->gfn >= it->start &&
	       it->gfn + tdp_level_pages(it->level) <= it->end;
}

/* --- tdp_vm.c: entering and leaving an operation --- */

/* Marks this CPU inside an operation (not quiescent); an exclusive one
 * also waits until every other CPU is outside and keeps them out. */
struct tdp_cpu *tdp_op_begin(struct tdp_vm *vm, bool exclusive);
void tdp_op_end(struct tdp_vm *vm, struct tdp_cpu *c, bool exclusive);

/* Fills this CPU's cache of zeroed table pages up to n. */
bool tdp_cache_topup(struct tdp_vm *vm, struct tdp_cpu *c, unsigned n);
uint64_t tdp_alloc_table(struct tdp_vm *vm);

/* --- tdp_memslot.c --- */

/* Largest leaf level the slot's backing allows at gfn. */
unsigned tdp_slot_max_level(struct tdp_vm *vm, struct tdp_memslot *s,
			    uint64_t gfn);
unsigned tdp_slot_access(const struct tdp_memslot *s);
/* Sets the bits of [gfn, gfn+n) ∩ slot in bitmap (dirty or young). */
void tdp_slot_mark(struct tdp_memslot *s, uint64_t *bitmap, uint64_t gfn,
		   uint64_t n);

/* --- tdp_reclaim.c --- */

/* Queues a disconnected table for freeing after the grace period. */
void tdp_reclaim_queue(struct tdp_vm *vm, uint64_t table);

/* --- range operations without lock and flush, for reuse --- */
uint64_t tdp_zap_locked(struct tdp_vm *vm, uint64_t start, uint64_t end,
			struct tdp_flush_debt *debt);
uint64_t tdp_write_protect_locked(struct tdp_vm *vm, uint64_t start,
				  uint64_t end, struct tdp_flush_debt *debt);
uint64_t tdp_split_locked(struct tdp_vm *vm, struct tdp_cpu *c, uint64_t start,
			  uint64_t end, unsigned level);

/* --- tdp_split.c --- */

/*
 * Replaces the large leaf *old, read from ptep at level (mapping from
 * gfn), by a table of leaves one level down with the same translation,
 * with one cmpxchg; the table page is the last of this CPU's cache, which
 * must hold one. True once linked and accounted, *old then the new table
 * entry; false if the entry no longer held *old: *old is what it holds
 * now, and the page stays cached, zeroed.
 */
bool tdp_split_leaf(struct tdp_vm *vm, struct tdp_cpu *c, uint64_t *ptep,
		    uint64_t *old, uint64_t gfn, unsigned level);

/* The rights a leaf at level may have out of acc: no exec above level 1
 * when the VM's large leaves are not executable. */
static inline unsigned tdp_leaf_rights(const struct tdp_vm *vm, unsigned acc,
				       unsigned level)
{
	if (vm->large_leaves_nx && level > 1)
		acc &= ~TDP_ACC_EXEC;
	return acc;
}

static inline void tdp_vm_relax(struct tdp_vm *vm, struct tdp_wait *w)
{
	tdp_relax(vm->plat->relax, vm->plat->ctx, w);
}

static inline void tdp_vm_lock(struct tdp_vm *vm, struct tdp_lock *l,
			       const char *what)
{
	tdp_lock(l, vm->plat->relax, vm->plat->ctx, what);
}

/* --- tdp_flush.c --- */

/* The flush generation begun last: a flush that begins later has a
 * higher one. */
static inline uint64_t tdp_flush_mark(struct tdp_vm *vm)
{
	return __atomic_load_n(&vm->flush_started, __ATOMIC_SEQ_CST);
}

/* Returns once a flush that began after flush_started read seen has
 * completed on every CPU: another CPU's, or one begun here. */
void tdp_flush_after(struct tdp_vm *vm, uint64_t seen);

/* A flush that begins after this call, or joins one that does. */
static inline void tdp_flush(struct tdp_vm *vm)
{
	tdp_flush_after(vm, tdp_flush_mark(vm));
}

/*
 * An operation's part in the flush discipline: tdp_flush_owe() before its
 * first change that takes rights away; tdp_flush_look() after its last
 * read of the tree (inside the operation); tdp_flush_settle() before it
 * returns (inside or after the operation), which flushes or waits while
 * it, or any other CPU, owes a flush.
 */
struct tdp_flush_debt {
	bool owed;   /* counted in vm->flush_debts */
	bool needed; /* a flush must complete before the caller returns */
	uint64_t seen;
};

void tdp_flush_owe(struct tdp_vm *vm, struct tdp_flush_debt *d);
void tdp_flush_look(struct tdp_vm *vm, struct tdp_flush_debt *d);
void tdp_flush_settle(struct tdp_vm *vm, struct tdp_flush_debt *d);

#endif
