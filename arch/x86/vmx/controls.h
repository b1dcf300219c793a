/*
 * The VMX capability arithmetic, as pure functions of MSR values so that
 * the host tests can run them on values captured from real CPUs: the
 * IA32_FEATURE_CONTROL decision, the VM-execution, VM-exit and VM-entry
 * control words (SDM Vol. 3D, appendix A.3 to A.5), the CR0/CR4 bits a
 * guest may not own (A.7, A.8) and the MSR-bitmap layout (Vol. 3C,
 * 25.6.9). The AMD side has no capability MSRs, so it has no such file.
 */
#ifndef ARCH_X86_VMX_CONTROLS_H
#define ARCH_X86_VMX_CONTROLS_H

#include "lib/compiler.h"

/* The capability MSRs, as read on one CPU (0 where an MSR is absent). */
struct vmx_cap_msrs {
	uint64_t feature_control; /* IA32_FEATURE_CONTROL */
	uint64_t basic;		  /* IA32_VMX_BASIC */
	uint64_t pinbased, procbased, exit, entry; /* IA32_VMX_*_CTLS */
	uint64_t true_pinbased, true_procbased, true_exit, true_entry;
	uint64_t procbased2; /* IA32_VMX_PROCBASED_CTLS2 */
	uint64_t ept_vpid;   /* IA32_VMX_EPT_VPID_CAP */
	uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
};

/* What to do with IA32_FEATURE_CONTROL before VMXON. */
enum vmx_feature_control_action {
	VMX_FC_READY,	    /* locked with VMX outside SMX on: nothing to do */
	VMX_FC_WRITE,	    /* unlocked: write *write_value (sets and locks) */
	VMX_FC_LOCKED_OFF,  /* locked with VMX off: a firmware setting */
	VMX_FC_SMX_ONLY,    /* locked with VMX only inside SMX (TXT) */
};

/*
 * The decision for a value of IA32_FEATURE_CONTROL. For VMX_FC_WRITE,
 * *write_value keeps every other bit of fc and adds VMX outside SMX and
 * the lock. For the two refusals, why names the firmware setting.
 */
enum vmx_feature_control_action
vmx_feature_control_decide(uint64_t fc, uint64_t *write_value, char *why,
			   size_t whysz);

/* The control words a vCPU's VMCS gets. */
struct vmx_controls {
	uint32_t pinbased, procbased, procbased2, exit, entry;
	bool true_msrs;	       /* computed from the IA32_VMX_TRUE_* MSRs */
	bool vpid;	       /* ENABLE_VPID is set */
	bool load_pat;	       /* exit and entry load/save IA32_PAT */
	bool invvpid_single;   /* INVVPID single-context exists */
	bool invvpid_all;      /* INVVPID all-context exists */
	bool invept_single;    /* INVEPT single-context exists */
	bool ept_accessed_dirty; /* EPTP bit 6 may be set */
};

/*
 * One control word from its capability MSR: bits 31:0 are the allowed
 * 0-settings (a 1 there forces the control to 1), bits 63:32 the allowed
 * 1-settings. The result has every required bit, every optional bit the
 * CPU allows, and every bit the CPU forces. False when a required bit is
 * not allowed (*missing: those bits) or a bit in must_be_clear is forced
 * (*missing: those bits); *out is still the best possible word.
 */
bool vmx_control_adjust(uint64_t cap, uint32_t required, uint32_t optional,
			uint32_t must_be_clear, uint32_t *out,
			uint32_t *missing);

/*
 * Every control this hypervisor runs guests with, from the capability
 * MSRs (the TRUE_* ones when IA32_VMX_BASIC bit 55 says they exist).
 * False with a sentence in err naming the first missing control and the
 * capability MSR it was checked against.
 */
bool vmx_controls_compute(const struct vmx_cap_msrs *m, struct vmx_controls *out,
			  char *err, size_t errsz);

/*
 * The CR0 or CR4 bits a guest may not own: those the CPU fixes to 1
 * (fixed0), except the guest_free ones (PE and PG under unrestricted
 * guest), and those it fixes to 0 (not in fixed1). They go into the
 * guest/host mask, so a guest's write of them exits. Bits 63:32 are
 * always included (reserved).
 */
uint64_t vmx_cr_owned_bits(uint64_t fixed0, uint64_t fixed1, uint64_t guest_free);

/* The value a guest's CR0/CR4 must have in the VMCS for a shadow value. */
uint64_t vmx_cr_real_value(uint64_t shadow, uint64_t fixed0, uint64_t fixed1,
			   uint64_t guest_free);

#define VMX_MSR_BITMAP_SIZE 4096

/*
 * Clears the read and/or write exit of msr in a 4 KiB MSR bitmap (SDM
 * Vol. 3C, 25.6.9: read-low, read-high, write-low, write-high quarters
 * for MSRs 0..0x1fff and 0xc0000000..0xc0001fff). False, bitmap
 * unchanged, for an MSR outside both ranges: it always exits.
 */
bool vmx_msr_bitmap_allow(uint8_t *bitmap, uint32_t msr, bool read,
			  bool write);

/* Whether a read (or write) of msr exits with this bitmap. */
bool vmx_msr_bitmap_exits(const uint8_t *bitmap, uint32_t msr, bool write);

#endif
