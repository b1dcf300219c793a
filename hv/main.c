/*
 * hv_main: from a filled struct boot_info to a running machine. The order
 * matters and each step says why it comes where it does.
 */
#include "hv/guest_run.h"
#include "hv/monitor.h"
#include "hv/options.h"
#include "hv/report.h"
#include "hv/vm_trace.h"
#include "arch/x86/mce.h"
#include "arch/x86/acpi.h"
#include "arch/x86/console.h"
#include "arch/x86/console_default.h"
#include "arch/x86/cpu.h"
#include "arch/x86/direct_map.h"
#include "arch/x86/lapic.h"
#include "arch/x86/machine.h"
#include "arch/x86/memory.h"
#include "arch/x86/paging.h"
#include "arch/x86/percpu.h"
#include "arch/x86/pic.h"
#include "arch/x86/smp.h"
#include "arch/x86/tsc.h"
#include "arch/x86/virt_probe.h"
#include "base/log.h"
#include "base/panic.h"
#include "boot/boot_info.h"
#include "lib/format.h"
#include "lib/string.h"

#define HV_VERSION "0.1"

_Static_assert(OPT_MAX_CPUS == MAX_CPUS, "maxcpus= must fit the per-CPU areas");
#define OPTION_COMPLAINTS_MAX 8

static struct hv_options options;
static struct acpi_info acpi;

/* Complaints about the command line wait until the console is up. */
static char complaints[OPTION_COMPLAINTS_MAX][OPT_REFUSED_MAX];
static unsigned complaint_count, complaints_dropped;

static void hv_collect_complaint(void *ctx, const char *msg)
{
	if (complaint_count < OPTION_COMPLAINTS_MAX)
		fmt_snprintf(complaints[complaint_count++], sizeof(complaints[0]),
			     "%s", msg);
	else
		complaints_dropped++;
}

/* The log is on a framebuffer alone (console=fb): it must be shown. */
static bool framebuffer_only;
/* console=fb alone found a screen: no UART at all, chosen or not. */
static bool screens_only;

/* The screen the loader left: a linear framebuffer or the VGA text one. */
static bool hv_add_screen(const struct boot_info *bi)
{
	if (bi->fb.type == BOOT_FB_EGA_TEXT)
		return console_add_vga_text(bi->fb.addr, bi->fb.width,
					    bi->fb.height);
	return console_add_framebuffer(&bi->fb);
}

/*
 * The consoles the options name, and the screen the loader left, for
 * PCs without a serial port: the VGA text screen after a BIOS boot, else
 * a linear framebuffer (drawn on once paging is final:
 * hv_show_framebuffer()). console=nofb leaves the screen alone;
 * console=fb alone puts the log on the screen only, if there is one.
 * With no console= option, COM1 until the ACPI tables say otherwise
 * (hv_console_settle()); UARTs that come later (one in memory once
 * paging is up, the one the firmware names) get the log ring first.
 */
static void hv_console_start(const struct boot_info *bi)
{
	/* First: what the screen says of itself is replayed in order. */
	bool screen = options.screen != OPT_SCREEN_OFF && hv_add_screen(bi);

	if (screen && options.screen == OPT_SCREEN_ON && !options.console_count) {
		console_init_screens_only();
		screens_only = true;
		framebuffer_only = bi->fb.type != BOOT_FB_EGA_TEXT;
	} else {
		console_init(options.consoles, options.console_count);
	}
	log_set_level(options.loglevel);
	report_set_exit_mode(options.exit_mode);
	report_set_exit_delay_ms(options.exit_delay_ms);
	report_set_panic_mode(options.panic_mode);
	report_set_panic_monitor(monitor_run_after_panic);
	log_replay_to_console();
	if (options.screen == OPT_SCREEN_ON && !screen)
		pr_warn("console=fb: no screen the log can be shown on%s",
			options.console_count ? "" : ": COM1 serves");
	console_report_uarts();
}

/*
 * Once the final page tables are in. A framebuffer that was to be the
 * only console and cannot be mapped hands over to COM1.
 */
static void hv_show_framebuffer(void)
{
	if (console_show_framebuffer() || !framebuffer_only)
		return;
	console_init(NULL, 0);
	pr_warn("console=fb: the framebuffer cannot be shown: the log goes to COM1 from here");
	console_report_uarts();
}

