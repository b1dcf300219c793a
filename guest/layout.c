/*
 * The test regions of hv_guest_params, checked before any workload touches
 * them: a wrong layout is reported as such instead of showing up as data
 * errors or as a stopped VM.
 */
#include "guest/console.h"
#include "guest/memory.h"

struct guest_range {
	uint64_t start;
	uint64_t end; /* exclusive */
};

/* An empty range overlaps nothing. */
static bool range_overlaps(struct guest_range a, struct guest_range b)
{
	return a.start < a.end && b.start < b.end && a.start < b.end &&
	       b.start < a.end;
}

static bool range_usable(const struct hv_guest_params *p, struct guest_range r)
{
	/* The guest's own RAM: the params page, the image and its .bss. */
	struct guest_range params = {HV_GUEST_PARAMS_GPA,
				     HV_GUEST_PARAMS_GPA + GUEST_PAGE_SIZE};
	struct guest_range self = {HV_GUEST_LOAD_GPA, (uintptr_t)__guest_end};

	if (r.start == r.end)
		return true;
	return IS_ALIGNED(r.start, GUEST_PAGE_SIZE) &&
	       IS_ALIGNED(r.end, GUEST_PAGE_SIZE) && r.start < r.end &&
	       r.end <= p->mem_size && r.end <= GUEST_RAM_LIMIT &&
	       !range_overlaps(r, params) && !range_overlaps(r, self);
}

/*
 * True when the shared region and all vCPUs' private regions are usable
 * and do not overlap. Every size and base is bounded first, so the sums
 * below cannot wrap.
 */
static bool layout_valid(const struct hv_guest_params *p, uint32_t vcpus)
{
	struct guest_range shared, private;

	if (p->shared_base > GUEST_RAM_LIMIT ||
	    p->shared_size > GUEST_RAM_LIMIT ||
	    p->private_base > GUEST_RAM_LIMIT ||
	    p->private_size > GUEST_RAM_LIMIT)
		return false;
	shared = (struct guest_range){p->shared_base,
				      p->shared_base + p->shared_size};
	private = (struct guest_range){
	    p->private_base, p->private_base + vcpus * p->private_size};
	return range_usable(p, shared) && range_usable(p, private) &&
	       !range_overlaps(shared, private);
}

/*
 * Fills ctx's regions from its params. Returns GUEST_PASS when the shared
 * region and every vCPU's private region are page-aligned, inside RAM and
 * below 4 GiB, and overlap neither each other nor the guest itself.
 */
uint32_t guest_layout_check(struct guest_ctx *ctx)
{
	const struct hv_guest_params *p = ctx->params;

	if (!layout_valid(p, ctx->vcpus)) {
		if (ctx->vcpu == 0)
			guest_printf(
			    "bad layout: shared %#llx+%#llx, "
			    "private %#llx+%u*%#llx, mem_size %#llx, "
			    "the guest itself up to %p",
			    (unsigned long long)p->shared_base,
			    (unsigned long long)p->shared_size,
			    (unsigned long long)p->private_base, ctx->vcpus,
			    (unsigned long long)p->private_size,
			    (unsigned long long)p->mem_size, __guest_end);
		return GUEST_FAIL_LAYOUT;
	}
	ctx->shared_base = p->shared_base;
	ctx->shared_pages = p->shared_size / GUEST_PAGE_SIZE;
	ctx->private_base = p->private_base + ctx->vcpu * p->private_size;
	ctx->private_pages = p->private_size / GUEST_PAGE_SIZE;
	ctx->mem_pages = MIN(p->mem_size, GUEST_RAM_LIMIT) / GUEST_PAGE_SIZE;
	return GUEST_PASS;
}

static bool page_in(uint32_t gfn, uint64_t start, uint64_t end)
{
	uint64_t at = (uint64_t)gfn * GUEST_PAGE_SIZE;

	return at >= start && at < end;
}

bool guest_page_is_spare(const struct guest_ctx *ctx, uint32_t gfn)
{
	const struct hv_guest_params *p = ctx->params;

	return gfn < ctx->mem_pages &&
	       !page_in(gfn, HV_GUEST_PARAMS_GPA,
			HV_GUEST_PARAMS_GPA + GUEST_PAGE_SIZE) &&
	       !page_in(gfn, HV_GUEST_LOAD_GPA, (uintptr_t)__guest_end) &&
	       !page_in(gfn, p->shared_base, p->shared_base + p->shared_size) &&
	       !page_in(gfn, p->private_base,
			p->private_base +
			    (uint64_t)ctx->vcpus * p->private_size);
}
