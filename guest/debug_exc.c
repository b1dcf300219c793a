/*
 * debug: the #DB exceptions a guest raises on purpose, which the
 * hypervisor intercepts and delivers again (docs/guest-abi.md, "Debug and
 * alignment-check exceptions"), each caught under the guest's own IDT and
 * checked as the CPU would deliver it: vector 1, EIP after the
 * instruction (both are traps), and the DR6 bit of its cause. vCPU 0 runs
 * the cases; the other vCPUs end at once. INT1 and general detect (DR7.GD)
 * are not among them: QEMU's TCG raises #UD for INT1 and ignores DR7.GD.
 */
#include "guest/console.h"
#include "guest/guest.h"
#include "guest/probe.h"
#include "guest/trap.h"

#define VEC_DEBUG     1
#define RFLAGS_TF     (1u << 8)
#define DR6_B0	      (1u << 0)
#define DR6_BD	      (1u << 13) /* only among the causes checked */
#define DR6_BS	      (1u << 14)
#define DR6_CAUSES    (0xfu | DR6_BD | DR6_BS)
#define DR6_RESET     0xffff0ff0u
#define DR7_FIXED     0x400u
#define DR7_L0	      (1u << 0)
#define DR7_W0_4BYTES (1u << 16 | 3u << 18) /* breakpoint 0: writes of 4 bytes */


volatile uint32_t debug_watched;
extern const char debug_step_after[], debug_write_after[];

/* TF set by POPF traps after the instruction that follows the POPF. */
GUEST_PROBE(debug_single_step, "pushf\n\torl $0x100, (%esp)\n\tpopf\n\t"
			       "nop\n"
			       ".global debug_step_after\n"
			       "debug_step_after:\n\tnop");
/* A write under breakpoint 0 traps after the write. */
GUEST_PROBE(debug_write, "movl $1, debug_watched\n"
			 ".global debug_write_after\n"
			 "debug_write_after:\n\tnop");
static uint32_t debug_read_dr6(void)
{
	uint32_t v;

	asm volatile("mov %%dr6, %0" : "=r"(v));
	return v;
}

static void debug_write_dr(uint32_t dr0, uint32_t dr6, uint32_t dr7)
{
	asm volatile("mov %0, %%dr0\n\tmov %1, %%dr6\n\tmov %2, %%dr7"
		     : : "r"(dr0), "r"(dr6), "r"(dr7) : "memory");
}

/*
 * Runs probe with DR0 = dr0 and DR7 = dr7 (DR6 reset first),
 * then checks that it raised #DB at want_eip with DR6's causes exactly
 * want_dr6. DR7 is reset after. False, said on the console, otherwise.
 */
static bool debug_case(const char *name, void (*probe)(void), uint32_t dr0,
		       uint32_t dr7, const char *want_eip, uint32_t want_dr6)
{
	struct trap_regs regs = {0};
	struct trap_info info = {0};
	uint32_t vector, dr6;

	debug_write_dr(dr0, DR6_RESET, dr7);
	vector = trap_call(probe, &regs, &info);
	dr6 = debug_read_dr6();
	if (vector != VEC_DEBUG || info.eip != (uint32_t)(uintptr_t)want_eip ||
	    (dr6 & DR6_CAUSES) != want_dr6) {
		guest_printf("debug: %s: vector %d at %#x, DR6 %#x; expected "
			     "#DB at %#x with DR6 causes %#x",
			     name, vector == TRAP_NONE ? -1 : (int)vector,
			     info.eip, dr6, (uint32_t)(uintptr_t)want_eip,
			     want_dr6);
		debug_write_dr(0, DR6_RESET, DR7_FIXED);
		return false;
	}
	debug_write_dr(0, DR6_RESET, DR7_FIXED);
	return true;
}

uint32_t test_debug_exceptions(struct guest_ctx *ctx)
{
	unsigned failed = 0;

	if (ctx->vcpu != 0)
		return GUEST_PASS;
	trap_install();
	failed += !debug_case("single step", debug_single_step, 0, DR7_FIXED,
			      debug_step_after, DR6_BS);
	failed += !debug_case("data breakpoint", debug_write,
			      (uint32_t)(uintptr_t)&debug_watched,
			      DR7_FIXED | DR7_L0 | DR7_W0_4BYTES,
			      debug_write_after, DR6_B0);
	trap_remove();
	guest_printf("debug: 2 cases, %u failed", failed);
	return failed ? GUEST_FAIL_ARCH : GUEST_PASS;
}
