/*
 * mb2_parse on Multiboot2 information structures built byte by byte: what
 * GRUB hands over on BIOS and on UEFI, and every way a structure can be
 * broken. Each parse runs on a heap copy of exactly total_size bytes, so a
 * sanitizer build catches any read past the end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/efi_memtype.h"
#include "boot/mb2_parse.h"
#include "boot/multiboot2.h"

#define MBI_CAP (1u << 20)

struct mbi {
	uint8_t *buf; /* MBI_CAP bytes, 8-aligned */
	uint32_t len;
};

static struct mbi *mbi_new(void)
{
	struct mbi *m = calloc(1, sizeof(*m));

	assert_non_null(m);
	m->buf = aligned_alloc(8, MBI_CAP);
	assert_non_null(m->buf);
	memset(m->buf, 0, MBI_CAP);
	m->len = sizeof(struct mb2_info_header);
	return m;
}

static void mbi_free(struct mbi *m)
{
	free(m->buf);
	free(m);
}

static void put32(struct mbi *m, uint32_t off, uint32_t v)
{
	memcpy(m->buf + off, &v, sizeof(v));
}

/* Appends a tag with the given payload; returns its offset. */
static uint32_t mbi_tag(struct mbi *m, uint32_t type, const void *payload,
			uint32_t plen)
{
	uint32_t off = m->len;
	struct mb2_tag tag = {.type = type, .size = 8 + plen};

	assert_true(off + 8 + plen <= MBI_CAP);
	memcpy(m->buf + off, &tag, sizeof(tag));
	if (plen)
		memcpy(m->buf + off + 8, payload, plen);
	m->len = ALIGN_UP(off + 8 + plen, 8);
	return off;
}

static uint32_t mbi_string(struct mbi *m, uint32_t type, const char *s)
{
	return mbi_tag(m, type, s, strlen(s) + 1);
}

static uint32_t mbi_module(struct mbi *m, uint32_t start, uint32_t end,
			   const char *cmdline)
{
	uint8_t p[256];
	size_t n = strlen(cmdline) + 1;

	memcpy(p, &start, 4);
	memcpy(p + 4, &end, 4);
	memcpy(p + 8, cmdline, n);
	return mbi_tag(m, MB2_TAG_MODULE, p, 8 + n);
}

static uint32_t mbi_mmap(struct mbi *m, uint32_t entry_size,
			 const struct mb2_mmap_entry *e, uint32_t n)
{
	uint32_t plen = 8 + entry_size * n;
	uint8_t *p = calloc(1, plen);
	uint32_t off;

	memcpy(p, &entry_size, 4);
	for (uint32_t i = 0; i < n; i++)
		memcpy(p + 8 + i * entry_size, &e[i], sizeof(e[i]));
	off = mbi_tag(m, MB2_TAG_MMAP, p, plen);
	free(p);
	return off;
}

static uint32_t mbi_efi_mmap(struct mbi *m, uint32_t descr_size,
			     const struct mb2_efi_memory_descriptor *d,
			     uint32_t n)
{
	uint32_t plen = 8 + descr_size * n, vers = 1;
	uint8_t *p = calloc(1, plen);
	uint32_t off;

	memcpy(p, &descr_size, 4);
	memcpy(p + 4, &vers, 4);
	for (uint32_t i = 0; i < n; i++)
		memcpy(p + 8 + i * descr_size, &d[i], sizeof(d[i]));
	off = mbi_tag(m, MB2_TAG_EFI_MMAP, p, plen);
	free(p);
	return off;
}

static void mbi_end(struct mbi *m)
{
	mbi_tag(m, MB2_TAG_END, NULL, 0);
	put32(m, 0, m->len);
}

struct result {
	int ret;
	unsigned dropped;
	char err[160];
	struct boot_info bi;
};

/*
 * Parses a heap copy of exactly total_size bytes (what the caller of
 * mb2_parse guarantees to be readable), zero-filled past what was built;
 * only the 8-byte header when total_size is beyond any sane size.
 */
static int parse(const struct mbi *m, struct result *r)
{
	uint32_t total;
	size_t n;
	uint8_t *copy;

	memcpy(&total, m->buf, 4);
	n = total < 8 || total > MB2_INFO_MAX_SIZE ? 8 : total;
	copy = calloc(1, n);
	assert_non_null(copy);
	memcpy(copy, m->buf, n < m->len ? n : m->len);
	memset(r, 0x5a, sizeof(*r));
	r->ret = mb2_parse(copy, &r->bi, r->err, sizeof(r->err), &r->dropped);
	free(copy);
	return r->ret;
}

static void expect_error(const struct mbi *m, int code, const char *msg)
{
	struct result *r = malloc(sizeof(*r));

	if (parse(m, r) != code)
		fail_msg("got %d (%s), want %d", r->ret, r->err, code);
	if (msg && strcmp(r->err, msg) != 0)
		fail_msg("got \"%s\"\nwant \"%s\"", r->err, msg);
	assert_true(r->err[0] != '\0');
	free(r);
}

static const struct mb2_mmap_entry bios_map[] = {
    {0x0, 0x9fc00, MB2_MEMORY_AVAILABLE, 0},
    {0x9fc00, 0x400, MB2_MEMORY_RESERVED, 0},
    {0xf0000, 0x10000, MB2_MEMORY_RESERVED, 0},
    {0x100000, 0x7ee0000, MB2_MEMORY_AVAILABLE, 0},
    {0x7fe0000, 0x10000, MB2_MEMORY_ACPI_RECLAIMABLE, 0},
    {0x7ff0000, 0x10000, MB2_MEMORY_NVS, 0},
    {0x100000000, 0x1000, MB2_MEMORY_BADRAM, 0},
    {0xfffc0000, 0x40000, 7, 0},
};

