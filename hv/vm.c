/*
 * VM creation and teardown, the memory layout of docs/guest-abi.md, and
 * the platform the MMU core runs on inside the hypervisor.
 */
#include <stdarg.h>

#include "hv/vm.h"
#include "arch/x86/paging.h"
#include "arch/x86/percpu.h"
#include "arch/x86/smp.h"
#include "arch/x86/spin_wait.h"
#include "base/log.h"
#include "base/panic.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/pmm.h"

#define MMIO_GPA 0xe0000000ull       /* above the largest guest_mem */

static uint64_t vm_alloc_pages(void *ctx, unsigned order, bool zero)
{
	uint64_t phys = order == 0 ? pmm_alloc_page() : pmm_alloc(order);

	if (phys && zero)
		memset(phys_to_virt(phys), 0, PAGE_SIZE << order);
	return phys;
}

static void vm_free_pages(void *ctx, uint64_t phys, unsigned order)
{
	if (order == 0)
		pmm_free_page(phys);
	else
		pmm_free(phys, order);
}

static void *vm_phys_to_virt(void *ctx, uint64_t phys)
{
	return phys_to_virt(phys);
}

static unsigned vm_cpu_id(void *ctx)
{
	return this_cpu_id();
}

static void vm_platform_flush_tlb(void *ctx)
{
	vm_flush_tlb(ctx);
}

/* MMU core waits are bounded like every other (arch/x86/spin_wait.h). */
static void vm_relax(void *ctx, struct tdp_wait *tw)
{
	struct spin_wait w = {
		.what = tw->what,
		.cpu = tw->cpu,
		.since_us = tw->since,
		.reported = tw->reported,
	};

	spin_wait_step(&w);
	tw->since = w.since_us;
	tw->reported = w.reported;
}

static void vm_report(void *ctx, const char *file, int line, const char *what,
		      bool fatal)
{
	if (fatal)
		panic_at(file, line, "mmu: %s", what);
	warn_at(file, line, what);
}

/* Adds one region of RAM as a slot; false with a reason in err. */
static bool vm_add_region(struct vm *vm, const struct vm_layout *l,
			  enum vm_region r, char *err, size_t errsz)
{
	vm->slot[r] = -1;
	if (!l->size[r])
		return true;
	vm->slot[r] = tdp_slot_add(&vm->mmu, l->base[r], l->size[r],
				   l->large[r] ? TDP_SLOT_PREALLOC : 0);
	if (vm->slot[r] < 0) {
		fmt_snprintf(err, errsz, "cannot add %llu KiB of guest RAM at %#llx (out of memory?)",
			     (unsigned long long)(l->size[r] >> 10),
			     (unsigned long long)l->base[r]);
		return false;
	}
	return true;
}

/* Every byte of [0, mem_size) in a slot (hv/vm_layout.c), and the
 * parameters that tell the guest where its test regions are. */
static bool vm_layout(struct vm *vm, char *err, size_t errsz)
{
	struct vm_layout l;
	unsigned r;

	if (!vm_layout_plan(vm->mem_size, vm->vcpu_count, &l, err, errsz))
		return false;
	vm->params = (struct hv_guest_params){
		.magic = HV_GUEST_MAGIC,
		.abi_version = HV_GUEST_ABI_VERSION,
		.vcpu_count = vm->vcpu_count,
		.hypercall_insn = vm->backend->hypercall_insn,
		.mem_size = vm->mem_size,
		.shared_base = l.base[VM_REGION_SHARED],
		.shared_size = l.size[VM_REGION_SHARED],
		.private_base = l.base[VM_REGION_PRIVATE],
		.private_size = l.private_size,
		.mmio_gpa = MMIO_GPA,
	};
	for (r = 0; r < VM_REGIONS; r++)
		if (!vm_add_region(vm, &l, r, err, errsz))
			return false;
	return true;
}

