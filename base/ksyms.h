/* The image's own symbol table (generated at build time by tools/ksyms.py). */
#ifndef BASE_KSYMS_H
#define BASE_KSYMS_H

#include "lib/compiler.h"

/*
 * Finds the function containing addr. Returns its name and sets *offset
 * and *size (to the next symbol), or returns NULL when addr is outside the
 * image's code.
 */
const char *ksyms_lookup(uint64_t addr, uint64_t *offset, uint64_t *size);

#endif
