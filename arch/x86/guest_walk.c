/*
 * Long-mode paging (SDM Vol. 3A, 4.5; APM Vol. 2, 5.3): 9 bits of the
 * address per level, from bit 47 (or 56) down to bit 12; PS in a PDPTE or
 * PDE maps 1 GiB or 2 MiB. Entry bits 51:12 hold the next address.
 */
#include "arch/x86/guest_walk.h"

#define PTE_P	     (1ull << 0)
#define PTE_PS	     (1ull << 7)
#define PTE_ADDR     0x000ffffffffff000ull
#define CR3_ADDR     0x000ffffffffff000ull

bool guest_walk_long(uint64_t cr3, bool la57, uint64_t la,
		     guest_read_u64_fn read, void *ctx, uint64_t *gpa)
{
	uint64_t table = cr3 & CR3_ADDR;
	unsigned level = la57 ? 5 : 4;

	for (;; level--) {
		unsigned shift = 12 + 9 * (level - 1);
		uint64_t entry;

		if (!read(ctx, table + ((la >> shift) & 511) * 8, &entry) ||
		    !(entry & PTE_P))
			return false;
		if (level == 1 || ((level == 2 || level == 3) &&
				   (entry & PTE_PS))) {
			uint64_t size = 1ull << shift;

			*gpa = (entry & PTE_ADDR & ~(size - 1)) |
			       (la & (size - 1));
			return true;
		}
		table = entry & PTE_ADDR;
	}
}
