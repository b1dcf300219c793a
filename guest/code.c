/* Functions written into test memory and run there (guest/memory.h). */
#include "guest/console.h"
#include "guest/memory.h"

#define INSN_MOV_EAX_IMM32 0xb8ull
#define INSN_RET	   0xc3ull

void code_write(uint32_t gpa, uint32_t value)
{
	mem_write64(gpa, INSN_MOV_EAX_IMM32 | (uint64_t)value << 8 |
				 INSN_RET << 40);
}

void code_check(struct guest_ctx *ctx, uint32_t gpa, uint32_t want)
{
	uint32_t (*fn)(void) = (uint32_t (*)(void))(uintptr_t)gpa;
	uint32_t got = fn();

	if (likely(got == want))
		return;
	if (ctx->errors < 4)
		guest_printf("code at gpa %#x returned %#x, want %#x", gpa,
			     got, want);
	ctx->errors++;
}
