/*
 * Monitor commands on memory: walk and dump read; zap, split, collapse,
 * wrprotect and age change the VM's tables under it (the MMU core's range
 * operations, safe while vCPUs run), dirty reads the dirty bitmaps.
 */
#include "hv/monitor_internal.h"
#include "arch/x86/direct_map.h"
#include "arch/x86/paging.h"
#include "lib/bits.h"
#include "lib/format.h"
#include "lib/string.h"

#define MON_DUMP_MAX 4096 /* bytes one dump shows */

/* "R W X memtype=6 ..." for the format's fields set in pte. */
static void mon_decode_fields(const struct tdp_format *f, uint64_t pte,
			      char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	if (!f->fields)
		return;
	for (const struct tdp_field *fl = f->fields; fl->name && used < len; fl++) {
		uint64_t v = pte & fl->mask;

		if (!v)
			continue;
		if (!(fl->mask & (fl->mask - 1)))
			used += (size_t)fmt_snprintf(buf + used, len - used, " %s", fl->name);
		else
			used += (size_t)fmt_snprintf(buf + used, len - used, " %s=%llu",
						     fl->name,
						     (unsigned long long)(v >> __builtin_ctzll(fl->mask)));
	}
}

static enum monitor_next mon_walk(struct monitor *m, unsigned argc, char **argv)
{
	const struct tdp_format *f;
	uint64_t ptes[TDP_MAX_LEVELS + 1] = {0};
	uint64_t gpa, gfn;
	struct tdp_memslot *s;
	unsigned last;

	if (!mon_need_vm(m))
		return MONITOR_STAY;
	if (argc != 2) {
		mon_printf("usage: walk <gpa>\n");
		return MONITOR_STAY;
	}
	if (!mon_parse_u64("guest-physical address", argv[1], &gpa))
		return MONITOR_STAY;
	f = m->vm->mmu.fmt;
	gfn = gpa >> PAGE_SHIFT;
	s = tdp_slot_find(&m->vm->mmu, gfn);
	mon_printf("walk %#llx in the %s tables (root %#llx)%s\n",
		   (unsigned long long)gpa, f->name,
		   (unsigned long long)m->vm->mmu.root,
		   s ? "" : ": not guest RAM");
	last = tdp_walk(&m->vm->mmu, gpa, ptes);
	for (unsigned level = m->vm->mmu.root_level; level >= last && level >= 1; level--) {
		uint64_t pte = ptes[level];
		char bits[160];

		if (pte == DISCONNECTED_PTE) {
			mon_printf("  level %u [%3u] %#018llx DISCONNECTED (the table was unlinked: a walker restarts)\n",
				   level, tdp_index(gfn, level), (unsigned long long)pte);
			continue;
		}
		if (!tdp_pte_present(f, pte)) {
			mon_printf("  level %u [%3u] %#018llx not present\n", level,
				   tdp_index(gfn, level), (unsigned long long)pte);
			continue;
		}
		mon_decode_fields(f, pte, bits, sizeof(bits));
		mon_printf("  level %u [%3u] %#018llx -> %#llx %s:%s\n", level,
			   tdp_index(gfn, level), (unsigned long long)pte,
			   (unsigned long long)tdp_pte_addr(f, pte, level),
			   tdp_pte_leaf(f, pte, level) ? "leaf" : "table", bits);
		if (tdp_pte_leaf(f, pte, level))
			mon_printf("  guest-physical %#llx is host-physical %#llx\n",
				   (unsigned long long)gpa,
				   (unsigned long long)(tdp_pte_addr(f, pte, level) +
							(gpa & ((tdp_level_pages(level) << PAGE_SHIFT) - 1))));
	}
	if (s) {
		uint64_t backing = __atomic_load_n(&s->backing[gfn - s->base_gfn],
						   __ATOMIC_ACQUIRE);

		if (backing)
			mon_printf("  its memslot backs the page with host-physical %#llx\n",
				   (unsigned long long)backing);
		else
			mon_printf("  its memslot has no backing page for it yet (reads as zero)\n");
	}
	return MONITOR_STAY;
}

/* One row of a hex dump: address, 16 bytes in hex, the same as text. */
static void mon_dump_row(uint64_t addr, const uint8_t *p, unsigned n)
{
	char line[100];
	size_t used = (size_t)fmt_snprintf(line, sizeof(line), "%012llx ",
					   (unsigned long long)addr);

	for (unsigned i = 0; i < 16; i++)
		used += (size_t)(i < n ? fmt_snprintf(line + used, sizeof(line) - used,
						      "%s%02x", i == 8 ? "  " : " ", p[i])
				       : fmt_snprintf(line + used, sizeof(line) - used,
						      "%s   ", i == 8 ? "  " : ""));
	used += (size_t)fmt_snprintf(line + used, sizeof(line) - used, "  |");
	for (unsigned i = 0; i < n; i++)
		line[used++] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '.';
	line[used] = '\0';
	mon_printf("%s|\n", line);
}