static const uint32_t bios_map_types[] = {
    MEM_USABLE,	      MEM_RESERVED, MEM_RESERVED, MEM_USABLE,
    MEM_ACPI_RECLAIM, MEM_ACPI_NVS, MEM_BAD,	  MEM_RESERVED,
};

static void rsdp_bytes(uint8_t *p, size_t n, uint8_t revision)
{
	memset(p, 0, n);
	memcpy(p, "RSD PTR ", 8);
	for (size_t i = 8; i < n; i++)
		p[i] = (uint8_t)(i * 7);
	p[15] = revision;
}

/* What GRUB gives on a PC BIOS with a text console and two modules. */
static struct mbi *build_bios(void)
{
	struct mbi *m = mbi_new();
	uint8_t rsdp[20], fb[24] = {0};
	uint32_t meminfo[2] = {639, 130048}, bootdev[3] = {0x80, ~0u, ~0u};
	uint64_t fb_addr = 0xb8000;
	uint32_t fb_dims[3] = {160, 80, 25}, load_base = 0x200000;

	mbi_string(m, MB2_TAG_CMDLINE, "console=ttyS0 loglevel=debug");
	mbi_string(m, MB2_TAG_BOOT_LOADER_NAME, "GRUB 2.06-13+deb12u1");
	mbi_module(m, 0x1000000, 0x1234567, "guest.bin root=/dev/vda");
	mbi_module(m, 0x2000000, 0x2000000, "");
	mbi_tag(m, MB2_TAG_BASIC_MEMINFO, meminfo, sizeof(meminfo));
	mbi_tag(m, MB2_TAG_BOOTDEV, bootdev, sizeof(bootdev));
	mbi_mmap(m, 24, bios_map, ARRAY_SIZE(bios_map));
	memcpy(fb, &fb_addr, 8);
	memcpy(fb + 8, fb_dims, 12);
	fb[20] = 16;
	fb[21] = MB2_FRAMEBUFFER_EGA_TEXT;
	mbi_tag(m, MB2_TAG_FRAMEBUFFER, fb, sizeof(fb));
	rsdp_bytes(rsdp, sizeof(rsdp), 0);
	mbi_tag(m, MB2_TAG_ACPI_OLD, rsdp, sizeof(rsdp));
	mbi_tag(m, MB2_TAG_LOAD_BASE_ADDR, &load_base, 4);
	mbi_end(m);
	return m;
}

static void test_bios(void **state)
{
	struct mbi *m = build_bios();
	struct result *r = malloc(sizeof(*r));
	uint8_t rsdp[20];

	assert_int_equal(parse(m, r), MB2_OK);
	assert_string_equal(r->err, "");
	assert_int_equal(r->dropped, 0);
	assert_int_equal(r->bi.method, BOOT_METHOD_MULTIBOOT2);
	assert_string_equal(r->bi.cmdline, "console=ttyS0 loglevel=debug");
	assert_string_equal(r->bi.loader_name, "GRUB 2.06-13+deb12u1");

	assert_false(r->bi.memmap_is_efi);
	assert_int_equal(r->bi.memmap_count, ARRAY_SIZE(bios_map));
	for (size_t i = 0; i < ARRAY_SIZE(bios_map); i++) {
		assert_int_equal(r->bi.memmap[i].base, bios_map[i].base_addr);
		assert_int_equal(r->bi.memmap[i].length, bios_map[i].length);
		assert_int_equal(r->bi.memmap[i].type, bios_map_types[i]);
	}

	assert_int_equal(r->bi.module_count, 2);
	assert_int_equal(r->bi.modules[0].start, 0x1000000);
	assert_int_equal(r->bi.modules[0].end, 0x1234567);
	assert_string_equal(r->bi.modules[0].cmdline,
			    "guest.bin root=/dev/vda");
	assert_int_equal(r->bi.modules[1].start, 0x2000000);
	assert_int_equal(r->bi.modules[1].end, 0x2000000);
	assert_string_equal(r->bi.modules[1].cmdline, "");

	assert_int_equal(r->bi.fb.type, BOOT_FB_EGA_TEXT);
	assert_int_equal(r->bi.fb.addr, 0xb8000);
	assert_int_equal(r->bi.fb.pitch, 160);
	assert_int_equal(r->bi.fb.width, 80);
	assert_int_equal(r->bi.fb.height, 25);
	assert_int_equal(r->bi.fb.bpp, 16);

	rsdp_bytes(rsdp, sizeof(rsdp), 0);
	assert_true(r->bi.has_rsdp);
	assert_int_equal(r->bi.rsdp_revision, 0);
	assert_memory_equal(r->bi.rsdp, rsdp, sizeof(rsdp));
	for (size_t i = sizeof(rsdp); i < BOOT_RSDP_MAX; i++)
		assert_int_equal(r->bi.rsdp[i], 0);

	assert_int_equal(r->bi.efi_system_table, 0);
	assert_int_equal(r->bi.image_start, 0);
	free(r);
	mbi_free(m);
}

static const struct mb2_efi_memory_descriptor uefi_map[] = {
    {EFI_BOOT_SERVICES_CODE, 0, 0x0, 0, 0xa0, 0xf},
    {EFI_CONVENTIONAL_MEMORY, 0, 0x100000, 0, 0x700, 0xf},
    {EFI_LOADER_DATA, 0, 0x800000, 0, 0x10, 0xf},
    {EFI_ACPI_RECLAIM_MEMORY, 0, 0x900000, 0, 0x4, 0xf},
    {EFI_ACPI_MEMORY_NVS, 0, 0x904000, 0, 0x8, 0xf},
    {EFI_RUNTIME_SERVICES_DATA, 0, 0x7f000000, 0, 0x100, 0x800000000000000f},
    {EFI_MEMORY_MAPPED_IO, 0, 0xffc00000, 0, 0x400, 0x1},
    {EFI_UNUSABLE_MEMORY, 0, 0x100000000, 0, 1, 0xf},
    {0x70000000, 0, 0x200000000, 0, 2, 0}, /* OEM type */
};

