/*
 * hv_elf_parse and hv_elf_copy on ELF64 images built in memory: a valid
 * image like the linker makes (several PT_LOAD segments, a .bss, the
 * hv_image_header a little way into the first segment, bytes after the last
 * segment), and every way its headers can lie. Every parse runs on a heap
 * copy of exactly the file's size, so a sanitizer build catches a read past
 * the end; every copy goes to a buffer with a guard area after image_size.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/efi/hv_elf.h"

#define SEG_MAX	   8
#define GUARD	   64
#define GUARD_BYTE 0xcc

struct seg {
	uint32_t type;
	uint64_t offset;
	uint64_t paddr;
	uint64_t filesz;
	uint64_t memsz;
};

/* An image under construction and what the test knows about it. */
struct img {
	uint8_t *file; /* exactly size bytes */
	size_t size;
	uint64_t phoff;
	unsigned nseg;
	struct seg seg[SEG_MAX];
	struct hv_image_header hdr; /* as written */
};

/* Never zero, so a zero in the copied image always comes from bss or gaps. */
static uint8_t file_byte(size_t off)
{
	return (uint8_t)(off * 131 % 255 + 1);
}

static void img_write_phdrs(struct img *im)
{
	for (unsigned i = 0; i < im->nseg; i++) {
		Elf64_Phdr ph = {
		    .p_type = im->seg[i].type,
		    .p_flags = PF_R,
		    .p_offset = im->seg[i].offset,
		    .p_vaddr = 0xffffffff80000000ull + im->seg[i].paddr,
		    .p_paddr = im->seg[i].paddr,
		    .p_filesz = im->seg[i].filesz,
		    .p_memsz = im->seg[i].memsz,
		    .p_align = 0x1000,
		};

		memcpy(im->file + im->phoff + i * sizeof(ph), &ph, sizeof(ph));
	}
}

static void img_write_ehdr(struct img *im)
{
	Elf64_Ehdr eh = {
	    .e_ident = {ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64,
			ELFDATA2LSB, EV_CURRENT},
	    .e_type = ET_EXEC,
	    .e_machine = EM_X86_64,
	    .e_version = EV_CURRENT,
	    .e_entry = 0xffffffff81000123ull,
	    .e_phoff = im->phoff,
	    .e_shoff = 0,
	    .e_ehsize = sizeof(Elf64_Ehdr),
	    .e_phentsize = sizeof(Elf64_Phdr),
	    .e_phnum = (uint16_t)im->nseg,
	};

	memcpy(im->file, &eh, sizeof(eh));
}

static void img_put_header(struct img *im, uint64_t file_off, uint64_t entry,
			   uint64_t image_size, uint64_t image_align)
{
	struct hv_image_header h = {HV_IMAGE_MAGIC, entry, image_size,
				    image_align};

	assert_true(file_off + sizeof(h) <= im->size);
	memcpy(im->file + file_off, &h, sizeof(h));
	im->hdr = h;
}

/* An image of size bytes holding the pattern, the ELF header and segs. */
static struct img *img_new(size_t size, uint64_t phoff, const struct seg *segs,
			   unsigned nseg)
{
	struct img *im = calloc(1, sizeof(*im));

	assert_non_null(im);
	assert_true(nseg <= SEG_MAX);
	im->file = malloc(size);
	assert_non_null(im->file);
	im->size = size;
	for (size_t i = 0; i < size; i++)
		im->file[i] = file_byte(i);
	im->phoff = phoff;
	im->nseg = nseg;
	memcpy(im->seg, segs, nseg * sizeof(*segs));
	img_write_ehdr(im);
	img_write_phdrs(im);
	return im;
}

static void img_free(struct img *im)
{
	free(im->file);
	free(im);
}

static Elf64_Ehdr *img_ehdr(struct img *im)
{
	return (Elf64_Ehdr *)im->file;
}

static Elf64_Phdr *img_phdr(struct img *im, unsigned i)
{
	return (Elf64_Phdr *)(im->file + im->phoff) + i;
}

