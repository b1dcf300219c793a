/*
 * printf-style formatting into a buffer. No allocation, no global state:
 * safe from any CPU, in exception handlers and before memory management.
 */
#ifndef LIB_FORMAT_H
#define LIB_FORMAT_H

#include <stdarg.h>
#include "lib/compiler.h"

/*
 * Formats like C99 vsnprintf: conversions d i u x X o c s p %, flags
 * - + space # 0, width and precision (also '*'), length modifiers hh h l ll
 * z j t. Always NUL-terminates when size > 0; returns the length the full
 * output would have had. %s of NULL prints "(null)"; an unknown conversion
 * is copied through verbatim.
 */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

#endif