/* Dumps guest memory through the slots' backing pages, none allocated. */
static void mon_dump_guest(struct monitor *m, uint64_t gpa, uint64_t len)
{
	for (uint64_t a = gpa; a < gpa + len;) {
		uint64_t gfn = a >> PAGE_SHIFT, backing;
		struct tdp_memslot *s = tdp_slot_find(&m->vm->mmu, gfn);
		unsigned n = (unsigned)MIN(16 - (a & 15), gpa + len - a);

		backing = __atomic_load_n(&s->backing[gfn - s->base_gfn], __ATOMIC_ACQUIRE);
		if (!backing) {
			uint64_t next = MIN((gfn + 1) << PAGE_SHIFT, gpa + len);

			mon_printf("%012llx  not backed yet (reads as zero) up to %#llx\n",
				   (unsigned long long)a, (unsigned long long)next);
			a = next;
			continue;
		}
		mon_dump_row(a, (const uint8_t *)phys_to_virt(backing) + (a & (PAGE_SIZE - 1)), n);
		a += n;
	}
}

static enum monitor_next mon_dump(struct monitor *m, unsigned argc, char **argv)
{
	bool host = argc > 1 && strcmp(argv[1], "hpa") == 0;
	bool guest = argc > 1 && strcmp(argv[1], "gpa") == 0;
	unsigned first = host || guest ? 2 : 1;
	uint64_t addr, len, bad;

	if (argc != first + 2) {
		mon_printf("usage: dump [gpa|hpa] <address> <len>\n");
		return MONITOR_STAY;
	}
	if (!mon_parse_u64("address", argv[first], &addr) ||
	    !mon_parse_u64("length", argv[first + 1], &len))
		return MONITOR_STAY;
	if (len == 0 || len > MON_DUMP_MAX || addr + len < addr) {
		mon_printf("dump: the length must be 1 to %u bytes\n", MON_DUMP_MAX);
		return MONITOR_STAY;
	}
	if (host) {
		bad = direct_map_find_non_ram(addr, len);
		if (bad != UINT64_MAX) {
			mon_printf("dump: host-physical %#llx is not RAM the hypervisor maps: refused\n",
				   (unsigned long long)bad);
			return MONITOR_STAY;
		}
		for (uint64_t a = addr; a < addr + len; a += 16 - (a & 15))
			mon_dump_row(a, (const uint8_t *)phys_to_virt(a),
				     (unsigned)MIN(16 - (a & 15), addr + len - a));
		return MONITOR_STAY;
	}
	if (!mon_need_vm(m))
		return MONITOR_STAY;
	for (uint64_t gfn = addr >> PAGE_SHIFT; gfn <= (addr + len - 1) >> PAGE_SHIFT; gfn++)
		if (!tdp_slot_find(&m->vm->mmu, gfn)) {
			mon_printf("dump: guest-physical %#llx is not guest RAM: refused\n",
				   (unsigned long long)MAX(gfn << PAGE_SHIFT, addr));
			return MONITOR_STAY;
		}
	mon_dump_guest(m, addr, len);
	return MONITOR_STAY;
}

/*
 * map: faults a range in as guest reads and writes would (a pre-fault),
 * so that an experiment starts from mappings it knows. Large leaves where
 * the slot allows, as for the guest.
 */
static enum monitor_next mon_map(struct monitor *m, unsigned argc, char **argv)
{
	uint64_t start, end, retries = 0;

	if (!mon_parse_guest_range(m, argc, argv, &start, &end))
		return MONITOR_STAY;
	for (uint64_t gpa = start; gpa < end; gpa += PAGE_SIZE) {
		enum tdp_fault_result r;

		do {
			r = tdp_fault(&m->vm->mmu, gpa, TDP_ACC_READ | TDP_ACC_WRITE);
		} while (r == TDP_FAULT_RETRY && ++retries < 1000);
		if (r != TDP_FAULT_OK) {
			mon_printf("map: guest-physical %#llx: %s\n", (unsigned long long)gpa,
				   r == TDP_FAULT_MMIO ? "not writable RAM" :
				   r == TDP_FAULT_RETRY ? "lost every race" : "out of memory");
			break;
		}
	}
	tdp_reclaim_poll(&m->vm->mmu);
	mon_printf("map: %#llx-%#llx faulted in for reading and writing\n",
		   (unsigned long long)start, (unsigned long long)end);
	return MONITOR_STAY;
}

