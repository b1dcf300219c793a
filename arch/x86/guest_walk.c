/*
 * x86 paging (SDM Vol. 3A, chapter 4; APM Vol. 2, chapter 5):
 *  - 32-bit: 10 + 10 bits of index, 4-byte entries; PS in a PDE with
 *    CR4.PSE maps 4 MiB (PSE-36: PDE bits 20:13 are address bits 39:32);
 *  - PAE: a 4-entry PDPT at CR3[31:5], then 9 + 9 bits, 8-byte entries;
 *    PS in a PDE maps 2 MiB;
 *  - long mode (EFER.LMA): 9 bits per level from bit 47 (4 levels) or 56
 *    (5 levels, CR4.LA57) down to bit 12; PS in a PDPTE or PDE maps 1 GiB
 *    or 2 MiB.
 */
#include "arch/x86/guest_walk.h"

#define PTE_P	     (1ull << 0)
#define PTE_PS	     (1ull << 7)
#define PTE_ADDR     0x000ffffffffff000ull
#define CR0_PG	     (1ull << 31)
#define CR4_PSE	     (1ull << 4)
#define CR4_PAE	     (1ull << 5)
#define CR4_LA57     (1ull << 12)
#define EFER_LMA     (1ull << 10)

static bool walk_read(guest_read_fn read, void *ctx, uint64_t gpa,
		      unsigned size, uint64_t *entry)
{
	uint32_t e32;

	if (size == 4) {
		if (!read(ctx, gpa, &e32, 4))
			return false;
		*entry = e32;
		return true;
	}
	return read(ctx, gpa, entry, 8);
}

static bool walk_32bit(const struct guest_paging *p, uint32_t la,
		       guest_read_fn read, void *ctx, uint64_t *gpa)
{
	uint64_t pde, pte;

	if (!walk_read(read, ctx, (p->cr3 & 0xfffff000u) + (la >> 22) * 4, 4,
		       &pde) ||
	    !(pde & PTE_P))
		return false;
	if ((pde & PTE_PS) && (p->cr4 & CR4_PSE)) {
		*gpa = (pde & 0xffc00000u) | (((pde >> 13) & 0xff) << 32) |
		       (la & 0x3fffff);
		return true;
	}
	if (!walk_read(read, ctx,
		       (pde & 0xfffff000u) + ((la >> 12) & 1023) * 4, 4, &pte) ||
	    !(pte & PTE_P))
		return false;
	*gpa = (pte & 0xfffff000u) | (la & 0xfff);
	return true;
}

/* From a table at level `level` (9 index bits per level, 8-byte entries)
 * down to the page; PS honoured at levels 2 and 3. */
static bool walk_levels(uint64_t table, unsigned level, uint64_t la,
			guest_read_fn read, void *ctx, uint64_t *gpa)
{
	for (;; level--) {
		unsigned shift = 12 + 9 * (level - 1);
		uint64_t entry;

		if (!walk_read(read, ctx, table + ((la >> shift) & 511) * 8, 8,
			       &entry) ||
		    !(entry & PTE_P))
			return false;
		if (level == 1 ||
		    ((level == 2 || level == 3) && (entry & PTE_PS))) {
			uint64_t size = 1ull << shift;

			*gpa = (entry & PTE_ADDR & ~(size - 1)) |
			       (la & (size - 1));
			return true;
		}
		table = entry & PTE_ADDR;
	}
}

bool guest_walk(const struct guest_paging *p, uint64_t la,
		guest_read_fn read, void *ctx, uint64_t *gpa)
{
	uint64_t pdpte;

	if (!(p->cr0 & CR0_PG)) {
		*gpa = (p->efer & EFER_LMA) ? la : (uint32_t)la;
		return true;
	}
	if (p->efer & EFER_LMA)
		return walk_levels(p->cr3 & PTE_ADDR,
				   (p->cr4 & CR4_LA57) ? 5 : 4, la, read, ctx,
				   gpa);
	la = (uint32_t)la;
	if (!(p->cr4 & CR4_PAE))
		return walk_32bit(p, (uint32_t)la, read, ctx, gpa);
	if (!walk_read(read, ctx, (p->cr3 & 0xffffffe0u) + (la >> 30) * 8, 8,
		       &pdpte) ||
	    !(pdpte & PTE_P))
		return false;
	return walk_levels(pdpte & PTE_ADDR, 2, la, read, ctx, gpa);
}