/*
 * The image the tests start from, 0x5400 bytes:
 *   0x0000  ELF header; program headers at 0x40
 *   0x1000  text  -> paddr 0x1000000, 0x1800 bytes, hv_image_header at 0x1040
 *   0x3000  rodata-> paddr 0x1002000, 0x900 bytes
 *   0x4000  data  -> paddr 0x1003000, 0x234 bytes, then bss to 0x2800
 *   0x4234  bytes no segment covers (symbols, section headers)
 * with a PT_NOTE whose offsets are nonsense and a PT_GNU_STACK: both not
 * loaded. image_size 0x6000 leaves gaps between and after the segments.
 */
#define VALID_SIZE	  0x5400
#define VALID_LAST_LOADED 0x4234
#define VALID_HDR_OFF	  0x1040
#define VALID_ENTRY	  0x123
#define VALID_IMAGE_SIZE  0x6000
#define VALID_ALIGN	  0x200000

static const struct seg valid_segs[] = {
    {PT_LOAD, 0x1000, 0x1000000, 0x1800, 0x1800},
    {PT_NOTE, 0xdead0000, 0, 0x100000, 0x100000},
    {PT_LOAD, 0x3000, 0x1002000, 0x900, 0x900},
    {PT_LOAD, 0x4000, 0x1003000, 0x234, 0x2800},
    {PT_GNU_STACK, 0, 0, 0, 0},
};

static struct img *img_valid(void)
{
	struct img *im =
	    img_new(VALID_SIZE, 0x40, valid_segs, ARRAY_SIZE(valid_segs));

	img_put_header(im, VALID_HDR_OFF, VALID_ENTRY, VALID_IMAGE_SIZE,
		       VALID_ALIGN);
	return im;
}

/* Parses a heap copy of the first len bytes; *copy keeps it for the caller. */
static const char *parse_len(const struct img *im, size_t len,
			     struct hv_elf *elf, uint8_t **copy)
{
	const char *err;

	*copy = malloc(len ? len : 1);
	assert_non_null(*copy);
	memcpy(*copy, im->file, len);
	memset(elf, 0x5a, sizeof(*elf));
	err = hv_elf_parse(*copy, len, elf);
	return err;
}

static void expect_reject(const struct img *im, const char *msg)
{
	struct hv_elf elf;
	uint8_t *copy;
	const char *err = parse_len(im, im->size, &elf, &copy);

	free(copy);
	if (!err)
		fail_msg("accepted, want \"%s\"", msg);
	if (strcmp(err, msg) != 0)
		fail_msg("got \"%s\"\nwant \"%s\"", err, msg);
}

/*
 * What the loaded image must be, from the test's own record of the
 * segments: file bytes at p_paddr - base, zero everywhere else.
 */
static uint8_t *expected_image(const struct img *im, const uint8_t *file,
			       uint64_t base)
{
	uint8_t *want = calloc(1, im->hdr.image_size);

	assert_non_null(want);
	for (unsigned i = 0; i < im->nseg; i++) {
		const struct seg *s = &im->seg[i];

		if (s->type == PT_LOAD)
			memcpy(want + (s->paddr - base), file + s->offset,
			       s->filesz);
	}
	return want;
}

/* Parses the whole image, which must be accepted, and checks the copy. */
static void expect_accept_len(const struct img *im, size_t len, uint64_t base)
{
	struct hv_elf elf;
	uint8_t *copy, *dest, *want;
	const char *err = parse_len(im, len, &elf, &copy);

	if (err)
		fail_msg("rejected: %s", err);
	assert_ptr_equal(elf.file, copy);
	assert_int_equal(elf.file_size, len);
	assert_ptr_equal(elf.phdrs, copy + im->phoff);
	assert_int_equal(elf.phnum, im->nseg);
	assert_int_equal(elf.paddr_base, base);
	assert_memory_equal(&elf.header, &im->hdr, sizeof(im->hdr));

	dest = malloc(im->hdr.image_size + GUARD);
	assert_non_null(dest);
	memset(dest, GUARD_BYTE, im->hdr.image_size + GUARD);
	hv_elf_copy(&elf, dest);
	want = expected_image(im, copy, base);
	assert_memory_equal(dest, want, im->hdr.image_size);
	for (size_t i = 0; i < GUARD; i++)
		assert_int_equal(dest[im->hdr.image_size + i], GUARD_BYTE);
	free(want);
	free(dest);
	free(copy);
}

static void expect_accept(const struct img *im, uint64_t base)
{
	expect_accept_len(im, im->size, base);
}

