/*
 * One run of the test= workload: create the VM, load the guest, run a vCPU
 * on every CPU, collect the verdicts and figures, tear it all down and
 * check that every page came back.
 */
#include "hv/guest_run.h"
#include "hv/guest_image.h"
#include "hv/monitor.h"
#include "hv/report.h"
#include "hv/vm.h"
#include "arch/x86/cpu.h"
#include "arch/x86/itlb_multihit.h"
#include "arch/x86/smp.h"
#include "arch/x86/tsc.h"
#include "arch/x86/virt_probe.h"
#include "base/log.h"
#include "lib/format.h"
#include "mm/pmm.h"

static struct vm the_vm;

/* enum opt_test -> the guest's enum hv_guest_test and its rounds. */
static const struct {
	uint32_t test;
	uint32_t rounds;
} guest_tests[] = {
	[OPT_TEST_FAULT_IN] = { HV_TEST_FAULT_IN, 2 },
	[OPT_TEST_ZAP_UNDER_LOAD] = { HV_TEST_ZAP_UNDER_LOAD, 8 },
	[OPT_TEST_DIRTY_LOG] = { HV_TEST_DIRTY_LOG, 4 },
	[OPT_TEST_BENCH] = { HV_TEST_BENCH, 1 },
	[OPT_TEST_ARCH_MSR] = { HV_TEST_ARCH_MSR, 1 },
	[OPT_TEST_AC_LOOP] = { HV_TEST_AC_LOOP, 1 },
	[OPT_TEST_DB_LOOP] = { HV_TEST_DB_LOOP, 1 },
	[OPT_TEST_DEBUG] = { HV_TEST_DEBUG, 1 },
	[OPT_TEST_HOSTILE_TRIPLE_FAULT] = { HV_TEST_HOSTILE_TRIPLE_FAULT, 1 },
	[OPT_TEST_HOSTILE_MMIO] = { HV_TEST_HOSTILE_MMIO, 1 },
	[OPT_TEST_HOSTILE_HYPERCALL] = { HV_TEST_HOSTILE_HYPERCALL, 1 },
	[OPT_TEST_HOSTILE_POINTER] = { HV_TEST_HOSTILE_POINTER, 1 },
	[OPT_TEST_HOSTILE_VIRT_INSN] = { HV_TEST_HOSTILE_VIRT_INSN, 1 },
	[OPT_TEST_HOSTILE_PORT] = { HV_TEST_HOSTILE_PORT, 1 },
	[OPT_TEST_STRING_IO] = { HV_TEST_STRING_IO, 1 },
	[OPT_TEST_HOSTILE_STRING_IO] = { HV_TEST_HOSTILE_STRING_IO, 1 },
	[OPT_TEST_HOSTILE_PORT_OVERLAP] = { HV_TEST_HOSTILE_PORT_OVERLAP, 1 },
	[OPT_TEST_HOSTILE_STRING_IO_PAGING] = { HV_TEST_HOSTILE_STRING_IO_PAGING, 1 },
};

/* Summary keys of the figures a guest reports (enum hv_report_key). */
static const char *const guest_report_names[] = {
	[HV_REPORT_FAULT_CYCLES] = "fault_cycles",
	[HV_REPORT_HYPERCALL_CYCLES] = "hypercall_cycles",
	[HV_REPORT_PAGES_TOUCHED] = "pages_touched",
	[HV_REPORT_DIRTY_PAGES] = "dirty_pages",
	[HV_REPORT_SPARE_PAGES] = "spare_pages",
};

/*
 * Whether the VM's large pages may be executable (tdp_vm.large_leaves_nx),
 * from itlb_multihit= and what the CPU reports; one line says which way
 * it went, a warning when an affected CPU is told to run without the rule.
 * Before the first fault.
 */
