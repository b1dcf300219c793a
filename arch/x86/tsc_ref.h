/*
 * A reference counter the TSC is measured against: the ACPI PM timer, the
 * HPET or the PIT, each behind the same small interface.
 */
#ifndef ARCH_X86_TSC_REF_H
#define ARCH_X86_TSC_REF_H

#include "arch/x86/tsc_report.h"

struct tsc_ref {
	enum tsc_method method;
	/* The counter now; counts up, only the low `bits` bits are valid. */
	uint64_t (*read)(void);
	unsigned bits;
	uint64_t period_fs;
};

/*
 * Each opens its timer and fills *ref, or returns false with the reason
 * in why (the PIT is always there to try). Opening may change the timer's
 * state (HPET enable, PIT channel 2 mode and gate); close restores what
 * was changed.
 */
bool pm_timer_open(uint16_t port, unsigned bits, struct tsc_ref *ref,
		   char *why, size_t whysz);
bool hpet_open(uint64_t phys, struct tsc_ref *ref, char *why, size_t whysz);
void hpet_close(void);
void pit_counter_open(struct tsc_ref *ref);
void pit_counter_close(void);

/* Whether the counter moves at all within a few thousand reads. */
bool tsc_ref_counts(const struct tsc_ref *ref);

#endif
