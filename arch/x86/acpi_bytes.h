/*
 * Little-endian fields at any byte offset of a firmware table (ACPI
 * tables pack 32- and 64-bit fields unaligned).
 */
#ifndef ARCH_X86_ACPI_BYTES_H
#define ARCH_X86_ACPI_BYTES_H

#include "lib/compiler.h"
#include "lib/string.h"

static inline uint32_t acpi_read32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint64_t acpi_read64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

#endif
