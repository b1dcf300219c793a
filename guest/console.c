/* Console lines from the guest: format on the stack, one hypercall each. */
#include <stdarg.h>

#include "guest/console.h"
#include "guest/hypercall.h"
#include "lib/format.h"

#define GUEST_LINE_MAX 256 /* HV_HC_CONSOLE_WRITE's limit */

void guest_printf(const char *fmt, ...)
{
	char line[GUEST_LINE_MAX + 1];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	hc_console_write(line, MIN((uint32_t)n, GUEST_LINE_MAX));
}
