/*
 * guest_main: every vCPU comes here from guest/entry.asm with its own
 * stack, checks the params page, runs the workload it names and ends with
 * HV_HC_DONE.
 */
#include "guest/console.h"
#include "guest/guest.h"
#include "guest/hypercall.h"

void guest_main(uint32_t vcpu, uint32_t vcpus,
		const struct hv_guest_params *params);

static const char *guest_test_name(uint32_t test)
{
	switch (test) {
	case HV_TEST_FAULT_IN:
		return "fault-in";
	case HV_TEST_ZAP_UNDER_LOAD:
		return "zap-under-load";
	case HV_TEST_DIRTY_LOG:
		return "dirty-log";
	case HV_TEST_BENCH:
		return "bench";
	case HV_TEST_STRING_IO:
		return "string-io";
	case HV_TEST_ARCH_MSR:
		return "arch-msr";
	case HV_TEST_AC_LOOP:
		return "ac-loop";
	case HV_TEST_DB_LOOP:
		return "db-loop";
	case HV_TEST_DEBUG:
		return "debug";
	case HV_TEST_HOSTILE_TRIPLE_FAULT:
		return "hostile triple fault";
	case HV_TEST_HOSTILE_MMIO:
		return "hostile mmio";
	case HV_TEST_HOSTILE_HYPERCALL:
		return "hostile hypercall";
	case HV_TEST_HOSTILE_POINTER:
		return "hostile pointer";
	case HV_TEST_HOSTILE_VIRT_INSN:
		return "hostile virtualization instruction";
	case HV_TEST_HOSTILE_PORT:
		return "hostile port";
	case HV_TEST_HOSTILE_STRING_IO:
		return "hostile string I/O";
	case HV_TEST_HOSTILE_PORT_OVERLAP:
		return "hostile port overlap";
	case HV_TEST_HOSTILE_STRING_IO_PAGING:
		return "hostile string I/O with paging";
	default:
		return NULL;
	}
}

static uint32_t guest_run(struct guest_ctx *ctx)
{
	uint32_t test = ctx->params->test;
	uint32_t fail;

	if (!guest_test_name(test)) {
		if (ctx->vcpu == 0)
			guest_printf("unknown test %u", test);
		return GUEST_FAIL_TEST;
	}
	if (test >= HV_TEST_HOSTILE_TRIPLE_FAULT)
		return test_hostile(ctx);

	/* Same params on every vCPU: all pass this check or all fail it. */
	fail = guest_layout_check(ctx);
	if (fail)
		return fail;
	if (ctx->vcpu == 0)
		guest_printf(
		    "test %s: %u vcpus, %u rounds, shared %#x+%u pages, "
		    "private %u pages each",
		    guest_test_name(test), ctx->vcpus, ctx->rounds,
		    ctx->shared_base, ctx->shared_pages, ctx->private_pages);

	switch (test) {
	case HV_TEST_FAULT_IN:
		return test_fault_in(ctx);
	case HV_TEST_ZAP_UNDER_LOAD:
		return test_zap_under_load(ctx);
	case HV_TEST_DIRTY_LOG:
		return test_dirty_log(ctx);
	case HV_TEST_STRING_IO:
		return test_string_io(ctx);
	case HV_TEST_ARCH_MSR:
		return test_arch_msr(ctx);
	case HV_TEST_AC_LOOP:
	case HV_TEST_DB_LOOP:
		return test_exception_loop(ctx);
	case HV_TEST_DEBUG:
		return test_debug_exceptions(ctx);
	default:
		return test_bench(ctx);
	}
}

/*
 * Ends the vCPU with HV_HC_DONE. Returns (to guest/entry.asm, which stops
 * the VM) only when the params page does not even name a hypercall
 * instruction; any other bad params end in GUEST_FAIL_PARAMS.
 */
void guest_main(uint32_t vcpu, uint32_t vcpus,
		const struct hv_guest_params *params)
{
	struct guest_ctx ctx = {
	    .params = params,
	    .vcpu = vcpu,
	    .vcpus = vcpus,
	    .rounds = params->test_rounds ? params->test_rounds : 1,
	};
	uint32_t fail;

	if (params->hypercall_insn != HV_HYPERCALL_VMCALL &&
	    params->hypercall_insn != HV_HYPERCALL_VMMCALL)
		return;
	if (params->magic != HV_GUEST_MAGIC ||
	    params->abi_version != HV_GUEST_ABI_VERSION ||
	    params->vcpu_count != vcpus || vcpus > GUEST_MAX_VCPUS ||
	    vcpu >= vcpus) {
		guest_printf("bad params: magic %#x abi %u vcpu %u of %u "
			     "(params say %u, at most %u)",
			     params->magic, params->abi_version, vcpu, vcpus,
			     params->vcpu_count, GUEST_MAX_VCPUS);
		hc_done(GUEST_FAIL_PARAMS, 0);
	}

	fail = guest_run(&ctx);
	if (fail == GUEST_PASS && ctx.errors)
		fail = GUEST_FAIL_DATA;
	if (fail || ctx.errors)
		guest_printf("failed: code %u, %u data errors", fail,
			     ctx.errors);
	hc_done(fail, ctx.errors);
}