static enum monitor_next mon_zap(struct monitor *m, unsigned argc, char **argv)
{
	uint64_t start, end, n;

	if (!mon_parse_guest_range(m, argc, argv, &start, &end))
		return MONITOR_STAY;
	n = tdp_zap_range(&m->vm->mmu, start >> PAGE_SHIFT, end >> PAGE_SHIFT);
	tdp_reclaim_poll(&m->vm->mmu);
	mon_printf("zap: %llu entries removed (leaves or whole tables); the guest faults them back in\n",
		   (unsigned long long)n);
	return MONITOR_STAY;
}

static enum monitor_next mon_split(struct monitor *m, unsigned argc, char **argv)
{
	uint64_t start, end, level = 1, n;

	if (argc == 4) {
		if (!mon_parse_u64("level", argv[3], &level))
			return MONITOR_STAY;
		if (level < 1 || level >= m->vm->mmu.root_level) {
			mon_printf("split: the level must be 1 (4K) to %u\n",
				   m->vm->mmu.root_level - 1);
			return MONITOR_STAY;
		}
		argc = 3;
	}
	if (!mon_parse_guest_range(m, argc, argv, &start, &end))
		return MONITOR_STAY;
	n = tdp_split_range(&m->vm->mmu, start >> PAGE_SHIFT, end >> PAGE_SHIFT, (unsigned)level);
	tdp_reclaim_poll(&m->vm->mmu);
	mon_printf("split: %llu leaves split down to level %llu\n",
		   (unsigned long long)n, (unsigned long long)level);
	return MONITOR_STAY;
}

static enum monitor_next mon_collapse(struct monitor *m, unsigned argc, char **argv)
{
	uint64_t start, end, n;

	if (!mon_parse_guest_range(m, argc, argv, &start, &end))
		return MONITOR_STAY;
	n = tdp_collapse_range(&m->vm->mmu, start >> PAGE_SHIFT, end >> PAGE_SHIFT);
	tdp_reclaim_poll(&m->vm->mmu);
	mon_printf("collapse: %llu tables replaced by large leaves\n",
		   (unsigned long long)n);
	return MONITOR_STAY;
}

static enum monitor_next mon_wrprotect(struct monitor *m, unsigned argc, char **argv)
{
	uint64_t start, end, n;

	if (!mon_parse_guest_range(m, argc, argv, &start, &end))
		return MONITOR_STAY;
	n = tdp_write_protect_range(&m->vm->mmu, start >> PAGE_SHIFT, end >> PAGE_SHIFT);
	mon_printf("wrprotect: %llu leaves made read-only; writes fault them back\n",
		   (unsigned long long)n);
	return MONITOR_STAY;
}

static uint64_t mon_count_bits(const uint64_t *bitmap, uint64_t nbits)
{
	uint64_t n = 0;

	for (uint64_t i = 0; i < nbits / 64; i++)
		n += bits_popcount(__atomic_load_n(&bitmap[i], __ATOMIC_RELAXED));
	if (nbits % 64)
		n += bits_popcount(bitmap[nbits / 64] &
						    ((1ull << (nbits % 64)) - 1));
	return n;
}

/* dirty start|stop <slot>: turns a memslot's dirty logging on or off. */
static enum monitor_next mon_dirty_switch(struct monitor *m, unsigned argc,
					  char **argv)
{
	bool start = strcmp(argv[1], "start") == 0;
	uint64_t id;

	if (!m->live) {
		mon_printf("dirty: the VM is not running; after a fatal error only commands that read are offered\n");
		return MONITOR_STAY;
	}
	if (argc != 3 || !mon_parse_u64("memslot", argv[2], &id))
		return MONITOR_STAY;
	if (id >= TDP_MAX_SLOTS || !m->vm->mmu.slots[id].npages) {
		mon_printf("dirty: there is no memslot %s (vm lists them)\n", argv[2]);
		return MONITOR_STAY;
	}
	if (m->vm->mmu.slots[id].dirty_log == start) {
		mon_printf("dirty: memslot %llu already %s dirty pages\n",
			   (unsigned long long)id, start ? "logs" : "does not log");
		return MONITOR_STAY;
	}
	if (start)
		tdp_dirty_log_start(&m->vm->mmu, (int)id);
	else
		tdp_dirty_log_stop(&m->vm->mmu, (int)id);
	tdp_reclaim_poll(&m->vm->mmu);
	mon_printf("dirty: memslot %llu %s\n", (unsigned long long)id,
		   start ? "logs dirty pages from now on (split to 4 KiB and write-protected)"
			 : "no longer logs dirty pages");
	return MONITOR_STAY;
}

