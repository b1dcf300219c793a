/* Bit counting for code without libgcc (the hypervisor links none). */
#ifndef LIB_BITS_H
#define LIB_BITS_H

#include "lib/compiler.h"

/* Bits set in x (no __builtin_popcountll: it calls libgcc). */
static inline unsigned bits_popcount(uint64_t x)
{
	x = x - ((x >> 1) & 0x5555555555555555ull);
	x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
	return (x * 0x0101010101010101ull) >> 56;
}

#endif
