/* Intel EPT as a tdp_format: 4-level walk, 2 MiB and 1 GiB leaves. */
#include "arch/x86/ept_format.h"

#define EPT_RWX (EPT_READ | EPT_WRITE | EPT_EXECUTE)

_Static_assert((DISCONNECTED_PTE & EPT_RWX) == 0,
	       "DISCONNECTED_PTE must be not present under EPT");
_Static_assert((DISCONNECTED_PTE & EPT_ADDR_MASK) == 0,
	       "DISCONNECTED_PTE must carry no address bits under EPT");

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
	}

const struct tdp_format ept_format =
    EPT_FORMAT("ept", EPT_ACCESSED, EPT_DIRTY);

const struct tdp_format ept_format_no_ad = EPT_FORMAT("ept-no-ad", 0, 0);