static void test_valid(void **state)
{
	struct img *im = img_valid();
	struct hv_elf elf;
	uint8_t *copy, *dest;
	uint64_t magic;
	const char *err;

	expect_accept(im, 0x1000000);

	/* The same, spelled out for the parts a loader depends on. */
	err = parse_len(im, im->size, &elf, &copy);
	assert_null(err);
	assert_int_equal(elf.header.magic, HV_IMAGE_MAGIC);
	assert_int_equal(elf.header.entry64_offset, VALID_ENTRY);
	assert_int_equal(elf.header.image_size, VALID_IMAGE_SIZE);
	assert_int_equal(elf.header.image_align, VALID_ALIGN);
	dest = malloc(VALID_IMAGE_SIZE);
	assert_non_null(dest);
	memset(dest, GUARD_BYTE, VALID_IMAGE_SIZE);
	hv_elf_copy(&elf, dest);
	/* text */
	assert_memory_equal(dest, im->file + 0x1000, 0x1800);
	for (size_t i = 0x1800; i < 0x2000; i++)
		assert_int_equal(dest[i], 0);
	/* rodata */
	assert_memory_equal(dest + 0x2000, im->file + 0x3000, 0x900);
	for (size_t i = 0x2900; i < 0x3000; i++)
		assert_int_equal(dest[i], 0);
	/* data, bss, and the tail up to image_size */
	assert_memory_equal(dest + 0x3000, im->file + 0x4000, 0x234);
	for (size_t i = 0x3234; i < VALID_IMAGE_SIZE; i++)
		assert_int_equal(dest[i], 0);
	/* The header is part of the image, where the entry code expects it. */
	memcpy(&magic, dest + VALID_HDR_OFF - 0x1000, sizeof(magic));
	assert_int_equal(magic, HV_IMAGE_MAGIC);
	assert_int_equal(dest[VALID_ENTRY], file_byte(0x1000 + VALID_ENTRY));
	free(dest);
	free(copy);
	img_free(im);
}

/* Segments need not be sorted: the base is the lowest p_paddr of any. */
static void test_unsorted_segments(void **state)
{
	static const struct seg segs[] = {
	    {PT_LOAD, 0x800, 0x2003000, 0x400, 0x1000},
	    {PT_LOAD, 0x2000, 0x2000000, 0x1000, 0x1000},
	    {PT_LOAD, 0x1000, 0x2001800, 0x800, 0x800},
	};
	struct img *im = img_new(0x3000, 0x100, segs, ARRAY_SIZE(segs));

	img_put_header(im, 0x800, 0x3ff8, 0x4000, 0x1000);
	expect_accept(im, 0x2000000);
	img_free(im);
}

/* A segment may end exactly at the end of the file and of the image. */
static void test_exact_fit(void **state)
{
	static const struct seg segs[] = {
	    {PT_LOAD, 0x100, 0x100000, 0x200, 0x200},
	    {PT_LOAD, 0x300, 0x100200, 0x100, 0x600},
	};
	struct img *im = img_new(0x400, 0x40, segs, ARRAY_SIZE(segs));

	img_put_header(im, 0x100, 0, 0x800, 8);
	expect_accept(im, 0x100000);

	/* One more byte of bss goes past image_size. */
	img_phdr(im, 1)->p_memsz = 0x601;
	expect_reject(im, "a PT_LOAD segment ends beyond image_size");
	img_phdr(im, 1)->p_memsz = 0x600;

	/* One more byte of file contents goes past the file. */
	img_phdr(im, 1)->p_filesz = 0x101;
	expect_reject(im, "a PT_LOAD segment lies outside the file");
	img_free(im);
}

