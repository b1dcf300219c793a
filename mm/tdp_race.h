/*
 * Race points: the windows of the MMU core where another CPU's change
 * matters, named so that a host test can hold them open.
 *
 * Each point sits where this CPU holds something it read and has not yet
 * acted on: an entry it will replace by a cmpxchg or an exchange, a table
 * pointer it will follow, a grace period between its flush and its
 * snapshot, tables taken off the lists and not yet freed. In the hypervisor
 * and in every other build a point is nothing at all. Built with
 * -DTDP_RACE_HOOKS (tests/mmu/race.c) it calls tdp_race_point(), which the
 * test program defines: it may yield, spin, or wait for another thread to
 * reach a matching point, and it counts how often the window was really
 * contended. It must not call into the MMU core.
 *
 * A point is one line, `TDP_RACE_POINT(vm, TDP_RACE_..., ptep, old)`, so
 * that `grep -n TDP_RACE_POINT mm/` lists every window.
 */
#ifndef MM_TDP_RACE_H
#define MM_TDP_RACE_H

#include "lib/compiler.h"

struct tdp_vm;

enum tdp_race_point {
	/* fault_walk read old from *ptep: next it installs a table or a
	 * leaf there, upgrades the leaf, or follows the table. */
	TDP_RACE_FAULT_READ,
	/* A range walk read the table pointer old from *ptep and is about
	 * to read from that table. */
	TDP_RACE_WALK_DESCEND,
	/* A range operation read old from *ptep and decided what replaces
	 * it; its cmpxchg is next. */
	TDP_RACE_ZAP,
	TDP_RACE_WRPROT,
	TDP_RACE_SPLIT, /* the child table is filled */
	TDP_RACE_COLLAPSE,
	TDP_RACE_AGE,
	/* The table holding ptep is unlinked from the tree; the exchange of
	 * *ptep for DISCONNECTED_PTE is next. old: 0 (nothing was read). */
	TDP_RACE_DISCONNECT,
	/* Get-and-clear is about to take the bits of a dirty bitmap word:
	 * ptep is the word, old: 0 (nothing was read). */
	TDP_RACE_DIRTY_TAKE,
	/* A grace period flushed the VM and has not yet snapshotted the
	 * CPUs' sequences. ptep: NULL, old: 0. */
	TDP_RACE_GP_FLUSHED,
	/* A grace period is over and its batches are off the lists, not yet
	 * freed: what a concurrent tdp_reclaim_barrier() must not miss.
	 * ptep: NULL, old: the list of batches. */
	TDP_RACE_RECLAIM_FREE,
	TDP_RACE_NR
};

#ifdef TDP_RACE_HOOKS
void tdp_race_point(struct tdp_vm *vm, enum tdp_race_point point,
		    uint64_t *ptep, uint64_t old);
#define TDP_RACE_POINT(vm, point, ptep, old)                                   \
	tdp_race_point((vm), (point), (ptep), (old))
#else
#define TDP_RACE_POINT(vm, point, ptep, old) ((void)0)
#endif

#endif
