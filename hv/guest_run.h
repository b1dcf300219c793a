/* Running the test= workload in a VM on every CPU. */
#ifndef HV_GUEST_RUN_H
#define HV_GUEST_RUN_H

#include "arch/x86/virt_probe.h"
#include "boot/boot_info.h"
#include "hv/options.h"

/*
 * Creates the VM, loads the guest, runs one vCPU on each of the first
 * vcpus CPUs until all are done or the VM stops, tears it down and checks
 * that every page came back. Records the figures for the summary. Returns
 * whether the run passed; if not, why.
 */
bool guest_run(const struct boot_info *bi, const struct hv_options *opt,
	       const struct virt_caps *caps, char *why, size_t whysz);

#endif
