/*
 * fault-in and zap-under-load: every vCPU writes a pattern to every page
 * of its private region, to its own slot of every shared page and to its
 * share of the spare pages (the rest of RAM), all at once (the vCPUs race
 * on the same shared pages and the same tables), then checks all of it
 * after a barrier: its private region, every vCPU's slot of every shared
 * page and another vCPU's spare pages. Each round writes a new pattern.
 * Every CODE_EVERY_PAGES-th private page also gets a small function, which
 * the check runs: the private regions are mapped with large pages, so
 * instruction fetches meet them too.
 *
 * zap-under-load is the same with vCPU 0 asking for HV_HC_MMU_CHAOS every
 * few pages and between the passes, so the hypervisor zaps, splits and
 * collapses mappings while the other vCPUs write and read; no data may be
 * lost.
 */
#include "guest/barrier.h"
#include "guest/console.h"
#include "guest/hypercall.h"
#include "guest/memory.h"

/* Words checked in each private page: one every 512 bytes. */
#define PRIVATE_WORDS	    8
#define PRIVATE_WORD_STRIDE (GUEST_PAGE_SIZE / PRIVATE_WORDS)

/* Private pages with a function at CODE_OFFSET, clear of the words. */
#define CODE_EVERY_PAGES 64
#define CODE_OFFSET	 16

/* vCPU v owns the 8 bytes at offset v * 8 of every shared page. */
#define SHARED_SLOT_SIZE 8

#define CHAOS_OPS	  16 /* operations per HV_HC_MMU_CHAOS */
#define CHAOS_EVERY_PAGES 64 /* pages vCPU 0 handles between two calls */

/* vCPU 0's requests for MMU chaos, in zap-under-load. */
struct chaos {
	bool on;
	uint32_t pages; /* handled since the test began */
	uint32_t calls;
	uint32_t ops;  /* operations the hypervisor says it ran */
	int32_t error; /* status of a failed call, which ends the requests */
};

static void chaos_request(struct chaos *chaos)
{
	uint32_t done;
	int32_t status;

	if (!chaos || !chaos->on)
		return;
	status = hc_mmu_chaos(CHAOS_OPS, &done);
	if (status != HV_OK) {
		guest_printf("HV_HC_MMU_CHAOS failed: status %d", status);
		chaos->error = status;
		chaos->on = false;
		return;
	}
	chaos->calls++;
	chaos->ops += done;
}

/* Counts a page handled, and asks for chaos every CHAOS_EVERY_PAGES. */
static void chaos_tick(struct chaos *chaos)
{
	if (chaos && ++chaos->pages % CHAOS_EVERY_PAGES == 0)
		chaos_request(chaos);
}

/* What the function in a private page returns: its page, vCPU and round. */
static uint32_t code_value(uint32_t gfn, uint32_t vcpu, uint32_t round)
{
	return (gfn & 0xfffff) << 12 | (vcpu & 0x3f) << 6 | (round & 0x3f);
}

static void private_write(struct guest_ctx *ctx, uint32_t round,
			  struct chaos *chaos)
{
	for (uint32_t i = 0; i < ctx->private_pages; i++) {
		uint32_t page = ctx->private_base + i * GUEST_PAGE_SIZE;
		uint32_t gfn = page / GUEST_PAGE_SIZE;

		for (uint32_t w = 0; w < PRIVATE_WORDS; w++)
			mem_write64(page + w * PRIVATE_WORD_STRIDE,
				    pattern_word(gfn, ctx->vcpu, round, w));
		if (i % CODE_EVERY_PAGES == 0)
			code_write(page + CODE_OFFSET,
				   code_value(gfn, ctx->vcpu, round));
		chaos_tick(chaos);
	}
}

static void private_verify(struct guest_ctx *ctx, uint32_t round,
			   struct chaos *chaos)
{
	for (uint32_t i = 0; i < ctx->private_pages; i++) {
		uint32_t page = ctx->private_base + i * GUEST_PAGE_SIZE;
		uint32_t gfn = page / GUEST_PAGE_SIZE;

		for (uint32_t w = 0; w < PRIVATE_WORDS; w++)
			mem_check64(ctx, page + w * PRIVATE_WORD_STRIDE,
				    pattern_word(gfn, ctx->vcpu, round, w));
		if (i % CODE_EVERY_PAGES == 0)
			code_check(ctx, page + CODE_OFFSET,
				   code_value(gfn, ctx->vcpu, round));
		chaos_tick(chaos);
	}
}

