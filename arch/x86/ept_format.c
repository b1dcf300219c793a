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
const struct tdp_format ept_format = {
    .name = "ept",
    .present_mask = EPT_RWX,
    .read_mask = EPT_READ,
    .write_mask = EPT_WRITE,
    .exec_mask = EPT_EXECUTE,
    .nx_mask = 0,
    .large_mask = EPT_LARGE_PAGE,
    .accessed_mask = EPT_ACCESSED,
    .dirty_mask = EPT_DIRTY,
    .addr_mask = EPT_ADDR_MASK,
    .table_bits = EPT_RWX,
    .leaf_bits = EPT_MEMTYPE_WB | EPT_IGNORE_PAT,
    .levels = 4,
    .max_leaf_level = 3,
};

const struct tdp_format ept_format_no_ad = {
    .name = "ept-no-ad",
    .present_mask = EPT_RWX,
    .read_mask = EPT_READ,
    .write_mask = EPT_WRITE,
    .exec_mask = EPT_EXECUTE,
    .nx_mask = 0,
    .large_mask = EPT_LARGE_PAGE,
    .accessed_mask = 0,
    .dirty_mask = 0,
    .addr_mask = EPT_ADDR_MASK,
    .table_bits = EPT_RWX,
    .leaf_bits = EPT_MEMTYPE_WB | EPT_IGNORE_PAT,
    .levels = 4,
    .max_leaf_level = 3,
};