/* uefi_map as the hypervisor sees it: the conventional memory and the
 * loader data after it are both usable RAM, one range. */
static const struct mem_range uefi_map_ranges[] = {
    {0x0, 0xa0000, MEM_USABLE},
    {0x100000, 0x710000, MEM_USABLE},
    {0x900000, 0x4000, MEM_ACPI_RECLAIM},
    {0x904000, 0x8000, MEM_ACPI_NVS},
    {0x7f000000, 0x100000, MEM_RESERVED},
    {0xffc00000, 0x400000, MEM_RESERVED},
    {0x100000000, 0x1000, MEM_BAD},
    {0x200000000, 0x2000, MEM_RESERVED},
};

/*
 * What GRUB gives on UEFI after exiting boot services: EFI system table,
 * both RSDP copies, an RGB framebuffer, both memory maps (OVMF's 48-byte
 * descriptors).
 */
static struct mbi *build_uefi(void)
{
	struct mbi *m = mbi_new();
	uint8_t new_rsdp[36], old_rsdp[20], fb[30] = {0};
	uint64_t st = 0x7fbee018, fb_addr = 0x80000000;
	uint32_t fb_dims[3] = {4096, 1024, 768};
	const struct mb2_mmap_entry basic[] = {
	    {0, 0xa0000, MB2_MEMORY_AVAILABLE, 0},
	    {0x100000, 0x1000000, MB2_MEMORY_AVAILABLE, 0},
	};

	mbi_string(m, MB2_TAG_CMDLINE, "");
	mbi_string(m, MB2_TAG_BOOT_LOADER_NAME, "GRUB 2.06");
	mbi_tag(m, MB2_TAG_EFI64, &st, 8);
	rsdp_bytes(new_rsdp, sizeof(new_rsdp), 2);
	mbi_tag(m, MB2_TAG_ACPI_NEW, new_rsdp, sizeof(new_rsdp));
	rsdp_bytes(old_rsdp, sizeof(old_rsdp), 0);
	old_rsdp[8] = 0xee; /* must not replace the new one */
	mbi_tag(m, MB2_TAG_ACPI_OLD, old_rsdp, sizeof(old_rsdp));
	memcpy(fb, &fb_addr, 8);
	memcpy(fb + 8, fb_dims, 12);
	fb[20] = 32;
	fb[21] = MB2_FRAMEBUFFER_RGB;
	fb[24] = 16; /* color info: red position, size, ... */
	fb[25] = 8;
	fb[26] = 8;
	fb[27] = 8;
	fb[28] = 0;
	fb[29] = 8;
	mbi_tag(m, MB2_TAG_FRAMEBUFFER, fb, sizeof(fb));
	mbi_mmap(m, 24, basic, ARRAY_SIZE(basic));
	mbi_efi_mmap(m, 48, uefi_map, ARRAY_SIZE(uefi_map));
	mbi_end(m);
	return m;
}

static void test_uefi(void **state)
{
	struct mbi *m = build_uefi();
	struct result *r = malloc(sizeof(*r));
	uint8_t rsdp[36];

	assert_int_equal(parse(m, r), MB2_OK);
	assert_string_equal(r->bi.cmdline, "");
	assert_string_equal(r->bi.loader_name, "GRUB 2.06");
	assert_int_equal(r->bi.efi_system_table, 0x7fbee018);
	assert_int_equal(r->bi.module_count, 0);

	rsdp_bytes(rsdp, sizeof(rsdp), 2);
	assert_true(r->bi.has_rsdp);
	assert_int_equal(r->bi.rsdp_revision, 2);
	assert_memory_equal(r->bi.rsdp, rsdp, sizeof(rsdp));

	assert_int_equal(r->bi.fb.type, BOOT_FB_RGB);
	assert_int_equal(r->bi.fb.addr, 0x80000000);
	assert_int_equal(r->bi.fb.pitch, 4096);
	assert_int_equal(r->bi.fb.width, 1024);
	assert_int_equal(r->bi.fb.height, 768);
	assert_int_equal(r->bi.fb.bpp, 32);
	assert_int_equal(r->bi.fb.red.pos, 16);
	assert_int_equal(r->bi.fb.red.size, 8);
	assert_int_equal(r->bi.fb.green.pos, 8);
	assert_int_equal(r->bi.fb.green.size, 8);
	assert_int_equal(r->bi.fb.blue.pos, 0);
	assert_int_equal(r->bi.fb.blue.size, 8);

	assert_true(r->bi.memmap_is_efi);
	assert_int_equal(r->bi.memmap_count, ARRAY_SIZE(uefi_map_ranges));
	for (size_t i = 0; i < ARRAY_SIZE(uefi_map_ranges); i++) {
		assert_int_equal(r->bi.memmap[i].base, uefi_map_ranges[i].base);
		assert_int_equal(r->bi.memmap[i].length,
				 uefi_map_ranges[i].length);
		assert_int_equal(r->bi.memmap[i].type, uefi_map_ranges[i].type);
	}
	free(r);
	mbi_free(m);
}

/* The old RSDP alone is taken; a later new one replaces it. */
static void test_rsdp_order(void **state)
{
	struct mbi *m = mbi_new();
	struct result *r = malloc(sizeof(*r));
	uint8_t old_rsdp[20], new_rsdp[40];

	rsdp_bytes(old_rsdp, sizeof(old_rsdp), 0);
	rsdp_bytes(new_rsdp, sizeof(new_rsdp), 2);
	mbi_tag(m, MB2_TAG_ACPI_OLD, old_rsdp, sizeof(old_rsdp));
	mbi_mmap(m, 24, bios_map, 1);
	mbi_end(m);
	assert_int_equal(parse(m, r), MB2_OK);
	assert_int_equal(r->bi.rsdp_revision, 0);
	assert_memory_equal(r->bi.rsdp, old_rsdp, 20);

	m->len -= 8;
	mbi_tag(m, MB2_TAG_ACPI_NEW, new_rsdp, sizeof(new_rsdp));
	mbi_end(m);
	assert_int_equal(parse(m, r), MB2_OK);
	assert_int_equal(r->bi.rsdp_revision, 2);
	assert_memory_equal(r->bi.rsdp, new_rsdp, BOOT_RSDP_MAX);
	free(r);
	mbi_free(m);
}

