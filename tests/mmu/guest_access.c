/* Guest memory accesses emulated on the host (see guest_access.h). */
#include "mm/tdp_internal.h"
#include "tests/mmu/guest_access.h"

/* Sets the leaf's A/D bits like a hardware walk and returns the host
 * address of gpa, or NULL if the access faults. */
static uint64_t *guest_translate(struct tdp_vm *vm, uint64_t gpa, bool write)
{
	const struct tdp_format *f = vm->fmt;
	uint64_t gfn = gpa >> PAGE_SHIFT, *pt, *ptep, pte, set;
	unsigned level;

restart:
	pt = tdp_virt(vm, vm->root);
	for (level = vm->root_level;; level--) {
		ptep = &pt[tdp_index(gfn, level)];
		pte = tdp_pte_read(ptep);
		if (pte == DISCONNECTED_PTE)
			goto restart;
		if (!tdp_pte_present(f, pte))
			return NULL;
		if (tdp_pte_leaf(f, pte, level))
			break;
		pt = tdp_virt(vm, tdp_pte_addr(f, pte, level));
	}
	if (write && !(pte & f->write_mask))
		return NULL;
	set = f->accessed_mask | (write ? f->dirty_mask : 0);
	if ((pte & set) != set && !tdp_pte_cmpxchg(ptep, &pte, pte | set))
		goto restart;
	return (
	    uint64_t *)((uint8_t *)tdp_virt(vm, tdp_pte_addr(f, pte, level)) +
			((gpa & ((tdp_level_pages(level) << PAGE_SHIFT) - 1)) &
			 ~7ull));
}

bool guest_read(struct tdp_vm *vm, uint64_t gpa, uint64_t *value)
{
	struct tdp_cpu *c = tdp_op_begin(vm, false);
	uint64_t *p = guest_translate(vm, gpa, false);

	if (p)
		*value = __atomic_load_n(p, __ATOMIC_RELAXED);
	tdp_op_end(vm, c, false);
	return p != NULL;
}

bool guest_write(struct tdp_vm *vm, uint64_t gpa, uint64_t value)
{
	struct tdp_cpu *c = tdp_op_begin(vm, false);
	uint64_t *p = guest_translate(vm, gpa, true);

	if (p)
		__atomic_store_n(p, value, __ATOMIC_RELAXED);
	tdp_op_end(vm, c, false);
	return p != NULL;
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

bool guest_write_faulting(struct tdp_vm *vm, uint64_t gpa, uint64_t value)
{
	while (!guest_write(vm, gpa, value)) {
		enum tdp_fault_result r = tdp_fault(vm, gpa, TDP_ACC_WRITE);

		if (r == TDP_FAULT_MMIO || r == TDP_FAULT_ERROR)
			return false;
	}
	return true;
}
