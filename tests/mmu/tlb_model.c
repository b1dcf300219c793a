/* The simulated CPUs' translation caches (see tlb_model.h). */
#include <stdlib.h>
#include <string.h>

#include "tests/mmu/tlb_model.h"

struct tlb_model *tlb_model_create(unsigned nr_cpus)
{
	struct tlb_model *m = calloc(1, sizeof(*m));
	unsigned i;

	if (!m)
		abort();
	m->nr_cpus = nr_cpus;
	m->cpu = aligned_alloc(64, nr_cpus * sizeof(*m->cpu));
	if (!m->cpu)
		abort();
	memset(m->cpu, 0, nr_cpus * sizeof(*m->cpu));
	for (i = 0; i < nr_cpus; i++) {
		pthread_mutex_init(&m->cpu[i].lock, NULL);
		m->cpu[i].gen = 1;
		m->cpu[i].clock = &m->clock;
	}
	return m;
}

void tlb_model_destroy(struct tlb_model *m)
{
	unsigned i;

	for (i = 0; i < m->nr_cpus; i++)
		pthread_mutex_destroy(&m->cpu[i].lock);
	free(m->cpu);
	free(m);
}

void tlb_flush_all(struct tlb_model *m)
{
	unsigned i;

	for (i = 0; i < m->nr_cpus; i++) {
		struct tlb_cpu *c = tlb_lock(m, i);

		c->gen++;
		tlb_unlock(c);
	}
}

struct tlb_cpu *tlb_lock(struct tlb_model *m, unsigned cpu)
{
	struct tlb_cpu *c = &m->cpu[cpu];

	pthread_mutex_lock(&c->lock);
	return c;
}

void tlb_unlock(struct tlb_cpu *c)
{
	pthread_mutex_unlock(&c->lock);
}

/* The entry of a leaf at level that would translate gfn. */
static struct tlb_entry *leaf_slot(struct tlb_cpu *c, uint64_t gfn,
				   unsigned level)
{
	uint64_t tag = gfn >> tdp_level_shift(level);

	switch (level) {
	case 1:
		return &c->leaf4k[tag % TLB_4K_ENTRIES];
	case 2:
		return &c->leaf2m[tag % TLB_2M_ENTRIES];
	case 3:
		return &c->leaf1g[tag % TLB_1G_ENTRIES];
	default:
		return NULL;
	}
}

/* The entry of a table at level on the way to gfn. */
static struct tlb_entry *table_slot(struct tlb_cpu *c, uint64_t gfn,
				    unsigned level)
{
	uint64_t tag = gfn >> tdp_level_shift(level + 1);

	switch (level) {
	case 1:
		return &c->pt[tag % TLB_PT_ENTRIES];
	case 2:
		return &c->pd[tag % TLB_PD_ENTRIES];
	default:
		if (level - 3 >= TDP_MAX_LEVELS - 3)
			return NULL;
		return &c->pdp[level - 3][tag % TLB_PDP_ENTRIES];
	}
}

static bool entry_holds(const struct tlb_cpu *c, const struct tlb_entry *e,
			uint64_t root, uint64_t tag)
{
	return e && e->gen == c->gen && e->root == root && e->tag == tag;
}

struct tlb_entry *tlb_find_leaf(struct tlb_cpu *c, uint64_t root, uint64_t gfn)
{
	unsigned level;

	for (level = 1; level <= TLB_LEAF_LEVELS; level++) {
		struct tlb_entry *e = leaf_slot(c, gfn, level);

		if (entry_holds(c, e, root, gfn >> tdp_level_shift(level)) &&
		    e->level == level)
			return e;
	}
	return NULL;
}

void tlb_fill_leaf(struct tlb_cpu *c, uint64_t root, uint64_t gfn,
		   const struct tlb_entry *leaf)
{
	struct tlb_entry *e = leaf_slot(c, gfn, leaf->level);

	if (!e)
		return;
	*e = *leaf;
	e->gen = c->gen;
	e->root = root;
	e->tag = gfn >> tdp_level_shift(leaf->level);
	e->clock = __atomic_load_n(c->clock, __ATOMIC_SEQ_CST);
}

struct tlb_entry *tlb_find_table(struct tlb_cpu *c, uint64_t root, uint64_t gfn,
				 unsigned max_level)
{
	unsigned level;

	for (level = 1; level <= max_level; level++) {
		struct tlb_entry *e = table_slot(c, gfn, level);

		if (entry_holds(c, e, root,
				gfn >> tdp_level_shift(level + 1)) &&
		    e->level == level)
			return e;
	}
	return NULL;
}

