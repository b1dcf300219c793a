/*
 * Multiboot2 information parsing: turns the boot information structure GRUB
 * hands over into struct boot_info. Validates every tag against the total
 * size; never reads past it.
 */
#ifndef BOOT_MB2_PARSE_H
#define BOOT_MB2_PARSE_H

#include "boot/boot_info.h"

#define MB2_BOOTLOADER_MAGIC 0x36d76289u
#define MB2_INFO_MAX_SIZE (1u << 20) /* anything larger is corrupt */

enum mb2_parse_result {
	MB2_OK = 0,
	MB2_ERR_NULL = -1,      /* no information structure */
	MB2_ERR_SIZE = -2,      /* total_size too small, too large, unaligned */
	MB2_ERR_TAG = -3,       /* a tag runs past the end or has a bad size */
	MB2_ERR_NO_END = -4,    /* no end tag */
	MB2_ERR_NO_MEMMAP = -5, /* neither a basic nor an EFI memory map */
};

/*
 * Parses the Multiboot2 information at mbi (total_size bytes available to
 * read, as the first word says; the caller guarantees at least 8 bytes are
 * readable) into bi, which is zeroed first. On error returns a negative
 * enum mb2_parse_result and writes one line explaining it into err, e.g.
 * "tag 6 at offset 0x48 has size 0x1000 past the end (0x90)".
 * Unknown tags are skipped. When both a basic (6) and an EFI (17) memory
 * map are present, the EFI one is used. Adjacent memory map entries of
 * the same type are merged (boot/memmap_append.h); entries that still do
 * not fit in BOOT_MEMMAP_MAX and modules beyond BOOT_MODULES_MAX are
 * dropped and counted in *dropped (may be NULL).
 */
int mb2_parse(const void *mbi, struct boot_info *bi, char *err, size_t errsz,
	      unsigned *dropped);

#endif