static void test_bad_ehdr(void **state)
{
	struct img *im = img_valid();
	Elf64_Ehdr *eh = img_ehdr(im), saved = *eh;

	eh->e_ident[EI_MAG0] = 0x7e;
	expect_reject(im, "not an ELF file");
	*eh = saved;
	eh->e_ident[EI_MAG3] = 'f';
	expect_reject(im, "not an ELF file");
	*eh = saved;
	eh->e_ident[EI_CLASS] = ELFCLASS32;
	expect_reject(im, "not a little-endian ELF64 file");
	*eh = saved;
	eh->e_ident[EI_CLASS] = ELFCLASSNONE;
	expect_reject(im, "not a little-endian ELF64 file");
	*eh = saved;
	eh->e_ident[EI_DATA] = ELFDATA2MSB;
	expect_reject(im, "not a little-endian ELF64 file");
	*eh = saved;
	eh->e_machine = EM_386;
	expect_reject(im, "not an x86-64 executable");
	*eh = saved;
	eh->e_machine = EM_AARCH64;
	expect_reject(im, "not an x86-64 executable");
	*eh = saved;
	eh->e_type = ET_DYN;
	expect_reject(im, "not an x86-64 executable");
	*eh = saved;
	eh->e_type = ET_REL;
	expect_reject(im, "not an x86-64 executable");
	*eh = saved;
	eh->e_phentsize = sizeof(Elf32_Phdr);
	expect_reject(im, "no program headers");
	*eh = saved;
	eh->e_phentsize = sizeof(Elf64_Phdr) + 8;
	expect_reject(im, "no program headers");
	*eh = saved;
	eh->e_phnum = 0;
	expect_reject(im, "no program headers");
	*eh = saved;
	expect_accept(im, 0x1000000);
	img_free(im);
}

static void test_phdrs_outside_file(void **state)
{
	struct img *im = img_valid();
	Elf64_Ehdr *eh = img_ehdr(im), saved = *eh;
	const char *msg = "program headers outside the file";

	/* The table's last entry one byte past the end. */
	eh->e_phoff = VALID_SIZE - 5 * sizeof(Elf64_Phdr) + 8;
	expect_reject(im, msg);
	/* Ending exactly at the end is fine as far as the table goes. */
	eh->e_phoff = VALID_SIZE - 5 * sizeof(Elf64_Phdr);
	memcpy(im->file + eh->e_phoff, im->file + 0x40, 5 * sizeof(Elf64_Phdr));
	im->phoff = eh->e_phoff;
	expect_accept(im, 0x1000000);
	im->phoff = 0x40;
	*eh = saved;

	eh->e_phoff = VALID_SIZE;
	expect_reject(im, msg);
	eh->e_phoff = UINT64_MAX - 7;
	expect_reject(im, msg);
	eh->e_phoff = 1ull << 63;
	expect_reject(im, msg);
	*eh = saved;
	eh->e_phnum = 0xffff;
	expect_reject(im, msg);
	*eh = saved;
	eh->e_phoff = 0x44; /* inside the file, not 8-byte aligned */
	expect_reject(im, msg);
	img_free(im);
}

static void test_segment_outside_file(void **state)
{
	struct img *im = img_valid();
	Elf64_Phdr *data = img_phdr(im, 3), saved = *data;
	const char *msg = "a PT_LOAD segment lies outside the file";

	data->p_offset = VALID_SIZE - 0x233;
	expect_reject(im, msg);
	data->p_offset = VALID_SIZE + 1;
	data->p_filesz = 0;
	data->p_memsz = 0;
	expect_reject(im, msg);
	*data = saved;
	/* offset + filesz wraps around to a small number */
	data->p_offset = UINT64_MAX - 0x100;
	expect_reject(im, msg);
	*data = saved;
	data->p_filesz = UINT64_MAX;
	data->p_memsz = UINT64_MAX;
	expect_reject(im, msg);
	*data = saved;
	/* the first segment, which holds the header */
	img_phdr(im, 0)->p_filesz = VALID_SIZE;
	img_phdr(im, 0)->p_memsz = VALID_SIZE;
	expect_reject(im, msg);
	img_free(im);
}

static void test_filesz_above_memsz(void **state)
{
	struct img *im = img_valid();

	img_phdr(im, 2)->p_memsz = 0x8ff;
	expect_reject(im, "a PT_LOAD segment has p_filesz > p_memsz");
	img_phdr(im, 2)->p_memsz = 0;
	expect_reject(im, "a PT_LOAD segment has p_filesz > p_memsz");
	img_free(im);
}

