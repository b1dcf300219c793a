#include "arch/x86/backtrace.h"
#include "arch/x86/percpu.h"
#include "base/ksyms.h"
#include "base/log.h"

#define BACKTRACE_MAX_FRAMES 32

static void backtrace_print_one(uint64_t addr)
{
	uint64_t off, size;
	const char *name = ksyms_lookup(addr, &off, &size);

	if (name)
		log_printf(LOG_ERROR, "  [<%016llx>] %s+%#llx/%#llx",
			   (unsigned long long)addr, name,
			   (unsigned long long)off, (unsigned long long)size);
	else
		log_printf(LOG_ERROR, "  [<%016llx>] ?", (unsigned long long)addr);
}

void backtrace_print(uint64_t rip, uint64_t rbp)
{
	log_printf(LOG_ERROR, "Backtrace:");
	backtrace_print_one(rip);
	for (unsigned i = 0; i < BACKTRACE_MAX_FRAMES; i++) {
		const uint64_t *frame = (const uint64_t *)rbp;

		if (rbp == 0 || !percpu_on_stack(rbp, 16) || (rbp & 7))
			break;
		if (frame[1] == 0)
			break;
		/* Return addresses point after the call: show the call. */
		backtrace_print_one(frame[1] - 1);
		if (frame[0] == rbp)
			break;
		rbp = frame[0];
	}
}

__attribute__((noinline)) void backtrace_print_here(void)
{
	uint64_t rbp = (uint64_t)__builtin_frame_address(0);
	const uint64_t *frame = (const uint64_t *)rbp;

	/* Start at our caller: skip this function's own frame. */
	backtrace_print(frame[1] - 1, frame[0]);
}