static void shared_write(struct guest_ctx *ctx, uint32_t round,
			 struct chaos *chaos)
{
	for (uint32_t i = 0; i < ctx->shared_pages; i++) {
		uint32_t page = ctx->shared_base + i * GUEST_PAGE_SIZE;
		uint32_t gfn = page / GUEST_PAGE_SIZE;

		mem_write64(page + ctx->vcpu * SHARED_SLOT_SIZE,
			    pattern_word(gfn, ctx->vcpu, round, 0));
		chaos_tick(chaos);
	}
}

static void shared_verify(struct guest_ctx *ctx, uint32_t round,
			  struct chaos *chaos)
{
	for (uint32_t i = 0; i < ctx->shared_pages; i++) {
		uint32_t page = ctx->shared_base + i * GUEST_PAGE_SIZE;
		uint32_t gfn = page / GUEST_PAGE_SIZE;

		for (uint32_t v = 0; v < ctx->vcpus; v++)
			mem_check64(ctx, page + v * SHARED_SLOT_SIZE,
				    pattern_word(gfn, v, round, 0));
		chaos_tick(chaos);
	}
}

/*
 * The spare pages (guest_page_is_spare): vCPU v writes the first and the
 * last word of every spare page whose gfn is v modulo the vCPU count, and
 * after the barrier checks those of the next vCPU. The last word of RAM
 * is among them. Returns how many spare pages it wrote or checked.
 */
static uint32_t spare_pass(struct guest_ctx *ctx, uint32_t round, bool verify,
			   struct chaos *chaos)
{
	uint32_t owner = verify ? (ctx->vcpu + 1) % ctx->vcpus : ctx->vcpu;
	uint32_t pages = 0;

	for (uint32_t gfn = owner; gfn < ctx->mem_pages; gfn += ctx->vcpus) {
		uint32_t page = gfn * GUEST_PAGE_SIZE;
		uint32_t last = page + GUEST_PAGE_SIZE - 8;

		if (!guest_page_is_spare(ctx, gfn))
			continue;
		if (verify) {
			mem_check64(ctx, page, pattern_word(gfn, owner, round, 0));
			mem_check64(ctx, last, pattern_word(gfn, owner, round, 1));
		} else {
			mem_write64(page, pattern_word(gfn, owner, round, 0));
			mem_write64(last, pattern_word(gfn, owner, round, 1));
		}
		pages++;
		chaos_tick(chaos);
	}
	return pages;
}

static uint32_t spare_pages(const struct guest_ctx *ctx)
{
	uint32_t n = 0;

	for (uint32_t gfn = 0; gfn < ctx->mem_pages; gfn++)
		n += guest_page_is_spare(ctx, gfn);
	return n;
}

/*
 * The rounds both workloads share. The barrier after the writes makes every
 * slot of the round visible before anyone checks; the one after the checks
 * keeps a fast vCPU from overwriting a slot another still has to check.
 */
static uint32_t touch_rounds(struct guest_ctx *ctx, struct chaos *chaos)
{
	for (uint32_t round = 0; round < ctx->rounds; round++) {
		private_write(ctx, round, chaos);
		shared_write(ctx, round, chaos);
		spare_pass(ctx, round, false, chaos);
		chaos_request(chaos);
		barrier_wait(ctx->vcpus);

		private_verify(ctx, round, chaos);
		shared_verify(ctx, round, chaos);
		spare_pass(ctx, round, true, chaos);
		chaos_request(chaos);
		barrier_wait(ctx->vcpus);
	}

	if (ctx->vcpu != 0)
		return GUEST_PASS;
	if (hc_report(HV_REPORT_PAGES_TOUCHED,
		      (uint64_t)ctx->private_pages * ctx->vcpus +
			  ctx->shared_pages) != HV_OK ||
	    hc_report(HV_REPORT_SPARE_PAGES, spare_pages(ctx)) != HV_OK)
		return GUEST_FAIL_HYPERCALL;
	return GUEST_PASS;
}

uint32_t test_fault_in(struct guest_ctx *ctx)
{
	return touch_rounds(ctx, NULL);
}

uint32_t test_zap_under_load(struct guest_ctx *ctx)
{
	struct chaos chaos = {.on = true};
	uint32_t fail;

	if (ctx->vcpu != 0)
		return touch_rounds(ctx, NULL);

	fail = touch_rounds(ctx, &chaos);
	guest_printf("zap-under-load: %u chaos calls, %u operations",
		     chaos.calls, chaos.ops);
	if (chaos.error)
		return GUEST_FAIL_HYPERCALL;
	return fail;
}
