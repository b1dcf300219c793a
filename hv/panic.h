/*
 * Fatal errors and checked invariants. Each report names file:line and the
 * CPU and prints a symbolized backtrace; panic() and BUG_ON() then stop every
 * CPU and end the run with "hv: done: FAIL: <reason>".
 */
#ifndef HV_PANIC_H
#define HV_PANIC_H

#include "lib/compiler.h"

__noreturn void panic_at(const char *file, int line, const char *fmt, ...)
	__printf(3, 4);
void warn_at(const char *file, int line, const char *what);

#define panic(...) panic_at(__FILE__, __LINE__, __VA_ARGS__)

#define BUG_ON(cond)                                                           \
	do {                                                                   \
		if (unlikely(cond))                                            \
			panic_at(__FILE__, __LINE__, "BUG_ON(%s)", #cond);     \
	} while (0)

#define WARN_ON(cond)                                                          \
	({                                                                     \
		bool warn_on_ = !!(cond);                                      \
		if (unlikely(warn_on_))                                        \
			warn_at(__FILE__, __LINE__, #cond);                    \
		unlikely(warn_on_);                                            \
	})

/*
 * The end of every fatal path (panic, BUG_ON, unexpected exception): the
 * first CPU to get here stops the others, prints the summary and the FAIL
 * line, and leaves as the command line says; any other CPU just halts.
 */
__noreturn void fatal_stop(const char *reason);

#endif
