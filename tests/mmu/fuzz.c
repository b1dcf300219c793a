/*
 * libFuzzer target of the MMU core: the input is a sequence of operations
 * (access, zap, split, collapse, write-protect, age, dirty log, discard)
 * run on one VM (its first byte picks the format and whether large leaves
 * may be executable) and on a trivially correct model, a flat map of each guest
 * page to the word the guest last wrote there. After every operation the
 * tree must pass the audit; reads through the tree must agree with the
 * model; a logged slot must report exactly the pages written since the
 * last get-and-clear; at the end teardown must return every page.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/x86/ept_format.h"
#include "arch/x86/npt_format.h"
#include "mm/tdp_internal.h"
#include "tests/mmu/guest_access.h"
#include "tests/mmu/host_platform.h"

/* gfn space of the model: a demand slot [0, 256), a hole [256, 512), a
 * preallocated slot [512, 1536) with 2 MiB leaves, a read-only slot
 * [1536, 1600), MMIO above. */
#define MODEL_PAGES  2048
#define DEMAND_BASE  0
#define DEMAND_PAGES 256
#define LARGE_BASE   512
#define LARGE_PAGES  1024
#define RO_BASE	     1536
#define RO_PAGES     64

struct model {
	uint64_t word[MODEL_PAGES]; /* guest data at word 0 of the page */
	bool written[MODEL_PAGES];  /* since the last get-and-clear */
	bool logging, exact;
};

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, \
				__LINE__, #cond);                              \
			abort();                                               \
		}                                                              \
	} while (0)

static int slot_kind(uint64_t gfn)
{
	if (gfn - DEMAND_BASE < DEMAND_PAGES)
		return 1;
	if (gfn - LARGE_BASE < LARGE_PAGES)
		return 2;
	if (gfn - RO_BASE < RO_PAGES)
		return 3;
	return 0;
}

/* A read, write or instruction fetch (enum tdp_access) of word 0 of gfn. */
static void op_access(struct tdp_vm *vm, struct model *m, uint64_t gfn,
		      unsigned access, uint8_t arg)
{
	uint64_t gpa = gfn << PAGE_SHIFT, v;
	bool write = access == TDP_ACC_WRITE;
	int kind = slot_kind(gfn);

	if (!kind || (write && kind == 3)) {
		CHECK(tdp_fault(vm, gpa, access) == TDP_FAULT_MMIO);
		return;
	}
	if (write) {
		v = gfn * 1000 + arg + 1;
		CHECK(guest_write_faulting(vm, gpa, v));
		m->word[gfn] = v;
		m->written[gfn] = true;
	} else if (access == TDP_ACC_EXEC) {
		CHECK(guest_fetch_faulting(vm, gpa, &v));
		CHECK(v == m->word[gfn]);
	} else {
		CHECK(guest_read_faulting(vm, gpa, &v));
		CHECK(v == m->word[gfn]);
	}
}

static void op_dirty(struct tdp_vm *vm, struct model *m, int id, uint8_t arg)
{
	uint64_t out[LARGE_PAGES / 64], i;

	switch (arg % 3) {
	case 0:
		tdp_dirty_log_start(vm, id);
		if (!m->logging)
			m->exact = false;
		m->logging = true;
		break;
	case 1:
		tdp_dirty_log_stop(vm, id);
		m->logging = false;
		break;
	default:
		tdp_dirty_log_get_and_clear(vm, id, out);
		for (i = 0; i < LARGE_PAGES; i++) {
			bool got = out[i / 64] >> (i % 64) & 1;
			bool want = m->written[LARGE_BASE + i];

			if (m->logging && m->exact)
				CHECK(got == want);
			else if (want && m->logging)
				CHECK(got);
			m->written[LARGE_BASE + i] = false;
		}
		m->exact = m->logging;
	}
}

static void run_ops(struct tdp_vm *vm, struct model *m, int large_id,
		    const uint8_t *data, size_t size)
{
	size_t p;

	for (p = 0; p + 4 <= size; p += 4) {
		uint8_t op = data[p] % 12, arg = data[p + 3];
		uint64_t gfn =
		    (data[p + 1] | (uint64_t)data[p + 2] << 8) % MODEL_PAGES;
		uint64_t end = MIN(gfn + 1 + (arg % 4 == 0 ? arg * 8 : arg),
				   (uint64_t)MODEL_PAGES);
		uint64_t young[MODEL_PAGES / 64];

		switch (op) {
		case 0:
		case 1:
			op_access(vm, m, gfn, TDP_ACC_READ, arg);
			break;
		case 2:
			op_access(vm, m, gfn, TDP_ACC_EXEC, arg);
			break;
		case 3:
		case 4:
			op_access(vm, m, gfn, TDP_ACC_WRITE, arg);
			break;
		case 5:
			tdp_zap_range(vm, gfn, end);
			break;
		case 6:
			tdp_split_range(vm, gfn, end, 1 + arg % 2);
			break;
		case 7:
			tdp_collapse_range(vm, gfn, end);
			break;
		case 8:
			tdp_write_protect_range(vm, gfn, end);
			break;
		case 9:
			tdp_age_range(vm, gfn, end, young);
			CHECK(tdp_age_range(vm, gfn, end, young) == 0);
			break;
		case 10:
			op_dirty(vm, m, large_id, arg);
			break;
		case 11:
			/* Discard: demand pages read zero afterwards. */
			tdp_slot_discard(vm, gfn, end - gfn);
			if (slot_kind(gfn) == 1) {
				uint64_t i,
				    last = MIN(end, (uint64_t)DEMAND_PAGES);

				for (i = gfn; i < last; i++)
					m->word[i] = 0;
			}
			break;
		}
		CHECK(tdp_audit(vm, NULL));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct host_platform hp;
	static struct tdp_vm vm;
	static struct model m;
	int large_id;
	uint64_t gfn, v;

	host_platform_init(&hp, 1, false);
	host_platform_model_tlb(&hp);
	host_platform_set_cpu(0);
	CHECK(tdp_vm_init(&vm,
			  size && (data[0] & 1) ? &npt_format : &ept_format,
			  &hp.plat, 2));
	vm.large_leaves_nx = size && (data[0] & 2);
	memset(&m, 0, sizeof(m));
	CHECK(tdp_slot_add(&vm, DEMAND_BASE << 12, DEMAND_PAGES << 12, 0) >= 0);
	large_id = tdp_slot_add(&vm, LARGE_BASE << 12, LARGE_PAGES << 12,
				TDP_SLOT_PREALLOC);
	CHECK(large_id >= 0);
	CHECK(tdp_slot_add(&vm, RO_BASE << 12, RO_PAGES << 12,
			   TDP_SLOT_READONLY) >= 0);
	if (size)
		run_ops(&vm, &m, large_id, data + 1, size - 1);
	for (gfn = 0; gfn < MODEL_PAGES; gfn++) {
		if (!slot_kind(gfn))
			continue;
		CHECK(guest_read_faulting(&vm, gfn << PAGE_SHIFT, &v));
		CHECK(v == m.word[gfn]);
	}
	CHECK(tdp_audit(&vm, NULL));
	tdp_vm_destroy(&vm);
	CHECK(host_live_pages(&hp) == 0);
	CHECK(hp.reports == 0);
	CHECK(hp.freed_walks == 0);
	host_platform_fini(&hp);
	return 0;
}