static void test_segment_outside_image(void **state)
{
	struct img *im = img_valid();
	Elf64_Phdr *data = img_phdr(im, 3), saved = *data;
	const char *msg = "a PT_LOAD segment ends beyond image_size";

	data->p_memsz = VALID_IMAGE_SIZE - 0x3000 + 1;
	expect_reject(im, msg);
	data->p_memsz = VALID_IMAGE_SIZE - 0x3000;
	im->seg[3].memsz = data->p_memsz;
	expect_accept(im, 0x1000000);
	*data = saved;
	im->seg[3] = valid_segs[3];

	/* Empty at the very end is inside; one byte of bss there is not. */
	data->p_paddr = 0x1000000 + VALID_IMAGE_SIZE;
	data->p_filesz = 0;
	data->p_memsz = 0;
	im->seg[3] = (struct seg){PT_LOAD, 0x4000, data->p_paddr, 0, 0};
	expect_accept(im, 0x1000000);
	data->p_memsz = 1;
	expect_reject(im, msg);
	*data = saved;
	im->seg[3] = valid_segs[3];
	/* p_memsz large enough to wrap around */
	data->p_memsz = UINT64_MAX - 0x1000;
	expect_reject(im, msg);
	*data = saved;
	/* A far-away segment moves the base: the first one then falls out. */
	data->p_paddr = 0x100000;
	expect_reject(im, msg);
	*data = saved;
	/* An image_size smaller than the segments' extent. */
	img_put_header(im, VALID_HDR_OFF, VALID_ENTRY, 0x5000, VALID_ALIGN);
	expect_reject(im, msg);
	img_free(im);
}

static void test_no_load_segment(void **state)
{
	struct img *im = img_valid();

	img_phdr(im, 0)->p_type = PT_NULL;
	img_phdr(im, 2)->p_type = PT_DYNAMIC;
	img_phdr(im, 3)->p_type = PT_GNU_RELRO;
	expect_reject(im, "no PT_LOAD segment");
	img_free(im);
}

/* Segments other than PT_LOAD are never looked at. */
static void test_other_segments_ignored(void **state)
{
	struct img *im = img_valid();

	img_phdr(im, 1)->p_offset = UINT64_MAX;
	img_phdr(im, 1)->p_filesz = UINT64_MAX;
	img_phdr(im, 1)->p_memsz = 1;
	img_phdr(im, 1)->p_paddr = 0;
	img_phdr(im, 4)->p_type = PT_TLS;
	img_phdr(im, 4)->p_paddr = 1;
	expect_accept(im, 0x1000000);
	img_free(im);
}

static void test_header_missing(void **state)
{
	struct img *im = img_valid();
	const char *msg = "no hv_image_header in the first segment";

	/* Magic one byte off. */
	im->file[VALID_HDR_OFF] ^= 1;
	expect_reject(im, msg);
	im->file[VALID_HDR_OFF] ^= 1;
	expect_accept(im, 0x1000000);

	/* Only 4-byte aligned. */
	memmove(im->file + VALID_HDR_OFF + 4, im->file + VALID_HDR_OFF, 32);
	memset(im->file + VALID_HDR_OFF, 0, 4);
	expect_reject(im, msg);
	img_free(im);

	/* In the second PT_LOAD segment only. */
	im = img_valid();
	memset(im->file + VALID_HDR_OFF, 0, 8);
	img_put_header(im, 0x3040, VALID_ENTRY, VALID_IMAGE_SIZE, VALID_ALIGN);
	expect_reject(im, msg);
	img_free(im);

	/* In the file right before the first segment, not inside it. */
	im = img_valid();
	memset(im->file + VALID_HDR_OFF, 0, 8);
	img_put_header(im, 0x1000 - 32, VALID_ENTRY, VALID_IMAGE_SIZE,
		       VALID_ALIGN);
	expect_reject(im, msg);
	img_free(im);

	/* Magic in the last 8 bytes of the segment: the rest is past it. */
	im = img_valid();
	memset(im->file + VALID_HDR_OFF, 0, 8);
	img_put_header(im, 0x1000 + 0x1800 - 8, VALID_ENTRY, VALID_IMAGE_SIZE,
		       VALID_ALIGN);
	expect_reject(im, msg);
	/* ... and the segment made one header long from there is fine. */
	img_phdr(im, 0)->p_filesz += 24;
	img_phdr(im, 0)->p_memsz += 24;
	im->seg[0].filesz += 24;
	im->seg[0].memsz += 24;
	expect_accept(im, 0x1000000);
	img_free(im);
}

/* The first segment with a filesz beyond the search window. */
static struct img *img_big_first(uint64_t hdr_seg_off)
{
	static const struct seg segs[] = {
	    {PT_LOAD, 0x1000, 0x400000, 0x9000, 0x9000},
	    {PT_LOAD, 0xa000, 0x409000, 0x10, 0x1000},
	};
	struct img *im = img_new(0xa010, 0x40, segs, ARRAY_SIZE(segs));

