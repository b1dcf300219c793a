/*
 * 64-bit division for 32-bit code. gcc turns every uint64_t '/' and '%'
 * into calls to these libgcc functions; there is no libgcc for -m32 here,
 * so the guest has its own: plain shift-and-subtract long division (slow,
 * and only used for printing and averages).
 */
#include "lib/compiler.h"

uint64_t __udivdi3(uint64_t n, uint64_t d);
uint64_t __umoddi3(uint64_t n, uint64_t d);
uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *rem);

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

uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *rem)
{
	uint64_t r;
	uint64_t q = udivmod64(n, d, &r);

	if (rem)
		*rem = r;
	return q;
}
