/* A barrier for all vCPUs of the guest, in shared memory. */
#ifndef GUEST_BARRIER_H
#define GUEST_BARRIER_H

#include "lib/compiler.h"

/*
 * Returns once all n vCPUs have called it, and may be called again right
 * away: the last to arrive opens it by bumping a generation number that
 * the others spin on. Everything a vCPU wrote before its call is visible
 * to every vCPU after the barrier (acquire/release on the counters).
 */
void barrier_wait(uint32_t n);

#endif