	img_put_header(im, 0x1000 + hdr_seg_off, 0x10, 0xa000, 0x1000);
	return im;
}

static void test_header_search_window(void **state)
{
	const char *msg = "no hv_image_header in the first segment";
	struct img *im;

	assert_int_equal(HV_IMAGE_HEADER_SEARCH, 0x8000);
	im = img_big_first(0);
	expect_accept(im, 0x400000);
	img_free(im);
	im = img_big_first(0x8000 - 32);
	expect_accept(im, 0x400000);
	img_free(im);
	/* Magic inside the window, the header's end beyond it. */
	im = img_big_first(0x8000 - 24);
	expect_reject(im, msg);
	img_free(im);
	im = img_big_first(0x8000);
	expect_reject(im, msg);
	img_free(im);
	im = img_big_first(0x8ff0 - 16);
	expect_reject(im, msg);
	img_free(im);
}

/* The first magic found is the header, even if a later one differs. */
static void test_first_header_wins(void **state)
{
	struct img *im = img_valid();
	struct hv_image_header first = im->hdr;

	img_put_header(im, VALID_HDR_OFF + 0x100, 0x200, VALID_IMAGE_SIZE,
		       VALID_ALIGN);
	im->hdr = first;
	expect_accept(im, 0x1000000);

	img_put_header(im, VALID_HDR_OFF - 0x20, VALID_ENTRY, 0, VALID_ALIGN);
	expect_reject(im, "image header: bad image_size");
	img_free(im);
}

static void test_header_values(void **state)
{
	struct img *im = img_valid();

	img_put_header(im, VALID_HDR_OFF, 0, 0, VALID_ALIGN);
	expect_reject(im, "image header: bad image_size");
	img_put_header(im, VALID_HDR_OFF, 0, HV_ELF_IMAGE_SIZE_MAX + 1,
		       VALID_ALIGN);
	expect_reject(im, "image header: bad image_size");
	img_put_header(im, VALID_HDR_OFF, 0, UINT64_MAX, VALID_ALIGN);
	expect_reject(im, "image header: bad image_size");

	img_put_header(im, VALID_HDR_OFF, 0, VALID_IMAGE_SIZE, 0);
	expect_reject(im, "image header: image_align is not a power of two");
	img_put_header(im, VALID_HDR_OFF, 0, VALID_IMAGE_SIZE, 0x3000);
	expect_reject(im, "image header: image_align is not a power of two");
	img_put_header(im, VALID_HDR_OFF, 0, VALID_IMAGE_SIZE,
		       HV_ELF_IMAGE_ALIGN_MAX << 1);
	expect_reject(im, "image header: image_align is not a power of two");
	img_put_header(im, VALID_HDR_OFF, 0, VALID_IMAGE_SIZE, 1ull << 63);
	expect_reject(im, "image header: image_align is not a power of two");
	img_put_header(im, VALID_HDR_OFF, 0, VALID_IMAGE_SIZE,
		       HV_ELF_IMAGE_ALIGN_MAX);
	expect_accept(im, 0x1000000);
	img_put_header(im, VALID_HDR_OFF, 0, VALID_IMAGE_SIZE, 1);
	expect_accept(im, 0x1000000);

	img_put_header(im, VALID_HDR_OFF, VALID_IMAGE_SIZE, VALID_IMAGE_SIZE,
		       VALID_ALIGN);
	expect_reject(im, "image header: entry64_offset outside the image");
	img_put_header(im, VALID_HDR_OFF, UINT64_MAX, VALID_IMAGE_SIZE,
		       VALID_ALIGN);
	expect_reject(im, "image header: entry64_offset outside the image");
	img_put_header(im, VALID_HDR_OFF, VALID_IMAGE_SIZE - 1,
		       VALID_IMAGE_SIZE, VALID_ALIGN);
	expect_accept(im, 0x1000000);
	img_free(im);
}

/*
 * Every prefix of the valid image: rejected while a segment's file
 * contents are cut, accepted (with the same copy) once only bytes after the
 * last segment are missing.
 */
