#include "arch/x86/mmio.h"
#include "arch/x86/direct_map.h"
#include "arch/x86/paging.h"
#include "base/log.h"

void *mmio_map(uint64_t phys, uint64_t size, enum mmio_type type)
{
	uint32_t kind = type == MMIO_WRITE_COMBINING ? DMAP_MMIO_WC :
						       DMAP_MMIO_UC;
	const char *why = "";

	if (!direct_map_add(phys, size, kind, &why)) {
		pr_warn("mmio: %#llx+%#llx (%s) not mapped: %s",
			(unsigned long long)phys, (unsigned long long)size,
			type == MMIO_WRITE_COMBINING ? "write-combining" :
						       "uncached",
			why);
		return NULL;
	}
	return phys_to_virt(phys);
}
