/* Validation and placement of the hypervisor ELF image. */
#include "boot/efi/hv_elf.h"

static bool is_pow2(uint64_t x)
{
	return x && !(x & (x - 1));
}

/* True when [off, off + len) lies inside [0, size), without overflow. */
static bool range_inside(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

static const char *check_ehdr(const Elf64_Ehdr *eh, size_t size)
{
	if (size < sizeof(*eh) || eh->e_ident[EI_MAG0] != ELFMAG0 ||
	    eh->e_ident[EI_MAG1] != ELFMAG1 ||
	    eh->e_ident[EI_MAG2] != ELFMAG2 || eh->e_ident[EI_MAG3] != ELFMAG3)
		return "not an ELF file";
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return "not a little-endian ELF64 file";
	if (eh->e_machine != EM_X86_64 || eh->e_type != ET_EXEC)
		return "not an x86-64 executable";
	if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0)
		return "no program headers";
	if (!range_inside(eh->e_phoff,
			  (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr), size) ||
	    !IS_ALIGNED(eh->e_phoff, 8))
		return "program headers outside the file";
	return NULL;
}

/*
 * Looks for HV_IMAGE_MAGIC at 8-byte aligned offsets in the first
 * HV_IMAGE_HEADER_SEARCH bytes of the segment's file contents.
 */
static bool find_header(const struct hv_elf *elf, const Elf64_Phdr *ph,
			struct hv_image_header *hdr)
{
	uint64_t limit = MIN(ph->p_filesz, (uint64_t)HV_IMAGE_HEADER_SEARCH);
	const uint8_t *seg = elf->file + ph->p_offset;
	uint64_t off, magic;

	for (off = 0; off + sizeof(*hdr) <= limit; off += 8) {
		__builtin_memcpy(&magic, seg + off, sizeof(magic));
		if (magic == HV_IMAGE_MAGIC) {
			__builtin_memcpy(hdr, seg + off, sizeof(*hdr));
			return true;
		}
	}
	return false;
}

static const char *check_header(const struct hv_image_header *hdr)
{
	if (!hdr->image_size || hdr->image_size > HV_ELF_IMAGE_SIZE_MAX)
		return "image header: bad image_size";
	if (!is_pow2(hdr->image_align) ||
	    hdr->image_align > HV_ELF_IMAGE_ALIGN_MAX)
		return "image header: image_align is not a power of two";
	if (hdr->entry64_offset >= hdr->image_size)
		return "image header: entry64_offset outside the image";
	return NULL;
}

const char *hv_elf_parse(const void *file, size_t size, struct hv_elf *elf)
{
	const Elf64_Ehdr *eh = file;
	const Elf64_Phdr *ph, *first = NULL;
	const char *err;
	unsigned int i;

	err = check_ehdr(eh, size);
	if (err)
		return err;
	elf->file = file;
	elf->file_size = size;
	elf->phdrs = (const Elf64_Phdr *)(elf->file + eh->e_phoff);
	elf->phnum = eh->e_phnum;
	elf->paddr_base = UINT64_MAX;

	for (i = 0; i < elf->phnum; i++) {
		ph = &elf->phdrs[i];
		if (ph->p_type != PT_LOAD)
			continue;
		if (ph->p_filesz > ph->p_memsz)
			return "a PT_LOAD segment has p_filesz > p_memsz";
		if (!range_inside(ph->p_offset, ph->p_filesz, size))
			return "a PT_LOAD segment lies outside the file";
		if (!first)
			first = ph;
		elf->paddr_base = MIN(elf->paddr_base, ph->p_paddr);
	}
	if (!first)
		return "no PT_LOAD segment";

	if (!find_header(elf, first, &elf->header))
		return "no hv_image_header in the first segment";
	err = check_header(&elf->header);
	if (err)
		return err;

	for (i = 0; i < elf->phnum; i++) {
		ph = &elf->phdrs[i];
		if (ph->p_type == PT_LOAD &&
		    !range_inside(ph->p_paddr - elf->paddr_base, ph->p_memsz,
				  elf->header.image_size))
			return "a PT_LOAD segment ends beyond image_size";
	}
	return NULL;
}

void hv_elf_copy(const struct hv_elf *elf, void *dest)
{
	uint8_t *image = dest;
	const Elf64_Phdr *ph;
	unsigned int i;
	uint8_t *to;

	__builtin_memset(image, 0, elf->header.image_size);
	for (i = 0; i < elf->phnum; i++) {
		ph = &elf->phdrs[i];
		if (ph->p_type != PT_LOAD)
			continue;
		to = image + (ph->p_paddr - elf->paddr_base);
		__builtin_memcpy(to, elf->file + ph->p_offset, ph->p_filesz);
	}
}
