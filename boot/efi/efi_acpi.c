/*
 * The ACPI RSDP from the UEFI configuration table (ACPI spec, "Finding the
 * RSDP on UEFI Enabled Systems"): the ACPI 2.0+ entry is preferred, the
 * ACPI 1.0 one is the fallback. Only a structure with the "RSD PTR "
 * signature and valid checksums is taken.
 */
#include "boot/efi/efi_app.h"

#define RSDP_V1_LENGTH	     20
#define RSDP_V2_LENGTH	     36
#define RSDP_REVISION_OFFSET 15

static EFI_GUID acpi20_guid = ACPI_20_TABLE_GUID;
static EFI_GUID acpi10_guid = ACPI_TABLE_GUID;

static UINT8 checksum(const UINT8 *p, UINTN len)
{
	UINT8 sum = 0;

	while (len--)
		sum += *p++;
	return sum;
}

/*
 * Returns the number of bytes of a valid RSDP at p (36 for ACPI 2.0+, 20
 * for ACPI 1.0), or 0 when p is not one. want_v2 asks for a 2.0+ one.
 */
static UINTN rsdp_valid_length(const UINT8 *p, bool want_v2)
{
	if (!p || __builtin_memcmp(p, "RSD PTR ", 8) != 0 ||
	    checksum(p, RSDP_V1_LENGTH) != 0)
		return 0;
	if (!want_v2)
		return RSDP_V1_LENGTH;
	if (p[RSDP_REVISION_OFFSET] < 2 || checksum(p, RSDP_V2_LENGTH) != 0)
		return 0;
	return RSDP_V2_LENGTH;
}

static const UINT8 *config_table_find(EFI_GUID *guid)
{
	UINTN i;

	for (i = 0; i < ST->NumberOfTableEntries; i++)
		if (!CompareGuid(&ST->ConfigurationTable[i].VendorGuid, guid))
			return ST->ConfigurationTable[i].VendorTable;
	return NULL;
}

void efi_acpi_find_rsdp(struct boot_info *bi)
{
	const UINT8 *rsdp = config_table_find(&acpi20_guid);
	UINTN len = rsdp_valid_length(rsdp, true);

	if (!len) {
		if (rsdp)
			Print(EFI_APP_TAG L"ACPI 2.0 RSDP is invalid\n");
		rsdp = config_table_find(&acpi10_guid);
		len = rsdp_valid_length(rsdp, false);
	}
	if (!len) {
		Print(EFI_APP_TAG L"warning: no valid ACPI RSDP\n");
		return;
	}
	__builtin_memcpy(bi->rsdp, rsdp, len);
	bi->rsdp_revision = len == RSDP_V2_LENGTH ? 2 : 0;
	bi->has_rsdp = true;
	Print(EFI_APP_TAG L"ACPI %a RSDP at 0x%lx\n",
	      len == RSDP_V2_LENGTH ? "2.0+" : "1.0", (UINT64)(UINTN)rsdp);
}