static void test_efi_map_empty_uses_basic(void **state)
{
	struct mbi *m = mbi_new();
	struct result *r = malloc(sizeof(*r));

	mbi_efi_mmap(m, 48, NULL, 0);
	mbi_mmap(m, 24, bios_map, 3);
	mbi_end(m);
	assert_int_equal(parse(m, r), MB2_OK);
	assert_false(r->bi.memmap_is_efi);
	assert_int_equal(r->bi.memmap_count, 3);
	assert_int_equal(r->bi.memmap[2].base, 0xf0000);
	free(r);
	mbi_free(m);
}

/* Every shorter total_size is rejected without reading past it. */
static void test_truncated(void **state)
{
	struct mbi *builds[] = {build_bios(), build_uefi()};

	for (size_t b = 0; b < ARRAY_SIZE(builds); b++) {
		struct mbi *m = builds[b];
		uint32_t full = m->len;

		for (uint32_t t = 16; t < full; t += 8) {
			struct result r;

			put32(m, 0, t);
			parse(m, &r);
			if (r.ret != MB2_ERR_TAG && r.ret != MB2_ERR_NO_END)
				fail_msg("total_size %u of %u: %d", t, full,
					 r.ret);
		}
		put32(m, 0, full);
		mbi_free(m);
	}

	struct mbi *m = build_bios();

	put32(m, 0, 0x20);
	expect_error(m, MB2_ERR_TAG,
		     "tag 1 at offset 0x8 has size 0x25 past the end (0x20)");
	put32(m, 0, 0x30);
	expect_error(m, MB2_ERR_NO_END, "no end tag before total_size 0x30");
	mbi_free(m);
}

static void test_total_size(void **state)
{
	static const struct {
		uint32_t total;
		const char *msg;
	} cases[] = {
	    {0, "total_size 0 is smaller than a header and an end tag "
		"(16)"},
	    {8, "total_size 8 is smaller than a header and an end tag "
		"(16)"},
	    {15, "total_size 15 is smaller than a header and an end tag "
		 "(16)"},
	    {0x1c, "total_size 0x1c is not a multiple of 8"},
	    {MB2_INFO_MAX_SIZE + 8, "total_size 0x100008 is larger than "
				    "the 0x100000 a sane loader needs"},
	    {0xffffffff, "total_size 0xffffffff is larger than the "
			 "0x100000 a sane loader needs"},
	};
	uint64_t words[4] = {0};
	struct boot_info *bi = malloc(sizeof(*bi));
	char err[128];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		memcpy(words, &cases[i].total, 4);
		assert_int_equal(mb2_parse(words, bi, err, sizeof(err), NULL),
				 MB2_ERR_SIZE);
		assert_string_equal(err, cases[i].msg);
	}
	free(bi);
}

/* A structure of the largest accepted size, mostly one unknown tag. */
static void test_max_size(void **state)
{
	struct mbi *m = mbi_new();
	struct result *r = malloc(sizeof(*r));
	uint32_t off;

	mbi_mmap(m, 24, bios_map, 2);
	off = mbi_tag(m, 0xabcd, NULL, 0);
	put32(m, off + 4, MBI_CAP - 8 - off);
	memset(m->buf + off + 8, 0xff, MBI_CAP - 8 - off - 8);
	m->len = MBI_CAP - 8;
	mbi_end(m);
	assert_int_equal(m->len, MB2_INFO_MAX_SIZE);
	assert_int_equal(parse(m, r), MB2_OK);
	assert_int_equal(r->bi.memmap_count, 2);
	free(r);
	mbi_free(m);
}

static void test_size_past_end(void **state)
{
	struct mbi *m = mbi_new();
	uint32_t off;

	mbi_string(m, MB2_TAG_CMDLINE, "abc");
	off = mbi_mmap(m, 24, bios_map, 3);
	mbi_end(m);
	put32(m, off + 4, 0x1000);
	expect_error(m, MB2_ERR_TAG,
		     "tag 6 at offset 0x18 has size 0x1000 past the end "
		     "(0x78)");
	/* One byte too many, and the largest size. */
	put32(m, off + 4, m->len - off + 1);
	expect_error(m, MB2_ERR_TAG, NULL);
	put32(m, off + 4, 0xffffffff);
	expect_error(m, MB2_ERR_TAG, NULL);
	/* The end tag itself running past the end. */
	put32(m, off + 4, 16 + 3 * 24);
	put32(m, m->len - 4, 16);
	expect_error(m, MB2_ERR_TAG,
		     "tag 0 at offset 0x70 has size 0x10 past the end (0x78)");
	mbi_free(m);
}

static void test_zero_size_tags(void **state)
{
	struct mbi *m = mbi_new();
	uint32_t off;

	mbi_mmap(m, 24, bios_map, 1);
	off = mbi_tag(m, 0x99, NULL, 0);
	mbi_end(m);
	put32(m, off + 4, 0);
	expect_error(m, MB2_ERR_TAG,
		     "tag 153 at offset 0x30 has size 0, smaller than its "
		     "fixed part (8)");
	put32(m, off + 4, 7);
	expect_error(m, MB2_ERR_TAG, NULL);
	/* An end tag of size 0 is no end tag either. */
	put32(m, off + 0, 0);
	put32(m, off + 4, 0);
	expect_error(m, MB2_ERR_TAG,
		     "tag 0 at offset 0x30 has size 0, smaller than its fixed "
		     "part (8)");
	mbi_free(m);
}

