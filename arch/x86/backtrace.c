#include "arch/x86/backtrace.h"
#include "arch/x86/percpu.h"
#include "base/ksyms.h"
#include "base/log.h"
#include "lib/string.h"

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

/* The RBP chain from rbp: each frame's return address, as the call. */
static void backtrace_walk(uint64_t rbp)
{
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

void backtrace_print(uint64_t rip, uint64_t rbp)
{
	log_printf(LOG_ERROR, "Backtrace:");
	backtrace_print_one(rip);
	backtrace_walk(rbp);
}

/* push %rbp; mov %rsp,%rbp: how every function with a frame begins. */
#define PROLOGUE_PUSH_RBP 0x55
static const uint8_t prologue_mov_rsp_rbp[3] = { 0x48, 0x89, 0xe5 };
#define PROLOGUE_SIZE 4

/*
 * Whether ret is a return address: inside the image's code, right after
 * a CALL (E8 rel32, or FF /2 with a 2-, 3-, 6- or 7-byte encoding).
 */
static bool backtrace_follows_call(uint64_t ret)
{
	static const unsigned indirect_lengths[] = { 2, 3, 6, 7 };
	uint64_t off, size;
	const uint8_t *p = (const uint8_t *)ret;

	if (!ksyms_lookup(ret - 7, &off, &size) || !ksyms_lookup(ret, &off, &size))
		return false;
	if (p[-5] == 0xe8)
		return true;
	for (unsigned i = 0; i < ARRAY_SIZE(indirect_lengths); i++) {
		const uint8_t *call = p - indirect_lengths[i];

		if (call[0] == 0xff && ((call[1] >> 3) & 7) == 2)
			return true;
	}
	return false;
}

/*
 * Where the return address of the interrupted function is when RBP does
 * not lead to it yet: a function without a frame (GCC leaves it out of
 * leaf functions, frame pointers or not) or one caught in its prologue
 * leaves RBP at its caller's frame and its own return address on top of
 * the stack, above the RBP it pushed if it got that far. 0 when the
 * function has its frame, or the address found there is no return
 * address.
 */
static uint64_t backtrace_unframed_return(uint64_t rip, uint64_t rsp)
{
	uint64_t off, size, slot;
	const char *fn = ksyms_lookup(rip, &off, &size);
	const uint8_t *start = (const uint8_t *)(rip - off);

	if (!fn)
		return 0;
	if (off >= PROLOGUE_SIZE && start[0] == PROLOGUE_PUSH_RBP &&
	    memcmp(start + 1, prologue_mov_rsp_rbp, 3) == 0)
		return 0; /* its frame is set up: RBP leads on */
	slot = rsp + (off >= 1 && off < PROLOGUE_SIZE &&
			      start[0] == PROLOGUE_PUSH_RBP ? 8 : 0);
	if (!percpu_on_stack(slot, 8) || (slot & 7))
		return 0;
	return backtrace_follows_call(*(const uint64_t *)slot) ?
		       *(const uint64_t *)slot : 0;
}

void backtrace_print_interrupted(uint64_t rip, uint64_t rsp, uint64_t rbp)
{
	uint64_t ret = backtrace_unframed_return(rip, rsp);

	log_printf(LOG_ERROR, "Backtrace:");
	backtrace_print_one(rip);
	if (ret)
		backtrace_print_one(ret - 1);
	backtrace_walk(rbp);
}

__attribute__((noinline)) void backtrace_print_here(void)
{
	uint64_t rbp = (uint64_t)__builtin_frame_address(0);
	const uint64_t *frame = (const uint64_t *)rbp;

	/* Start at our caller: skip this function's own frame. */
	backtrace_print(frame[1] - 1, frame[0]);
}
