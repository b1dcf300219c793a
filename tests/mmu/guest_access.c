/* Guest memory accesses emulated on the host (see guest_access.h). */
#include <stdio.h>
#include <stdlib.h>

#include "mm/tdp_internal.h"
#include "tests/mmu/guest_access.h"
#include "tests/mmu/host_platform.h"

struct access {
	struct tdp_vm *vm;
	struct host_platform *hp;
	struct tlb_cpu *tlb; /* locked for the whole access */
	unsigned cpu;
	uint64_t gfn;
	unsigned access; /* TDP_ACC_READ, _WRITE or _EXEC (a fetch) */
	bool write;
};

static struct host_platform *platform_of(struct tdp_vm *vm)
{
	struct host_platform *hp = vm->plat->ctx;

	if (!hp->tlb) {
		fprintf(stderr, "guest accesses need the TLB model: call "
				"host_platform_model_tlb()\n");
		abort();
	}
	return hp;
}

static void report_freed_walk(const struct access *a, uint64_t table,
			      unsigned level, bool cached)
{
	fprintf(stderr,
		"TLB model: cpu%u's walk for gfn %#llx read the level-%u table "
		"%#llx, which has been freed (%s)\n",
		a->cpu, (unsigned long long)a->gfn, level,
		(unsigned long long)table,
		cached
		    ? "the walk started there from the CPU's paging-structure "
		      "cache: the table was freed with no TLB flush since "
		      "the CPU cached it"
		    : "reached from the root");
	__atomic_add_fetch(&a->hp->freed_walks, 1, __ATOMIC_RELAXED);
}

/*
 * The hardware's walk for a->gfn, from the lowest table cached on the way
 * or from the root: each entry's accessed flag set (and the leaf's dirty
 * flag on a write), each table and the leaf cached. The leaf's translation
 * in *leaf; false if the access faults.
 */
static bool walk(struct access *a, struct tlb_entry *leaf)
{
	struct tdp_vm *vm = a->vm;
	const struct tdp_format *f = vm->fmt;
	struct tlb_entry *start =
	    tlb_find_table(a->tlb, vm->root, a->gfn, vm->root_level - 1);
	uint64_t table = start ? start->addr : vm->root;
	unsigned level = start ? start->level : vm->root_level;
	unsigned rights = TDP_ACC_ALL, need;
	bool cached = start != NULL;
	uint64_t *ptep, pte, set;

	need = a->write ? TDP_ACC_READ | TDP_ACC_WRITE : a->access;
	for (;;) {
		ptep =
		    (uint64_t *)tdp_virt(vm, table) + tdp_index(a->gfn, level);
		pte = tdp_pte_read(ptep);
	reread:
		if (pte == HOST_FREED_WORD) {
			report_freed_walk(a, table, level, cached);
			return false;
		}
		if (!tdp_pte_present(f, pte))
			return false;
		if ((rights & tdp_pte_access(f, pte) & need) != need)
			return false;
		set = f->accessed_mask;
		if (tdp_pte_leaf(f, pte, level) && a->write)
			set |= f->dirty_mask;
		if ((pte & set) != set &&
		    !tdp_pte_cmpxchg(ptep, &pte, pte | set))
			goto reread;
		rights &= tdp_pte_access(f, pte);
		if (tdp_pte_leaf(f, pte, level))
			break;
		table = tdp_pte_addr(f, pte, level);
		level--;
		cached = false;
		tlb_fill_table(a->tlb, vm->root, a->gfn, level, table);
	}
	*leaf = (struct tlb_entry){
	    .addr = (uintptr_t)tdp_virt(vm, tdp_pte_addr(f, pte, level)),
	    .level = level,
	    .rights = rights,
	    .dirty = (rights & TDP_ACC_WRITE) && ((pte | set) & f->dirty_mask),
	};
	tlb_fill_leaf(a->tlb, vm->root, a->gfn, leaf);
	a->tlb->stats.walks++;
	a->tlb->stats.table_walks += start != NULL;
	return true;
}

/* The host address of the word at gpa, translated as the CPU would, or
 * NULL if the access faults. */
