/*
 * The C library's string and memory functions for the freestanding
 * hypervisor. Copy and fill are x86 string instructions (with the
 * direction flag clear, as the ABI guarantees at every call): plain C loops
 * here could be turned back into calls to these very functions by the
 * compiler.
 */
#ifndef HOST_TEST

#include "lib/string.h"

void *memcpy(void *dst, const void *src, size_t n)
{
	void *d = dst;

	asm volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
	return dst;
}

/*
 * Copies backwards when dst overlaps the tail of src. That rare case is a
 * plain loop rather than "std; rep movsb": the direction flag stays clear
 * at all times, so an interrupt or NMI arriving here cannot inherit it.
 */
void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if ((uintptr_t)d <= (uintptr_t)s || (uintptr_t)d - (uintptr_t)s >= n)
		return memcpy(dst, src, n);
	while (n > 0) {
		n--;
		d[n] = s[n];
		/* Keeps the compiler from turning the loop into a memmove. */
		asm volatile("" ::: "memory");
	}
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	void *d = dst;

	asm volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *pa = a, *pb = b;

	for (size_t i = 0; i < n; i++) {
		if (pa[i] != pb[i])
			return pa[i] - pb[i];
	}
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	const unsigned char *pa = (const unsigned char *)a;
	const unsigned char *pb = (const unsigned char *)b;

	while (*pa && *pa == *pb) {
		pa++;
		pb++;
	}
	return *pa - *pb;
}

int strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *pa = (const unsigned char *)a;
	const unsigned char *pb = (const unsigned char *)b;

	for (; n > 0; n--, pa++, pb++) {
		if (*pa != *pb || !*pa)
			return *pa - *pb;
	}
	return 0;
}

/* Like the C library's: the terminating NUL is found too (c == 0). */
char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

#endif /* !HOST_TEST */
