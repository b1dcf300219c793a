/*
 * selftest=la57-entry: the application hands over with five-level paging
 * on, as the UEFI firmware of recent Intel servers may, so that the
 * hypervisor's 64-bit entry must find CR4.LA57 set and switch to four
 * levels (and the hypervisor then checks that it did). OVMF never turns
 * five-level paging on by itself; this is how that path gets tested.
 *
 * The firmware's four-level tables stay: a new top-level table (PML5)
 * whose first entry points to the firmware's PML4 gives the same identity
 * map for every address below 2^48. The switch is the hypervisor entry's
 * own code, boot/paging_mode_switch.asm, run from a copy in a page below
 * 4 GiB, with its stack in that page too.
 */
#include "boot/efi/efi_app.h"

#define SELFTEST_WORD "selftest=la57-entry"
#define CPUID_7_ECX_LA57 (1u << 16)
#define CR4_LA57 (1ull << 12)
#define PTE_PRESENT_WRITABLE 0x3ull
#define PTE_ADDR_MASK 0x000ffffffffff000ull

extern const UINT8 paging_mode_switch[], paging_mode_switch_end[];

static void cpuid(UINT32 leaf, UINT32 subleaf, UINT32 r[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(subleaf));
}

static BOOLEAN cpu_has_la57(void)
{
	UINT32 r[4];

	cpuid(0, 0, r);
	if (r[0] < 7)
		return FALSE;
	cpuid(7, 0, r);
	return (r[2] & CPUID_7_ECX_LA57) != 0;
}

static UINT64 read_cr3(void)
{
	UINT64 v;

	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

static UINT64 read_cr4(void)
{
	UINT64 v;

	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

EFI_STATUS efi_la57_prepare(const struct boot_info *bi, struct efi_la57 *la57)
{
	UINTN code_size = paging_mode_switch_end - paging_mode_switch;
	EFI_STATUS status;
	UINT64 base;

	la57->pml5 = 0;
	if (!efi_cmdline_has_word(bi->cmdline, SELFTEST_WORD))
		return EFI_SUCCESS;
	if (!cpu_has_la57()) {
		Print(EFI_APP_TAG L"selftest=la57-entry: this CPU has no 5-level paging (CPUID.7.0:ECX.LA57 = 0): handing over with 4 levels\n");
		return EFI_SUCCESS;
	}
	if (read_cr4() & CR4_LA57) {
		Print(EFI_APP_TAG L"selftest=la57-entry: the firmware already runs with 5-level paging\n");
		return EFI_SUCCESS;
	}

	/* Code at the start of the second page, its stack at the end. */
	status = efi_alloc_below_4g(EFI_LA57_PAGES * EFI_PAGE_SIZE,
				    EFI_PAGE_SIZE, EfiLoaderCode, &base);
	if (EFI_ERROR(status))
		return status;
	__builtin_memset((void *)(UINTN)base, 0, EFI_PAGE_SIZE);
	__builtin_memcpy((void *)(UINTN)(base + EFI_PAGE_SIZE),
			 paging_mode_switch, code_size);
	la57->pml5 = base;
	la57->switch_code = base + EFI_PAGE_SIZE;
	la57->stack_top = base + EFI_LA57_PAGES * EFI_PAGE_SIZE;
	Print(EFI_APP_TAG L"selftest=la57-entry: handing over with 5-level paging (PML5 at 0x%lx, switch code %d bytes)\n",
	      base, code_size);
	return EFI_SUCCESS;
}

void efi_la57_handoff(const struct efi_la57 *la57, UINT64 entry,
		      UINT64 boot_info)
{
	UINT64 *pml5 = (UINT64 *)(UINTN)la57->pml5;

	/* The firmware's tables as they are now, after ExitBootServices(). */
	pml5[0] = (read_cr3() & PTE_ADDR_MASK) | PTE_PRESENT_WRITABLE;
	__asm__ volatile("cli");
	efi_handoff_switched(entry, boot_info, la57->switch_code, la57->pml5,
			     read_cr4() | CR4_LA57, la57->stack_top);
}
