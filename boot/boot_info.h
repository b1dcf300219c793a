/*
 * struct boot_info: everything the hypervisor needs to know about how it was
 * started. The two entries (Multiboot2 and the native UEFI application) fill
 * it; nothing after hv_main() knows which one ran. All addresses are
 * physical. The structure is self-contained (no pointers into loader
 * memory), so the loader's memory may be reused once it has been copied.
 */
#ifndef BOOT_BOOT_INFO_H
#define BOOT_BOOT_INFO_H

#include "lib/compiler.h"

#define BOOT_CMDLINE_MAX 1024
#define BOOT_MEMMAP_MAX 512
#define BOOT_MODULES_MAX 16
#define BOOT_MODULE_CMDLINE_MAX 128
#define BOOT_LOADER_NAME_MAX 64
#define BOOT_RSDP_MAX 36 /* ACPI 2.0+ RSDP is 36 bytes, ACPI 1.0 one is 20 */

enum boot_method {
	BOOT_METHOD_MULTIBOOT2 = 1,
	BOOT_METHOD_UEFI = 2,
};

/* Physical memory types, ordered so that a larger value wins an overlap. */
enum mem_type {
	MEM_USABLE = 1,      /* free RAM once the loader is gone */
	MEM_ACPI_RECLAIM = 2, /* ACPI tables: RAM, but must be kept */
	MEM_ACPI_NVS = 3,
	MEM_RESERVED = 4,    /* firmware, MMIO, runtime services, unknown */
	MEM_BAD = 5,         /* defective RAM */
};

/*
 * What the entry found of five-level paging (CR4.LA57) in the state the
 * loader left; the hypervisor's page tables have four levels. boot/start.asm
 * has copies of the values.
 */
enum boot_la57 {
	BOOT_LA57_OFF = 0,      /* four-level paging (or paging off), as expected */
	BOOT_LA57_SWITCHED = 1, /* the 64-bit entry ran on five-level paging and switched to four */
	BOOT_LA57_CLEARED = 2,  /* the 32-bit entry found CR4.LA57 set with paging off and cleared it */
};

struct mem_range {
	uint64_t base;
	uint64_t length;
	uint32_t type; /* enum mem_type */
};

struct boot_module {
	uint64_t start; /* first byte */
	uint64_t end;   /* one past the last byte */
	char cmdline[BOOT_MODULE_CMDLINE_MAX];
};

enum boot_fb_type {
	BOOT_FB_NONE = 0,
	BOOT_FB_INDEXED = 1,
	BOOT_FB_RGB = 2,
	BOOT_FB_EGA_TEXT = 3,
};

/* Where one colour sits in a BOOT_FB_RGB pixel: bits [pos, pos + size). */
struct boot_fb_field {
	uint8_t pos;
	uint8_t size; /* 0: unknown (then the framebuffer is not drawn on) */
};

/*
 * The screen the loader left. BOOT_FB_RGB: a linear framebuffer of
 * height rows of pitch bytes (pitch may exceed width * bytes per pixel),
 * each pixel bpp bits, little-endian, its colours where red, green and
 * blue say. BOOT_FB_EGA_TEXT: width x height character cells.
 */
struct boot_framebuffer {
	uint64_t addr;
	uint32_t pitch;
	uint32_t width;
	uint32_t height;
	uint8_t bpp;
	uint8_t type; /* enum boot_fb_type */
	struct boot_fb_field red, green, blue; /* BOOT_FB_RGB */
};

struct boot_info {
	uint32_t method; /* enum boot_method */
	char cmdline[BOOT_CMDLINE_MAX];
	char loader_name[BOOT_LOADER_NAME_MAX];

	/* Memory map as the firmware reported it (not yet sanitized). */
	struct mem_range memmap[BOOT_MEMMAP_MAX];
	uint32_t memmap_count;
	bool memmap_is_efi; /* came from the EFI memory map (more precise) */

	struct boot_module modules[BOOT_MODULES_MAX];
	uint32_t module_count;

	/* A copy of the RSDP (Multiboot2 hands over a copy, not a pointer). */
	uint8_t rsdp[BOOT_RSDP_MAX];
	uint8_t rsdp_revision; /* 0: ACPI 1.0 RSDP; 2: ACPI 2.0+ (XSDT) */
	bool has_rsdp;

	struct boot_framebuffer fb; /* type BOOT_FB_NONE when absent */

	uint64_t efi_system_table; /* 0 when not booted through UEFI */

	/* Physical range of the loaded hypervisor image, set by the entry. */
	uint64_t image_start;
	uint64_t image_end;

	/* enum boot_la57, set by the entry. */
	uint32_t la57_at_entry;
};

/*
 * Where both entries hand over, on the boot CPU: the hypervisor proper
 * (hv/main.c), the one function above boot/ that boot/ calls. boot_error is
 * NULL, or says why the loader's information was unusable; then bi holds
 * only what could be read, and the run ends in a FAIL that gives the
 * reason. Never returns.
 */
__noreturn void hv_main(const struct boot_info *bi, const char *boot_error);

#endif
