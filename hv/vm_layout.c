/*
 * The memory layout of docs/guest-abi.md: the low region, then the shared
 * region (a quarter of the rest, demand paged, 4 KiB pages), then the
 * vCPUs' private regions (backed up front in 2 MiB chunks where sizes
 * allow, so large pages map them), then whatever did not divide evenly
 * among the vCPUs, as plain demand-paged RAM.
 */
#include "hv/vm_layout.h"
#include "lib/format.h"

#define LAYOUT_LARGE (2 * MiB)
#define LAYOUT_MIN_PRIVATE (16 * PAGE_SIZE)

bool vm_layout_plan(uint64_t mem_size, unsigned vcpus, struct vm_layout *out,
		    char *err, size_t errsz)
{
	uint64_t rest, shared, priv, end;
	bool large;

	if (!vcpus || mem_size <= VM_LOW_REGION_SIZE + LAYOUT_LARGE ||
	    !IS_ALIGNED(mem_size, MiB)) {
		fmt_snprintf(err, errsz, "guest_mem=%lluM is too small",
			     (unsigned long long)(mem_size >> 20));
		return false;
	}
	rest = mem_size - VM_LOW_REGION_SIZE;
	shared = MAX(ALIGN_DOWN(rest / 4, LAYOUT_LARGE), LAYOUT_LARGE);
	priv = (rest - shared) / vcpus;
	large = priv >= LAYOUT_LARGE;
	priv = ALIGN_DOWN(priv, large ? LAYOUT_LARGE : PAGE_SIZE);
	if (priv < LAYOUT_MIN_PRIVATE) {
		fmt_snprintf(err, errsz,
			     "guest_mem=%lluM is too small for %u vCPUs",
			     (unsigned long long)(mem_size >> 20), vcpus);
		return false;
	}

	*out = (struct vm_layout){
	    .base = {0, VM_LOW_REGION_SIZE, VM_LOW_REGION_SIZE + shared},
	    .size = {VM_LOW_REGION_SIZE, shared, priv * vcpus},
	    .large = {false, false, large, false},
	    .private_size = priv,
	};
	end = out->base[VM_REGION_PRIVATE] + out->size[VM_REGION_PRIVATE];
	out->base[VM_REGION_REST] = end;
	out->size[VM_REGION_REST] = mem_size - end;
	return true;
}
