/*
 * A guest's memory access on the host, as a CPU with a TLB makes it.
 *
 * The calling CPU's cached translation is used when it allows the access
 * (tests/mmu/tlb_model.h): a read then touches nothing in the tree, nor
 * does a write through a writable translation cached with its dirty flag
 * set. Otherwise the access walks, from the lowest table the CPU has
 * cached on the way or from the root, sets the accessed flag of every
 * entry it goes through and, on a write, the leaf's dirty flag (each with
 * a compare-exchange, never overwriting a change made meanwhile), and
 * caches the tables and the leaf; a write through a cached writable but
 * clean translation walks so, and faults if the leaf is no longer
 * writable. A fault drops the cached translations of its gfn; only the
 * platform's flush drops the others.
 *
 * An access is not an MMU operation (a CPU running its guest is quiescent
 * for the MMU core): the flush protects it, by waiting until it has ended.
 * A walk that reads a freed table (HOST_FREED_WORD) says so on stderr,
 * counts in the platform's freed_walks and faults. The VM's platform must
 * be a host platform with the TLB model on.
 */
#ifndef TESTS_MMU_GUEST_ACCESS_H
#define TESTS_MMU_GUEST_ACCESS_H

#include "mm/tdp.h"

/* Reads or writes the 64-bit word at gpa (8-byte aligned). False if the
 * access would fault (no leaf, or no write right). */
bool guest_read(struct tdp_vm *vm, uint64_t gpa, uint64_t *value);
bool guest_write(struct tdp_vm *vm, uint64_t gpa, uint64_t value);

/* An instruction fetch of the word at gpa: needs an executable leaf. */
bool guest_fetch(struct tdp_vm *vm, uint64_t gpa, uint64_t *value);

/* Faults until the access succeeds; false if the fault reports MMIO or
 * an error (a fetch also after 100 faults that did not make it possible). */
bool guest_read_faulting(struct tdp_vm *vm, uint64_t gpa, uint64_t *value);
bool guest_write_faulting(struct tdp_vm *vm, uint64_t gpa, uint64_t value);
bool guest_fetch_faulting(struct tdp_vm *vm, uint64_t gpa, uint64_t *value);

/* Walks of the calling CPU so far that reached a leaf: an access that
 * raised the count set (or found set) its leaf's accessed flag. */
uint64_t guest_walks(struct tdp_vm *vm);

#endif
