/*
 * Probes for trap_call (guest/trap.h): small routines in assembly whose
 * instructions a test wants to see fault or trap at known addresses.
 */
#ifndef GUEST_PROBE_H
#define GUEST_PROBE_H

/*
 * Declares probe: a routine made of body (GNU as syntax; it may set
 * global labels of its own) followed by RET.
 */
#define GUEST_PROBE(probe, body)                                               \
	void probe(void);                                                      \
	asm(".pushsection .text\n"                                             \
	    ".type " #probe ", @function\n" #probe ":\n\t" body "\n\t"         \
	    "ret\n"                                                            \
	    ".size " #probe ", . - " #probe "\n"                               \
	    ".popsection")

#endif
