#include "arch/x86/acpi.h"
#include "arch/x86/direct_map.h"
#include "arch/x86/paging.h"
#include "base/log.h"
#include "lib/format.h"
#include "lib/string.h"

struct acpi_rsdp {
	char signature[8];
	uint8_t checksum;
	char oem_id[6];
	uint8_t revision;
	uint32_t rsdt_address;
	uint32_t length; /* ACPI 2.0+ from here */
	uint64_t xsdt_address;
	uint8_t extended_checksum;
	uint8_t reserved[3];
} __packed;

struct acpi_header {
	char signature[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
} __packed;

struct madt {
	struct acpi_header header;
	uint32_t lapic_address;
	uint32_t flags;
} __packed;

enum madt_entry_type {
	MADT_LOCAL_APIC = 0,
	MADT_LAPIC_ADDRESS_OVERRIDE = 5,
	MADT_LOCAL_X2APIC = 9,
};

#define MADT_ENABLED (1u << 0)
#define MADT_ONLINE_CAPABLE (1u << 1)
#define ACPI_TABLE_MAX_LENGTH (16u << 20)

static uint8_t acpi_sum(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += b[i];
	return sum;
}

static void acpi_note_range(struct acpi_info *info, uint64_t phys,
			    uint64_t len)
{
	if (info->table_count == ACPI_MAX_TABLES) {
		pr_warn("acpi: more than %u tables: the one at %#llx is not kept from the allocator",
			ACPI_MAX_TABLES, (unsigned long long)phys);
		return;
	}
	info->tables[info->table_count++] = (struct mem_range){
		.base = phys, .length = len, .type = MEM_ACPI_RECLAIM
	};
}

/* Maps and validates one table; NULL (reported) when it is unusable. */
static const struct acpi_header *acpi_table(struct acpi_info *info,
					    uint64_t phys)
{
	const struct acpi_header *h;
	const char *why;

	if (phys == 0)
		return NULL;
	if (!direct_map_readable(phys, sizeof(*h), &why)) {
		pr_warn("acpi: table at %#llx cannot be read (%s): skipped",
			(unsigned long long)phys, why);
		return NULL;
	}
	h = phys_to_virt(phys);
	if (h->length < sizeof(*h) || h->length > ACPI_TABLE_MAX_LENGTH) {
		pr_warn("acpi: table at %#llx has a bad length %u: skipped",
			(unsigned long long)phys, h->length);
		return NULL;
	}
	if (!direct_map_readable(phys, h->length, &why)) {
		pr_warn("acpi: table %.4s at %#llx+%#x cannot be read (%s): skipped",
			h->signature, (unsigned long long)phys, h->length, why);
		return NULL;
	}
	if (acpi_sum(h, h->length) != 0) {
		pr_warn("acpi: table %.4s at %#llx has a bad checksum: skipped",
			h->signature, (unsigned long long)phys);
		return NULL;
	}
	acpi_note_range(info, phys, h->length);
	return h;
}

/*
 * Keeps CPUs that are there now: Enabled. "Online Capable" without Enabled
 * is a hot-plug slot with nothing in it yet, and the broadcast IDs would
 * reach every CPU at once.
 */
static void acpi_add_cpu(struct acpi_cpus *cpus, uint32_t apic_id,
			 uint32_t flags, uint32_t broadcast_id)
{
	cpus->listed++;
	if (!(flags & MADT_ENABLED) || apic_id == broadcast_id)
		return;
	for (unsigned i = 0; i < cpus->count; i++)
		if (cpus->apic_ids[i] == apic_id)
			return; /* listed both as LAPIC and x2APIC */
	if (cpus->count < ACPI_MAX_CPUS)
		cpus->apic_ids[cpus->count++] = apic_id;
}

static void acpi_parse_madt(const struct madt *madt, struct acpi_cpus *cpus)
{
	const uint8_t *p = (const uint8_t *)(madt + 1);
	const uint8_t *end = (const uint8_t *)madt + madt->header.length;

	cpus->lapic_phys = madt->lapic_address;
	while (p + 2 <= end) {
		uint8_t type = p[0], len = p[1];

		if (len < 2 || p + len > end) {
			pr_warn("acpi: MADT entry of type %u has a bad length %u: rest ignored",
				type, len);
			break;
		}
		if (type == MADT_LOCAL_APIC && len >= 8) {
			uint32_t flags;

			memcpy(&flags, p + 4, 4);
			acpi_add_cpu(cpus, p[3], flags, 0xff);
		} else if (type == MADT_LOCAL_X2APIC && len >= 16) {
			uint32_t id, flags;

			memcpy(&id, p + 4, 4);
			memcpy(&flags, p + 8, 4);
			cpus->x2apic_entries++;
			acpi_add_cpu(cpus, id, flags, 0xffffffffu);
		} else if (type == MADT_LAPIC_ADDRESS_OVERRIDE && len >= 12) {
			memcpy(&cpus->lapic_phys, p + 4, 8);
		}
		p += len;
	}
}

static bool acpi_check_rsdp(const struct boot_info *bi, char *err,
			    size_t errsz)
{
	const struct acpi_rsdp *rsdp = (const void *)bi->rsdp;

	if (!bi->has_rsdp) {
		fmt_snprintf(err, errsz, "the boot loader passed no ACPI RSDP");
		return false;
	}
	if (memcmp(rsdp->signature, "RSD PTR ", 8) != 0 ||
	    acpi_sum(rsdp, 20) != 0) {
		fmt_snprintf(err, errsz, "the ACPI RSDP is corrupt (signature or checksum)");
		return false;
	}
	if (bi->rsdp_revision >= 2 && rsdp->revision >= 2 &&
	    acpi_sum(rsdp, sizeof(*rsdp)) != 0) {
		fmt_snprintf(err, errsz, "the ACPI 2.0 RSDP has a bad extended checksum");
		return false;
	}
	return true;
}

bool acpi_parse(const struct boot_info *bi, struct acpi_info *out, char *err,
		size_t errsz)
{
	const struct acpi_rsdp *rsdp = (const void *)bi->rsdp;
	const struct acpi_header *root;
	bool xsdt;
	size_t entry_size, count;

	memset(out, 0, sizeof(*out));
	if (!acpi_check_rsdp(bi, err, errsz))
		return false;
	memcpy(out->oem_id, rsdp->oem_id, 6);

	xsdt = bi->rsdp_revision >= 2 && rsdp->revision >= 2 &&
	       rsdp->xsdt_address;
	root = acpi_table(out, xsdt ? rsdp->xsdt_address : rsdp->rsdt_address);
	if (root && memcmp(root->signature, xsdt ? "XSDT" : "RSDT", 4) != 0)
		root = NULL;
	if (!root) {
		fmt_snprintf(err, errsz, "the ACPI %s is missing or corrupt",
			     xsdt ? "XSDT" : "RSDT");
		return false;
	}
	entry_size = xsdt ? 8 : 4;
	count = (root->length - sizeof(*root)) / entry_size;
	for (size_t i = 0; i < count; i++) {
		const uint8_t *e = (const uint8_t *)(root + 1) + i * entry_size;
		uint64_t phys = 0;
		const struct acpi_header *h;

		memcpy(&phys, e, entry_size);
		h = acpi_table(out, phys);
		if (h && memcmp(h->signature, "APIC", 4) == 0 &&
		    h->length >= sizeof(struct madt) && !out->has_madt) {
			acpi_parse_madt((const struct madt *)h, &out->cpus);
			out->has_madt = true;
		}
		if (h && memcmp(h->signature, "FACP", 4) == 0 &&
		    !out->timers.has_fadt) {
			acpi_timers_from_fadt((const uint8_t *)h, h->length,
					      &out->timers);
			acpi_reset_from_fadt((const uint8_t *)h, h->length,
					     &out->reset);
		}
		if (h && memcmp(h->signature, "SPCR", 4) == 0 &&
		    !out->spcr.present)
			acpi_spcr_parse((const uint8_t *)h, h->length,
					&out->spcr);
		if (h && memcmp(h->signature, "HPET", 4) == 0 &&
		    !out->timers.has_hpet_table)
			acpi_timers_from_hpet((const uint8_t *)h, h->length,
					      &out->timers);
	}
	return true;
}
