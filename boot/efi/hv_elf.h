/*
 * The hypervisor ELF image as a loader sees it (boot/image_header.h): its
 * PT_LOAD segments, their placement relative to the lowest p_paddr, and the
 * hv_image_header. Pure C with no firmware calls, so it can be tested on
 * the host.
 */
#ifndef BOOT_EFI_HV_ELF_H
#define BOOT_EFI_HV_ELF_H

#include <elf.h>

#include "boot/image_header.h"

/* Sanity limits: the image must fit well below 4 GiB. */
#define HV_ELF_IMAGE_SIZE_MAX  (1ull << 30)
#define HV_ELF_IMAGE_ALIGN_MAX (1ull << 30)

struct hv_elf {
	const uint8_t *file;
	size_t file_size;
	const Elf64_Phdr *phdrs; /* e_phnum entries inside file */
	unsigned int phnum;
	uint64_t paddr_base; /* lowest p_paddr of a PT_LOAD segment */
	struct hv_image_header header;
};

/*
 * Checks that file (size bytes, 8-byte aligned) is an ELF64 x86-64
 * executable whose PT_LOAD segments lie inside the file and, placed at
 * p_paddr - paddr_base, inside header.image_size; and finds its
 * hv_image_header. Fills elf and returns NULL, or returns a one-line
 * description of the first problem found.
 */
const char *hv_elf_parse(const void *file, size_t size, struct hv_elf *elf);

/*
 * Writes the image into dest (elf->header.image_size bytes): each PT_LOAD
 * segment's file contents at p_paddr - paddr_base, zeros everywhere else.
 */
void hv_elf_copy(const struct hv_elf *elf, void *dest);

#endif
