/*
 * The Multiboot2 boot information structure as the loader hands it over
 * (Multiboot2 specification 2.0, section 3.6 "Boot information format"):
 * an 8-byte header (total_size, reserved), then tags, each starting on an
 * 8-byte boundary with a type and a size that counts the tag header but not
 * the padding after it, ending with a tag of type 0 and size 8.
 */
#ifndef BOOT_MULTIBOOT2_H
#define BOOT_MULTIBOOT2_H

#include "lib/compiler.h"

#define MB2_TAG_ALIGN 8

enum mb2_tag_type {
	MB2_TAG_END = 0,
	MB2_TAG_CMDLINE = 1,
	MB2_TAG_BOOT_LOADER_NAME = 2,
	MB2_TAG_MODULE = 3,
	MB2_TAG_BASIC_MEMINFO = 4,
	MB2_TAG_BOOTDEV = 5,
	MB2_TAG_MMAP = 6,
	MB2_TAG_VBE = 7,
	MB2_TAG_FRAMEBUFFER = 8,
	MB2_TAG_ELF_SECTIONS = 9,
	MB2_TAG_APM = 10,
	MB2_TAG_EFI32 = 11,
	MB2_TAG_EFI64 = 12,
	MB2_TAG_SMBIOS = 13,
	MB2_TAG_ACPI_OLD = 14,
	MB2_TAG_ACPI_NEW = 15,
	MB2_TAG_NETWORK = 16,
	MB2_TAG_EFI_MMAP = 17,
	MB2_TAG_EFI_BS = 18,
	MB2_TAG_EFI32_IH = 19,
	MB2_TAG_EFI64_IH = 20,
	MB2_TAG_LOAD_BASE_ADDR = 21,
};

/* Memory map entry types of tag 6. */
enum mb2_memory_type {
	MB2_MEMORY_AVAILABLE = 1,
	MB2_MEMORY_RESERVED = 2,
	MB2_MEMORY_ACPI_RECLAIMABLE = 3,
	MB2_MEMORY_NVS = 4,
	MB2_MEMORY_BADRAM = 5,
};

/* Framebuffer types of tag 8. */
enum mb2_framebuffer_type {
	MB2_FRAMEBUFFER_INDEXED = 0,
	MB2_FRAMEBUFFER_RGB = 1,
	MB2_FRAMEBUFFER_EGA_TEXT = 2,
};

struct mb2_info_header {
	uint32_t total_size; /* including this header and the end tag */
	uint32_t reserved;
} __packed;

struct mb2_tag {
	uint32_t type;
	uint32_t size; /* including this header, excluding padding */
} __packed;

/* Tags 1 and 2: a NUL-terminated UTF-8 string. */
struct mb2_tag_string {
	struct mb2_tag tag;
	char string[];
} __packed;

struct mb2_tag_module {
	struct mb2_tag tag;
	uint32_t mod_start;
	uint32_t mod_end; /* one past the last byte */
	char cmdline[];
} __packed;

struct mb2_tag_basic_meminfo {
	struct mb2_tag tag;
	uint32_t mem_lower; /* KiB from 0 */
	uint32_t mem_upper; /* KiB from 1 MiB */
} __packed;

struct mb2_mmap_entry {
	uint64_t base_addr;
	uint64_t length;
	uint32_t type; /* enum mb2_memory_type */
	uint32_t reserved;
} __packed;

/* Entries of entry_size bytes (a multiple of 8, at least 24) follow. */
struct mb2_tag_mmap {
	struct mb2_tag tag;
	uint32_t entry_size;
	uint32_t entry_version;
} __packed;

struct mb2_tag_framebuffer {
	struct mb2_tag tag;
	uint64_t framebuffer_addr;
	uint32_t framebuffer_pitch;
	uint32_t framebuffer_width;
	uint32_t framebuffer_height;
	uint8_t framebuffer_bpp;
	uint8_t framebuffer_type; /* enum mb2_framebuffer_type */
	uint16_t reserved; /* GRUB's layout: color_info starts at byte 32 */
	/* color_info follows, depending on the type */
} __packed;

/* The color_info of an MB2_FRAMEBUFFER_RGB framebuffer. */
struct mb2_framebuffer_rgb {
	uint8_t red_field_position;
	uint8_t red_mask_size;
	uint8_t green_field_position;
	uint8_t green_mask_size;
	uint8_t blue_field_position;
	uint8_t blue_mask_size;
} __packed;

struct mb2_tag_efi64 {
	struct mb2_tag tag;
	uint64_t pointer; /* EFI system table */
} __packed;

/* Tags 14 and 15: a copy of the ACPI RSDP (20 or 36 and more bytes). */
struct mb2_tag_acpi_rsdp {
	struct mb2_tag tag;
	uint8_t rsdp[];
} __packed;

/* An EFI_MEMORY_DESCRIPTOR (UEFI spec, GetMemoryMap()). */
struct mb2_efi_memory_descriptor {
	uint32_t type; /* enum efi_memory_type */
	uint32_t pad;
	uint64_t physical_start;
	uint64_t virtual_start;
	uint64_t number_of_pages; /* 4 KiB pages */
	uint64_t attribute;
} __packed;

/* Descriptors of descr_size bytes (at least 40) follow. */
struct mb2_tag_efi_mmap {
	struct mb2_tag tag;
	uint32_t descr_size;
	uint32_t descr_vers;
} __packed;

struct mb2_tag_load_base_addr {
	struct mb2_tag tag;
	uint32_t load_base_addr;
} __packed;

#endif