/*
 * Tags whose size swallows their neighbours are read as what they claim
 * to be: the swallowed tags are never seen, nothing is read beyond.
 */
static void test_overlapping(void **state)
{
	struct mbi *m = mbi_new();
	struct result *r = malloc(sizeof(*r));
	uint32_t cmd, mmap;

	cmd = mbi_string(m, MB2_TAG_CMDLINE, "abc");
	mbi_string(m, MB2_TAG_BOOT_LOADER_NAME, "swallowed");
	mmap = mbi_mmap(m, 24, bios_map, 2);
	mbi_string(m, MB2_TAG_BOOT_LOADER_NAME, "seen_by_the_walk");
	mbi_end(m);

	/* The command line covers the first loader name. */
	put32(m, cmd + 4, 8 + 8 + 8 + 10);
	assert_int_equal(parse(m, r), MB2_OK);
	assert_string_equal(r->bi.cmdline, "abc");
	assert_string_equal(r->bi.loader_name, "seen_by_the_walk");
	assert_int_equal(r->bi.memmap_count, 2);

	/* The memory map covers the next tag: its bytes become an entry. */
	put32(m, cmd + 4, 8 + 4);
	put32(m, mmap + 4, 16 + 2 * 24 + 32);
	assert_int_equal(parse(m, r), MB2_OK);
	assert_int_equal(r->bi.memmap_count, 3);
	assert_int_equal(r->bi.memmap[2].base,
			 ((uint64_t)(8 + 17) << 32) | MB2_TAG_BOOT_LOADER_NAME);
	assert_string_equal(r->bi.loader_name, "swallowed");

	/* ... and when it covers the end tag, there is no end. */
	put32(m, mmap + 4, m->len - mmap);
	expect_error(m, MB2_ERR_NO_END, NULL);
	free(r);
	mbi_free(m);
}

static void test_unknown_and_garbage(void **state)
{
	struct mbi *m = mbi_new();
	struct result *r = malloc(sizeof(*r));
	uint8_t junk[77];

	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)(i * 37 + 11);
	mbi_tag(m, 0xffffffff, junk, sizeof(junk));
	mbi_string(m, MB2_TAG_CMDLINE, "maxcpus=2");
	mbi_tag(m, 1000, junk, 1);
	mbi_tag(m, MB2_TAG_VBE, junk, 13);
	mbi_tag(m, MB2_TAG_ELF_SECTIONS, junk, sizeof(junk));
	mbi_tag(m, MB2_TAG_EFI32, junk, 4);
	mbi_tag(m, MB2_TAG_SMBIOS, junk, 40);
	mbi_tag(m, MB2_TAG_NETWORK, junk, 0);
	mbi_tag(m, MB2_TAG_EFI_BS, NULL, 0);
	mbi_tag(m, MB2_TAG_EFI64_IH, junk, 8);
	mbi_mmap(m, 24, bios_map, 4);
	mbi_tag(m, 22, junk, 3);
	mbi_end(m);
	/* Bytes after the end tag are not looked at. */
	assert_int_equal(parse(m, r), MB2_OK);
	assert_string_equal(r->bi.cmdline, "maxcpus=2");
	assert_int_equal(r->bi.memmap_count, 4);
	assert_int_equal(r->bi.fb.type, BOOT_FB_NONE);
	assert_false(r->bi.has_rsdp);
	free(r);
	mbi_free(m);
}

static void test_no_memmap(void **state)
{
	static const char msg[] = "no memory map: neither a Multiboot2 memory "
				  "map (tag 6) nor an EFI one (tag 17) with at "
				  "least one entry";
	struct mbi *m = mbi_new();
	uint32_t meminfo[2] = {639, 1 << 20};

	mbi_string(m, MB2_TAG_CMDLINE, "x");
	mbi_tag(m, MB2_TAG_BASIC_MEMINFO, meminfo, sizeof(meminfo));
	mbi_end(m);
	expect_error(m, MB2_ERR_NO_MEMMAP, msg);

	m->len -= 8;
	mbi_mmap(m, 24, NULL, 0);
	mbi_efi_mmap(m, 48, NULL, 0);
	mbi_end(m);
	expect_error(m, MB2_ERR_NO_MEMMAP, msg);

	/* Leftover bytes shorter than one entry are no entry. */
	m = (mbi_free(m), mbi_new());
	mbi_tag(m, MB2_TAG_MMAP, (uint32_t[]){24, 0, 1, 2, 3, 4}, 24);
	mbi_end(m);
	expect_error(m, MB2_ERR_NO_MEMMAP, msg);
	mbi_free(m);
}

