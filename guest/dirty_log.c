/*
 * dirty-log: vCPU 0 starts dirty logging; then, round after round, every
 * vCPU writes its share of a known set of shared pages, and vCPU 0
 * collects the bitmap and checks that every written page is in it. Pages
 * reported but not written are allowed (the hypervisor may track more
 * coarsely) and only counted.
 *
 * In round r, shared page i is written when i % 3 != r % 3, by vCPU
 * i % vcpus: each round leaves out another third, so a bitmap that was not
 * cleared by the previous COLLECT shows up as extra pages.
 */
#include "guest/barrier.h"
#include "guest/console.h"
#include "guest/hypercall.h"
#include "guest/memory.h"
#include "lib/string.h"

/* Largest shared region the bitmap covers: 2 GiB. */
#define DIRTY_MAX_PAGES (512u * 1024)

static uint64_t dirty_bitmap[DIRTY_MAX_PAGES / 64] __aligned(4096);

/* What vCPU 0 saw over all rounds. */
struct dirty_tally {
	uint32_t reported; /* bits set */
	uint32_t missed;   /* written but not reported */
	uint32_t extra;	   /* reported but not written */
};

static bool dirty_page_written(uint32_t page, uint32_t round)
{
	return page % 3 != round % 3;
}

static bool dirty_page_reported(uint32_t page)
{
	return dirty_bitmap[page / 64] >> (page % 64) & 1;
}

/* Writes, then reads back, this vCPU's pages of the round. */
static void dirty_write(struct guest_ctx *ctx, uint32_t round)
{
	for (uint32_t i = ctx->vcpu; i < ctx->shared_pages; i += ctx->vcpus) {
		uint32_t gpa = ctx->shared_base + i * GUEST_PAGE_SIZE;

		if (dirty_page_written(i, round))
			mem_write64(gpa, pattern_word(gpa / GUEST_PAGE_SIZE,
						      ctx->vcpu, round, 0));
	}
}

static void dirty_verify(struct guest_ctx *ctx, uint32_t round)
{
	for (uint32_t i = ctx->vcpu; i < ctx->shared_pages; i += ctx->vcpus) {
		uint32_t gpa = ctx->shared_base + i * GUEST_PAGE_SIZE;

		if (dirty_page_written(i, round))
			mem_check64(ctx, gpa,
				    pattern_word(gpa / GUEST_PAGE_SIZE,
						 ctx->vcpu, round, 0));
	}
}

/*
 * vCPU 0: collects the round's bitmap (into a zeroed buffer, so stale bits
 * cannot pass for reported ones) and tallies it. False if COLLECT failed.
 */
static bool dirty_collect(struct guest_ctx *ctx, uint32_t round,
			  struct dirty_tally *tally)
{
	uint32_t size = (ctx->shared_pages + 63) / 64 * 8;
	uint32_t missed = 0;
	int32_t status;

	memset(dirty_bitmap, 0, size);
	status =
	    hc_dirty_log(HV_DIRTY_LOG_COLLECT, (uintptr_t)dirty_bitmap, size);
	if (status != HV_OK) {
		guest_printf("dirty log COLLECT failed: status %d", status);
		return false;
	}
	for (uint32_t i = 0; i < ctx->shared_pages; i++) {
		bool written = dirty_page_written(i, round);
		bool reported = dirty_page_reported(i);

		tally->reported += reported;
		if (written && !reported && missed++ < 4)
			guest_printf("dirty log round %u: page %#x written, "
				     "not reported",
				     round,
				     ctx->shared_base + i * GUEST_PAGE_SIZE);
		tally->extra += !written && reported;
	}
	tally->missed += missed;
	return true;
}

static uint32_t dirty_log_vcpu0(struct guest_ctx *ctx)
{
	struct dirty_tally tally = {0};
	uint32_t fail = GUEST_PASS;
	int32_t status;

	status = hc_dirty_log(HV_DIRTY_LOG_START, 0, 0);
	if (status != HV_OK) {
		guest_printf("dirty log START failed: status %d", status);
		fail = GUEST_FAIL_HYPERCALL;
	}
	for (uint32_t round = 0; round < ctx->rounds; round++) {
		barrier_wait(ctx->vcpus);
		dirty_write(ctx, round);
		barrier_wait(ctx->vcpus);
		dirty_verify(ctx, round);
		if (!fail && !dirty_collect(ctx, round, &tally))
			fail = GUEST_FAIL_HYPERCALL;
	}
	barrier_wait(ctx->vcpus);

	if (hc_dirty_log(HV_DIRTY_LOG_STOP, 0, 0) != HV_OK ||
	    hc_report(HV_REPORT_DIRTY_PAGES, tally.reported) != HV_OK)
		fail = fail ? fail : GUEST_FAIL_HYPERCALL;
	guest_printf("dirty-log: %u rounds, %u pages reported, %u missed, "
		     "%u extra",
		     ctx->rounds, tally.reported, tally.missed, tally.extra);
	ctx->errors += tally.missed;
	if (!fail && tally.missed)
		fail = GUEST_FAIL_DIRTY;
	return fail;
}

/*
 * Every round: barrier, all write, barrier, vCPU 0 collects while the
 * others check their writes. The first barrier of the next round keeps the
 * next writes out of this round's bitmap. Only vCPU 0 can fail a
 * hypercall; it keeps going through every barrier all the same, so the
 * others never wait for it forever.
 */
uint32_t test_dirty_log(struct guest_ctx *ctx)
{
	if (ctx->shared_pages > DIRTY_MAX_PAGES) {
		if (ctx->vcpu == 0)
			guest_printf("dirty-log: %u shared pages, at most %u",
				     ctx->shared_pages, DIRTY_MAX_PAGES);
		return GUEST_FAIL_LAYOUT;
	}
	/* Three rounds at least: each page is left out once. */
	ctx->rounds = MAX(ctx->rounds, 3u);
	if (ctx->vcpu == 0)
		return dirty_log_vcpu0(ctx);

	for (uint32_t round = 0; round < ctx->rounds; round++) {
		barrier_wait(ctx->vcpus);
		dirty_write(ctx, round);
		barrier_wait(ctx->vcpus);
		dirty_verify(ctx, round);
	}
	barrier_wait(ctx->vcpus);
	return GUEST_PASS;
}
