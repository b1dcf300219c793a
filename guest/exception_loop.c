/*
 * ac-loop and db-loop: vCPU 1 enters an exception delivery that raises
 * the same exception again (guest/exception_loop.h). On a CPU that does
 * not intercept it, that vCPU's physical CPU would spin inside the CPU
 * for good, deaf to interrupts and NMIs, and the next TLB flush that
 * needs it would hang the host. While it loops, vCPU 0 asks for MMU
 * operations whose flushes need every vCPU's CPU, then breaks the loop
 * by rewriting the gate; vCPU 1 checks that it came out where and how
 * the loop says it must. Other vCPUs end at once.
 */
#include "guest/console.h"
#include "guest/exception_loop.h"
#include "guest/guest.h"
#include "guest/hypercall.h"

#define LOOP_VCPU	  1
#define LOOP_CHAOS_CALLS  16
#define LOOP_CHAOS_OPS	  64
#define VEC_DEBUG	  1
#define VEC_INVALID_OP	  6
#define VEC_ALIGNMENT	  17
#define GATE_SELECTOR	  2 /* byte offsets in an IDT gate */
#define GATE_IST	  4
#define RING0_CODE	  0x08
/*
 * #AC's error code is always 0 (SDM Vol. 3A, 6.15, Interrupt 17). Bochs
 * sets the EXT bit in it as in a selector error code when the #AC arose
 * during a delivery (cpu/exception.cc, exception()); the loop's last #AC
 * is such a one. EXT is accepted, nothing else.
 */
#define AC_ERROR_EXT	  1u

static void loop_wait_armed(volatile uint32_t *armed)
{
	while (!*armed)
		asm volatile("pause" ::: "memory");
}

/*
 * vCPU 0: MMU operations (each zap flushes every vCPU's TLB, the looping
 * one's included) while vCPU 1 loops; false if one failed.
 */
static bool loop_flush_while_looping(const char *name)
{
	uint32_t ran = 0;

	for (unsigned i = 0; i < LOOP_CHAOS_CALLS; i++) {
		uint32_t done = 0;

		if (hc_mmu_chaos(LOOP_CHAOS_OPS, &done) != HV_OK) {
			guest_printf("%s: HV_HC_MMU_CHAOS failed", name);
			return false;
		}
		ran += done;
	}
	guest_printf("%s: %u MMU operations ran while vcpu%u looped; "
		     "breaking its loop",
		     name, ran, LOOP_VCPU);
	return true;
}

/* vCPU 0: #AC's gate to ring 0, where the stack is aligned and no
 * alignment is checked. */
static void ac_loop_break(void)
{
	uint32_t stub = (uint32_t)(uintptr_t)loop_stub32_17;
	volatile uint8_t *gate = &ac_idt[VEC_ALIGNMENT * 8];

	gate[0] = stub & 0xff;
	gate[1] = (stub >> 8) & 0xff;
	gate[6] = (stub >> 16) & 0xff;
	gate[7] = stub >> 24;
	*(volatile uint16_t *)(gate + GATE_SELECTOR) = RING0_CODE;
}

/* vCPU 0: #DB's gate off the IST stack the breakpoint watches. */
static void db_loop_break(void)
{
	((volatile uint8_t *)db_idt)[VEC_DEBUG * 16 + GATE_IST] = 0;
}

static uint32_t loop_fail(const char *name, const char *what,
			  const struct loop_result *r)
{
	guest_printf("%s: %s (vector %u, error %#x, at %#x, stack %#x, "
		     "DR6 %#x)",
		     name, what, r->vector, r->error, r->ip, r->sp, r->dr6);
	return GUEST_FAIL_LOOP;
}

static uint32_t ac_loop_check(void)
{
	struct loop_result r = {0};
	uint32_t vector = ac_loop_run(&r);

	if (ac_user_handler_ran)
		return loop_fail("ac-loop", "#AC reached its ring-3 handler: "
			"its delivery did not raise #AC again", &r);
	if (vector == VEC_INVALID_OP)
		return loop_fail("ac-loop", "a misaligned push at CPL 3 with "
			"CR0.AM and EFLAGS.AC raised no #AC", &r);
	if (vector != VEC_ALIGNMENT || (r.error & ~AC_ERROR_EXT) != 0 ||
	    r.ip != (uint32_t)(uintptr_t)ac_trigger || (r.sp & 3) == 0)
		return loop_fail("ac-loop", "the loop ended with an exception "
			"other than #AC(0) at the push on the misaligned "
			"stack", &r);
	guest_printf("ac-loop: vcpu%u left the #AC delivery loop at %#x "
		     "once the gate led to ring 0",
		     LOOP_VCPU, r.ip);
	return GUEST_PASS;
}

static uint32_t db_loop_check(void)
{
	struct loop_result r = {0};
	uint32_t vector = db_loop_run(&r);

	if (vector == VEC_INVALID_OP)
		return loop_fail("db-loop", "a write under data breakpoint 0 "
			"raised no #DB", &r);
	if (vector != VEC_DEBUG)
		return loop_fail("db-loop", "the loop ended with an exception "
			"other than #DB", &r);
	if (r.ist != 0)
		return loop_fail("db-loop", "#DB reached its handler on the "
			"IST stack: its delivery did not raise #DB again", &r);
	if (r.ip != (uint32_t)(uintptr_t)loop_stub64_1)
		return loop_fail("db-loop", "the last #DB was not raised at "
			"its handler's first instruction", &r);
	guest_printf("db-loop: vcpu%u left the #DB delivery loop at its "
		     "handler %#x once the gate left the IST stack, DR6 %#x",
		     LOOP_VCPU, r.ip, r.dr6);
	return GUEST_PASS;
}

uint32_t test_exception_loop(struct guest_ctx *ctx)
{
	bool ac = ctx->params->test == HV_TEST_AC_LOOP;
	const char *name = ac ? "ac-loop" : "db-loop";

	if (ctx->vcpus <= LOOP_VCPU) {
		guest_printf("%s: needs 2 vCPUs, one to loop and one to break "
			     "the loop; has %u",
			     name, ctx->vcpus);
		return GUEST_FAIL_LOOP;
	}
	if (ctx->vcpu == LOOP_VCPU)
		return ac ? ac_loop_check() : db_loop_check();
	if (ctx->vcpu != 0)
		return GUEST_PASS;
	loop_wait_armed(ac ? &ac_loop_armed : &db_loop_armed);
	if (!loop_flush_while_looping(name))
		return GUEST_FAIL_HYPERCALL;
	if (ac)
		ac_loop_break();
	else
		db_loop_break();
	return GUEST_PASS;
}
