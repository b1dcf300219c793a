/*
 * Monitor commands that show the machine and the VM: cpus, vm, stats.
 * They only read; figures other CPUs update are read one by one, so a
 * line may mix two moments when a vCPU still runs.
 */
#include "hv/monitor_internal.h"
#include "arch/x86/cpu.h"
#include "arch/x86/percpu.h"
#include "arch/x86/smp.h"
#include "arch/x86/tsc.h"
#include "base/log.h"
#include "lib/format.h"

static uint64_t mon_read(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

/* The vCPU pinned to cpu, or NULL. */
static const struct vcpu *mon_vcpu_on(const struct monitor *m, unsigned cpu)
{
	if (!m->vm)
		return NULL;
	for (unsigned i = 0; i < m->vm->vcpu_count; i++)
		if (m->vm->vcpus[i].cpu == cpu)
			return &m->vm->vcpus[i];
	return NULL;
}

static const char *mon_vcpu_state(const struct monitor *m,
				  const struct vcpu *v)
{
	if (v == m->self || (!m->live && v->cpu == this_cpu_id()))
		return "monitor";
	if (__atomic_load_n(&v->ended, __ATOMIC_ACQUIRE))
		return "ended";
	if (!m->live)
		return "stopped";
	if (__atomic_load_n(&v->parked, __ATOMIC_ACQUIRE))
		return "paused";
	if (__atomic_load_n(&v->mode, __ATOMIC_ACQUIRE) == VCPU_IN_GUEST)
		return "in guest";
	return "in hypervisor";
}

/* "npf=12 hypercall=3 ..." for every exit kind seen, into buf. */
static void mon_format_exit_counts(const struct vcpu *v, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned k = 0; k < VCPU_EXIT_KINDS && used < len; k++) {
		uint64_t n = mon_read(&v->exits_by_kind[k]);

		if (n)
			used += (size_t)fmt_snprintf(buf + used, len - used, " %s=%llu",
						     vcpu_exit_kind_name(k),
						     (unsigned long long)n);
	}
}

static enum monitor_next mon_cpus(struct monitor *m, unsigned argc, char **argv)
{
	unsigned cpus = smp_online_count();

	mon_printf("cpu   vcpu    state          last exit      exits  by kind\n");
	for (unsigned cpu = 0; cpu < MAX_CPUS && cpus; cpu++) {
		const struct vcpu *v;
		char counts[320];

		if (!percpu_area[cpu].online)
			continue;
		cpus--;
		v = mon_vcpu_on(m, cpu);
		if (!v) {
			mon_printf("cpu%-3u -       %s\n", cpu,
				   cpu == this_cpu_id() ? "monitor" : "idle");
			continue;
		}
		mon_format_exit_counts(v, counts, sizeof(counts));
		mon_printf("cpu%-3u vcpu%-3u %-14s %-14s %6llu %s\n", cpu, v->id,
			   mon_vcpu_state(m, v),
			   v->exits ? vcpu_exit_kind_name(v->last_exit) : "-",
			   (unsigned long long)mon_read(&v->exits), counts);
	}
	return MONITOR_STAY;
}

static const char *const mon_level_names[] = {"", "4K", "2M", "1G", "512G", "256T"};

static void mon_show_slots(const struct vm *vm)
{
	for (unsigned id = 0; id < TDP_MAX_SLOTS; id++) {
		const struct tdp_memslot *s = &vm->mmu.slots[id];
		uint64_t backed = 0;

		if (!s->npages)
			continue;
		for (uint64_t i = 0; i < s->npages; i++)
			backed += __atomic_load_n(&s->backing[i], __ATOMIC_RELAXED) != 0;
		mon_printf("  slot %-2u gpa %#llx-%#llx  %llu pages, %llu backed%s%s%s\n",
			   id, (unsigned long long)s->base_gfn << PAGE_SHIFT,
			   (unsigned long long)(s->base_gfn + s->npages) << PAGE_SHIFT,
			   (unsigned long long)s->npages,
			   (unsigned long long)backed,
			   s->flags & TDP_SLOT_READONLY ? ", read-only" : "",
			   s->flags & TDP_SLOT_PREALLOC ? ", preallocated" : "",
			   s->dirty_log ? ", dirty logging" : "");
	}
}

static enum monitor_next mon_vm(struct monitor *m, unsigned argc, char **argv)
{
	struct vm *vm = m->vm;
	struct tdp_stats st;
	uint64_t faults = 0, retries = 0;

