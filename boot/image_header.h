/*
 * The contract between a loader that is not Multiboot2 (the native UEFI
 * application) and the hypervisor image build/hv.elf.
 *
 * hv.elf is an ELF64 image linked for the higher half (p_vaddr = link
 * address) with p_paddr giving the layout in physical memory relative to the
 * lowest p_paddr. A loader:
 *   1. allocates header.image_size bytes, aligned to header.image_align,
 *      below 4 GiB, and copies each PT_LOAD segment to
 *      base + (p_paddr - lowest p_paddr), zeroing p_memsz - p_filesz;
 *   2. builds a struct boot_info below 4 GiB (image_start/image_end may be
 *      left 0: the hypervisor fills them);
 *   3. jumps to base + header.entry64_offset in 64-bit mode, CPL 0,
 *      interrupts off, with paging that identity-maps the image and the
 *      boot_info, with RDI = HV_HANDOFF_MAGIC and RSI = physical address
 *      of the boot_info. No stack is needed; the hypervisor brings its own.
 *
 * The header is found by scanning the first HV_IMAGE_HEADER_SEARCH bytes of
 * the first PT_LOAD segment's file contents for HV_IMAGE_MAGIC at an 8-byte
 * aligned offset.
 */
#ifndef BOOT_IMAGE_HEADER_H
#define BOOT_IMAGE_HEADER_H

#define HV_IMAGE_MAGIC 0x314547414d495648ull /* "HVIMAGE1" little-endian */
#define HV_HANDOFF_MAGIC 0x48564546u          /* "FEVH": boot_info handoff */
#define HV_IMAGE_HEADER_SEARCH 32768

#ifndef __ASSEMBLER__
#include "lib/compiler.h"

struct hv_image_header {
	uint64_t magic;          /* HV_IMAGE_MAGIC */
	uint64_t entry64_offset; /* from the image base */
	uint64_t image_size;     /* from the image base to the end of .bss */
	uint64_t image_align;    /* required alignment of the image base */
};
#endif

#endif