static void test_entry_sizes(void **state)
{
	struct mb2_efi_memory_descriptor d[3] = {
	    {EFI_CONVENTIONAL_MEMORY, 0, 0x1000, 0, 2, 0},
	    {EFI_RESERVED_MEMORY, 0, 0x3000, 0, 1, 0},
	    {EFI_PERSISTENT_MEMORY, 0, 0x5000, 0, 1, 0},
	};
	struct result *r = malloc(sizeof(*r));
	struct mbi *m;

	/* Larger basic entries: read with their stride. */
	m = mbi_new();
	mbi_mmap(m, 40, bios_map, 5);
	mbi_end(m);
	assert_int_equal(parse(m, r), MB2_OK);
	assert_int_equal(r->bi.memmap_count, 5);
	assert_int_equal(r->bi.memmap[4].base, bios_map[4].base_addr);
	assert_int_equal(r->bi.memmap[4].type, MEM_ACPI_RECLAIM);
	mbi_free(m);

	static const uint32_t bad_basic[] = {0, 8, 16, 20, 28, 33};
	for (size_t i = 0; i < ARRAY_SIZE(bad_basic); i++) {
		char msg[128];

		m = mbi_new();
		mbi_mmap(m, 24, bios_map, 2);
		put32(m, 8 + 8, bad_basic[i]);
		mbi_end(m);
		snprintf(msg, sizeof(msg),
			 "memory map (tag 6) at offset 0x8 has entry_size %u "
			 "(needs a multiple of 8, at least 24)",
			 bad_basic[i]);
		expect_error(m, MB2_ERR_TAG, msg);
		mbi_free(m);
	}

	static const uint32_t good_efi[] = {40, 48, 56, 41};
	for (size_t i = 0; i < ARRAY_SIZE(good_efi); i++) {
		m = mbi_new();
		mbi_efi_mmap(m, good_efi[i], d, 3);
		mbi_end(m);
		assert_int_equal(parse(m, r), MB2_OK);
		assert_int_equal(r->bi.memmap_count, 3);
		assert_int_equal(r->bi.memmap[0].length, 0x2000);
		assert_int_equal(r->bi.memmap[1].type, MEM_RESERVED);
		assert_int_equal(r->bi.memmap[2].base, 0x5000);
		assert_int_equal(r->bi.memmap[2].type, MEM_RESERVED);
		mbi_free(m);
	}

	static const uint32_t bad_efi[] = {0, 24, 32, 39};
	for (size_t i = 0; i < ARRAY_SIZE(bad_efi); i++) {
		char msg[128];

		m = mbi_new();
		mbi_mmap(m, 24, bios_map, 2);
		mbi_efi_mmap(m, 48, d, 3);
		put32(m, 0x48 + 8, bad_efi[i]);
		mbi_end(m);
		snprintf(msg, sizeof(msg),
			 "EFI memory map (tag 17) at offset 0x48 has "
			 "descriptor size %u (needs at least 40)",
			 bad_efi[i]);
		expect_error(m, MB2_ERR_TAG, msg);
		mbi_free(m);
	}
	free(r);
}

static void test_huge_page_count(void **state)
{
	const struct mb2_efi_memory_descriptor d[] = {
	    {EFI_CONVENTIONAL_MEMORY, 0, 0x1000, 0, UINT64_MAX, 0},
	    {EFI_CONVENTIONAL_MEMORY, 0, 0, 0, 1ull << 52, 0},
	    {EFI_CONVENTIONAL_MEMORY, 0, 0, 0, (1ull << 52) - 1, 0},
	};
	struct mbi *m = mbi_new();
	struct result *r = malloc(sizeof(*r));

	mbi_efi_mmap(m, 40, d, 3);
	mbi_end(m);
	assert_int_equal(parse(m, r), MB2_OK);
	assert_int_equal(r->bi.memmap[0].length, UINT64_MAX);
	assert_int_equal(r->bi.memmap[1].length, UINT64_MAX);
	assert_int_equal(r->bi.memmap[2].length, UINT64_MAX - 0xfff);
	free(r);
	mbi_free(m);
}

/* Entries and modules beyond boot_info's room are counted, not stored. */
static void test_too_many(void **state)
{
	struct mb2_mmap_entry *e = calloc(600, sizeof(*e));
	struct mb2_efi_memory_descriptor *d = calloc(1000, sizeof(*d));
	struct result *r = malloc(sizeof(*r));
	struct mbi *m;

	for (uint32_t i = 0; i < 600; i++)
		e[i] = (struct mb2_mmap_entry){i * 0x10000ull, 0x1000,
					       MB2_MEMORY_AVAILABLE, 0};
	for (uint32_t i = 0; i < 1000; i++)
		d[i] = (struct mb2_efi_memory_descriptor){
		    EFI_CONVENTIONAL_MEMORY, 0, i * 0x2000ull, 0, 1, 0};

	m = mbi_new();
	mbi_mmap(m, 24, e, 600);
	for (uint32_t i = 0; i < 20; i++)
		mbi_module(m, i * 0x1000, i * 0x1000 + 0x800, "mod");
	mbi_end(m);
	assert_int_equal(parse(m, r), MB2_OK);
	assert_int_equal(r->bi.memmap_count, BOOT_MEMMAP_MAX);
	assert_int_equal(r->bi.memmap[BOOT_MEMMAP_MAX - 1].base,
			 (BOOT_MEMMAP_MAX - 1) * 0x10000ull);
	assert_int_equal(r->bi.module_count, BOOT_MODULES_MAX);
	assert_int_equal(r->bi.modules[15].start, 15 * 0x1000);
	assert_int_equal(r->dropped, (600 - BOOT_MEMMAP_MAX) + (20 - 16));
	mbi_free(m);

	/* The EFI map replaces the basic one; only its drops count. */
	m = mbi_new();
	mbi_mmap(m, 24, e, 600);
	mbi_efi_mmap(m, 48, d, 1000);
	mbi_end(m);
	assert_int_equal(parse(m, r), MB2_OK);
	assert_true(r->bi.memmap_is_efi);
	assert_int_equal(r->bi.memmap_count, BOOT_MEMMAP_MAX);
	assert_int_equal(r->bi.memmap[100].base, 100 * 0x2000);
	assert_int_equal(r->dropped, 1000 - BOOT_MEMMAP_MAX);
	mbi_free(m);

	/* A NULL dropped pointer is fine. */
	m = mbi_new();
	mbi_mmap(m, 24, e, 600);
	mbi_end(m);
	assert_int_equal(mb2_parse(m->buf, &r->bi, NULL, 0, NULL), MB2_OK);
	mbi_free(m);
	free(r);
	free(d);
	free(e);
}

/*
 * A large server's EFI map: 2,000 descriptors, RAM split into many
 * pieces of the same type (and runs of others), all of which fits once
 * adjacent ranges of one type are merged. Nothing is dropped, every
 * byte keeps its type; a map whose pieces cannot merge is cut at
 * BOOT_MEMMAP_MAX with the rest counted.
 */
