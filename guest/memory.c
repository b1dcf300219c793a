/* Checking the guest's test memory. */
#include "guest/console.h"
#include "guest/memory.h"

#define GUEST_ERRORS_PRINTED 4 /* per vCPU */

void mem_check64(struct guest_ctx *ctx, uint32_t gpa, uint64_t want)
{
	uint64_t got = mem_read64(gpa);

	if (likely(got == want))
		return;
	if (ctx->errors < GUEST_ERRORS_PRINTED)
		guest_printf("data error at gpa %#x: want %#llx, got %#llx",
			     gpa, (unsigned long long)want,
			     (unsigned long long)got);
	ctx->errors++;
}
