/*
 * The guest's own paging: a linear address to a guest-physical one, read
 * through the guest's page tables as its CPU would, in every paging mode
 * (none, 32-bit, PAE, 4- and 5-level). Pure: the tables are read through
 * a callback.
 */
#ifndef ARCH_X86_GUEST_WALK_H
#define ARCH_X86_GUEST_WALK_H

#include "lib/compiler.h"

/* Reads len bytes of guest-physical memory at gpa; false if not RAM. */
typedef bool (*guest_read_fn)(void *ctx, uint64_t gpa, void *buf,
			      size_t len);

/* The guest's control registers that decide the translation. */
struct guest_paging {
	uint64_t cr0, cr3, cr4, efer;
};

/*
 * Translates la as the guest's CPU would: with CR0.PG clear la itself
 * (bits 31:0 outside long mode); else through the tables of the mode
 * CR4.PAE, CR4.PSE, CR4.LA57 and EFER.LMA select. True with *gpa when
 * every entry on the way is present; false when one is not (the CPU
 * would raise #PF) or a table is not in RAM. Rights are not checked.
 */
bool guest_walk(const struct guest_paging *p, uint64_t la,
		guest_read_fn read, void *ctx, uint64_t *gpa);

#endif