#define SERVER_DESCS 2000

static void test_server_efi_map(void **state)
{
	struct mb2_efi_memory_descriptor *d = calloc(SERVER_DESCS, sizeof(*d));
	struct result *r = malloc(sizeof(*r));
	uint64_t at = 0, usable = 0, reserved = 0, sum_usable = 0,
		 sum_reserved = 0;
	struct mbi *m;

	/* Runs of 9 conventional/boot-services/loader pieces (all usable),
	 * then one reserved piece: 200 runs. */
	for (uint32_t i = 0; i < SERVER_DESCS; i++) {
		static const uint32_t usable_types[] = {
		    EFI_CONVENTIONAL_MEMORY, EFI_BOOT_SERVICES_DATA,
		    EFI_LOADER_CODE};
		uint64_t pages = 1 + i % 7;
		bool is_reserved = i % 10 == 9;

		d[i] = (struct mb2_efi_memory_descriptor){
		    is_reserved ? EFI_RESERVED_MEMORY : usable_types[i % 3], 0,
		    at, 0, pages, 0};
		at += pages * 4096;
		*(is_reserved ? &reserved : &usable) += pages * 4096;
	}
	m = mbi_new();
	mbi_efi_mmap(m, 48, d, SERVER_DESCS);
	mbi_end(m);
	assert_int_equal(parse(m, r), MB2_OK);
	assert_int_equal(r->dropped, 0);
	assert_int_equal(r->bi.memmap_count, 400);
	for (uint32_t i = 0; i < r->bi.memmap_count; i++) {
		const struct mem_range *e = &r->bi.memmap[i];

		assert_int_equal(e->type, i % 2 ? MEM_RESERVED : MEM_USABLE);
		*(e->type == MEM_USABLE ? &sum_usable : &sum_reserved) +=
		    e->length;
		if (i)
			assert_int_equal(e->base, r->bi.memmap[i - 1].base +
						      r->bi.memmap[i - 1].length);
	}
	assert_int_equal(sum_usable, usable);
	assert_int_equal(sum_reserved, reserved);
	mbi_free(m);

	/* Holes between the pieces: nothing merges. */
	for (uint32_t i = 0; i < SERVER_DESCS; i++)
		d[i] = (struct mb2_efi_memory_descriptor){
		    EFI_CONVENTIONAL_MEMORY, 0, i * 0x3000ull, 0, 2, 0};
	m = mbi_new();
	mbi_efi_mmap(m, 48, d, SERVER_DESCS);
	mbi_end(m);
	assert_int_equal(parse(m, r), MB2_OK);
	assert_int_equal(r->bi.memmap_count, BOOT_MEMMAP_MAX);
	assert_int_equal(r->dropped, SERVER_DESCS - BOOT_MEMMAP_MAX);
	mbi_free(m);
	free(r);
	free(d);
}

static void test_unterminated_strings(void **state)
{
	struct mbi *m = mbi_new();
	struct result *r = malloc(sizeof(*r));
	char long_name[100];
	uint8_t mod[8 + 200];
	uint32_t start = 0x100000, end = 0x200000, off;

	mbi_mmap(m, 24, bios_map, 1);
	/* 13 bytes, no NUL; the padding after it is not zero. */
	off = mbi_tag(m, MB2_TAG_CMDLINE, "maxcpus=2 abc", 13);
	memset(m->buf + off + 8 + 13, 'X', 3);
	memset(long_name, 'n', sizeof(long_name));
	mbi_tag(m, MB2_TAG_BOOT_LOADER_NAME, long_name, sizeof(long_name));
	memcpy(mod, &start, 4);
	memcpy(mod + 4, &end, 4);
	memset(mod + 8, 'm', 200);
	mbi_tag(m, MB2_TAG_MODULE, mod, sizeof(mod));
	mbi_tag(m, MB2_TAG_MODULE, mod, 8 + 5);
	mbi_tag(m, MB2_TAG_MODULE, mod, 8);
	mbi_end(m);
	assert_int_equal(parse(m, r), MB2_OK);
	assert_string_equal(r->bi.cmdline, "maxcpus=2 abc");
	assert_int_equal(strlen(r->bi.loader_name), BOOT_LOADER_NAME_MAX - 1);
	assert_int_equal(r->bi.module_count, 3);
	assert_int_equal(strlen(r->bi.modules[0].cmdline),
			 BOOT_MODULE_CMDLINE_MAX - 1);
	assert_string_equal(r->bi.modules[1].cmdline, "mmmmm");
	assert_string_equal(r->bi.modules[2].cmdline, "");
	assert_int_equal(r->bi.modules[2].end, 0x200000);

	/* An empty string tag without even its NUL. */
	m->len = 8;
	mbi_mmap(m, 24, bios_map, 1);
	mbi_tag(m, MB2_TAG_CMDLINE, NULL, 0);
	mbi_end(m);
	assert_int_equal(parse(m, r), MB2_OK);
	assert_string_equal(r->bi.cmdline, "");
	free(r);
	mbi_free(m);
}

static void test_bad_module(void **state)
{
	struct mbi *m = mbi_new();

	mbi_mmap(m, 24, bios_map, 1);
	mbi_module(m, 0x3000, 0x2fff, "backwards");
	mbi_end(m);
	expect_error(m, MB2_ERR_TAG,
		     "module (tag 3) at offset 0x30 starts at 0x3000, after "
		     "its end 0x2fff");
	mbi_free(m);
}