static uint64_t *translate(struct access *a, uint64_t gpa)
{
	struct tlb_entry *e = tlb_find_leaf(a->tlb, a->vm->root, a->gfn);
	unsigned need = a->access;
	struct tlb_entry leaf;

	if (e && (e->rights & need) && (!a->write || e->dirty)) {
		a->tlb->stats.hits++;
		leaf = *e;
	} else {
		if (e && (e->rights & need))
			a->tlb->stats.dirty_walks++;
		if (!walk(a, &leaf)) {
			tlb_drop_gfn(a->tlb, a->vm->root, a->gfn);
			a->tlb->stats.faults++;
			return NULL;
		}
	}
	return (uint64_t *)(leaf.addr +
			    ((a->gfn & (tdp_level_pages(leaf.level) - 1))
			     << PAGE_SHIFT) +
			    (gpa & (PAGE_SIZE - 8)));
}

/* One access, start to end under the CPU's cache lock, so that a flush
 * returns only after it. */
static bool guest_access(struct tdp_vm *vm, uint64_t gpa, unsigned access,
			 uint64_t *value)
{
	bool write = access == TDP_ACC_WRITE;
	struct access a = {
	    .vm = vm,
	    .hp = platform_of(vm),
	    .cpu = vm->plat->cpu_id(vm->plat->ctx),
	    .gfn = gpa >> PAGE_SHIFT,
	    .access = access,
	    .write = write,
	};
	uint64_t *p;

	if (a.gfn >= tdp_level_pages(vm->root_level + 1))
		return false;
	a.tlb = tlb_lock(a.hp->tlb, a.cpu);
	p = translate(&a, gpa);
	if (p && write)
		__atomic_store_n(p, *value, __ATOMIC_RELAXED);
	else if (p)
		*value = __atomic_load_n(p, __ATOMIC_RELAXED);
	tlb_unlock(a.tlb);
	return p != NULL;
}

bool guest_read(struct tdp_vm *vm, uint64_t gpa, uint64_t *value)
{
	return guest_access(vm, gpa, TDP_ACC_READ, value);
}

bool guest_write(struct tdp_vm *vm, uint64_t gpa, uint64_t value)
{
	return guest_access(vm, gpa, TDP_ACC_WRITE, &value);
}

bool guest_fetch(struct tdp_vm *vm, uint64_t gpa, uint64_t *value)
{
	return guest_access(vm, gpa, TDP_ACC_EXEC, value);
}

bool guest_read_faulting(struct tdp_vm *vm, uint64_t gpa, uint64_t *value)
{
	while (!guest_read(vm, gpa, value)) {
		enum tdp_fault_result r = tdp_fault(vm, gpa, TDP_ACC_READ);

		if (r == TDP_FAULT_MMIO || r == TDP_FAULT_ERROR)
			return false;
	}
	return true;
}

/* A fault that returned OK must have made the fetch possible: one that
 * did not would leave a guest faulting forever, so after a few the fetch
 * fails instead. */
#define FETCH_MAX_FAULTS 100

bool guest_fetch_faulting(struct tdp_vm *vm, uint64_t gpa, uint64_t *value)
{
	unsigned faults = 0;

	while (!guest_fetch(vm, gpa, value)) {
		enum tdp_fault_result r = tdp_fault(vm, gpa, TDP_ACC_EXEC);

		if (r == TDP_FAULT_MMIO || r == TDP_FAULT_ERROR ||
		    ++faults == FETCH_MAX_FAULTS)
			return false;
	}
	return true;
}

bool guest_write_faulting(struct tdp_vm *vm, uint64_t gpa, uint64_t value)
{
	while (!guest_write(vm, gpa, value)) {
		enum tdp_fault_result r = tdp_fault(vm, gpa, TDP_ACC_WRITE);

		if (r == TDP_FAULT_MMIO || r == TDP_FAULT_ERROR)
			return false;
	}
	return true;
}

uint64_t guest_walks(struct tdp_vm *vm)
{
	struct host_platform *hp = platform_of(vm);

	return hp->tlb->cpu[vm->plat->cpu_id(vm->plat->ctx)].stats.walks;
}
