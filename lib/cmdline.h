/*
 * Kernel-style command lines: words separated by spaces, each "key" or
 * "key=value"; a value may be double-quoted to contain spaces.
 */
#ifndef LIB_CMDLINE_H
#define LIB_CMDLINE_H

#include "lib/compiler.h"

struct cmdline_iter {
	const char *pos;
};

/*
 * Returns the next word of the command line: key copied to key (at most
 * keysz-1 bytes), value to val (empty when the word has no '='). Returns
 * false at the end. Words too long for the buffers are truncated and
 * reported through *truncated when it is not NULL.
 */
bool cmdline_next(struct cmdline_iter *it, char *key, size_t keysz, char *val,
		  size_t valsz, bool *truncated);

/* Parses an unsigned number: decimal, 0x hex, optional K/M/G suffix. */
bool cmdline_parse_u64(const char *s, uint64_t *out);

#endif
