/* AMD NPT as a tdp_format: 4-level walk, 2 MiB and 1 GiB leaves. */
#include "arch/x86/npt_format.h"

_Static_assert((DISCONNECTED_PTE & NPT_P) == 0,
	       "DISCONNECTED_PTE must be not present under NPT");
_Static_assert((DISCONNECTED_PTE & NPT_ADDR_MASK) == 0,
	       "DISCONNECTED_PTE must carry no address bits under NPT");
_Static_assert((DISCONNECTED_PTE & NPT_NX) == 0,
	       "DISCONNECTED_PTE must leave NX clear");

/* APM vol. 2, 5.3.3 (long-mode page-table entries). */
static const struct tdp_field npt_fields[] = {
    {"P", NPT_P},	     {"RW", NPT_RW},	   {"US", NPT_US},
    {"PWT", 1ull << 3},	     {"PCD", 1ull << 4},   {"A", NPT_A},
    {"D", NPT_D},	     {"PS", NPT_PS},	   {"G", 1ull << 8},
    {"AVL", 7ull << 9},	     {"NX", NPT_NX},	   {NULL, 0},
};

/*
 * Every nested walk is a user access, so tables and leaves carry US;
 * readability is implied by P. Bit 12 of a large leaf is PAT, never set.
 */
const struct tdp_format npt_format = {
    .name = "npt",
    .present_mask = NPT_P,
    .read_mask = NPT_P | NPT_US,
    .write_mask = NPT_RW,
    .exec_mask = 0,
    .nx_mask = NPT_NX,
    .large_mask = NPT_PS,
    .accessed_mask = NPT_A,
    .dirty_mask = NPT_D,
    .addr_mask = NPT_ADDR_MASK,
    .table_bits = NPT_P | NPT_RW | NPT_US,
    .leaf_bits = NPT_US,
    .levels = 4,
    .max_leaf_level = 3,
    .fields = npt_fields,
};
