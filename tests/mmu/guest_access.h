/*
 * A guest's memory access on the host, as the hardware would do it: walk
 * the VM's tree, set the accessed (and dirty) bit of the leaf, then read or
 * write the backing page. Runs as an MMU operation, so the tables it walks
 * are not freed under it, like a CPU whose TLB the VM's flush waits for.
 */
#ifndef TESTS_MMU_GUEST_ACCESS_H
#define TESTS_MMU_GUEST_ACCESS_H

#include "mm/tdp.h"

/* Reads or writes the 64-bit word at gpa (8-byte aligned). False if the
 * access would fault (no leaf, or no write right). */
bool guest_read(struct tdp_vm *vm, uint64_t gpa, uint64_t *value);
bool guest_write(struct tdp_vm *vm, uint64_t gpa, uint64_t value);

/* Faults until the access succeeds; false if the fault reports MMIO or
 * an error. */
bool guest_read_faulting(struct tdp_vm *vm, uint64_t gpa, uint64_t *value);
bool guest_write_faulting(struct tdp_vm *vm, uint64_t gpa, uint64_t value);

#endif
