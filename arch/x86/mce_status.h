/*
 * Machine-check bank status words (SDM Vol. 3B, 16.3.2.2; APM Vol. 2,
 * 9.3.2.3), decoded for the console. Pure: host-tested.
 */
#ifndef ARCH_X86_MCE_STATUS_H
#define ARCH_X86_MCE_STATUS_H

#include "lib/compiler.h"

#define MCI_STATUS_VAL	 (1ull << 63) /* the bank holds an error */
#define MCI_STATUS_OVER	 (1ull << 62) /* another was lost */
#define MCI_STATUS_UC	 (1ull << 61) /* uncorrected */
#define MCI_STATUS_EN	 (1ull << 60) /* reported by an exception */
#define MCI_STATUS_MISCV (1ull << 59)
#define MCI_STATUS_ADDRV (1ull << 58)
#define MCI_STATUS_PCC	 (1ull << 57) /* processor context corrupt */

/*
 * One line for a bank's status word, e.g. "uncorrected, processor
 * context corrupt, address valid, error code 0x0150 (memory controller
 * or cache), model code 0x0001"; "no error" without VAL.
 */
void mce_describe_status(uint64_t status, char *buf, size_t len);

#endif
