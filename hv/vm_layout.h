/*
 * Where guest RAM goes: the regions of docs/guest-abi.md, computed from the
 * size of RAM and the number of vCPUs alone (no memory is touched), so
 * that the arithmetic can be checked on the host for every size.
 */
#ifndef HV_VM_LAYOUT_H
#define HV_VM_LAYOUT_H

#include "lib/compiler.h"

#define VM_LOW_REGION_SIZE (16ull << 20) /* params, image, the guest's .bss */

/* The slots of guest RAM, in guest-physical order. */
enum vm_region {
	VM_REGION_LOW = 0,     /* params page, image, the guest's own data */
	VM_REGION_SHARED = 1,  /* every vCPU's test region; dirty-logged */
	VM_REGION_PRIVATE = 2, /* the vCPUs' own regions; large pages */
	VM_REGION_REST = 3,    /* what does not divide evenly: plain RAM */
	VM_REGIONS = 4,
};

struct vm_layout {
	uint64_t base[VM_REGIONS];
	uint64_t size[VM_REGIONS]; /* 0: the region is absent (REST only) */
	bool large[VM_REGIONS];    /* backed up front in 2 MiB chunks */
	uint64_t private_size;     /* each vCPU's share of PRIVATE */
};

/*
 * Lays out mem_size bytes (a whole number of MiB) for vcpus vCPUs.
 * Guarantees on success: the regions are page aligned, follow each other
 * in the order above with no gap, and cover exactly [0, mem_size); the
 * private region is vcpus * private_size bytes, 2 MiB aligned when large.
 * On failure (too little RAM for that many vCPUs) err says so.
 */
bool vm_layout_plan(uint64_t mem_size, unsigned vcpus, struct vm_layout *out,
		    char *err, size_t errsz);

#endif