static void test_known_tags_too_small(void **state)
{
	static const struct {
		uint32_t type, size, min;
	} cases[] = {
	    {MB2_TAG_MODULE, 12, 16},	     {MB2_TAG_BASIC_MEMINFO, 12, 16},
	    {MB2_TAG_MMAP, 12, 16},	     {MB2_TAG_FRAMEBUFFER, 24, 30},
	    {MB2_TAG_EFI64, 12, 16},	     {MB2_TAG_ACPI_OLD, 24, 28},
	    {MB2_TAG_ACPI_NEW, 28, 44},	     {MB2_TAG_EFI_MMAP, 8, 16},
	    {MB2_TAG_LOAD_BASE_ADDR, 8, 12},
	};
	uint8_t zeros[64] = {0};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct mbi *m = mbi_new();
		char msg[128];

		mbi_mmap(m, 24, bios_map, 1);
		mbi_tag(m, cases[i].type, zeros, cases[i].size - 8);
		mbi_end(m);
		snprintf(msg, sizeof(msg),
			 "tag %u at offset 0x30 has size %u, smaller than its "
			 "fixed part (%u)",
			 cases[i].type, cases[i].size, cases[i].min);
		expect_error(m, MB2_ERR_TAG, msg);
		mbi_free(m);
	}
}

static void test_unknown_framebuffer_type(void **state)
{
	struct mbi *m = mbi_new();
	struct result *r = malloc(sizeof(*r));
	uint8_t fb[24] = {1, 2, 3, 4};

	fb[21] = 7;
	mbi_mmap(m, 24, bios_map, 1);
	mbi_tag(m, MB2_TAG_FRAMEBUFFER, fb, sizeof(fb));
	mbi_end(m);
	assert_int_equal(parse(m, r), MB2_OK);
	assert_int_equal(r->bi.fb.type, BOOT_FB_NONE);
	assert_int_equal(r->bi.fb.addr, 0);
	free(r);
	mbi_free(m);
}

/*
 * An RGB framebuffer whose tag ends before its colour positions (29 of
 * the 30 bytes after the tag header) cannot be drawn on: left out. An
 * EGA text tag needs none.
 */
static void test_rgb_framebuffer_without_colours(void **state)
{
	struct mbi *m = mbi_new();
	struct result *r = malloc(sizeof(*r));
	uint8_t fb[29] = {0, 0, 0, 0x80};

	fb[20] = 32;
	fb[21] = MB2_FRAMEBUFFER_RGB;
	mbi_mmap(m, 24, bios_map, 1);
	mbi_tag(m, MB2_TAG_FRAMEBUFFER, fb, sizeof(fb));
	mbi_end(m);
	assert_int_equal(parse(m, r), MB2_OK);
	assert_int_equal(r->bi.fb.type, BOOT_FB_NONE);
	free(r);
	mbi_free(m);
}

static void test_null(void **state)
{
	struct boot_info *bi = malloc(sizeof(*bi));
	uint64_t words[2] = {16, 8ull << 32}; /* end: type 0, size 8 */
	char err[64];
	unsigned dropped = 7;

	assert_int_equal(mb2_parse(NULL, bi, err, sizeof(err), &dropped),
			 MB2_ERR_NULL);
	assert_string_equal(err, "no Multiboot2 information structure");
	assert_int_equal(dropped, 0);
	assert_int_equal(mb2_parse(words, NULL, NULL, 0, NULL), MB2_ERR_NULL);
	/* A lone end tag: well formed, but no memory map. */
	assert_int_equal(mb2_parse(words, bi, err, 1, NULL), MB2_ERR_NO_MEMMAP);
	assert_string_equal(err, "");
	free(bi);
}

/*
 * Random byte corruption of valid structures: every result is either a
 * success or an error with a message. Run under a sanitizer, this also
 * shows nothing is read outside the structure.
 */
static void test_mutations(void **state)
{
	struct mbi *builds[] = {build_bios(), build_uefi()};
	struct result *r = malloc(sizeof(*r));
	uint32_t seed = 12345;

	for (size_t b = 0; b < ARRAY_SIZE(builds); b++) {
		struct mbi *m = builds[b];
		uint8_t *orig = malloc(m->len);

		memcpy(orig, m->buf, m->len);
		for (int iter = 0; iter < 20000; iter++) {
			int flips = 1 + iter % 4;

			memcpy(m->buf, orig, m->len);
			while (flips--) {
				seed = seed * 1103515245u + 12345u;
				uint32_t pos = (seed >> 8) % m->len;

				seed = seed * 1103515245u + 12345u;
				m->buf[pos] = (uint8_t)(seed >> 16);
			}
			parse(m, r);
			if (r->ret == MB2_OK)
				assert_true(r->bi.memmap_count > 0);
			else
				assert_true(r->err[0] != '\0');
		}
		free(orig);
		mbi_free(m);
	}
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bios),
	    cmocka_unit_test(test_uefi),
	    cmocka_unit_test(test_rsdp_order),
	    cmocka_unit_test(test_efi_map_empty_uses_basic),
	    cmocka_unit_test(test_truncated),
	    cmocka_unit_test(test_total_size),
	    cmocka_unit_test(test_max_size),
	    cmocka_unit_test(test_size_past_end),
	    cmocka_unit_test(test_zero_size_tags),
	    cmocka_unit_test(test_overlapping),
	    cmocka_unit_test(test_unknown_and_garbage),
	    cmocka_unit_test(test_no_memmap),
	    cmocka_unit_test(test_entry_sizes),
	    cmocka_unit_test(test_huge_page_count),
	    cmocka_unit_test(test_server_efi_map),
	    cmocka_unit_test(test_too_many),
	    cmocka_unit_test(test_unterminated_strings),
	    cmocka_unit_test(test_bad_module),
	    cmocka_unit_test(test_known_tags_too_small),
	    cmocka_unit_test(test_unknown_framebuffer_type),
	    cmocka_unit_test(test_rgb_framebuffer_without_colours),
	    cmocka_unit_test(test_null),
	    cmocka_unit_test(test_mutations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
