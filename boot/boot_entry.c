/*
 * The first C code. Both entries arrive here on the boot CPU, on the boot
 * stack, with the entry's page tables: fill struct boot_info from whatever
 * the loader handed over, and go to hv_main(). Nothing after this knows how
 * we booted.
 */
#include "boot/boot_entry.h"
#include "boot/image_header.h"
#include "boot/mb2_parse.h"
#include "arch/x86/base_hooks.h"
#include "arch/x86/paging.h"
#include "arch/x86/percpu.h"
#include "arch/x86/tsc.h"
#include "base/log.h"
#include "lib/format.h"
#include "lib/string.h"

extern const char __image_start[], __image_end[];
extern char boot_stack_bottom[], boot_stack_top[];

static struct boot_info boot_info;
static struct cpu_stacks boot_cpu_stacks;

/* A boot_info from another loader is checked as if it were hostile. */
static bool boot_check_handoff(struct boot_info *bi, char *err, size_t errsz)
{
	if (bi->method != BOOT_METHOD_UEFI) {
		fmt_snprintf(err, errsz, "handoff boot_info has unknown method %u",
			     bi->method);
		return false;
	}
	if (bi->memmap_count > BOOT_MEMMAP_MAX ||
	    bi->module_count > BOOT_MODULES_MAX) {
		fmt_snprintf(err, errsz, "handoff boot_info has %u memory ranges and %u modules (limits %u, %u)",
			     bi->memmap_count, bi->module_count,
			     BOOT_MEMMAP_MAX, BOOT_MODULES_MAX);
		return false;
	}
	bi->cmdline[BOOT_CMDLINE_MAX - 1] = '\0';
	bi->loader_name[BOOT_LOADER_NAME_MAX - 1] = '\0';
	for (unsigned i = 0; i < bi->module_count; i++) {
		bi->modules[i].cmdline[BOOT_MODULE_CMDLINE_MAX - 1] = '\0';
		if (bi->modules[i].end < bi->modules[i].start) {
			fmt_snprintf(err, errsz, "handoff module %u ends before it starts",
				     i);
			return false;
		}
	}
	if (bi->memmap_count == 0) {
		fmt_snprintf(err, errsz, "handoff boot_info has no memory map");
		return false;
	}
	return true;
}

/* One line, kept in the log until the console is up. */
static void boot_report_la57(uint32_t la57)
{
	if (la57 == BOOT_LA57_SWITCHED)
		pr_info("boot: firmware ran with 5-level paging (CR4.LA57): switched to 4-level");
	else if (la57 == BOOT_LA57_CLEARED)
		pr_info("boot: the loader left CR4.LA57 set with paging off: cleared it, 4-level paging");
}

void boot_entry(uint64_t magic, uint64_t info_phys, uint64_t image_phys,
		uint32_t la57)
{
	char err[160] = "";
	bool ok;

	image_phys_base = image_phys;
	percpu_init_this_cpu(0, &boot_cpu_stacks, (uint64_t)boot_stack_bottom,
			     (uint64_t)boot_stack_top);
	base_hooks_register();
	tsc_mark_boot();

	if (magic == MB2_BOOTLOADER_MAGIC) {
		unsigned dropped = 0;

		ok = info_phys != 0 &&
		     mb2_parse((const void *)info_phys, &boot_info, err,
			       sizeof(err), &dropped) == MB2_OK;
		if (ok && dropped)
			pr_warn("boot: %u memory-map entries or modules did not fit and were dropped",
				dropped);
		if (info_phys == 0)
			fmt_snprintf(err, sizeof(err), "no Multiboot2 information (EBX = 0)");
	} else if (magic == HV_HANDOFF_MAGIC) {
		memcpy(&boot_info, (const void *)info_phys, sizeof(boot_info));
		ok = boot_check_handoff(&boot_info, err, sizeof(err));
	} else {
		fmt_snprintf(err, sizeof(err),
			     "not started by a Multiboot2 loader or the UEFI application (magic %#llx)",
			     (unsigned long long)magic);
		ok = false;
	}
	boot_info.image_start = image_phys;
	boot_info.image_end = image_phys + (__image_end - __image_start);
	boot_info.la57_at_entry = la57;
	boot_report_la57(la57);

	hv_main(&boot_info, ok ? NULL : err);
}
