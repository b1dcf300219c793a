/* Intel EPT as a tdp_format: 4-level walk, 2 MiB and 1 GiB leaves. */
#include "arch/x86/ept_format.h"

#define EPT_RWX (EPT_READ | EPT_WRITE | EPT_EXECUTE)

_Static_assert((DISCONNECTED_PTE & EPT_RWX) == 0,
	       "DISCONNECTED_PTE must be not present under EPT");
_Static_assert((DISCONNECTED_PTE & EPT_ADDR_MASK) == 0,
	       "DISCONNECTED_PTE must carry no address bits under EPT");

/* SDM vol. 3C, 29.3.2, tables 29-2 to 29-6. */
static const struct tdp_field ept_fields[] = {
    {"R", EPT_READ},
    {"W", EPT_WRITE},
    {"X", EPT_EXECUTE},
    {"memtype", 7ull << EPT_MEMTYPE_SHIFT},
    {"IPAT", EPT_IGNORE_PAT},
    {"PS", EPT_LARGE_PAGE},
    {"A", EPT_ACCESSED},
    {"D", EPT_DIRTY},
    {"XU", 1ull << 10},
    {"SVE", 1ull << 63},
    {NULL, 0},
};

/*
 * Leaves are write-back with the guest PAT ignored: guest memory is plain
 * RAM. Accessed and dirty flags need EPTP bit 6 (A/D enable); a CPU
 * without them (IA32_VMX_EPT_VPID_CAP bit 21 clear) gets ept_format_no_ad,
 * where bits 8 and 9 are ignored and the MMU core tracks dirtiness by
 * write protection (mm/tdp_format.h).
 */
/* The two EPT formats differ only in the accessed and dirty masks. */
#define EPT_FORMAT(fmt_name, accessed, dirty)                                  \
	{                                                                      \
	    .name = fmt_name,                                                  \
	    .present_mask = EPT_RWX,                                           \
	    .read_mask = EPT_READ,                                             \
	    .write_mask = EPT_WRITE,                                           \
	    .exec_mask = EPT_EXECUTE,                                          \
	    .nx_mask = 0,                                                      \
	    .large_mask = EPT_LARGE_PAGE,                                      \
	    .accessed_mask = (accessed),                                       \
	    .dirty_mask = (dirty),                                             \
	    .addr_mask = EPT_ADDR_MASK,                                        \
	    .table_bits = EPT_RWX,                                             \
	    .leaf_bits = EPT_MEMTYPE_WB | EPT_IGNORE_PAT,                      \
	    .levels = 4,                                                       \
	    .max_leaf_level = 3,                                               \
	    .fields = ept_fields,                                              \
	}

const struct tdp_format ept_format =
    EPT_FORMAT("ept", EPT_ACCESSED, EPT_DIRTY);

const struct tdp_format ept_format_no_ad = EPT_FORMAT("ept-no-ad", 0, 0);