void tlb_fill_table(struct tlb_cpu *c, uint64_t root, uint64_t gfn,
		    unsigned level, uint64_t table)
{
	struct tlb_entry *e = table_slot(c, gfn, level);

	if (e)
		*e = (struct tlb_entry){
		    .gen = c->gen,
		    .root = root,
		    .tag = gfn >> tdp_level_shift(level + 1),
		    .addr = table,
		    .level = level,
		};
}

void tlb_drop_gfn(struct tlb_cpu *c, uint64_t root, uint64_t gfn)
{
	unsigned level;

	for (level = 1; level < TDP_MAX_LEVELS; level++) {
		struct tlb_entry *e = leaf_slot(c, gfn, level);

		if (entry_holds(c, e, root, gfn >> tdp_level_shift(level)))
			e->gen = 0;
		e = table_slot(c, gfn, level);
		if (entry_holds(c, e, root, gfn >> tdp_level_shift(level + 1)))
			e->gen = 0;
	}
}

uint64_t tlb_tick(struct tlb_model *m)
{
	return __atomic_add_fetch(&m->clock, 1, __ATOMIC_SEQ_CST);
}

struct older_query {
	uint64_t root, start, end, before;
	const uint64_t *pages;
	bool writable;
};

/* Whether the entry is one tlb_find_older() looks for. */
static bool entry_older(const struct tlb_cpu *c, const struct tlb_entry *e,
			const struct older_query *q)
{
	uint64_t first, gfn, last;

	if (e->gen != c->gen || e->root != q->root || e->clock >= q->before ||
	    (q->writable && !(e->rights & TDP_ACC_WRITE)))
		return false;
	first = e->tag << tdp_level_shift(e->level);
	gfn = MAX(first, q->start);
	last = MIN(first + tdp_level_pages(e->level), q->end);
	if (gfn >= last)
		return false;
	if (!q->pages)
		return true;
	for (; gfn < last; gfn++)
		if (q->pages[(gfn - q->start) / 64] >> ((gfn - q->start) % 64) &
		    1)
			return true;
	return false;
}

/* In the n direct-mapped entries e of leaves at level: a range of few
 * tags probes only their slots. */
static bool find_older_in(const struct tlb_cpu *c, const struct tlb_entry *e,
			  unsigned n, unsigned level,
			  const struct older_query *q, struct tlb_entry *found)
{
	uint64_t first = q->start >> tdp_level_shift(level);
	uint64_t last = (q->end - 1) >> tdp_level_shift(level), i;

	if (last - first >= n) {
		first = 0;
		last = n - 1;
	}
	for (i = first; i <= last; i++)
		if (entry_older(c, &e[i % n], q)) {
			*found = e[i % n];
			return true;
		}
	return false;
}

bool tlb_find_older(struct tlb_model *m, uint64_t root, uint64_t start,
		    uint64_t end, const uint64_t *pages, uint64_t before,
		    bool writable, unsigned *cpu, struct tlb_entry *found)
{
	const struct older_query q = {root,   start, end,
				      before, pages, writable};
	unsigned i;

	for (i = 0; i < m->nr_cpus; i++) {
		struct tlb_cpu *c = tlb_lock(m, i);
		bool hit =
		    find_older_in(c, c->leaf4k, TLB_4K_ENTRIES, 1, &q, found) ||
		    find_older_in(c, c->leaf2m, TLB_2M_ENTRIES, 2, &q, found) ||
		    find_older_in(c, c->leaf1g, TLB_1G_ENTRIES, 3, &q, found);

		tlb_unlock(c);
		if (hit) {
			*cpu = i;
			return true;
		}
	}
	return false;
}

void tlb_get_stats(struct tlb_model *m, struct tlb_stats *st)
{
	unsigned i;

	memset(st, 0, sizeof(*st));
	for (i = 0; i < m->nr_cpus; i++) {
		struct tlb_cpu *c = tlb_lock(m, i);

		st->hits += c->stats.hits;
		st->walks += c->stats.walks;
		st->table_walks += c->stats.table_walks;
		st->dirty_walks += c->stats.dirty_walks;
		st->faults += c->stats.faults;
		tlb_unlock(c);
	}
}