static void guest_choose_large_exec(struct vm *vm, const struct hv_options *opt,
				    const struct virt_caps *caps)
{
	enum itlb_multihit m = caps->itlb_multihit;
	const char *why = itlb_multihit_reason(m);

	switch (opt->itlb_multihit) {
	case OPT_ITLB_MULTIHIT_ON:
		vm->mmu.large_leaves_nx = true;
		pr_info("mmu: large pages not executable (itlb_multihit=on)");
		break;
	case OPT_ITLB_MULTIHIT_OFF:
		if (m != ITLB_MULTIHIT_NOT_AFFECTED)
			pr_warn("mmu: large pages executable although %s (itlb_multihit=off): changing their size under the guest can raise a machine check",
				why);
		else
			pr_debug("mmu: large pages executable (itlb_multihit=off)");
		break;
	default:
		vm->mmu.large_leaves_nx = m != ITLB_MULTIHIT_NOT_AFFECTED;
		if (vm->mmu.large_leaves_nx)
			pr_info("mmu: large pages not executable (iTLB multihit: %s)",
				why);
		else
			pr_debug("mmu: large pages executable (iTLB multihit: %s)",
				 why);
	}
}

static void guest_vcpu_thread(void *arg)
{
	vcpu_run_loop(arg);
}

static bool guest_load(struct vm *vm, const struct boot_info *bi,
		       const struct hv_options *opt, char *why, size_t whysz)
{
	struct guest_image img;

	if (!guest_image_find(bi, opt->guest, &img, why, whysz))
		return false;
	if (img.size > HV_GUEST_IMAGE_MAX) {
		fmt_snprintf(why, whysz, "the guest image is %zu bytes; at most %u fit",
			     img.size, HV_GUEST_IMAGE_MAX);
		return false;
	}
	vm->params.test = guest_tests[opt->test].test;
	vm->params.test_rounds = guest_tests[opt->test].rounds;
	vm->params.tsc_khz = tsc_khz();
	if (!vm_write_guest(vm, HV_GUEST_PARAMS_GPA, &vm->params,
			    sizeof(vm->params)) ||
	    !vm_write_guest(vm, HV_GUEST_LOAD_GPA, img.data, img.size)) {
		fmt_snprintf(why, whysz, "out of memory loading the guest");
		return false;
	}
	pr_info("vm: %u vCPU(s), %llu MiB RAM, guest: %s (%zu bytes), test=%s",
		vm->vcpu_count, (unsigned long long)(vm->mem_size >> 20),
		img.origin, img.size, options_test_name(opt->test));
	return true;
}

/* How long vCPUs get to end once the VM was stopped. */
#define VCPU_STOP_GRACE_US (10 * 1000000ull)

/*
 * Waits for every vCPU to end. Past the guest's deadline the watchdog
 * stops the VM (vCPUs that are stuck in the guest get no tick exit on
 * Bochs: see hv/vcpu.c); vCPUs that do not end within
 * VCPU_STOP_GRACE_US of that are named, and false returned.
 */
static bool guest_wait_vcpus(struct vm *vm)
{
	uint64_t give_up_us = 0;

	while (__atomic_load_n(&vm->vcpus_running, __ATOMIC_ACQUIRE)) {
		uint64_t now = tsc_us_since_boot();

		if (!give_up_us && now > vm->deadline_us)
			vm_stop(vm, "watchdog: the guest still ran after %llu s (guest_timeout_s=)",
				(unsigned long long)vm->timeout_s);
		if (!give_up_us && vm_is_stopped(vm))
			give_up_us = now + VCPU_STOP_GRACE_US;
		if (give_up_us && now > give_up_us)
			break;
		monitor_poll(NULL);
		cpu_relax();
	}
	if (!__atomic_load_n(&vm->vcpus_running, __ATOMIC_ACQUIRE))
		return true;
	for (unsigned i = 0; i < vm->vcpu_count; i++)
		if (!__atomic_load_n(&vm->vcpus[i].ended, __ATOMIC_ACQUIRE))
			pr_err("vm: vcpu%u on cpu%u did not end %llu s after the VM stopped (%s)",
			       i, vm->vcpus[i].cpu,
			       (unsigned long long)(VCPU_STOP_GRACE_US / 1000000),
			       __atomic_load_n(&vm->vcpus[i].mode, __ATOMIC_ACQUIRE) ==
					   VCPU_IN_GUEST
				       ? "still in the guest"
				       : "in the hypervisor");
	return false;
}

/*
 * Starts vCPU i on CPU i (vCPU 0 here) and waits for all of them; false
 * if some never ended.
 */