bool vm_create(struct vm *vm, const struct virt_backend *backend,
	       const struct tdp_format *fmt, uint64_t mem_size,
	       unsigned vcpu_count, unsigned max_level, char *err,
	       size_t errsz)
{
	memset(vm, 0, sizeof(*vm));
	vm->backend = backend;
	vm->mem_size = mem_size;
	vm->asid = 1; /* one VM at a time; ASID 0 is the host's */
	vm->vcpu_count = vcpu_count;
	vm->plat = (struct tdp_platform){
		.ctx = vm,
		.alloc_pages = vm_alloc_pages,
		.free_pages = vm_free_pages,
		.phys_to_virt = vm_phys_to_virt,
		.cpu_id = vm_cpu_id,
		.nr_cpus = smp_online_count(),
		.flush_tlb = vm_platform_flush_tlb,
		.relax = vm_relax,
		.report = vm_report,
	};
	if (!tdp_vm_init(&vm->mmu, fmt, &vm->plat, max_level)) {
		fmt_snprintf(err, errsz, "no memory for the VM's page-table root");
		return false;
	}
	for (unsigned i = 0; i < vcpu_count; i++) {
		vm->vcpus[i].vm = vm;
		vm->vcpus[i].id = i;
		vm->vcpus[i].cpu = i;
		vm->vcpus[i].rng = 0x9e3779b97f4a7c15ull * (i + 1);
	}
	if (!vm_layout(vm, err, errsz)) {
		tdp_vm_destroy(&vm->mmu);
		return false;
	}
	return true;
}

void vm_destroy(struct vm *vm)
{
	tdp_vm_destroy(&vm->mmu);
}

bool vm_is_stopped(const struct vm *vm)
{
	return __atomic_load_n(&vm->stopped, __ATOMIC_ACQUIRE);
}

void vm_stop(struct vm *vm, const char *fmt, ...)
{
	bool expected = false;
	va_list ap;

	/* Only the first stop writes the reason. */
	if (__atomic_compare_exchange_n(&vm->stop_claimed, &expected, true,
					false, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE)) {
		va_start(ap, fmt);
		fmt_vsnprintf(vm->stop_reason, sizeof(vm->stop_reason), fmt, ap);
		va_end(ap);
		pr_err("vm: stopped: %s", vm->stop_reason);
		__atomic_store_n(&vm->stopped, true, __ATOMIC_RELEASE);
	}
	/*
	 * An IPI, and an NMI for a vCPU in the guest: a guest that holds
	 * maskable interrupts off on Bochs (hv/vcpu.c) still leaves.
	 */
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		struct vcpu *v = &vm->vcpus[i];

		if (v->cpu == this_cpu_id())
			continue;
		smp_kick(v->cpu);
		if (__atomic_load_n(&v->mode, __ATOMIC_SEQ_CST) == VCPU_IN_GUEST)
			smp_kick_nmi(v->cpu);
	}
}

/*
 * Finds the host address of guest page gfn in *page, backing the page
 * first if write is set. False when gfn is not RAM (or no memory to back
 * it); true with *page NULL for a page never written, which reads as zeros.
 */
static bool vm_guest_page(struct vm *vm, uint64_t gfn, bool write,
			  uint8_t **page)
{
	struct tdp_memslot *s = tdp_slot_find(&vm->mmu, gfn);
	uint64_t phys;

	if (!s)
		return false;
	phys = write ? tdp_slot_backing(&vm->mmu, s, gfn) :
		       __atomic_load_n(&s->backing[gfn - s->base_gfn],
				       __ATOMIC_ACQUIRE);
	if (!phys && write)
		return false;
	*page = phys ? phys_to_virt(phys) : NULL;
	return true;
}

static bool vm_copy_guest(struct vm *vm, uint64_t gpa, void *buf, size_t len,
			  bool write)
{
	uint8_t *b = buf;

	if (gpa + len < gpa || gpa + len > vm->mem_size)
		return false;
	while (len) {
		size_t off = gpa & (PAGE_SIZE - 1);
		size_t n = MIN(len, PAGE_SIZE - off);
		uint8_t *page;

		if (!vm_guest_page(vm, gpa >> PAGE_SHIFT, write, &page))
			return false;
		if (write)
			memcpy(page + off, b, n);
		else if (page)
			memcpy(b, page + off, n);
		else
			memset(b, 0, n);
		gpa += n;
		b += n;
		len -= n;
	}
	return true;
}

bool vm_write_guest(struct vm *vm, uint64_t gpa, const void *src, size_t len)
{
	return vm_copy_guest(vm, gpa, (void *)src, len, true);
}

bool vm_read_guest(struct vm *vm, uint64_t gpa, void *dst, size_t len)
{
	return vm_copy_guest(vm, gpa, dst, len, false);
}
