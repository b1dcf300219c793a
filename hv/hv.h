/* The vendor-neutral start of the hypervisor. */
#ifndef HV_HV_H
#define HV_HV_H

#include "boot/boot_info.h"

/* Brings the machine up from a filled boot_info and runs. Never returns. */
__noreturn void hv_main(const struct boot_info *bi);

/* The boot information was unusable: report why on COM1 and stop. */
__noreturn void hv_boot_failed(const char *reason);

#endif