	if (!mon_need_vm(m))
		return MONITOR_STAY;
	tdp_get_stats(&vm->mmu, &st);
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		faults += mon_read(&vm->vcpus[i].npf_exits);
		retries += mon_read(&vm->vcpus[i].fault_retries);
	}
	mon_printf("vm: %u vCPU(s), %llu MiB RAM, %s with %u levels, leaves up to %s%s%s\n",
		   vm->vcpu_count, (unsigned long long)(vm->mem_size >> 20),
		   vm->mmu.fmt->name, vm->mmu.root_level,
		   mon_level_names[vm->mmu.max_level],
		   vm->mmu.large_leaves_nx ? ", large pages not executable" : "",
		   vm_is_stopped(vm) ? ", stopped" : "");
	if (vm_is_stopped(vm))
		mon_printf("  stopped: %s\n", vm->stop_reason);
	mon_show_slots(vm);
	mon_printf("  leaves: 4K %lld, 2M %lld, 1G %lld (%lld pages mapped, %lld backed)\n",
		   (long long)st.leaves[1], (long long)st.leaves[2],
		   (long long)st.leaves[3], (long long)st.mapped_pages,
		   (long long)st.backing_pages);
	mon_printf("  tables: %lld live, %lld freed, %lld waiting for their grace period (%lld disconnected in all), %lld not queued\n",
		   (long long)st.table_pages, (long long)st.freed_tables,
		   (long long)st.pending_free,
		   (long long)(st.freed_tables + st.pending_free),
		   (long long)st.reclaim_leaked);
	mon_printf("  faults %llu, retries %llu, walk restarts %lld, nx splits %lld, tlb flushes %llu, nmi kicks %llu, mmu warnings %lld\n",
		   (unsigned long long)faults, (unsigned long long)retries,
		   (long long)st.walk_restarts, (long long)st.nx_splits,
		   (unsigned long long)mon_read(&vm->flushes),
		   (unsigned long long)mon_read(&vm->nmi_kicks),
		   (long long)st.warnings);
	return MONITOR_STAY;
}

/*
 * stats: what each vCPU did, in total and since the last `stats` (or
 * since the VM started), as rates. The previous figures are kept here.
 */
enum mon_stat {
	MON_STAT_FAULT_RETRIES = VCPU_EXIT_KINDS,
	MON_STATS,
};

static uint64_t mon_stat_prev[VM_MAX_VCPUS][MON_STATS];
static uint64_t mon_stat_prev_us;
static const struct vm *mon_stat_vm;
static uint64_t mon_flushes_prev;

static uint64_t mon_stat_value(const struct vcpu *v, unsigned stat)
{
	if (stat < VCPU_EXIT_KINDS)
		return mon_read(&v->exits_by_kind[stat]);
	return mon_read(&v->fault_retries);
}

static const char *mon_stat_name(unsigned stat)
{
	if (stat < VCPU_EXIT_KINDS)
		return vcpu_exit_kind_name(stat);
	return "fault retries";
}

static enum monitor_next mon_stats(struct monitor *m, unsigned argc, char **argv)
{
	struct vm *vm = m->vm;
	uint64_t now = tsc_us_since_boot();
	uint64_t span_us, flushes;
	char line[LOG_LINE_MAX];

	if (!mon_need_vm(m))
		return MONITOR_STAY;
	if (mon_stat_vm != vm) {
		for (unsigned i = 0; i < VM_MAX_VCPUS; i++)
			for (unsigned s = 0; s < MON_STATS; s++)
				mon_stat_prev[i][s] = 0;
		mon_stat_prev_us = vm->started_us;
		mon_flushes_prev = 0;
		mon_stat_vm = vm;
	}
	span_us = now > mon_stat_prev_us ? now - mon_stat_prev_us : 1;
	mon_printf("stats over the last %llu.%03llu s (exits by kind, per vCPU: total (+new))\n",
		   (unsigned long long)(span_us / 1000000),
		   (unsigned long long)(span_us / 1000 % 1000));
	for (unsigned s = 0; s < MON_STATS; s++) {
		uint64_t total = 0, delta = 0;
		size_t used;

		if (s == VCPU_EXIT_NONE)
			continue;
		for (unsigned i = 0; i < vm->vcpu_count; i++) {
			total += mon_stat_value(&vm->vcpus[i], s);
			delta += mon_stat_value(&vm->vcpus[i], s) - mon_stat_prev[i][s];
		}
		if (!total)
			continue;
		used = (size_t)fmt_snprintf(line, sizeof(line), "  %-14s %10llu %8llu/s ",
					    mon_stat_name(s),
					    (unsigned long long)total,
					    (unsigned long long)(delta * 1000000 / span_us));
		for (unsigned i = 0; i < vm->vcpu_count && used < sizeof(line); i++) {
			uint64_t v = mon_stat_value(&vm->vcpus[i], s);

			used += (size_t)fmt_snprintf(line + used, sizeof(line) - used,
						     " vcpu%u %llu (+%llu)", i,
						     (unsigned long long)v,
						     (unsigned long long)(v - mon_stat_prev[i][s]));
			mon_stat_prev[i][s] = v;
		}
		mon_printf("%s\n", line);
	}
	flushes = mon_read(&vm->flushes);
	mon_printf("  %-14s %10llu %8llu/s\n", "tlb flushes",
		   (unsigned long long)flushes,
		   (unsigned long long)((flushes - mon_flushes_prev) * 1000000 / span_us));
	mon_flushes_prev = flushes;
	mon_stat_prev_us = now;
	return MONITOR_STAY;
}

const struct monitor_command monitor_vm_commands[] = {
	{"cpus", "", "each CPU: its vCPU, state, last exit, exits by kind", false, mon_cpus},
	{"vm", "", "the VM: memslots, leaves per level, tables, faults", false, mon_vm},
	{"stats", "", "exits by kind per vCPU, with rates since the last stats", false, mon_stats},
	{NULL, NULL, NULL, false, NULL},
};
