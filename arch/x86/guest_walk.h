/*
 * The guest's own paging: a linear address to a guest-physical one, read
 * through the guest's page tables as its CPU would (4- or 5-level paging;
 * the only kinds a guest can be in while EFER.LMA is set). Pure: the
 * tables are read through a callback.
 */
#ifndef ARCH_X86_GUEST_WALK_H
#define ARCH_X86_GUEST_WALK_H

#include "lib/compiler.h"

/* Reads 8 bytes of guest-physical memory at gpa; false if not RAM. */
typedef bool (*guest_read_u64_fn)(void *ctx, uint64_t gpa, uint64_t *v);

/*
 * Translates la with the tables at cr3 (5 levels if la57, else 4). True
 * with *gpa when every entry on the way is present; false when one is not
 * (the CPU would raise #PF) or a table is not in RAM. Rights are not
 * checked: the caller only reads what the guest just executed.
 */
bool guest_walk_long(uint64_t cr3, bool la57, uint64_t la,
		     guest_read_u64_fn read, void *ctx, uint64_t *gpa);

#endif
