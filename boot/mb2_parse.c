/*
 * Multiboot2 information -> struct boot_info.
 *
 * One pass walks the tags, checking each against the total size before
 * reading it, and copies the small ones; the memory maps are only located
 * and checked, then the preferred one is copied after the walk.
 *
 * Decisions on malformed input:
 *  - a structural fault (total_size, a tag's size, a known tag too small
 *    for its fixed fields, a memory map with an unusable entry size, a
 *    module that ends before it starts, no end tag) fails the whole parse
 *    with MB2_ERR_SIZE or MB2_ERR_TAG: nothing the loader said can then be
 *    trusted;
 *  - an RGB framebuffer tag too short for its colour positions leaves the
 *    framebuffer out (BOOT_FB_NONE): nothing could draw on it;
 *  - unknown tags are skipped, strings without a NUL inside their tag end
 *    at the tag, strings longer than boot_info's buffers are cut, and bytes
 *    after the last whole map entry are ignored;
 *  - a repeated tag replaces the earlier one; the ACPI 2.0 RSDP (tag 15)
 *    wins over the 1.0 one (tag 14) whatever the order.
 */
#include "boot/mb2_parse.h"
#include "boot/efi_memtype.h"
#include "boot/memmap_append.h"
#include "boot/multiboot2.h"
#include "lib/format.h"
#include "lib/string.h"

#define MB2_MMAP_ENTRY_MIN     sizeof(struct mb2_mmap_entry)
#define MB2_EFI_DESCRIPTOR_MIN sizeof(struct mb2_efi_memory_descriptor)
#define MB2_RSDP_V1_SIZE       20

struct mb2_walk {
	const uint8_t *base;
	uint32_t total;
	char *err;
	size_t errsz;
	const struct mb2_tag_mmap *mmap;
	const struct mb2_tag_efi_mmap *efi_mmap;
	unsigned dropped;
};

/*
 * The smallest size of each known tag: its header and fixed fields. A
 * string tag may be empty even without its NUL.
 */
static uint32_t mb2_tag_min_size(uint32_t type)
{
	switch (type) {
	case MB2_TAG_MODULE:
		return sizeof(struct mb2_tag_module);
	case MB2_TAG_BASIC_MEMINFO:
		return sizeof(struct mb2_tag_basic_meminfo);
	case MB2_TAG_MMAP:
		return sizeof(struct mb2_tag_mmap);
	case MB2_TAG_FRAMEBUFFER:
		/* Up to the type byte; GRUB adds 2 reserved bytes. */
		return offsetof(struct mb2_tag_framebuffer, reserved);
	case MB2_TAG_EFI64:
		return sizeof(struct mb2_tag_efi64);
	case MB2_TAG_ACPI_OLD:
		return sizeof(struct mb2_tag) + MB2_RSDP_V1_SIZE;
	case MB2_TAG_ACPI_NEW:
		return sizeof(struct mb2_tag) + BOOT_RSDP_MAX;
	case MB2_TAG_EFI_MMAP:
		return sizeof(struct mb2_tag_efi_mmap);
	case MB2_TAG_LOAD_BASE_ADDR:
		return sizeof(struct mb2_tag_load_base_addr);
	default:
		return sizeof(struct mb2_tag);
	}
}

static int __printf(3, 4)
    mb2_fail(struct mb2_walk *w, int code, const char *fmt, ...)
{
	va_list ap;

	if (w->err && w->errsz) {
		va_start(ap, fmt);
		fmt_vsnprintf(w->err, w->errsz, fmt, ap);
		va_end(ap);
	}
	return code;
}

