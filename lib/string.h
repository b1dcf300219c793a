/*
 * The C string and memory functions.
 *
 * In the hypervisor they come from lib/string.c (gcc also emits calls to
 * memcpy, memmove, memset and memcmp on its own). Host test builds
 * (HOST_TEST) use the C library's and lib/string.c compiles to nothing.
 *
 * Bounded string copy is str_copy() in both builds: the host C library
 * (glibc before 2.38) has no strlcpy, so the project never uses that name.
 */
#ifndef LIB_STRING_H
#define LIB_STRING_H

#include "lib/compiler.h"

#ifdef HOST_TEST
#include <string.h>
#else
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
#endif

/*
 * strlcpy semantics: copies at most size-1 bytes of src to dst and
 * NUL-terminates it when size > 0. Returns strlen(src); a result >= size
 * means the copy was truncated.
 */
static inline size_t str_copy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size > 0) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

#endif
