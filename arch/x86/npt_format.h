/*
 * AMD nested page-table entries (APM vol. 2, 15.25.5: long-mode page-table
 * format walked as user accesses) as a struct tdp_format for the MMU core.
 */
#ifndef ARCH_X86_NPT_FORMAT_H
#define ARCH_X86_NPT_FORMAT_H

#include "mm/tdp_format.h"

#define NPT_P	      (1ull << 0)
#define NPT_RW	      (1ull << 1)
#define NPT_US	      (1ull << 2)
#define NPT_A	      (1ull << 5)
#define NPT_D	      (1ull << 6)
#define NPT_PS	      (1ull << 7)
#define NPT_NX	      (1ull << 63)
#define NPT_ADDR_MASK 0x000ffffffffff000ull

extern const struct tdp_format npt_format;

#endif
