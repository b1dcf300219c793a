/*
 * What each CPU offers for running guests, probed on every CPU: Intel VMX
 * with EPT, or AMD SVM with NPT. The result is vendor-neutral enough for
 * hv/ to decide and report; details stay in the vendor fields.
 */
#ifndef ARCH_X86_VIRT_PROBE_H
#define ARCH_X86_VIRT_PROBE_H

#include "lib/compiler.h"

enum cpu_vendor {
	VENDOR_OTHER = 0,
	VENDOR_INTEL = 1,
	VENDOR_AMD = 2,
};

enum virt_kind {
	VIRT_NONE = 0,
	VIRT_VMX = 1,
	VIRT_SVM = 2,
};

struct virt_caps {
	uint8_t vendor; /* enum cpu_vendor */
	uint8_t kind;   /* enum virt_kind: VIRT_NONE when guests cannot run */
	char why[160];  /* when kind is VIRT_NONE: what is missing, what to do */

	/* Second-level paging (EPT or NPT). */
	bool tdp_2m, tdp_1g, tdp_accessed_dirty;
	/* enum itlb_multihit (arch/x86/itlb_multihit.h): whether changing
	 * the page size of an executable mapping may raise a machine check. */
	uint8_t itlb_multihit;

	/* Intel VMX. */
	bool vmx_firmware_locked; /* IA32_FEATURE_CONTROL was locked by firmware */
	bool vpid, unrestricted_guest, invept_single, invept_all;
	bool preemption_timer;
	bool ins_outs_info; /* INS/OUTS exits report address size and segment */

	/* AMD SVM. */
	bool nrip_save, flush_by_asid, vgif, decode_assists, pause_filter;
	uint32_t asid_count;
};

enum cpu_vendor cpu_vendor(void);
const char *cpu_vendor_name(enum cpu_vendor v); /* "intel", "amd", "other" */
const char *virt_kind_name(enum virt_kind k);   /* "vmx", "svm", "none" */

/* Probes this CPU (and enables VMX in IA32_FEATURE_CONTROL if unlocked). */
void virt_probe_this_cpu(struct virt_caps *out);

/* Vendor halves, in arch/x86/vmx/probe.c and arch/x86/svm/probe.c. */
void vmx_probe(struct virt_caps *out);
void svm_probe(struct virt_caps *out);

/* One line describing caps, e.g. "svm npt(2M,1G) nrip asids=16 ...". */
void virt_caps_describe(const struct virt_caps *caps, char *buf, size_t size);

#endif