/* Copies the string in src[0..srclen), which may lack its NUL, into dst. */
static void mb2_copy_string(char *dst, size_t dstsz, const char *src,
			    size_t srclen)
{
	size_t n = strnlen(src, srclen);

	if (n > dstsz - 1)
		n = dstsz - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static uint32_t mb2_memtype_to_mem_type(uint32_t type)
{
	switch (type) {
	case MB2_MEMORY_AVAILABLE:
		return MEM_USABLE;
	case MB2_MEMORY_ACPI_RECLAIMABLE:
		return MEM_ACPI_RECLAIM;
	case MB2_MEMORY_NVS:
		return MEM_ACPI_NVS;
	case MB2_MEMORY_BADRAM:
		return MEM_BAD;
	default:
		return MEM_RESERVED;
	}
}

static void mb2_add_range(struct mb2_walk *w, struct boot_info *bi,
			  uint64_t base, uint64_t length, uint32_t type)
{
	if (!boot_memmap_append(bi, base, length, type))
		w->dropped++;
}

static uint32_t mb2_mmap_count(const struct mb2_tag_mmap *t)
{
	return (t->tag.size - sizeof(*t)) / t->entry_size;
}

static uint32_t mb2_efi_mmap_count(const struct mb2_tag_efi_mmap *t)
{
	return (t->tag.size - sizeof(*t)) / t->descr_size;
}

static void mb2_read_mmap(struct mb2_walk *w, struct boot_info *bi)
{
	const struct mb2_tag_mmap *t = w->mmap;
	const uint8_t *p = (const uint8_t *)(t + 1);

	for (uint32_t i = 0; i < mb2_mmap_count(t); i++, p += t->entry_size) {
		const struct mb2_mmap_entry *e = (const void *)p;

		mb2_add_range(w, bi, e->base_addr, e->length,
			      mb2_memtype_to_mem_type(e->type));
	}
	bi->memmap_is_efi = false;
}

/* A page count too large for 64 bits of bytes becomes the largest length. */
static void mb2_read_efi_mmap(struct mb2_walk *w, struct boot_info *bi)
{
	const struct mb2_tag_efi_mmap *t = w->efi_mmap;
	const uint8_t *p = (const uint8_t *)(t + 1);

	for (uint32_t i = 0; i < mb2_efi_mmap_count(t);
	     i++, p += t->descr_size) {
		const struct mb2_efi_memory_descriptor *d = (const void *)p;
		uint64_t length =
		    d->number_of_pages > (UINT64_MAX >> PAGE_SHIFT)
			? UINT64_MAX
			: d->number_of_pages << PAGE_SHIFT;

		mb2_add_range(w, bi, d->physical_start, length,
			      efi_memtype_to_mem_type(d->type));
	}
	bi->memmap_is_efi = true;
}

static int mb2_take_module(struct mb2_walk *w, struct boot_info *bi,
			   const struct mb2_tag_module *t, uint32_t off)
{
	struct boot_module *m;

	if (t->mod_start > t->mod_end)
		return mb2_fail(w, MB2_ERR_TAG,
				"module (tag 3) at offset 0x%x starts at 0x%x, "
				"after its end 0x%x",
				off, t->mod_start, t->mod_end);
	if (bi->module_count == BOOT_MODULES_MAX) {
		w->dropped++;
		return MB2_OK;
	}
	m = &bi->modules[bi->module_count++];
	m->start = t->mod_start;
	m->end = t->mod_end;
	mb2_copy_string(m->cmdline, sizeof(m->cmdline), t->cmdline,
			t->tag.size - sizeof(*t));
	return MB2_OK;
}

static void mb2_take_framebuffer(struct boot_info *bi,
				 const struct mb2_tag_framebuffer *t)
{
	static const uint8_t types[] = {
	    [MB2_FRAMEBUFFER_INDEXED] = BOOT_FB_INDEXED,
	    [MB2_FRAMEBUFFER_RGB] = BOOT_FB_RGB,
	    [MB2_FRAMEBUFFER_EGA_TEXT] = BOOT_FB_EGA_TEXT,
	};
	const struct mb2_framebuffer_rgb *rgb;

	if (t->framebuffer_type >= ARRAY_SIZE(types)) {
		bi->fb = (struct boot_framebuffer){.type = BOOT_FB_NONE};
		return;
	}
	bi->fb = (struct boot_framebuffer){
	    .addr = t->framebuffer_addr,
	    .pitch = t->framebuffer_pitch,
	    .width = t->framebuffer_width,
	    .height = t->framebuffer_height,
	    .bpp = t->framebuffer_bpp,
	    .type = types[t->framebuffer_type],
	};
	if (t->framebuffer_type != MB2_FRAMEBUFFER_RGB)
		return;
	/* The colour positions; without them the RGB framebuffer is unusable. */
	if (t->tag.size < sizeof(*t) + sizeof(struct mb2_framebuffer_rgb)) {
		bi->fb.type = BOOT_FB_NONE;
		return;
	}
	rgb = (const struct mb2_framebuffer_rgb *)(t + 1);
	bi->fb.red = (struct boot_fb_field){rgb->red_field_position,
					    rgb->red_mask_size};
	bi->fb.green = (struct boot_fb_field){rgb->green_field_position,
					      rgb->green_mask_size};
	bi->fb.blue = (struct boot_fb_field){rgb->blue_field_position,
					     rgb->blue_mask_size};
}

static void mb2_take_rsdp(struct boot_info *bi,
			  const struct mb2_tag_acpi_rsdp *t)
{
	bool is_new = t->tag.type == MB2_TAG_ACPI_NEW;

	if (!is_new && bi->has_rsdp && bi->rsdp_revision >= 2)
		return;
	memset(bi->rsdp, 0, sizeof(bi->rsdp));
	memcpy(bi->rsdp, t->rsdp, is_new ? BOOT_RSDP_MAX : MB2_RSDP_V1_SIZE);
	bi->rsdp_revision = is_new ? 2 : 0;
	bi->has_rsdp = true;
}

/* Checks the entry sizes of a memory map tag; remembers the tag. */
static int mb2_note_mmap(struct mb2_walk *w, const struct mb2_tag *tag,
			 uint32_t off)
{
	if (tag->type == MB2_TAG_MMAP) {
		const struct mb2_tag_mmap *t = (const void *)tag;

		if (t->entry_size < MB2_MMAP_ENTRY_MIN ||
		    !IS_ALIGNED(t->entry_size, 8))
			return mb2_fail(w, MB2_ERR_TAG,
					"memory map (tag 6) at offset 0x%x has "
					"entry_size %u (needs a multiple of 8, "
					"at least %zu)",
					off, t->entry_size, MB2_MMAP_ENTRY_MIN);
		w->mmap = t;
	} else {
		const struct mb2_tag_efi_mmap *t = (const void *)tag;

		if (t->descr_size < MB2_EFI_DESCRIPTOR_MIN)
			return mb2_fail(
			    w, MB2_ERR_TAG,
			    "EFI memory map (tag 17) at offset 0x%x "
			    "has descriptor size %u (needs at least "
			    "%zu)",
			    off, t->descr_size, MB2_EFI_DESCRIPTOR_MIN);
		w->efi_mmap = t;
	}
	return MB2_OK;
}

/* Takes what boot_info keeps from one tag whose size has been checked. */
static int mb2_take_tag(struct mb2_walk *w, struct boot_info *bi,
			const struct mb2_tag *tag, uint32_t off)
{
	const struct mb2_tag_string *s = (const void *)tag;

	switch (tag->type) {
	case MB2_TAG_CMDLINE:
		mb2_copy_string(bi->cmdline, sizeof(bi->cmdline), s->string,
				tag->size - sizeof(*tag));
		return MB2_OK;
	case MB2_TAG_BOOT_LOADER_NAME:
		mb2_copy_string(bi->loader_name, sizeof(bi->loader_name),
				s->string, tag->size - sizeof(*tag));
		return MB2_OK;
	case MB2_TAG_MODULE:
		return mb2_take_module(w, bi, (const void *)tag, off);
	case MB2_TAG_MMAP:
	case MB2_TAG_EFI_MMAP:
		return mb2_note_mmap(w, tag, off);
	case MB2_TAG_FRAMEBUFFER:
		mb2_take_framebuffer(bi, (const void *)tag);
		return MB2_OK;
	case MB2_TAG_EFI64:
		bi->efi_system_table =
		    ((const struct mb2_tag_efi64 *)tag)->pointer;
		return MB2_OK;
	case MB2_TAG_ACPI_OLD:
	case MB2_TAG_ACPI_NEW:
		mb2_take_rsdp(bi, (const void *)tag);
		return MB2_OK;
	default:
		/* Known but not needed (4, 21, ...) or unknown: skipped. */
		return MB2_OK;
	}
}

/*
 * Walks the tags from the first to the end tag. Guarantees that every byte
 * read lies below total_size, that each tag handed on is at least as large
 * as its fixed fields, and that the walk ends (each step advances by at
 * least 8 bytes).
 */
static int mb2_walk_tags(struct mb2_walk *w, struct boot_info *bi)
{
	uint32_t off = sizeof(struct mb2_info_header);

	while (w->total - off >= sizeof(struct mb2_tag)) {
		const struct mb2_tag *tag = (const void *)(w->base + off);
		uint32_t min = mb2_tag_min_size(tag->type);
		int ret;

		if (tag->size > w->total - off)
			return mb2_fail(w, MB2_ERR_TAG,
					"tag %u at offset 0x%x has size 0x%x "
					"past the end (0x%x)",
					tag->type, off, tag->size, w->total);
		if (tag->size < min)
			return mb2_fail(w, MB2_ERR_TAG,
					"tag %u at offset 0x%x has size %u, "
					"smaller than its fixed part (%u)",
					tag->type, off, tag->size, min);
		if (tag->type == MB2_TAG_END)
			return MB2_OK;
		ret = mb2_take_tag(w, bi, tag, off);
		if (ret != MB2_OK)
			return ret;
		/* total is 8-aligned, so the padding stays inside it. */
		off += ALIGN_UP(tag->size, MB2_TAG_ALIGN);
	}
	return mb2_fail(w, MB2_ERR_NO_END, "no end tag before total_size 0x%x",
			w->total);
}

/*
 * Guarantees: on MB2_OK, bi holds the command line, loader name, modules,
 * RSDP copy, framebuffer, EFI system table and the memory map (the EFI one
 * when it has entries, else the basic one). On error bi may be partly
 * filled and must not be used.
 */
int mb2_parse(const void *mbi, struct boot_info *bi, char *err, size_t errsz,
	      unsigned *dropped)
{
	struct mb2_walk w = {.base = mbi, .err = err, .errsz = errsz};
	int ret;

	if (err && errsz)
		err[0] = '\0';
	if (dropped)
		*dropped = 0;
	if (!mbi || !bi)
		return mb2_fail(&w, MB2_ERR_NULL,
				"no Multiboot2 information structure");

	memset(bi, 0, sizeof(*bi));
	bi->method = BOOT_METHOD_MULTIBOOT2;
	w.total = ((const struct mb2_info_header *)mbi)->total_size;
	if (w.total < sizeof(struct mb2_info_header) + sizeof(struct mb2_tag))
		return mb2_fail(&w, MB2_ERR_SIZE,
				"total_size %u is smaller than a header and "
				"an end tag (16)",
				w.total);
	if (w.total > MB2_INFO_MAX_SIZE)
		return mb2_fail(&w, MB2_ERR_SIZE,
				"total_size 0x%x is larger than the 0x%x a "
				"sane loader needs",
				w.total, MB2_INFO_MAX_SIZE);
	if (!IS_ALIGNED(w.total, MB2_TAG_ALIGN))
		return mb2_fail(&w, MB2_ERR_SIZE,
				"total_size 0x%x is not a multiple of 8",
				w.total);

	ret = mb2_walk_tags(&w, bi);
	if (ret != MB2_OK)
		return ret;

	if (w.efi_mmap && mb2_efi_mmap_count(w.efi_mmap) > 0)
		mb2_read_efi_mmap(&w, bi);
	else if (w.mmap && mb2_mmap_count(w.mmap) > 0)
		mb2_read_mmap(&w, bi);
	else
		return mb2_fail(&w, MB2_ERR_NO_MEMMAP,
				"no memory map: neither a Multiboot2 memory "
				"map (tag 6) nor an EFI one (tag 17) with at "
				"least one entry");

	if (dropped)
		*dropped = w.dropped;
	return MB2_OK;
}
