/*
 * The TDP MMU core: builds a VM's EPT/NPT tables on demand, lock-free,
 * while several CPUs fault and run range operations at once.
 *
 * Every change of an entry goes through one change handler that keeps the
 * books; a table removed from the tree has each of its entries exchanged for
 * DISCONNECTED_PTE and is freed only after a TLB flush and a grace period.
 * The format of the entries and the platform (memory, CPU id, TLB flush)
 * are handed in at VM creation, so this code links unchanged into the
 * hypervisor and into host test programs.
 *
 * In the hypervisor: tdp_vm_init() with ept_format or npt_format and a
 * platform over the page allocator; the root goes into the EPTP / nCR3.
 * A nested page fault calls tdp_fault(gpa, access): OK re-enters the
 * guest, RETRY too, MMIO goes to the emulator, ERROR stops the VM. Every
 * operation marks its CPU busy from start to end, so any moment outside
 * one (VM entry, idle) is a quiescent state with no call needed; flush_tlb
 * is called after a change that removed rights or mappings, and before a
 * disconnected table is freed.
 */
#ifndef MM_TDP_H
#define MM_TDP_H

#include "mm/tdp_format.h"
#include "mm/tdp_lock.h"

#define TDP_MAX_CPUS	64
#define TDP_MAX_SLOTS	32
#define TDP_CACHE_PAGES 8

/* How the MMU core reaches the machine. Every hook may be called from any
 * CPU of the VM; none may sleep. */
struct tdp_platform {
	void *ctx;
	/* 2^order pages aligned to their size, zeroed if asked; 0 if none. */
	uint64_t (*alloc_pages)(void *ctx, unsigned order, bool zero);
	void (*free_pages)(void *ctx, uint64_t phys, unsigned order);
	void *(*phys_to_virt)(void *ctx, uint64_t phys);
	/* 0..nr_cpus-1; each id used by one thread of control at a time. */
	unsigned (*cpu_id)(void *ctx);
	unsigned nr_cpus;
	/* Returns once no CPU holds a translation of the VM made before the
	 * call (INVEPT / TLB control on every CPU running it). Must serve
	 * other CPUs' flush requests while it waits. */
	void (*flush_tlb)(void *ctx);
	/* Called at each turn of a wait for a lock, another CPU or a grace
	 * period, with what the wait is for; NULL: PAUSE. */
	void (*relax)(void *ctx, struct tdp_wait *w);
	/* A broken invariant: file:line and the condition; fatal if asked. */
	void (*report)(void *ctx, const char *file, int line, const char *what,
		       bool fatal);
};

enum tdp_slot_flags {
	TDP_SLOT_READONLY = 1u << 0, /* guest writes are MMIO */
	TDP_SLOT_PREALLOC = 1u << 1, /* contiguous backing, large pages */
};

struct tdp_memslot {
	uint64_t base_gfn;
	uint64_t npages;       /* 0: slot unused */
	unsigned flags;	       /* enum tdp_slot_flags */
	bool dirty_log;	       /* 4 KiB mappings, writes logged */
	unsigned chunk_order;  /* PREALLOC: backing contiguous per 2^order */
	uint64_t *backing;     /* phys of each page, 0: not yet allocated */
	uint64_t *dirty;       /* bitmap: written since last get-and-clear */
	uint64_t *young;       /* bitmap: accessed leaves since removed */
	uint64_t backing_phys; /* where the three arrays above live */
	uint64_t dirty_phys;
	uint64_t young_phys;
	unsigned backing_order; /* allocation order of the arrays */
	unsigned bitmap_order;
};

/*
 * The books, kept by the change handler alone. Each CPU keeps its own share
 * (struct tdp_cpu), so that no counter's cache line moves between CPUs on
 * the fault path; a share may go negative (a leaf mapped on one CPU and
 * zapped on another), the sum over the CPUs is the count.
 */