/*
 * Once ACPI is read, before other CPUs log: with no console= option, the
 * UART of the SPCR table, COM1 or a PCI serial card
 * (arch/x86/console_default.h); with one, the SPCR is only mentioned.
 */
static void hv_console_settle(void)
{
	char text[240];

	if (options.console_count == 0 && !screens_only) {
		console_choose_default(&acpi.spcr);
	} else if (acpi.spcr.present && acpi.spcr.usable) {
		console_describe_spcr(&acpi.spcr, text, sizeof(text));
		pr_info("acpi: SPCR names the %s: not used (console= given)",
			text);
	}
}

/*
 * The end of every fatal path (base/panic.h): the summary, then FAIL,
 * then panic=.
 */
static __noreturn void hv_end_failed_run(const char *reason)
{
	report_finish_fatal(reason);
}

/* Stops before any CPU but this one runs: the summary, then FAIL. */
static __noreturn void hv_stop_early(const char *reason)
{
	report_set_u64("cpus", 1);
	report_set_str("vendor", cpu_vendor_name(cpu_vendor()));
	report_set_str("virt", "none");
	report_set_u64("mem_mib", 0);
	report_finish(false, reason);
}

/* The boot information was unusable: report why on COM1 and stop. */
static __noreturn void hv_boot_failed(const char *reason)
{
	if (!console_is_ready()) { /* failed before the options were read */
		console_init(NULL, 0);
		log_replay_to_console();
		console_report_uarts();
	}
	pr_err("boot: %s", reason);
	hv_stop_early(reason);
}

/*
 * An option that says what to run could not be honoured: no run at all,
 * rather than one with a default in its place that looks like the run
 * asked for.
 */
static __noreturn void hv_options_refused(void)
{
	char reason[OPT_REFUSED_MAX + 16];

	fmt_snprintf(reason, sizeof(reason), "options: %s", options.refused);
	pr_err("hv: %s: nothing is run", reason);
	hv_stop_early(reason);
}

static void hv_print_boot_info(const struct boot_info *bi)
{
	pr_info("hv: micro-hypervisor %s, booted by %s (%s)", HV_VERSION,
		bi->loader_name[0] ? bi->loader_name : "an unnamed loader",
		bi->method == BOOT_METHOD_UEFI ? "UEFI application" :
						 "Multiboot2");
	pr_info("hv: command line: \"%s\"", bi->cmdline);
	for (unsigned i = 0; i < complaint_count; i++)
		pr_warn("options: %s", complaints[i]);
	if (complaints_dropped)
		pr_warn("options: %u more word(s) of the command line were not understood",
			complaints_dropped);
	pr_info("hv: image at %#llx-%#llx, %u module(s)%s",
		(unsigned long long)bi->image_start,
		(unsigned long long)bi->image_end - 1, bi->module_count,
		bi->efi_system_table ? ", EFI system table present" : "");
	if (bi->fb.type != BOOT_FB_NONE)
		pr_info("hv: framebuffer type %u at %#llx, %ux%u, %u bpp",
			bi->fb.type, (unsigned long long)bi->fb.addr,
			bi->fb.width, bi->fb.height, bi->fb.bpp);
}

/* One line: CR4.MCE is on wherever the CPU has machine checks. */
static void hv_report_machine_checks(unsigned cpus)
{
	unsigned on = 0, min_banks = ~0u, max_banks = 0;

	for (unsigned i = 0; i < cpus; i++) {
		int banks = percpu_area[i].mce_banks;

		if (banks < 0)
			continue;
		on++;
		min_banks = MIN(min_banks, (unsigned)banks);
		max_banks = MAX(max_banks, (unsigned)banks);
	}
	if (on == cpus && min_banks == max_banks)
		pr_info("mce: machine-check exceptions on (CR4.MCE) on every CPU (%u), %u reporting bank(s) each",
			cpus, min_banks);
	else if (on == cpus)
		pr_info("mce: machine-check exceptions on (CR4.MCE) on every CPU (%u), %u to %u reporting bank(s)",
			cpus, min_banks, max_banks);
	else
		pr_warn("mce: %u of %u CPU(s) have no machine-check exception: an uncorrected error there shuts the CPU down unreported",
			cpus - on, cpus);
}