static enum monitor_next mon_dirty(struct monitor *m, unsigned argc, char **argv)
{
	unsigned logging = 0;

	if (!mon_need_vm(m))
		return MONITOR_STAY;
	if (argc > 1 && (strcmp(argv[1], "start") == 0 || strcmp(argv[1], "stop") == 0))
		return mon_dirty_switch(m, argc, argv);
	if (argc > 1) {
		mon_printf("usage: dirty [start|stop <slot>]\n");
		return MONITOR_STAY;
	}
	for (unsigned id = 0; id < TDP_MAX_SLOTS; id++) {
		const struct tdp_memslot *s = &m->vm->mmu.slots[id];

		if (!s->npages)
			continue;
		if (!s->dirty_log) {
			mon_printf("  slot %-2u gpa %#llx: dirty logging off\n", id,
				   (unsigned long long)s->base_gfn << PAGE_SHIFT);
			continue;
		}
		logging++;
		mon_printf("  slot %-2u gpa %#llx: %llu of %llu pages dirty since the last collection\n",
			   id, (unsigned long long)s->base_gfn << PAGE_SHIFT,
			   (unsigned long long)mon_count_bits(s->dirty, s->npages),
			   (unsigned long long)s->npages);
	}
	mon_printf("dirty: %u slot(s) log dirty pages (the bitmaps are read, not cleared)\n",
		   logging);
	return MONITOR_STAY;
}

/* Ages in chunks this many pages long, one bitmap page each. */
#define MON_AGE_CHUNK_PAGES (PAGE_SIZE * 8)
static uint64_t mon_age_bitmap[MON_AGE_CHUNK_PAGES / 64];

static enum monitor_next mon_age(struct monitor *m, unsigned argc, char **argv)
{
	uint64_t young_all = 0, pages_all = 0;

	if (!mon_need_vm(m))
		return MONITOR_STAY;
	for (unsigned id = 0; id < TDP_MAX_SLOTS; id++) {
		const struct tdp_memslot *s = &m->vm->mmu.slots[id];
		uint64_t young = 0;

		if (!s->npages)
			continue;
		for (uint64_t off = 0; off < s->npages; off += MON_AGE_CHUNK_PAGES) {
			uint64_t n = MIN(MON_AGE_CHUNK_PAGES, s->npages - off);
			uint64_t start = s->base_gfn + off;

			young += tdp_age_range(&m->vm->mmu, start, start + n,
					       mon_age_bitmap);
		}
		mon_printf("  slot %-2u gpa %#llx: %llu of %llu pages accessed since the last aging\n",
			   id, (unsigned long long)s->base_gfn << PAGE_SHIFT,
			   (unsigned long long)young, (unsigned long long)s->npages);
		young_all += young;
		pages_all += s->npages;
	}
	tdp_reclaim_poll(&m->vm->mmu);
	mon_printf("age: %llu of %llu pages were young; their accessed bits are clear now%s\n",
		   (unsigned long long)young_all, (unsigned long long)pages_all,
		   tdp_format_has_ad(m->vm->mmu.fmt) ? "" : " (no A/D bits: young leaves were unmapped)");
	return MONITOR_STAY;
}

const struct monitor_command monitor_mem_commands[] = {
	{"walk", "<gpa>", "the entry at every level for a guest-physical address, decoded", false, mon_walk},
	{"dump", "[gpa|hpa] <addr> <len>", "hex and text of guest (default) or host RAM, up to 4096 bytes", false, mon_dump},
	{"map", "<gpa> <len>", "fault a range in, as guest reads and writes would", true, mon_map},
	{"zap", "<gpa> <len>", "remove the mappings of a range (the guest faults them back)", true, mon_zap},
	{"split", "<gpa> <len> [level]", "split large leaves of a range down to level (1: 4K)", true, mon_split},
	{"collapse", "<gpa> <len>", "replace tables by large leaves where the backing allows", true, mon_collapse},
	{"wrprotect", "<gpa> <len>", "make the leaves of a range read-only", true, mon_wrprotect},
	{"dirty", "[start|stop <slot>]", "the memslots' dirty bitmaps, summarized; or turn a slot's logging on or off", false, mon_dirty},
	{"age", "", "count accessed pages per memslot and clear their accessed bits", true, mon_age},
	{NULL, NULL, NULL, false, NULL},
};
