/*
 * Intel EPT paging-structure entries (SDM vol. 3C, 29.3.2) as a
 * struct tdp_format for the MMU core.
 */
#ifndef ARCH_X86_EPT_FORMAT_H
#define ARCH_X86_EPT_FORMAT_H

#include "mm/tdp_format.h"

#define EPT_READ	  (1ull << 0)
#define EPT_WRITE	  (1ull << 1)
#define EPT_EXECUTE	  (1ull << 2)
#define EPT_MEMTYPE_SHIFT 3
#define EPT_MEMTYPE_WB	  (6ull << EPT_MEMTYPE_SHIFT)
#define EPT_IGNORE_PAT	  (1ull << 6)
#define EPT_LARGE_PAGE	  (1ull << 7)
#define EPT_ACCESSED	  (1ull << 8)
#define EPT_DIRTY	  (1ull << 9)
#define EPT_ADDR_MASK	  0x000ffffffffff000ull

extern const struct tdp_format ept_format;
extern const struct tdp_format ept_format_no_ad;

#endif
