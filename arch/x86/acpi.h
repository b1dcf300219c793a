/*
 * ACPI tables: the RSDP from the boot information, the RSDT or XSDT, and
 * the MADT for the CPUs' local APIC IDs, the FADT and the HPET table for
 * the timers, the SPCR for the firmware's serial console, the FADT for
 * the reset register. Every table is checked (length,
 * checksum) before it is used; a bad table is reported and skipped.
 */
#ifndef ARCH_X86_ACPI_H
#define ARCH_X86_ACPI_H

#include "arch/x86/acpi_spcr.h"
#include "arch/x86/acpi_reset.h"
#include "arch/x86/acpi_timers.h"
#include "boot/boot_info.h"

#define ACPI_MAX_CPUS 256
#define ACPI_MAX_TABLES 256

struct acpi_cpus {
	uint32_t apic_ids[ACPI_MAX_CPUS]; /* enabled or online-capable */
	unsigned count;
	unsigned listed;   /* entries in the MADT, including disabled ones */
	unsigned x2apic_entries;
	uint64_t lapic_phys;
};

struct acpi_info {
	bool has_madt;
	struct acpi_cpus cpus;
	struct acpi_timers timers; /* from the FADT and the HPET table */
	struct acpi_spcr spcr;     /* .present: there is an SPCR */
	struct acpi_reset reset;   /* from the FADT; why is NULL without one */
	/* Where the tables are, so that memory is never handed out. */
	struct mem_range tables[ACPI_MAX_TABLES];
	unsigned table_count;
	char oem_id[7];
};

/*
 * Reads the tables through phys_to_virt(), each added to the direct map
 * first (a table outside the memory map is skipped). Returns false with a reason in
 * err when there is no usable RSDP or root table; a missing MADT is not an
 * error (has_madt false: the caller runs on the boot CPU alone).
 */
bool acpi_parse(const struct boot_info *bi, struct acpi_info *out, char *err,
		size_t errsz);

#endif
