/*
 * The translation caches of each simulated CPU, for the host tests of the
 * MMU core: a TLB of leaf translations (gfn -> the page it maps, the
 * rights, whether the leaf was dirty, the leaf's level) and
 * paging-structure caches (gfn range -> a table a walk went through, where
 * a later walk may start instead of the root). Entries are tagged with the
 * tree's root, as the hardware tags them with the EPTP / nCR3.
 *
 * Only simulated guest accesses fill them (guest_access.c). Only the
 * platform's TLB flush empties them, on every CPU at once, besides a fault,
 * which drops the entries used for the gfn that faulted (an EPT violation
 * does so: SDM, "Operations that Invalidate Cached Mappings"; the model
 * does the same for a #NPF).
 * Each cache is direct-mapped by gfn: an entry also goes when another gfn
 * with the same index is filled, and otherwise lives until a flush, so a
 * flush that is missing or late leaves entries that later accesses use.
 *
 * Each CPU's caches are behind a lock that an access holds from its lookup
 * to the end of its data access, and that a flush takes on every CPU in
 * turn: when the flush returns, no translation filled before it is left
 * and no access that may have used one is still under way, which is what
 * INVEPT or a TLB-control flush on every CPU gives the hypervisor.
 */
#ifndef TESTS_MMU_TLB_MODEL_H
#define TESTS_MMU_TLB_MODEL_H

#include <pthread.h>
#include "mm/tdp_format.h"

/* Entries per CPU: leaves of each size, and tables of each level. */
#define TLB_4K_ENTRIES	512
#define TLB_2M_ENTRIES	32
#define TLB_1G_ENTRIES	8
#define TLB_PT_ENTRIES	64 /* level-1 tables (PDE cache) */
#define TLB_PD_ENTRIES	16 /* level-2 tables (PDPTE cache) */
#define TLB_PDP_ENTRIES 4  /* level-3 tables, and level-4 ones (5 levels) */
#define TLB_LEAF_LEVELS 3  /* leaves above 1 GiB are not cached */

struct tlb_entry {
	uint64_t gen;	/* the CPU's flush generation when filled; 0: empty */
	uint64_t root;	/* the tree it was walked in */
	uint64_t tag;	/* gfn >> tdp_level_shift(level) (leaf), or of the
			   level above (table) */
	uint64_t addr;	/* leaf: host address of its first page; table: the
			   table's physical address */
	uint64_t clock; /* the model's clock when filled */
	uint8_t level;	/* of the leaf, or of the table */
	uint8_t rights; /* enum tdp_access of the leaf */
	bool dirty;	/* the leaf was writable and dirty when cached */
};

struct tlb_stats {
	uint64_t hits;	      /* accesses that used a cached leaf */
	uint64_t walks;	      /* walks that reached a leaf */
	uint64_t table_walks; /* of them, started from a cached table */
	uint64_t dirty_walks; /* walks to set the dirty flag of a cached leaf */
	uint64_t faults;      /* accesses that faulted */
};

struct tlb_cpu {
	pthread_mutex_t lock;
	const uint64_t *clock; /* the model's */
	uint64_t gen; /* bumped by each flush: older entries are gone */
	struct tlb_stats stats;
	struct tlb_entry leaf4k[TLB_4K_ENTRIES];
	struct tlb_entry leaf2m[TLB_2M_ENTRIES];
	struct tlb_entry leaf1g[TLB_1G_ENTRIES];
	struct tlb_entry pt[TLB_PT_ENTRIES];
	struct tlb_entry pd[TLB_PD_ENTRIES];
	struct tlb_entry pdp[TDP_MAX_LEVELS - 3][TLB_PDP_ENTRIES];
} __attribute__((aligned(64)));

struct tlb_model {
	unsigned nr_cpus;
	struct tlb_cpu *cpu;
	uint64_t clock; /* read by each fill, ticked by tlb_tick() */
};

struct tlb_model *tlb_model_create(unsigned nr_cpus);
void tlb_model_destroy(struct tlb_model *m);

/* Every CPU, one after the other: waits for its access under way, then
 * drops all it cached. */
void tlb_flush_all(struct tlb_model *m);

/* The CPU's caches, locked for one access. */
struct tlb_cpu *tlb_lock(struct tlb_model *m, unsigned cpu);
void tlb_unlock(struct tlb_cpu *c);

/* With the CPU's caches locked: */

/* The cached leaf translating gfn in the tree root (the smallest page
 * size first), or NULL. */
struct tlb_entry *tlb_find_leaf(struct tlb_cpu *c, uint64_t root, uint64_t gfn);
/* Caches the leaf translation of gfn (addr, level, rights and dirty of
 * leaf); a leaf above 1 GiB is not cached. */
void tlb_fill_leaf(struct tlb_cpu *c, uint64_t root, uint64_t gfn,
		   const struct tlb_entry *leaf);
/* The cached table on the way to gfn of the lowest level (at most
 * max_level), or NULL: a walk may start there. */
struct tlb_entry *tlb_find_table(struct tlb_cpu *c, uint64_t root, uint64_t gfn,
				 unsigned max_level);
/* The table at level that a walk to gfn went through. */
void tlb_fill_table(struct tlb_cpu *c, uint64_t root, uint64_t gfn,
		    unsigned level, uint64_t table);
/* Drops every entry used to translate gfn (a fault on it). */
void tlb_drop_gfn(struct tlb_cpu *c, uint64_t root, uint64_t gfn);

/*
 * The clock of fills: an entry whose clock is below a value tlb_tick()
 * returned was filled from entries read before that tick. So a range
 * operation may tick before it starts and, once it returns, ask whether a
 * translation it must have flushed is still cached.
 */
uint64_t tlb_tick(struct tlb_model *m);
/*
 * A leaf translation of a gfn in [start, end) of the tree root (only of
 * the gfns whose bit gfn - start is set in pages, unless NULL), cached
 * before clock before, with write access if writable: true, with its CPU
 * and a copy of the entry.
 */
bool tlb_find_older(struct tlb_model *m, uint64_t root, uint64_t start,
		    uint64_t end, const uint64_t *pages, uint64_t before,
		    bool writable, unsigned *cpu, struct tlb_entry *found);

/* Every CPU's counters summed; exact once no access runs. */
void tlb_get_stats(struct tlb_model *m, struct tlb_stats *st);

#endif