struct tdp_stats {
	int64_t leaves[TDP_MAX_LEVELS + 1]; /* present leaves per level */
	int64_t table_pages;		    /* tables linked below the root */
	int64_t mapped_pages;  /* 4 KiB pages mapped by all leaves */
	int64_t backing_pages; /* backing pages owned by the slots */
	int64_t pending_free;  /* disconnected tables awaiting a grace period */
	int64_t freed_tables;
	int64_t
	    reclaim_leaked; /* tables that could not be queued (no memory) */
	int64_t warnings;
	int64_t walk_restarts; /* walks that met DISCONNECTED_PTE */
	/* Large leaves a fault split so that a page in them could be
	 * executed (large_leaves_nx). */
	int64_t nx_splits;
};

/* Written only by its CPU (qs_seq is also read by the others). */
struct tdp_cpu {
	uint64_t qs_seq; /* odd while inside an MMU operation */
	unsigned ncache;
	uint64_t cache[TDP_CACHE_PAGES]; /* zeroed table pages */
	uint64_t restarts;
	struct tdp_stats stats; /* this CPU's share of the books */
} __aligned(64);

/* A batch of disconnected tables, in a page of its own. */
struct tdp_free_batch {
	uint64_t next; /* phys of the next batch, 0 ends the list */
	uint64_t count;
	uint64_t tables[510];
};

struct tdp_reclaim {
	struct tdp_lock queue_lock;  /* pending list */
	uint64_t pending;	     /* batches disconnected, not yet waited */
	struct tdp_lock gp_lock;     /* grace period owner: only try-locked */
	uint64_t waiting;	     /* batches waiting for the grace period */
	uint32_t freeing;	     /* CPUs freeing batches whose wait is over */
	uint64_t snap[TDP_MAX_CPUS]; /* qs_seq when the grace period began */
};

struct tdp_vm {
	const struct tdp_format *fmt;
	const struct tdp_platform *plat;
	uint64_t root; /* phys of the root table */
	unsigned root_level;
	unsigned max_level;    /* largest leaf allowed */
	bool exclusive_faults; /* fault as exclusive operations (bench) */
	/*
	 * No leaf above level 1 is executable: a fault that executes gets a
	 * 4 KiB leaf, splitting a large one in its way. Changing the page
	 * size of an executable mapping without a flush in between can
	 * raise a machine check on some CPUs (Intel's iTLB multihit); a
	 * large translation that is not executable never enters the
	 * instruction TLB. Set before the first fault, never changed.
	 */
	bool large_leaves_nx;
	uint32_t exclusive;    /* 1 + the CPU of the exclusive operation that runs or waits; 0: none */
	struct tdp_lock exclusive_lock;
	struct tdp_memslot slots[TDP_MAX_SLOTS];
	struct tdp_reclaim reclaim;
	/* TLB flushes by generation, and changes not yet flushed (tdp_flush.c). */
	uint64_t flush_started, flush_done;
	uint32_t flush_debts;
	struct tdp_cpu cpu[TDP_MAX_CPUS];
};

enum tdp_fault_result {
	TDP_FAULT_OK = 0,
	TDP_FAULT_RETRY, /* raced too often: re-enter the guest, it refaults */
	TDP_FAULT_MMIO,	 /* outside every slot, or a write to a read-only one */
	TDP_FAULT_ERROR, /* out of memory */
};

/* --- VM and slots (tdp_vm.c, tdp_memslot.c) --- */

/* Sets up an empty tree. max_level caps leaves (1: 4K only). False if out
 * of memory. */
bool tdp_vm_init(struct tdp_vm *vm, const struct tdp_format *fmt,
		 const struct tdp_platform *plat, unsigned max_level);
/* Unmaps everything and returns every page the VM ever took: tables,
 * backing, slot arrays. No other operation may run. */
void tdp_vm_destroy(struct tdp_vm *vm);

/* A new slot of size bytes at gpa (page aligned, not overlapping). Returns
 * its id, or -1 (overlap, no free slot, no memory). */
int tdp_slot_add(struct tdp_vm *vm, uint64_t gpa, uint64_t size,
		 unsigned flags);
/* Unmaps the slot and frees its backing. */
void tdp_slot_remove(struct tdp_vm *vm, int id);
/* Unmaps [gfn, gfn+n) of a demand-paged slot and gives its backing back:
 * the guest reads zeros there afterwards. */