/* Every online CPU must be able to run guests, the same way. */
static const struct virt_caps *hv_check_virt(char *why, size_t whysz)
{
	const struct virt_caps *boot_caps = &percpu_area[0].virt;
	char line[256];

	virt_caps_describe(boot_caps, line, sizeof(line));
	pr_info("virt: %s CPU: %s", cpu_vendor_name(boot_caps->vendor), line);
	if (boot_caps->kind == VIRT_NONE) {
		fmt_snprintf(why, whysz, "guests cannot run: %s", boot_caps->why);
		return NULL;
	}
	for (unsigned i = 1; i < MAX_CPUS; i++) {
		const struct virt_caps *c = &percpu_area[i].virt;

		if (!percpu_area[i].online)
			continue;
		if (c->kind != boot_caps->kind) {
			fmt_snprintf(why, whysz, "cpu%u differs from cpu0: %s", i,
				     c->kind == VIRT_NONE ? c->why :
							    "another virtualization kind");
			return NULL;
		}
	}
	return boot_caps;
}

/* selftest=: deliberate failures, so tests can check the fatal paths. */
static void hv_fault_on_purpose(void)
{
	uint64_t addr = 0x10;
	volatile uint64_t *unmapped;

	__asm__("" : "+r"(addr)); /* hide the constant from the compiler */
	unmapped = (volatile uint64_t *)addr;
	pr_info("selftest: cpu%u reads unmapped address %p", this_cpu_id(),
		(void *)unmapped);
	(void)*unmapped;
}

/* Whether [base, base + len) overlaps an ACPI table (mapped, read-only). */
static bool hv_overlaps_acpi_table(uint64_t base, uint64_t len)
{
	for (unsigned i = 0; i < acpi.table_count; i++)
		if (acpi.tables[i].base < base + len &&
		    base < acpi.tables[i].base + acpi.tables[i].length)
			return true;
	return false;
}

/*
 * selftest=direct-map-hole: the first whole page the memory map gives as
 * neither RAM nor ACPI tables (reserved, ACPI NVS, bad RAM) and that holds
 * no ACPI table the RSDP led to is read through the direct map, which must
 * not hold it: the read must fault.
 */
static __noinline void hv_read_outside_direct_map(const struct boot_info *bi)
{
	static const char *const names[] = {
		[MEM_ACPI_NVS] = "ACPI NVS", [MEM_RESERVED] = "reserved",
		[MEM_BAD] = "bad RAM",
	};
	const struct mem_range *pick = NULL;
	uint64_t page = 0;

	for (unsigned i = 0; i < bi->memmap_count; i++) {
		const struct mem_range *r = &bi->memmap[i];
		uint64_t first = ALIGN_UP(r->base, PAGE_SIZE);

		if (r->type < MEM_ACPI_NVS || r->type > MEM_BAD ||
		    first + PAGE_SIZE > r->base + r->length ||
		    hv_overlaps_acpi_table(first, PAGE_SIZE))
			continue;
		if (!pick || first < page) {
			pick = r;
			page = first;
		}
	}
	if (!pick)
		panic("selftest: the memory map has no page that is not RAM");
	pr_info("selftest: cpu%u reads physical %#llx (%s in the memory map) through the direct map",
		this_cpu_id(), (unsigned long long)page, names[pick->type]);
	(void)*(volatile uint8_t *)phys_to_virt(page);
	panic("selftest: physical %#llx (%s) is in the direct map",
	      (unsigned long long)page, names[pick->type]);
}

static void hv_run_selftest(const struct boot_info *bi, unsigned cpus)
{
	switch (options.selftest) {
	case SELFTEST_LA57_ENTRY:
		/* The loader's half of it is in boot/efi/efi_la57.c. */
		if (bi->la57_at_entry != BOOT_LA57_SWITCHED)
			report_finish(false, "selftest=la57-entry: the entry did not find 5-level paging on "
					     "(it takes the UEFI application on a CPU with LA57)");
		break;
	case SELFTEST_PAGE_FAULT:
		hv_fault_on_purpose();
		break;
	case SELFTEST_DIRECT_MAP_HOLE:
		hv_read_outside_direct_map(bi);
		break;
	case SELFTEST_AP_PAGE_FAULT:
		if (cpus < 2)
			panic("selftest=ap-pagefault needs a second CPU");
		smp_call_one(cpus - 1, hv_fault_on_purpose);
		/* Its fatal path stops this CPU with an NMI long before this. */
		tsc_delay_us(5 * 1000 * 1000);
		panic("selftest: cpu%u did not fault", cpus - 1);
	case SELFTEST_BUG:
		BUG_ON(cpus > 0);
		break;
	case SELFTEST_WARN:
		WARN_ON(cpus > 0);
		break;
	default:
		break;
	}
}

