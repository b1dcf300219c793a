#include "base/ksyms.h"

/* Emitted by tools/ksyms.py into the .ksyms section (see linker.ld). */
extern const uint64_t __ksyms_count;
extern const uint64_t __ksyms_addrs[];
extern const uint32_t __ksyms_name_offsets[];
extern const char __ksyms_names[];
extern const char __text_end[];

const char *ksyms_lookup(uint64_t addr, uint64_t *offset, uint64_t *size)
{
	uint64_t n = __ksyms_count;
	uint64_t lo = 0, hi = n;

	if (n == 0 || addr < __ksyms_addrs[0] || addr >= (uint64_t)__text_end)
		return NULL;
	/* The last symbol whose address is <= addr. */
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (__ksyms_addrs[mid] <= addr)
			lo = mid;
		else
			hi = mid;
	}
	*offset = addr - __ksyms_addrs[lo];
	*size = (lo + 1 < n ? __ksyms_addrs[lo + 1] : (uint64_t)__text_end) -
		__ksyms_addrs[lo];
	return &__ksyms_names[__ksyms_name_offsets[lo]];
}
