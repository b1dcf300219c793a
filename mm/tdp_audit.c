/*
 * Looking at the tree: the walk to one gpa, and a full audit of the tree
 * against the books and the slots.
 */
#include "mm/tdp_internal.h"

unsigned tdp_walk(struct tdp_vm *vm, uint64_t gpa,
		  uint64_t ptes[TDP_MAX_LEVELS + 1])
{
	const struct tdp_format *f = vm->fmt;
	struct tdp_cpu *c = tdp_op_begin(vm, false);
	uint64_t gfn = gpa >> PAGE_SHIFT, *pt, pte;
	unsigned level = 0;

	memset(ptes, 0, (TDP_MAX_LEVELS + 1) * sizeof(uint64_t));
	if (gfn >= tdp_level_pages(vm->root_level + 1))
		goto out;
restart:
	pt = tdp_virt(vm, vm->root);
	for (level = vm->root_level;; level--) {
		pte = tdp_pte_read(&pt[tdp_index(gfn, level)]);
		if (pte == DISCONNECTED_PTE)
			goto restart;
		ptes[level] = pte;
		if (!tdp_pte_present(f, pte) || tdp_pte_leaf(f, pte, level))
			break;
		pt = tdp_virt(vm, tdp_pte_addr(f, pte, level));
	}
out:
	tdp_op_end(vm, c, false);
	return level;
}

static void audit_leaf(struct tdp_vm *vm, uint64_t pte, uint64_t gfn,
		       unsigned level, struct tdp_audit *a)
{
	const struct tdp_format *f = vm->fmt;
	struct tdp_memslot *s = tdp_slot_find(vm, gfn);
	uint64_t n = tdp_level_pages(level);

	a->leaves[level]++;
	a->mapped_pages += n;
	if (vm->large_leaves_nx && level > 1 &&
	    (tdp_pte_access(f, pte) & TDP_ACC_EXEC))
		a->exec_large++;
	if (!s || gfn + n > s->base_gfn + s->npages ||
	    (level > 1 && !(s->flags & TDP_SLOT_PREALLOC))) {
		a->bad_entries++;
		return;
	}
	if (tdp_pte_addr(f, pte, level) != s->backing[gfn - s->base_gfn] ||
	    !s->backing[gfn - s->base_gfn] ||
	    (tdp_pte_access(f, pte) & ~tdp_slot_access(s)) ||
	    (s->dirty_log && level > 1))
		a->bad_leaves++;
}

static void audit_table(struct tdp_vm *vm, uint64_t *pt, unsigned level,
			uint64_t base, struct tdp_audit *a)
{
	const struct tdp_format *f = vm->fmt;
	unsigned i;

	for (i = 0; i < TDP_PT_ENTRIES; i++) {
		uint64_t pte = pt[i], gfn = base + i * tdp_level_pages(level);

		if (pte == DISCONNECTED_PTE) {
			a->disconnected++;
		} else if (!tdp_pte_present(f, pte)) {
			a->bad_entries += pte != 0;
		} else if (tdp_pte_leaf(f, pte, level)) {
			audit_leaf(vm, pte, gfn, level, a);
		} else {
			a->table_pages++;
			audit_table(vm,
				    tdp_virt(vm, tdp_pte_addr(f, pte, level)),
				    level - 1, gfn, a);
		}
	}
}

bool tdp_audit(struct tdp_vm *vm, struct tdp_audit *out)
{
	struct tdp_cpu *c = tdp_op_begin(vm, true);
	struct tdp_audit a;
	struct tdp_stats st;
	bool ok;
	unsigned l;

	memset(&a, 0, sizeof(a));
	audit_table(vm, tdp_virt(vm, vm->root), vm->root_level, 0, &a);
	tdp_get_stats(vm, &st);
	ok = !a.disconnected && !a.bad_leaves && !a.bad_entries &&
	     !a.exec_large &&
	     a.table_pages == st.table_pages &&
	     a.mapped_pages == st.mapped_pages;
	for (l = 1; l <= TDP_MAX_LEVELS; l++)
		ok = ok && a.leaves[l] == st.leaves[l];
	tdp_op_end(vm, c, true);
	if (out)
		*out = a;
	return ok;
}
