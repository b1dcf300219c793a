/*
 * Hypercalls (docs/guest-abi.md): EAX = number, EBX/ECX/EDX/ESI = arguments,
 * EAX = status on return. A known call with a bad argument returns
 * HV_EINVAL; an unknown call or a buffer outside guest RAM stops the VM.
 */
#include "hv/vm.h"
#include "arch/x86/paging.h"
#include "base/log.h"
#include "lib/string.h"
#include "mm/pmm.h"

#define CONSOLE_WRITE_MAX 256
#define CHAOS_MAX_OPS 64

static uint64_t vcpu_random(struct vcpu *v)
{
	uint64_t x = v->rng;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	v->rng = x;
	return x;
}

static int64_t hc_console_write(struct vcpu *v, uint64_t gpa, uint64_t len)
{
	char text[CONSOLE_WRITE_MAX + 1];

	if (len > CONSOLE_WRITE_MAX)
		return HV_EINVAL;
	if (!vm_read_guest(v->vm, gpa, text, len)) {
		vm_stop(v->vm, "vcpu%u: HV_HC_CONSOLE_WRITE buffer %#llx+%llu is outside guest RAM",
			v->id, (unsigned long long)gpa, (unsigned long long)len);
		return HV_EFAULT;
	}
	text[len] = '\0';
	for (uint64_t i = 0; i < len; i++)
		if (text[i] == '\n' || (text[i] != '\t' && (text[i] < 0x20 ||
							   text[i] > 0x7e)))
			text[i] = text[i] == '\n' ? ' ' : '?';
	pr_info("guest vcpu%u: %s", v->id, text);
	return HV_OK;
}

static int64_t hc_report(struct vcpu *v, uint64_t key, uint64_t lo,
			 uint64_t hi)
{
	if (key == 0 || key >= ARRAY_SIZE(v->vm->report))
		return HV_EINVAL;
	__atomic_store_n(&v->vm->report[key], (hi << 32) | (uint32_t)lo,
			 __ATOMIC_RELAXED);
	return HV_OK;
}

/*
 * Random operations on random ranges of guest RAM, while the other vCPUs
 * run: subtrees get disconnected under them. Returns operations done.
 */
static uint64_t hc_mmu_chaos(struct vcpu *v, uint64_t ops)
{
	struct tdp_vm *mmu = &v->vm->mmu;
	uint64_t pages = v->vm->mem_size >> PAGE_SHIFT;
	uint64_t young[8]; /* 512 pages: aging ranges are cut to that */

	ops = MIN(ops, CHAOS_MAX_OPS);
	for (uint64_t i = 0; i < ops; i++) {
		uint64_t r = vcpu_random(v);
		/* Ranges of 1 page to 16 MiB, often large-page aligned. */
		uint64_t len = 1ull << (r % 13);
		uint64_t start = (r >> 8) % pages;
		uint64_t end;

		if (r & (1ull << 40))
			start = ALIGN_DOWN(start, 512);
		end = MIN(start + len, pages); /* the MMU core counts in gfns */
		switch ((r >> 48) % 5) {
		case 0:
			tdp_zap_range(mmu, start, end);
			break;
		case 1:
			tdp_split_range(mmu, start, end, 1 + (r >> 56) % 2);
			break;
		case 2:
			tdp_collapse_range(mmu, start, end);
			break;
		case 3:
			tdp_write_protect_range(mmu, start, end);
			break;
		default:
			tdp_age_range(mmu, start, MIN(end, start + 64 * 8),
				      young);
			break;
		}
	}
	return ops;
}

static int64_t hc_dirty_log(struct vcpu *v, uint64_t op, uint64_t gpa,
			    uint64_t size)
{
	struct vm *vm = v->vm;
	int slot = vm->slot[VM_REGION_SHARED];
	uint64_t pages = vm->params.shared_size >> PAGE_SHIFT;
	uint64_t bytes = ALIGN_UP(pages, 64) / 8;
	unsigned order = 0;
	uint64_t buf;
	bool ok;

	switch (op) {
	case HV_DIRTY_LOG_START:
		tdp_dirty_log_start(&vm->mmu, slot);
		return HV_OK;
	case HV_DIRTY_LOG_STOP:
		tdp_dirty_log_stop(&vm->mmu, slot);
		return HV_OK;
	case HV_DIRTY_LOG_COLLECT:
		break;
	default:
		return HV_EINVAL;
	}
	if (size < bytes)
		return HV_EINVAL;
	while ((PAGE_SIZE << order) < bytes)
		order++;
	buf = pmm_alloc(order);
	if (!buf)
		return HV_ENOMEM;
	memset(phys_to_virt(buf), 0, PAGE_SIZE << order);
	tdp_dirty_log_get_and_clear(&vm->mmu, slot, phys_to_virt(buf));
	ok = vm_write_guest(vm, gpa, phys_to_virt(buf), bytes);
	pmm_free(buf, order);
	if (!ok) {
		vm_stop(vm, "vcpu%u: HV_HC_DIRTY_LOG bitmap %#llx+%llu is outside guest RAM",
			v->id, (unsigned long long)gpa, (unsigned long long)bytes);
		return HV_EFAULT;
	}
	return HV_OK;
}

void vcpu_handle_hypercall(struct vcpu *v, struct vcpu_exit *e)
{
	struct vcpu_regs *r = &v->regs;
	uint32_t nr = (uint32_t)r->rax;
	uint64_t a1 = (uint32_t)r->rbx, a2 = (uint32_t)r->rcx;
	uint64_t a3 = (uint32_t)r->rdx;
	int64_t status = HV_OK;

	v->hypercalls++;
	switch (nr) {
	case HV_HC_NOP:
		break;
	case HV_HC_CONSOLE_WRITE:
		status = hc_console_write(v, a1, a2);
		break;
	case HV_HC_DONE:
		v->result = (int32_t)a1;
		v->data_errors = a2;
		__atomic_store_n(&v->done, true, __ATOMIC_RELEASE);
		if (a1 != 0)
			pr_err("vcpu%u: the guest reports failure %d with %llu data errors",
			       v->id, (int)(int32_t)a1, (unsigned long long)a2);
		return;
	case HV_HC_REPORT:
		status = hc_report(v, a1, a2, a3);
		break;
	case HV_HC_MMU_CHAOS:
		r->rbx = hc_mmu_chaos(v, a1);
		break;
	case HV_HC_DIRTY_LOG:
		status = hc_dirty_log(v, a1, a2, a3);
		break;
	default:
		vm_stop(v->vm, "vcpu%u: unknown hypercall %#x at RIP %#llx",
			v->id, nr, (unsigned long long)e->rip);
		return;
	}
	if (vm_is_stopped(v->vm))
		return;
	r->rax = (uint32_t)status;
	vcpu_skip_instruction(v, e);
}
