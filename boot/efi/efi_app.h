/*
 * The native UEFI application: carries build/hv.elf inside it, places it in
 * memory as boot/image_header.h describes, fills struct boot_info, leaves
 * boot services and jumps to the hypervisor. Each step lives in its own
 * file; efi_main.c runs them in order.
 *
 * Every function that can fail prints one line on ConOut saying what went
 * wrong and returns an EFI error; nothing here hangs.
 */
#ifndef BOOT_EFI_EFI_APP_H
#define BOOT_EFI_EFI_APP_H

#include <efi.h>
#include <efilib.h>

#include "boot/boot_info.h"

/* Prefix of every line the application prints. */
#define EFI_APP_TAG L"hv-efi: "

/* The hypervisor image as placed in memory by efi_load_hv(). */
struct efi_hv_image {
	UINT64 base;  /* physical address of the lowest p_paddr */
	UINT64 size;  /* header.image_size */
	UINT64 entry; /* base + header.entry64_offset */
};

/*
 * Allocates size bytes (rounded up to pages) of memory type type, aligned to
 * align (a power of two; at least a page), entirely below 4 GiB. Slack taken
 * to reach the alignment is given back. The memory is not cleared.
 */
EFI_STATUS efi_alloc_below_4g(UINT64 size, UINT64 align, EFI_MEMORY_TYPE type,
			      UINT64 *base);

/* Gives back memory from efi_alloc_below_4g(); base 0 is ignored. */
void efi_free(UINT64 base, UINT64 size);

/*
 * Fills cmdline (NUL-terminated, at most size - 1 characters) from the
 * image's load options, else from the file hv.cmdline next to the
 * application, else leaves it empty.
 */
EFI_STATUS efi_cmdline_read(EFI_HANDLE image, char *cmdline, UINTN size);

/* True when word is one of the space-separated words of cmdline, whole. */
BOOLEAN efi_cmdline_has_word(const char *cmdline, const char *word);

/*
 * Reads the file called name in the directory the application was loaded
 * from, on the same volume, into buf (at most size bytes). Returns
 * EFI_NOT_FOUND quietly when the file does not exist, EFI_BUFFER_TOO_SMALL
 * when it is larger than size.
 */
EFI_STATUS efi_file_read_beside_image(EFI_HANDLE image, const CHAR16 *name,
				      void *buf, UINTN size, UINTN *len);

/*
 * With guest=NAME on the command line, reads the file NAME next to the
 * application into memory and adds it to bi as a module named NAME.
 */
EFI_STATUS efi_guest_load(EFI_HANDLE image, struct boot_info *bi);

/* Copies the firmware's ACPI RSDP into bi (ACPI 2.0+ preferred). */
void efi_acpi_find_rsdp(struct boot_info *bi);

/* Describes the GOP framebuffer in fb; BOOT_FB_NONE when there is none. */
void efi_fb_describe(struct boot_framebuffer *fb);

/*
 * Validates the embedded hypervisor ELF, allocates its memory below 4 GiB
 * and copies its segments there (the rest zeroed). On success *hv says where
 * it is and where to enter it.
 */
EFI_STATUS efi_load_hv(struct efi_hv_image *hv);

/* The firmware's memory map, as GetMemoryMap() returns it. */
struct efi_memmap {
	EFI_MEMORY_DESCRIPTOR *desc;
	UINTN size;	/* bytes filled in */
	UINTN capacity; /* bytes allocated */
	UINTN key;
	UINTN desc_size;
	UINT32 desc_version;
};

/*
 * Reads the current memory map into map, growing its buffer (with room for
 * a few more descriptors) when it is too small. map starts zeroed.
 */
EFI_STATUS efi_memmap_read(struct efi_memmap *map);

/*
 * Fills bi->memmap from map, in the firmware's order, merging contiguous
 * descriptors whose types mean the same to us. Returns the number of
 * ranges dropped because bi->memmap was full (only memory is lost: the
 * hypervisor uses nothing that is not listed as usable). Makes no firmware
 * call.
 */
UINTN efi_memmap_convert(const struct efi_memmap *map, struct boot_info *bi);

/*
 * Reads the memory map into bi->memmap and exits boot services. On success
 * no boot service and no console may be used any more; on failure the
 * error has been printed (boot services may already be partly shut down).
 */
EFI_STATUS efi_exit_boot_services(EFI_HANDLE image, struct boot_info *bi);

/*
 * Jumps to the hypervisor entry with interrupts off, RDI = HV_HANDOFF_MAGIC
 * and RSI = boot_info, on the firmware's identity-mapped page tables.
 */
__attribute__((noreturn)) void efi_handoff(UINT64 entry, UINT64 boot_info);

/*
 * selftest=la57-entry (efi_la57.c): what the handoff with five-level
 * paging needs, all below 4 GiB. pml5 is 0 when the handoff is the
 * ordinary one.
 */
struct efi_la57 {
	UINT64 pml5;        /* page: the new top-level table */
	UINT64 switch_code; /* a copy of paging_mode_switch */
	UINT64 stack_top;   /* end of the page that holds the copy */
};

/* Pages efi_la57_prepare() takes, from la57->pml5 on. */
#define EFI_LA57_PAGES 2

/*
 * With selftest=la57-entry on bi's command line, on a CPU with five-level
 * paging that the firmware left off, allocates and fills *la57 and says so;
 * otherwise leaves la57->pml5 0 (saying why when the word is there). Fails
 * only when the memory cannot be had.
 */
EFI_STATUS efi_la57_prepare(const struct boot_info *bi, struct efi_la57 *la57);

/*
 * After ExitBootServices(): turns five-level paging on over the firmware's
 * identity map, then hands over as efi_handoff() does.
 */
__attribute__((noreturn)) void efi_la57_handoff(const struct efi_la57 *la57,
						UINT64 entry, UINT64 boot_info);

/*
 * efi_la57_handoff()'s last step: moves to stack_top, calls
 * switch_code(pml5, cr4) and goes on to efi_handoff(entry, boot_info).
 */
__attribute__((noreturn)) void efi_handoff_switched(UINT64 entry,
						    UINT64 boot_info,
						    UINT64 switch_code,
						    UINT64 pml5, UINT64 cr4,
						    UINT64 stack_top);

#endif