void tdp_slot_discard(struct tdp_vm *vm, uint64_t gfn, uint64_t n);
struct tdp_memslot *tdp_slot_find(struct tdp_vm *vm, uint64_t gfn);
/*
 * Backing page of gfn in slot s, allocated (zeroed) on first use; 0 if out
 * of memory. The page stays the slot's until a discard, the slot's removal
 * or the VM's teardown, so a caller may use it while none of those runs
 * (the hypervisor copies to and from guest RAM with it).
 */
uint64_t tdp_slot_backing(struct tdp_vm *vm, struct tdp_memslot *s,
			  uint64_t gfn);

/* --- operations, all safe in parallel with each other --- */

enum tdp_fault_result tdp_fault(struct tdp_vm *vm, uint64_t gpa,
				unsigned access);
/* Removes every mapping of [start, end); returns the number of entries
 * (leaves or whole tables) removed. */
uint64_t tdp_zap_range(struct tdp_vm *vm, uint64_t start, uint64_t end);
/* Splits leaves above level in [start, end) down to level; same
 * translation. Returns the number of leaves split. */
uint64_t tdp_split_range(struct tdp_vm *vm, uint64_t start, uint64_t end,
			 unsigned level);
/* Replaces tables covering aligned blocks of [start, end) by large leaves
 * where the slot's backing allows. Returns the number of tables replaced. */
uint64_t tdp_collapse_range(struct tdp_vm *vm, uint64_t start, uint64_t end);
/* Removes write access from every leaf in [start, end); returns the number
 * of leaves changed. Writes fault afterwards. */
uint64_t tdp_write_protect_range(struct tdp_vm *vm, uint64_t start,
				 uint64_t end);
/* Clears the accessed bits in [start, end). Sets bit (gfn - start) of young
 * (one bit per page of the range) for every page accessed since the last
 * aging and clears the others; returns how many were. */
uint64_t tdp_age_range(struct tdp_vm *vm, uint64_t start, uint64_t end,
		       uint64_t *young);

/* Dirty logging of one slot: start write-protects and splits the slot;
 * get-and-clear copies the bitmap (one bit per page of the slot) into out,
 * clears it and write-protects the pages reported. */
void tdp_dirty_log_start(struct tdp_vm *vm, int id);
void tdp_dirty_log_stop(struct tdp_vm *vm, int id);
uint64_t tdp_dirty_log_get_and_clear(struct tdp_vm *vm, int id, uint64_t *out);

/* --- reclamation (tdp_reclaim.c) --- */

/* Frees the disconnected tables whose grace period is over, starts the next
 * one. Called at the end of every operation; cheap when there is nothing. */
void tdp_reclaim_poll(struct tdp_vm *vm);
/* Waits until everything disconnected so far is freed. Not from inside an
 * operation. */
void tdp_reclaim_barrier(struct tdp_vm *vm);

/* --- debugging (tdp_audit.c) --- */

/* Entries met on the walk to gpa, root first: ptes[level]; returns the
 * level of the last entry read (the leaf, or the non-present one). */
unsigned tdp_walk(struct tdp_vm *vm, uint64_t gpa,
		  uint64_t ptes[TDP_MAX_LEVELS + 1]);

struct tdp_audit {
	int64_t leaves[TDP_MAX_LEVELS + 1];
	int64_t table_pages;
	int64_t mapped_pages;
	uint64_t disconnected; /* DISCONNECTED_PTE reachable from the root */
	uint64_t bad_leaves;   /* wrong backing or rights beyond the slot's */
	uint64_t bad_entries;  /* non-zero non-present, leaf outside slots */
	uint64_t exec_large;   /* executable leaves above level 1 while
				  large_leaves_nx is set */
};

/* Walks the whole tree as an exclusive operation and compares it with
 * the books. True if everything agrees and nothing is wrong. */
bool tdp_audit(struct tdp_vm *vm, struct tdp_audit *out);

/* The books: every CPU's share summed (each read atomically). Exact while
 * no operation runs, or from inside an exclusive one. */
void tdp_get_stats(struct tdp_vm *vm, struct tdp_stats *st);

#endif