static void test_truncated(void **state)
{
	struct img *im = img_valid();
	unsigned rejected = 0;

	for (size_t len = 0; len <= VALID_SIZE; len++) {
		struct hv_elf elf;
		uint8_t *copy;
		const char *err = parse_len(im, len, &elf, &copy);

		free(copy);
		if (len < VALID_LAST_LOADED) {
			if (!err)
				fail_msg("accepted at %zu bytes", len);
			rejected++;
		} else {
			expect_accept_len(im, len, 0x1000000);
		}
	}
	assert_int_equal(rejected, VALID_LAST_LOADED);
	img_free(im);
}

/* xorshift64*: the mutants are the same on every run. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static uint64_t interesting(uint64_t orig, size_t file_size)
{
	switch (rng() % 12) {
	case 0:
		return 0;
	case 1:
		return 1;
	case 2:
		return file_size;
	case 3:
		return file_size - 1 - rng() % 64;
	case 4:
		return UINT64_MAX - rng() % 64;
	case 5:
		return 1ull << (rng() % 64);
	case 6:
		return orig + rng() % 0x2000;
	case 7:
		return orig - rng() % 0x2000;
	case 8:
		return orig ^ (1ull << (rng() % 64));
	case 9:
		return rng() % 0x10000;
	case 10:
		return HV_ELF_IMAGE_SIZE_MAX - rng() % 0x1000;
	default:
		return rng();
	}
}

static void mutate_field(uint8_t *file, size_t off, size_t width,
			 size_t file_size)
{
	uint64_t v = 0;

	memcpy(&v, file + off, width);
	v = interesting(v, file_size);
	memcpy(file + off, &v, width);
}

static void mutate(uint8_t *file, size_t size)
{
	static const size_t phdr_fields[][2] = {
	    {offsetof(Elf64_Phdr, p_type), 4},
	    {offsetof(Elf64_Phdr, p_offset), 8},
	    {offsetof(Elf64_Phdr, p_paddr), 8},
	    {offsetof(Elf64_Phdr, p_filesz), 8},
	    {offsetof(Elf64_Phdr, p_memsz), 8},
	};
	static const size_t ehdr_fields[][2] = {
	    {offsetof(Elf64_Ehdr, e_phoff), 8},
	    {offsetof(Elf64_Ehdr, e_phnum), 2},
	    {offsetof(Elf64_Ehdr, e_phentsize), 2},
	    {offsetof(Elf64_Ehdr, e_type), 2},
	    {offsetof(Elf64_Ehdr, e_machine), 2},
	};
	size_t phdrs_end = 0x40 + ARRAY_SIZE(valid_segs) * sizeof(Elf64_Phdr);
	unsigned n = 1 + rng() % 3;

	while (n--) {
		size_t off;

		switch (rng() % 6) {
		case 0: /* any bit of the ELF and program headers */
			off = rng() % phdrs_end;
			file[off] ^= 1u << (rng() % 8);
			break;
		case 1:
		case 2: {
			const size_t *f = phdr_fields[rng() % 5];

			off = 0x40 + (rng() % ARRAY_SIZE(valid_segs)) *
					 sizeof(Elf64_Phdr);
			mutate_field(file, off + f[0], f[1], size);
			break;
		}
		case 3: {
			const size_t *f = ehdr_fields[rng() % 5];

			mutate_field(file, f[0], f[1], size);
			break;
		}
		case 4: /* the image header's fields, magic included */
			off = VALID_HDR_OFF + 8 * (rng() % 4);
			mutate_field(file, off, 8, size);
			break;
		default: /* any bit near the image header */
			off = VALID_HDR_OFF - 16 + rng() % 64;
			file[off] ^= 1u << (rng() % 8);
			break;
		}
	}
}

/*
 * What an accepted image must satisfy, checked with 128-bit arithmetic that
 * cannot wrap: headers and every PT_LOAD's file range inside the file, its
 * placement inside image_size, and a sane header.
 */
