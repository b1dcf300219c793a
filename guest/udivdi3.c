/*
 * 64-bit division for 32-bit code. gcc turns every uint64_t '/' and '%'
 * into calls to these; the guest has no libgcc for -m32, so here they are,
 * as plain shift-and-subtract long division (slow, and only used for
 * printing and averages).
 */
#include "lib/compiler.h"

uint64_t __udivdi3(uint64_t n, uint64_t d);
uint64_t __umoddi3(uint64_t n, uint64_t d);

/* Returns n / d and stores n % d; a zero divisor is a #UD, as in C. */
static uint64_t udivmod64(uint64_t n, uint64_t d, uint64_t *rem)
{
	uint64_t q = 0, r = 0;

	if (d == 0)
		__builtin_trap();
	for (int bit = 63; bit >= 0; bit--) {
		r = (r << 1) | ((n >> bit) & 1);
		if (r >= d) {
			r -= d;
			q |= 1ull << bit;
		}
	}
	*rem = r;
	return q;
}

uint64_t __udivdi3(uint64_t n, uint64_t d)
{
	uint64_t rem;

	return udivmod64(n, d, &rem);
}

uint64_t __umoddi3(uint64_t n, uint64_t d)
{
	uint64_t rem;

	udivmod64(n, d, &rem);
	return rem;
}