static bool guest_run_vcpus(struct vm *vm)
{
	__atomic_store_n(&vm->vcpus_running, vm->vcpu_count, __ATOMIC_RELEASE);
	for (unsigned i = 1; i < vm->vcpu_count; i++) {
		if (!smp_run_on(i, guest_vcpu_thread, &vm->vcpus[i])) {
			vm_stop(vm, "cpu%u is busy and cannot run vcpu%u", i, i);
			__atomic_store_n(&vm->vcpus[i].ended, true,
					 __ATOMIC_RELEASE);
			__atomic_fetch_sub(&vm->vcpus_running, 1,
					   __ATOMIC_ACQ_REL);
		}
	}
	if (vm->deaf_vcpu)
		vcpu_selftest_flush_deaf(vm);
	vcpu_run_loop(&vm->vcpus[0]);
	return guest_wait_vcpus(vm);
}

/* Sums the vCPUs' figures and checks their verdicts. */
static bool guest_collect(struct vm *vm, char *why, size_t whysz)
{
	uint64_t faults = 0, retries = 0, data_errors = 0;
	uint64_t reflected_db = 0, reflected_ac = 0, delivery_loops = 0;
	bool pass = !vm_is_stopped(vm);

	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		struct vcpu *v = &vm->vcpus[i];

		faults += v->npf_exits;
		retries += v->fault_retries;
		data_errors += v->data_errors;
		reflected_db += v->reflected_db;
		reflected_ac += v->reflected_ac;
		delivery_loops += v->delivery_loops;
		if (pass && (!v->done || v->result != 0)) {
			fmt_snprintf(why, whysz, "vcpu%u reported failure %d", i,
				     (int)v->result);
			pass = false;
		}
	}
	if (vm_is_stopped(vm))
		fmt_snprintf(why, whysz, "%s", vm->stop_reason);
	if (pass && data_errors) {
		fmt_snprintf(why, whysz, "%llu data errors",
			     (unsigned long long)data_errors);
		pass = false;
	}
	report_set_u64("faults", faults);
	report_set_u64("fault_retries", retries);
	report_set_u64("data_errors", data_errors);
	report_set_u64("tlb_flushes", vm->flushes);
	report_set_u64("nmi_kicks", vm->nmi_kicks);
	report_set_u64("reflected_db", reflected_db);
	report_set_u64("reflected_ac", reflected_ac);
	report_set_u64("delivery_loops", delivery_loops);
	for (unsigned key = 0; key < ARRAY_SIZE(guest_report_names); key++)
		if (guest_report_names[key] && vm->report[key])
			report_set_u64(guest_report_names[key], vm->report[key]);
	return pass;
}

/* The MMU figures of a VM still standing, into st and the summary. */
static void guest_report_tables(struct vm *vm, struct tdp_stats *st)
{
	tdp_get_stats(&vm->mmu, st);
	report_set_u64("nx_splits", st->nx_splits);
	report_set_u64("disconnected_tables",
		       st->freed_tables + st->pending_free);
	report_set_u64("tables_live", st->table_pages);
}

/* Tears the VM down; false (with why) if any page did not come back. */
static bool guest_teardown(struct vm *vm, uint64_t free_before, char *why,
			   size_t whysz)
{
	struct tdp_stats st;
	struct pmm_stats ps;
	int64_t leaked_tables;
	uint64_t leaked_pages;

	guest_report_tables(vm, &st);
	vm_destroy(vm);
	tdp_get_stats(&vm->mmu, &st);
	report_set_u64("tables_freed", st.freed_tables);
	leaked_tables = st.table_pages + st.pending_free + st.reclaim_leaked;
	report_set_u64("leaked_tables", leaked_tables);

	for (unsigned cpu = 0; cpu < smp_online_count(); cpu++)
		pmm_drain_cpu_cache(cpu);
	pmm_get_stats(&ps);
	leaked_pages = free_before > ps.free_pages ? free_before - ps.free_pages : 0;
	report_set_u64("leaked_pages", leaked_pages);
	if (leaked_tables || leaked_pages) {
		fmt_snprintf(why, whysz, "teardown leaked %lld table(s) and %llu page(s)",
			     (long long)leaked_tables,
			     (unsigned long long)leaked_pages);
		return false;
	}
	return true;
}

