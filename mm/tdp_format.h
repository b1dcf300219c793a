/*
 * The second-level page-table entry format, as the MMU core sees it.
 *
 * mm/ never names a vendor: each VM is handed one struct tdp_format (Intel
 * EPT or AMD NPT, defined in arch/x86/) and every entry is built and decoded
 * through these masks. Levels count from 1 (4 KiB entries) up to the root;
 * four levels are used today, the arrays leave room for five.
 */
#ifndef MM_TDP_FORMAT_H
#define MM_TDP_FORMAT_H

#include "lib/compiler.h"

#define TDP_MAX_LEVELS 5
#define TDP_PT_SHIFT   9
#define TDP_PT_ENTRIES 512

/*
 * An entry of a table that has been unlinked from the root. Not present in
 * either format (EPT bits 2:0 and NPT bit 0 are clear), no address bits (no
 * L1TF exposure), and bit 57 is ignored by hardware in both. A walker that
 * reads it knows its table is no longer reachable and restarts at the root.
 */
#define DISCONNECTED_PTE (1ull << 57)

/* A bit or field of an entry, under its name in the vendor's manual. */
struct tdp_field {
	const char *name;
	uint64_t mask; /* one bit: a flag; several: a field, shown as name=value */
};

struct tdp_format {
	const char *name;
	uint64_t present_mask; /* entry is present if any of these is set */
	uint64_t read_mask;    /* all set: readable */
	uint64_t write_mask;
	uint64_t exec_mask;  /* set: executable (EPT) */
	uint64_t nx_mask;    /* set: not executable (NPT) */
	uint64_t large_mask; /* leaf above level 1 */
	/*
	 * Set by hardware on access and write; both 0 for a format whose
	 * hardware sets neither (EPT without A/D flags): the MMU core then
	 * maps a page writable only when it is written, counts a writable
	 * leaf as dirty and a present one as young, and ages by unmapping.
	 */
	uint64_t accessed_mask;
	uint64_t dirty_mask;
	uint64_t addr_mask;	 /* bits 51:12 */
	uint64_t table_bits;	 /* every non-leaf entry */
	uint64_t leaf_bits;	 /* every leaf (memory type, user bit) */
	unsigned levels;	 /* levels of the walk: 4 or 5 */
	unsigned max_leaf_level; /* 3: 1 GiB leaves */
	/* The bits the format defines, for showing entries to people (the
	 * address aside); ends with a NULL name. */
	const struct tdp_field *fields;
};

/* Whether hardware keeps accessed and dirty flags in this format. */
static inline bool tdp_format_has_ad(const struct tdp_format *f)
{
	return f->accessed_mask && f->dirty_mask;
}

/* Access rights of a mapping or of a fault. */
enum tdp_access {
	TDP_ACC_READ = 1,
	TDP_ACC_WRITE = 2,
	TDP_ACC_EXEC = 4,
	TDP_ACC_ALL = 7,
};

static inline unsigned tdp_level_shift(unsigned level)
{
	return (level - 1) * TDP_PT_SHIFT;
}

/* Number of 4 KiB pages an entry at this level maps. */
static inline uint64_t tdp_level_pages(unsigned level)
{
	return 1ull << tdp_level_shift(level);
}

static inline unsigned tdp_index(uint64_t gfn, unsigned level)
{
	return (gfn >> tdp_level_shift(level)) & (TDP_PT_ENTRIES - 1);
}

static inline bool tdp_pte_present(const struct tdp_format *f, uint64_t pte)
{
	return (pte & f->present_mask) != 0;
}

static inline bool tdp_pte_leaf(const struct tdp_format *f, uint64_t pte,
				unsigned level)
{
	return level == 1 || (pte & f->large_mask);
}

/* Physical address an entry points to (table or the start of the page). */
static inline uint64_t tdp_pte_addr(const struct tdp_format *f, uint64_t pte,
				    unsigned level)
{
	uint64_t a = pte & f->addr_mask;

	if (level > 1 && (pte & f->large_mask))
		a &= ~((tdp_level_pages(level) << PAGE_SHIFT) - 1);
	return a;
}

static inline unsigned tdp_pte_access(const struct tdp_format *f, uint64_t pte)
{
	unsigned acc = 0;

	if ((pte & f->read_mask) == f->read_mask)
		acc |= TDP_ACC_READ;
	if (pte & f->write_mask)
		acc |= TDP_ACC_WRITE;
	if (f->exec_mask ? (pte & f->exec_mask) : !(pte & f->nx_mask))
		acc |= TDP_ACC_EXEC;
	return acc;
}

static inline uint64_t tdp_make_table(const struct tdp_format *f, uint64_t phys)
{
	return f->table_bits | (phys & f->addr_mask);
}

/* A leaf at level mapping phys (aligned to the level) with the rights acc. */
static inline uint64_t tdp_make_leaf(const struct tdp_format *f, uint64_t phys,
				     unsigned level, unsigned acc)
{
	uint64_t pte = f->leaf_bits | (phys & f->addr_mask);

	if (acc & TDP_ACC_READ)
		pte |= f->read_mask;
	if (acc & TDP_ACC_WRITE)
		pte |= f->write_mask;
	if (acc & TDP_ACC_EXEC)
		pte |= f->exec_mask;
	else
		pte |= f->nx_mask;
	if (level > 1)
		pte |= f->large_mask;
	return pte;
}

/* The same entry, executable: the exec bit set (EPT) or NX clear (NPT). */
static inline uint64_t tdp_pte_grant_exec(const struct tdp_format *f,
					  uint64_t pte)
{
	return (pte | f->exec_mask) & ~f->nx_mask;
}

#endif
