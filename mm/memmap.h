/*
 * Memory-map sanitizing: turns what the firmware reported (unsorted,
 * overlapping, zero-length entries, holes) into a sorted list of disjoint
 * ranges, and carves reserved ranges out of the usable ones.
 */
#ifndef MM_MEMMAP_H
#define MM_MEMMAP_H

#include "boot/boot_info.h"

/*
 * Sanitizes ranges[0..count) in place (capacity cap): drops zero-length
 * entries and entries whose end overflows 2^64 (clamped), resolves
 * overlaps in favour of the more restrictive type (the larger enum
 * mem_type), merges adjacent ranges of the same type and sorts by base.
 * Returns the new count; never more than cap (splitting an overlap may need
 * more entries: what does not fit is dropped from the top and counted in
 * *dropped, may be NULL). Dropping only ever makes holes: the map is cut
 * at an address, above which nothing is reported, so no byte is reported
 * with a less restrictive type than the firmware gave it. Unknown types
 * count as MEM_RESERVED. No allocation; O(n log n) plus O(n) per split.
 */
size_t memmap_sanitize(struct mem_range *ranges, size_t count, size_t cap,
		       unsigned *dropped);

/*
 * Writes the usable RAM of a sanitized map into out (capacity cap) with
 * each range shrunk inward to page boundaries and every range of
 * reserved[0..nres) (any type, any alignment; rounded outward to pages)
 * removed. Physical page 0 is never reported usable, so 0 can mean "no
 * memory" everywhere. The output is sorted when ranges is. Returns the
 * count written; ranges that do not fit in cap are left out from the top.
 */
size_t memmap_usable(const struct mem_range *ranges, size_t count,
		     const struct mem_range *reserved, size_t nres,
		     struct mem_range *out, size_t cap);

/* Sum of the lengths of the ranges of the given type. */
uint64_t memmap_total(const struct mem_range *ranges, size_t count,
		      uint32_t type);

#endif