/*
 * A vCPU did not end, so the VM cannot be torn down (that CPU may still
 * use its memory): the summary still gets every figure, with what the VM
 * holds counted as not given back.
 */
static void guest_report_kept(struct vm *vm, uint64_t free_before)
{
	struct tdp_stats st;
	struct pmm_stats ps;

	guest_report_tables(vm, &st);
	report_set_u64("tables_freed", st.freed_tables);
	report_set_u64("leaked_tables",
		       st.table_pages + st.pending_free + st.reclaim_leaked);
	for (unsigned cpu = 0; cpu < smp_online_count(); cpu++) {
		bool stuck = false;

		for (unsigned i = 0; i < vm->vcpu_count; i++)
			stuck |= vm->vcpus[i].cpu == cpu &&
				 !__atomic_load_n(&vm->vcpus[i].ended,
						  __ATOMIC_ACQUIRE);
		if (!stuck)
			pmm_drain_cpu_cache(cpu);
	}
	pmm_get_stats(&ps);
	report_set_u64("leaked_pages", free_before > ps.free_pages
					   ? free_before - ps.free_pages
					   : 0);
}

bool guest_run(const struct boot_info *bi, const struct hv_options *opt,
	       const struct virt_caps *caps, char *why, size_t whysz)
{
	const struct virt_backend *be = virt_backend_for(caps->kind);
	unsigned cpus = smp_online_count();
	unsigned vcpus = opt->vcpus ? opt->vcpus : cpus;
	struct vm *vm = &the_vm;
	struct pmm_stats before;
	bool pass;

	if (!be) {
		fmt_snprintf(why, whysz, "this build has no %s backend yet: guests cannot run",
			     virt_kind_name(caps->kind));
		return false;
	}
	if (vcpus > cpus) {
		pr_warn("vm: vcpus=%u but only %u CPU(s) online: one vCPU per CPU, %u vCPU(s)",
			vcpus, cpus, cpus);
		vcpus = cpus;
	}
	report_set_u64("vcpus", vcpus);
	report_set_u64("guest_mib", opt->guest_mem >> 20);
	report_set_str("tdp", be->tdp_format(caps)->name);

	for (unsigned cpu = 0; cpu < cpus; cpu++)
		pmm_drain_cpu_cache(cpu);
	pmm_get_stats(&before);
	if (!vm_create(vm, be, be->tdp_format(caps), opt->guest_mem, vcpus,
		       caps->tdp_1g ? 3 : 2, why, whysz))
		return false;
	guest_choose_large_exec(vm, opt, caps);
	if (!guest_load(vm, bi, opt, why, whysz)) {
		vm_destroy(vm);
		return false;
	}
	if (opt->selftest == SELFTEST_DEAF_CPU ||
	    opt->selftest == SELFTEST_STUCK_VCPU) {
		/* The last vCPU plays the broken CPU; vCPU 0 must not. */
		if (vcpus < 2) {
			fmt_snprintf(why, whysz, "selftest=%s needs two vCPUs",
				     opt->selftest == SELFTEST_DEAF_CPU
					 ? "deaf-cpu"
					 : "stuck-vcpu");
			vm_destroy(vm);
			return false;
		}
		if (opt->selftest == SELFTEST_DEAF_CPU)
			vm->deaf_vcpu = vcpus;
		else
			vm->stuck_vcpu = vcpus;
	}
	vm->break_guest_state = opt->selftest == SELFTEST_BAD_GUEST_STATE;
	vm->timeout_s = opt->guest_timeout_s;
	monitor_attach_vm(vm);
	vm->started_us = tsc_us_since_boot();
	vm->deadline_us = vm->started_us + opt->guest_timeout_s * 1000000ull;
	if (!guest_run_vcpus(vm)) {
		/* Left attached: the monitor after a panic can look at it. */
		/* A vCPU may still be running: its memory cannot be freed. */
		guest_collect(vm, why, whysz);
		guest_report_kept(vm, before.free_pages);
		return false;
	}
	monitor_attach_vm(NULL);
	pass = guest_collect(vm, why, whysz);
	if (!guest_teardown(vm, before.free_pages, why, whysz))
		pass = false;
	return pass;
}