static void check_accepted(const uint8_t *file, size_t size,
			   const struct hv_elf *elf)
{
	typedef unsigned __int128 u128;
	Elf64_Ehdr eh;
	uint64_t base = UINT64_MAX;
	const Elf64_Phdr *ph;

	assert_true(size >= sizeof(eh));
	memcpy(&eh, file, sizeof(eh));
	assert_int_equal(eh.e_ident[EI_CLASS], ELFCLASS64);
	assert_int_equal(eh.e_machine, EM_X86_64);
	assert_int_equal(eh.e_type, ET_EXEC);
	assert_int_equal(eh.e_phentsize, sizeof(Elf64_Phdr));
	assert_true((u128)eh.e_phoff + (u128)eh.e_phnum * sizeof(*ph) <= size);
	assert_ptr_equal(elf->phdrs, file + eh.e_phoff);
	assert_int_equal(elf->phnum, eh.e_phnum);
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		ph = (const Elf64_Phdr *)(file + eh.e_phoff) + i;
		if (ph->p_type != PT_LOAD)
			continue;
		assert_true((u128)ph->p_offset + ph->p_filesz <= size);
		assert_true(ph->p_filesz <= ph->p_memsz);
		base = MIN(base, ph->p_paddr);
	}
	assert_int_equal(elf->paddr_base, base);
	assert_int_equal(elf->header.magic, HV_IMAGE_MAGIC);
	assert_true(elf->header.image_size > 0);
	assert_true(elf->header.image_size <= HV_ELF_IMAGE_SIZE_MAX);
	assert_true(elf->header.entry64_offset < elf->header.image_size);
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		ph = (const Elf64_Phdr *)(file + eh.e_phoff) + i;
		if (ph->p_type == PT_LOAD)
			assert_true((u128)(ph->p_paddr - base) + ph->p_memsz <=
				    elf->header.image_size);
	}
}

/* Copies an accepted mutant into an exactly sized buffer and checks it. */
static void check_copy(const uint8_t *file, const struct hv_elf *elf)
{
	uint64_t size = elf->header.image_size;
	uint8_t *dest = malloc(size), *want = calloc(1, size);

	assert_non_null(dest);
	assert_non_null(want);
	memset(dest, GUARD_BYTE, size);
	for (unsigned i = 0; i < elf->phnum; i++) {
		const Elf64_Phdr *ph = &elf->phdrs[i];

		if (ph->p_type == PT_LOAD)
			memcpy(want + (ph->p_paddr - elf->paddr_base),
			       file + ph->p_offset, ph->p_filesz);
	}
	hv_elf_copy(elf, dest);
	assert_memory_equal(dest, want, size);
	free(want);
	free(dest);
}

#define MUTANTS	 50000
#define COPY_MAX (4u << 20)

static void test_mutations(void **state)
{
	struct img *im = img_valid();
	unsigned accepted = 0, copied = 0;

	for (unsigned i = 0; i < MUTANTS; i++) {
		size_t size = VALID_SIZE;
		uint8_t *file = malloc(VALID_SIZE);
		struct hv_elf elf;

		assert_non_null(file);
		memcpy(file, im->file, VALID_SIZE);
		mutate(file, VALID_SIZE);
		if (rng() % 8 == 0) {
			size = rng() % VALID_SIZE;
			file = realloc(file, size ? size : 1);
			assert_non_null(file);
		}
		if (!hv_elf_parse(file, size, &elf)) {
			check_accepted(file, size, &elf);
			accepted++;
			if (elf.header.image_size <= COPY_MAX) {
				check_copy(file, &elf);
				copied++;
			}
		}
		free(file);
	}
	/* Both outcomes are well represented, so the loop tests something. */
	assert_in_range(accepted, MUTANTS / 10, MUTANTS - MUTANTS / 10);
	assert_true(copied > MUTANTS / 20);
	print_message("%u of %u mutants accepted, %u copied\n", accepted,
		      MUTANTS, copied);
	img_free(im);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_valid),
	    cmocka_unit_test(test_unsorted_segments),
	    cmocka_unit_test(test_exact_fit),
	    cmocka_unit_test(test_bad_ehdr),
	    cmocka_unit_test(test_phdrs_outside_file),
	    cmocka_unit_test(test_segment_outside_file),
	    cmocka_unit_test(test_filesz_above_memsz),
	    cmocka_unit_test(test_segment_outside_image),
	    cmocka_unit_test(test_no_load_segment),
	    cmocka_unit_test(test_other_segments_ignored),
	    cmocka_unit_test(test_header_missing),
	    cmocka_unit_test(test_header_search_window),
	    cmocka_unit_test(test_first_header_wins),
	    cmocka_unit_test(test_header_values),
	    cmocka_unit_test(test_truncated),
	    cmocka_unit_test(test_mutations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
