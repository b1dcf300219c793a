/*
 * The guest's barrier: an arrival counter and a generation number, each on
 * its own cache line, in the guest's .bss (RAM every vCPU sees). Waiting
 * vCPUs spin with PAUSE and never exit to the hypervisor.
 */
#include "guest/barrier.h"

static struct {
	uint32_t arrived __aligned(64);
	uint32_t generation __aligned(64);
} barrier;

void barrier_wait(uint32_t n)
{
	uint32_t gen = __atomic_load_n(&barrier.generation, __ATOMIC_ACQUIRE);

	if (__atomic_add_fetch(&barrier.arrived, 1, __ATOMIC_ACQ_REL) == n) {
		/*
		 * Nobody can arrive for the next use before the generation
		 * moves, so the reset cannot lose an arrival.
		 */
		__atomic_store_n(&barrier.arrived, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&barrier.generation, gen + 1,
				 __ATOMIC_RELEASE);
		return;
	}
	while (__atomic_load_n(&barrier.generation, __ATOMIC_ACQUIRE) == gen)
		__builtin_ia32_pause();
}