static void hv_flush_tlb(void)
{
	write_cr3(read_cr3());
}

__noreturn void hv_main(const struct boot_info *bi, const char *boot_error)
{
	char err[200];
	const struct virt_caps *virt;
	unsigned cpus;

	panic_set_end(hv_end_failed_run);
	if (boot_error)
		hv_boot_failed(boot_error);

	/* Options first: they say where the console is. */
	options_parse(bi->cmdline, &options, hv_collect_complaint, NULL);
	hv_console_start(bi);
	hv_print_boot_info(bi);
	if (options.refused[0])
		hv_options_refused();
	report_set_u64("cpus", 1);
	report_set_str("vendor", cpu_vendor_name(cpu_vendor()));
	report_set_str("virt", "none");
	report_set_u64("mem_mib", 0);

	/* Page tables before anything touches memory above 4 GiB. */
	if (!memory_init_paging(bi, err, sizeof(err)))
		hv_boot_failed(err);
	console_start_memory_uarts();
	hv_show_framebuffer();

	/* ACPI before the allocator: the tables' memory must be kept. */
	if (!acpi_parse(bi, &acpi, err, sizeof(err)))
		pr_warn("acpi: %s: running on the boot CPU only", err);
	else if (!acpi.has_madt)
		pr_warn("acpi: no MADT: running on the boot CPU only");
	else
		pr_info("acpi: OEM \"%s\", MADT lists %u CPUs (%u usable, %u x2APIC entries)",
			acpi.oem_id, acpi.cpus.listed, acpi.cpus.count,
			acpi.cpus.x2apic_entries);
	hv_console_settle();

	machine_set_reset_register(&acpi.reset);

	/*
	 * The clock once ACPI has said where the PM timer and the HPET are,
	 * and before anything waits or times out (CPU start-up). Log lines
	 * before this one carry time 0.
	 */
	tsc_calibrate(&acpi.timers);
	memory_reserve(acpi.tables, acpi.table_count);
	if (!memory_init_allocator(err, sizeof(err)))
		hv_boot_failed(err);
	report_set_u64("mem_mib", memory_usable_mib());

	pic_mask_all();
	this_cpu()->mce_banks = mce_init_this_cpu();
	lapic_init_this_cpu();
	virt_probe_this_cpu(&this_cpu()->virt);
	/* Without a MADT the boot CPU runs alone (already said above). */
	if (acpi.has_madt && !memory_trampoline_page())
		pr_warn("smp: no free page below 1 MiB to start other CPUs from");
	else if (acpi.has_madt)
		smp_start_aps(&acpi.cpus, options.maxcpus,
			      options.ap_timeout_ms, memory_trampoline_page());
	percpu_area[0].online = true;
	cpus = smp_online_count();
	hv_report_machine_checks(cpus);

	/* The trampoline's identity map is no longer needed anywhere. */
	paging_drop_identity_map();
	smp_call_others(hv_flush_tlb);

	pr_info("smp: %u CPU(s) online (%s mode LAPIC)", cpus,
		lapic_is_x2apic() ? "x2APIC" : "xAPIC");
	/* Every CPU that will record is up, and no VM yet. */
	vm_trace_start(&options);
	if (cpus < acpi.cpus.count)
		pr_info("smp: %u of the %u CPU(s) the MADT lists are not used (maxcpus=%u, at most %u, or they did not start)",
			acpi.cpus.count - cpus, acpi.cpus.count, options.maxcpus,
			MAX_CPUS);
	/* Everything the boot maps is in: ACPI tables, each CPU's LAPIC. */
	direct_map_report();
	report_set_u64("cpus", cpus);
	report_set_str("test", options_test_name(options.test));
	virt = hv_check_virt(err, sizeof(err));
	report_set_str("virt", virt ? virt_kind_name(virt->kind) : "none");
	hv_run_selftest(bi, cpus);

	if (!virt) {
		pr_err("virt: %s", err);
		report_finish(false, err);
	}
	if (options.test != OPT_TEST_NONE &&
	    !guest_run(bi, &options, virt, err, sizeof(err))) {
		vm_trace_end(&options);
		report_finish(false, err);
	}
	vm_trace_end(&options);
	report_finish(true, NULL);
}
