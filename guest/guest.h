/*
 * The test guest: what its parts share. One vCPU runs one struct
 * guest_ctx; the workloads (one file each) return a guest_fail code and
 * count data errors in the context, and guest_main() ends the vCPU with
 * HV_HC_DONE(code, errors).
 */
#ifndef GUEST_GUEST_H
#define GUEST_GUEST_H

#include "guest/abi.h"
#include "lib/compiler.h"

#define GUEST_MAX_VCPUS	 64	   /* stacks in guest/entry.asm */
#define GUEST_STACK_SIZE 16384	   /* per vCPU, guest/entry.asm */
#define GUEST_RAM_LIMIT	 (4 * GiB) /* paging off: all the guest can address */

/*
 * The failure code of HV_HC_DONE (EBX). ECX carries the data errors the
 * vCPU saw whatever the code.
 */
enum guest_fail {
	GUEST_PASS = 0,
	GUEST_FAIL_DATA = 1, /* memory did not hold what was written */
	GUEST_FAIL_PARAMS =
	    2, /* hv_guest_params wrong: magic, version, count */
	GUEST_FAIL_LAYOUT = 3,	  /* regions unaligned, overlapping the guest
				   * or each other, beyond RAM or 4 GiB */
	GUEST_FAIL_TEST = 4,	  /* unknown hv_guest_params.test */
	GUEST_FAIL_HYPERCALL = 5, /* a hypercall that must succeed did not */
	GUEST_FAIL_DIRTY = 6,	  /* the dirty log missed written pages */
	GUEST_FAIL_SURVIVED = 7,  /* a hostile act returned: the VM should
				   * have been stopped */
	GUEST_FAIL_NO_UD = 8,	  /* a virtualization instruction raised no
				   * #UD, or not at its own address */
	GUEST_FAIL_ARCH = 9,	  /* an MSR, EFER or CR0 behaved unlike the
				   * architecture */
	GUEST_FAIL_LOOP = 10,	  /* an exception loop did not run, or did
				   * not end as the test broke it */
};

/* One vCPU's view of the test: its id and its regions, all below 4 GiB. */
struct guest_ctx {
	const struct hv_guest_params *params;
	uint32_t vcpu;
	uint32_t vcpus;
	uint32_t rounds; /* test_rounds, at least 1 */
	uint32_t shared_base;
	uint32_t shared_pages;
	uint32_t private_base; /* this vCPU's region */
	uint32_t private_pages;
	uint32_t mem_pages; /* RAM is [0, mem_pages * 4096) */
	uint32_t errors; /* data errors seen */
};

/* The end of the guest's own RAM (image and .bss), from guest/guest.ld. */
extern char __guest_end[];

uint32_t guest_layout_check(struct guest_ctx *ctx);
/* A page of RAM that neither a test region, the parameters page nor the
 * guest itself uses: the workloads write and read these too, so that
 * every byte of RAM is shown to be there. */
bool guest_page_is_spare(const struct guest_ctx *ctx, uint32_t gfn);

uint32_t test_fault_in(struct guest_ctx *ctx);
uint32_t test_zap_under_load(struct guest_ctx *ctx);
uint32_t test_dirty_log(struct guest_ctx *ctx);
uint32_t test_bench(struct guest_ctx *ctx);
uint32_t test_string_io(struct guest_ctx *ctx);
uint32_t test_arch_msr(struct guest_ctx *ctx);
uint32_t test_exception_loop(struct guest_ctx *ctx);
uint32_t test_debug_exceptions(struct guest_ctx *ctx);
uint32_t test_hostile(struct guest_ctx *ctx);

#endif
