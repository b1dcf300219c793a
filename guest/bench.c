/*
 * bench: what the guest can measure of the hypervisor, by vCPU 0 alone
 * (the others end at once, so no spinning vCPU competes with it for a
 * host CPU when vCPUs outnumber them, as under an emulator):
 *  - cycles per 4 KiB first touch: TSC around one write to each of up to
 *    BENCH_FAULT_PAGES untouched pages of the shared region, which the
 *    hypervisor backs and maps with 4 KiB pages on demand: each write is
 *    one nested page fault (the private regions are mapped with large
 *    pages, so touching them measures little);
 *  - cycles per HV_HC_NOP round trip, averaged over BENCH_HYPERCALLS.
 * Both go to the summary with HV_HC_REPORT and to the console.
 */
#include "guest/console.h"
#include "guest/hypercall.h"
#include "guest/memory.h"
#include "guest/tsc.h"

#define BENCH_FAULT_PAGES 4096
#define BENCH_HYPERCALLS  1000
#define BENCH_WARMUP	  16

static uint64_t bench_fault_cycles(struct guest_ctx *ctx)
{
	uint32_t pages = MIN(ctx->shared_pages, BENCH_FAULT_PAGES);
	uint64_t start, end;

	start = tsc_read();
	for (uint32_t i = 0; i < pages; i++)
		mem_write64(ctx->shared_base + i * GUEST_PAGE_SIZE, i + 1);
	end = tsc_read();
	return (end - start) / pages;
}

static uint64_t bench_hypercall_cycles(void)
{
	uint64_t start, end;

	for (uint32_t i = 0; i < BENCH_WARMUP; i++)
		hc_nop();
	start = tsc_read();
	for (uint32_t i = 0; i < BENCH_HYPERCALLS; i++)
		hc_nop();
	end = tsc_read();
	return (end - start) / BENCH_HYPERCALLS;
}

static uint32_t bench_vcpu0(struct guest_ctx *ctx)
{
	uint64_t fault, hypercall;

	fault = bench_fault_cycles(ctx);
	hypercall = bench_hypercall_cycles();
	guest_printf("bench: %llu cycles per 4 KiB first touch (%u pages), "
		     "%llu cycles per hypercall round trip, tsc %llu kHz",
		     (unsigned long long)fault,
		     MIN(ctx->shared_pages, BENCH_FAULT_PAGES),
		     (unsigned long long)hypercall,
		     (unsigned long long)ctx->params->tsc_khz);
	if (hc_report(HV_REPORT_FAULT_CYCLES, fault) != HV_OK ||
	    hc_report(HV_REPORT_HYPERCALL_CYCLES, hypercall) != HV_OK)
		return GUEST_FAIL_HYPERCALL;
	return GUEST_PASS;
}

uint32_t test_bench(struct guest_ctx *ctx)
{
	if (ctx->shared_pages == 0) {
		if (ctx->vcpu == 0)
			guest_printf("bench: no shared region to fault in");
		return GUEST_FAIL_LAYOUT;
	}
	if (ctx->vcpu != 0)
		return GUEST_PASS;
	return bench_vcpu0(ctx);
}
