/*
 * The VMCS: field encodings (SDM Vol. 3D, appendix B), control bits (Vol.
 * 3C, 25.6 to 25.8), exit reasons (Vol. 3D, appendix C), exit
 * qualifications (Vol. 3C, 28.2.1) and VM-instruction errors (Vol. 3C,
 * 31.4), named as in the manual. The VMCS itself is opaque: it is read
 * and written only with VMREAD and VMWRITE (vmx_vmcs_read/write).
 */
#ifndef ARCH_X86_VMX_VMCS_H
#define ARCH_X86_VMX_VMCS_H

#include "lib/compiler.h"

/* Capability MSRs (appendix A). */
#define MSR_IA32_VMX_PINBASED_CTLS	 0x481
#define MSR_IA32_VMX_EXIT_CTLS		 0x483
#define MSR_IA32_VMX_ENTRY_CTLS		 0x484
#define MSR_IA32_VMX_CR0_FIXED0		 0x486
#define MSR_IA32_VMX_CR0_FIXED1		 0x487
#define MSR_IA32_VMX_CR4_FIXED0		 0x488
#define MSR_IA32_VMX_CR4_FIXED1		 0x489
#define MSR_IA32_VMX_TRUE_PINBASED_CTLS	 0x48d
#define MSR_IA32_VMX_TRUE_EXIT_CTLS	 0x48f
#define MSR_IA32_VMX_TRUE_ENTRY_CTLS	 0x490
#define MSR_IA32_VMX_VMFUNC		 0x491
#define MSR_IA32_VMX_FIRST		 0x480
#define MSR_IA32_VMX_LAST		 0x492

#define VMX_BASIC_REVISION_MASK	  0x7fffffffull
#define VMX_BASIC_REGION_SIZE(b)  (((b) >> 32) & 0x1fff)
#define VMX_BASIC_32BIT_ADDRESSES (1ull << 48)
#define VMX_BASIC_MEMTYPE(b)	  (((b) >> 50) & 0xf)
#define VMX_BASIC_MEMTYPE_WB	  6
#define VMX_BASIC_INS_OUTS_INFO	  (1ull << 54) /* instruction info of INS/OUTS */
#define VMX_BASIC_TRUE_CTLS	  (1ull << 55)

/* IA32_VMX_EPT_VPID_CAP (A.10). */
#define VMX_EPT_CAP_WALK_4	    (1ull << 6)
#define VMX_EPT_CAP_WB		    (1ull << 14)
#define VMX_EPT_CAP_2M		    (1ull << 16)
#define VMX_EPT_CAP_1G		    (1ull << 17)
#define VMX_EPT_CAP_INVEPT	    (1ull << 20)
#define VMX_EPT_CAP_ACCESSED_DIRTY  (1ull << 21)
#define VMX_EPT_CAP_INVEPT_SINGLE   (1ull << 25)
#define VMX_EPT_CAP_INVEPT_ALL	    (1ull << 26)
#define VMX_VPID_CAP_INVVPID	    (1ull << 32)
#define VMX_VPID_CAP_INVVPID_SINGLE (1ull << 41)
#define VMX_VPID_CAP_INVVPID_ALL    (1ull << 42)

/* EPT pointer (25.6.11). */
#define VMX_EPTP_MEMTYPE_WB	 6ull
#define VMX_EPTP_WALK_LENGTH(n)	 ((uint64_t)((n) - 1) << 3)
#define VMX_EPTP_ACCESSED_DIRTY	 (1ull << 6)

/* INVEPT and INVVPID types (31.3). */
#define VMX_INVEPT_SINGLE_CONTEXT  1
#define VMX_INVEPT_ALL_CONTEXT	   2
#define VMX_INVVPID_SINGLE_CONTEXT 1
#define VMX_INVVPID_ALL_CONTEXT	   2

/* Pin-based VM-execution controls (25.6.1). */
#define PIN_EXTERNAL_INTERRUPT_EXITING (1u << 0)
#define PIN_NMI_EXITING		       (1u << 3)
#define PIN_VIRTUAL_NMIS	       (1u << 5)
#define PIN_PREEMPTION_TIMER	       (1u << 6)
#define PIN_POSTED_INTERRUPTS	       (1u << 7)

/* Primary processor-based VM-execution controls (25.6.2). */
#define PROC_INTERRUPT_WINDOW_EXITING (1u << 2)
#define PROC_USE_TSC_OFFSETTING	      (1u << 3)
#define PROC_HLT_EXITING	      (1u << 7)
#define PROC_INVLPG_EXITING	      (1u << 9)
#define PROC_MWAIT_EXITING	      (1u << 10)
#define PROC_RDPMC_EXITING	      (1u << 11)
#define PROC_RDTSC_EXITING	      (1u << 12)
#define PROC_CR3_LOAD_EXITING	      (1u << 15)
#define PROC_CR3_STORE_EXITING	      (1u << 16)
#define PROC_CR8_LOAD_EXITING	      (1u << 19)
#define PROC_CR8_STORE_EXITING	      (1u << 20)
#define PROC_USE_TPR_SHADOW	      (1u << 21)
#define PROC_NMI_WINDOW_EXITING	      (1u << 22)
#define PROC_MOV_DR_EXITING	      (1u << 23)
#define PROC_UNCONDITIONAL_IO_EXITING (1u << 24)
#define PROC_USE_IO_BITMAPS	      (1u << 25)
#define PROC_MONITOR_TRAP_FLAG	      (1u << 27)
#define PROC_USE_MSR_BITMAPS	      (1u << 28)
#define PROC_MONITOR_EXITING	      (1u << 29)
#define PROC_PAUSE_EXITING	      (1u << 30)
#define PROC_ACTIVATE_SECONDARY	      (1u << 31)

/* Secondary processor-based VM-execution controls (25.6.2). */
#define PROC2_VIRTUALIZE_APIC_ACCESSES (1u << 0)
#define PROC2_ENABLE_EPT	       (1u << 1)
#define PROC2_DESCRIPTOR_TABLE_EXITING (1u << 2)
#define PROC2_ENABLE_RDTSCP	       (1u << 3)
#define PROC2_VIRTUALIZE_X2APIC	       (1u << 4)
#define PROC2_ENABLE_VPID	       (1u << 5)
#define PROC2_WBINVD_EXITING	       (1u << 6)
#define PROC2_UNRESTRICTED_GUEST       (1u << 7)
#define PROC2_PAUSE_LOOP_EXITING       (1u << 10)
#define PROC2_ENABLE_INVPCID	       (1u << 12)
#define PROC2_ENABLE_VMFUNC	       (1u << 13)
#define PROC2_VMCS_SHADOWING	       (1u << 14)
#define PROC2_ENABLE_PML	       (1u << 17)
#define PROC2_EPT_VIOLATION_VE	       (1u << 18)
#define PROC2_ENABLE_XSAVES	       (1u << 20)

/* VM-exit controls (25.7.1). */
#define EXIT_SAVE_DEBUG_CONTROLS      (1u << 2)
#define EXIT_HOST_ADDRESS_SPACE_SIZE  (1u << 9)
#define EXIT_LOAD_PERF_GLOBAL_CTRL    (1u << 12)
#define EXIT_ACK_INTERRUPT_ON_EXIT    (1u << 15)
#define EXIT_SAVE_IA32_PAT	      (1u << 18)
#define EXIT_LOAD_IA32_PAT	      (1u << 19)
#define EXIT_SAVE_IA32_EFER	      (1u << 20)
#define EXIT_LOAD_IA32_EFER	      (1u << 21)
#define EXIT_SAVE_PREEMPTION_TIMER    (1u << 22)

/* VM-entry controls (25.8.1). */
#define ENTRY_LOAD_DEBUG_CONTROLS (1u << 2)
#define ENTRY_IA32E_MODE_GUEST	  (1u << 9)
#define ENTRY_TO_SMM		  (1u << 10)
#define ENTRY_DUAL_MONITOR	  (1u << 11)
#define ENTRY_LOAD_PERF_GLOBAL	  (1u << 13)
#define ENTRY_LOAD_IA32_PAT	  (1u << 14)
#define ENTRY_LOAD_IA32_EFER	  (1u << 15)

/* Field encodings (appendix B). 16-bit. */
#define VMCS_VPID		0x0000
#define VMCS_GUEST_ES_SELECTOR	0x0800
#define VMCS_GUEST_CS_SELECTOR	0x0802
#define VMCS_GUEST_SS_SELECTOR	0x0804
#define VMCS_GUEST_DS_SELECTOR	0x0806
#define VMCS_GUEST_FS_SELECTOR	0x0808
#define VMCS_GUEST_GS_SELECTOR	0x080a
#define VMCS_GUEST_LDTR_SELECTOR 0x080c
#define VMCS_GUEST_TR_SELECTOR	0x080e
#define VMCS_HOST_ES_SELECTOR	0x0c00
#define VMCS_HOST_CS_SELECTOR	0x0c02
#define VMCS_HOST_SS_SELECTOR	0x0c04
#define VMCS_HOST_DS_SELECTOR	0x0c06
#define VMCS_HOST_FS_SELECTOR	0x0c08
#define VMCS_HOST_GS_SELECTOR	0x0c0a
#define VMCS_HOST_TR_SELECTOR	0x0c0c

/* 64-bit. */
#define VMCS_IO_BITMAP_A	     0x2000
#define VMCS_IO_BITMAP_B	     0x2002
#define VMCS_MSR_BITMAP		     0x2004
#define VMCS_EXIT_MSR_STORE_ADDR     0x2006
#define VMCS_EXIT_MSR_LOAD_ADDR	     0x2008
#define VMCS_ENTRY_MSR_LOAD_ADDR     0x200a
#define VMCS_TSC_OFFSET		     0x2010
#define VMCS_EPT_POINTER	     0x201a
#define VMCS_XSS_EXITING_BITMAP	     0x202c
#define VMCS_GUEST_PHYSICAL_ADDRESS  0x2400
#define VMCS_LINK_POINTER	     0x2800
#define VMCS_GUEST_IA32_DEBUGCTL     0x2802
#define VMCS_GUEST_IA32_PAT	     0x2804
#define VMCS_GUEST_IA32_EFER	     0x2806
#define VMCS_HOST_IA32_PAT	     0x2c00
#define VMCS_HOST_IA32_EFER	     0x2c02

/* 32-bit. */
#define VMCS_PIN_BASED_CONTROLS	      0x4000
#define VMCS_PROC_BASED_CONTROLS      0x4002
#define VMCS_EXCEPTION_BITMAP	      0x4004
#define VMCS_PF_ERROR_CODE_MASK	      0x4006
#define VMCS_PF_ERROR_CODE_MATCH      0x4008
#define VMCS_CR3_TARGET_COUNT	      0x400a
#define VMCS_EXIT_CONTROLS	      0x400c
#define VMCS_EXIT_MSR_STORE_COUNT     0x400e
#define VMCS_EXIT_MSR_LOAD_COUNT      0x4010
#define VMCS_ENTRY_CONTROLS	      0x4012
#define VMCS_ENTRY_MSR_LOAD_COUNT     0x4014
#define VMCS_ENTRY_INTERRUPTION_INFO  0x4016
#define VMCS_ENTRY_EXCEPTION_ERROR    0x4018
#define VMCS_ENTRY_INSTRUCTION_LENGTH 0x401a
#define VMCS_PROC_BASED_CONTROLS2     0x401e
#define VMCS_INSTRUCTION_ERROR	      0x4400
#define VMCS_EXIT_REASON	      0x4402
#define VMCS_EXIT_INTERRUPTION_INFO   0x4404
#define VMCS_EXIT_INTERRUPTION_ERROR  0x4406
#define VMCS_IDT_VECTORING_INFO	      0x4408
#define VMCS_IDT_VECTORING_ERROR      0x440a
#define VMCS_EXIT_INSTRUCTION_LENGTH  0x440c
#define VMCS_EXIT_INSTRUCTION_INFO    0x440e
#define VMCS_GUEST_ES_LIMIT	      0x4800
#define VMCS_GUEST_CS_LIMIT	      0x4802
#define VMCS_GUEST_SS_LIMIT	      0x4804
#define VMCS_GUEST_DS_LIMIT	      0x4806
#define VMCS_GUEST_FS_LIMIT	      0x4808
#define VMCS_GUEST_GS_LIMIT	      0x480a
#define VMCS_GUEST_LDTR_LIMIT	      0x480c
#define VMCS_GUEST_TR_LIMIT	      0x480e
#define VMCS_GUEST_GDTR_LIMIT	      0x4810
#define VMCS_GUEST_IDTR_LIMIT	      0x4812
#define VMCS_GUEST_ES_ACCESS	      0x4814
#define VMCS_GUEST_CS_ACCESS	      0x4816
#define VMCS_GUEST_SS_ACCESS	      0x4818
#define VMCS_GUEST_DS_ACCESS	      0x481a
#define VMCS_GUEST_FS_ACCESS	      0x481c
#define VMCS_GUEST_GS_ACCESS	      0x481e
#define VMCS_GUEST_LDTR_ACCESS	      0x4820
#define VMCS_GUEST_TR_ACCESS	      0x4822
#define VMCS_GUEST_INTERRUPTIBILITY   0x4824
#define VMCS_GUEST_ACTIVITY_STATE     0x4826
#define VMCS_GUEST_SYSENTER_CS	      0x482a
#define VMCS_HOST_SYSENTER_CS	      0x4c00

/* Natural width. */
#define VMCS_CR0_GUEST_HOST_MASK      0x6000
#define VMCS_CR4_GUEST_HOST_MASK      0x6002
#define VMCS_CR0_READ_SHADOW	      0x6004
#define VMCS_CR4_READ_SHADOW	      0x6006
#define VMCS_EXIT_QUALIFICATION	      0x6400
#define VMCS_GUEST_LINEAR_ADDRESS     0x640a
#define VMCS_GUEST_CR0		      0x6800
#define VMCS_GUEST_CR3		      0x6802
#define VMCS_GUEST_CR4		      0x6804
#define VMCS_GUEST_ES_BASE	      0x6806
#define VMCS_GUEST_CS_BASE	      0x6808
#define VMCS_GUEST_SS_BASE	      0x680a
#define VMCS_GUEST_DS_BASE	      0x680c
#define VMCS_GUEST_FS_BASE	      0x680e
#define VMCS_GUEST_GS_BASE	      0x6810
#define VMCS_GUEST_LDTR_BASE	      0x6812
#define VMCS_GUEST_TR_BASE	      0x6814
#define VMCS_GUEST_GDTR_BASE	      0x6816
#define VMCS_GUEST_IDTR_BASE	      0x6818
#define VMCS_GUEST_DR7		      0x681a
#define VMCS_GUEST_RSP		      0x681c
#define VMCS_GUEST_RIP		      0x681e
#define VMCS_GUEST_RFLAGS	      0x6820
#define VMCS_GUEST_PENDING_DEBUG      0x6822
#define VMCS_GUEST_SYSENTER_ESP	      0x6824
#define VMCS_GUEST_SYSENTER_EIP	      0x6826
#define VMCS_HOST_CR0		      0x6c00
#define VMCS_HOST_CR3		      0x6c02
#define VMCS_HOST_CR4		      0x6c04
#define VMCS_HOST_FS_BASE	      0x6c06
#define VMCS_HOST_GS_BASE	      0x6c08
#define VMCS_HOST_TR_BASE	      0x6c0a
#define VMCS_HOST_GDTR_BASE	      0x6c0c
#define VMCS_HOST_IDTR_BASE	      0x6c0e
#define VMCS_HOST_SYSENTER_ESP	      0x6c10
#define VMCS_HOST_SYSENTER_EIP	      0x6c12
#define VMCS_HOST_RSP		      0x6c14
#define VMCS_HOST_RIP		      0x6c16

/* Guest segment access rights (25.4.1). */
#define VMX_AR_TYPE(t)	 ((uint32_t)(t) & 0xf)
#define VMX_AR_S	 (1u << 4)
#define VMX_AR_DPL(d)	 ((uint32_t)(d) << 5)
#define VMX_AR_P	 (1u << 7)
#define VMX_AR_L	 (1u << 13)
#define VMX_AR_DB	 (1u << 14)
#define VMX_AR_G	 (1u << 15)
#define VMX_AR_UNUSABLE	 (1u << 16)

/* Guest interruptibility state (25.4.2). */
#define VMX_BLOCKING_BY_STI    (1u << 0)
#define VMX_BLOCKING_BY_MOV_SS (1u << 1)
#define VMX_BLOCKING_BY_NMI    (1u << 3)

/* Exit reasons (appendix C); bit 31 of the field: the entry failed. */
#define VMX_EXIT_REASON_BASIC(r)     ((r) & 0xffffu)
#define VMX_EXIT_REASON_ENTRY_FAILED (1u << 31)
enum vmx_exit_reason {
	VMX_EXIT_EXCEPTION_OR_NMI = 0,
	VMX_EXIT_EXTERNAL_INTERRUPT = 1,
	VMX_EXIT_TRIPLE_FAULT = 2,
	VMX_EXIT_INIT = 3,
	VMX_EXIT_SIPI = 4,
	VMX_EXIT_TASK_SWITCH = 9,
	VMX_EXIT_CPUID = 10,
	VMX_EXIT_GETSEC = 11,
	VMX_EXIT_HLT = 12,
	VMX_EXIT_INVD = 13,
	VMX_EXIT_VMCALL = 18,
	VMX_EXIT_VMCLEAR = 19,
	VMX_EXIT_VMLAUNCH = 20,
	VMX_EXIT_VMPTRLD = 21,
	VMX_EXIT_VMPTRST = 22,
	VMX_EXIT_VMREAD = 23,
	VMX_EXIT_VMRESUME = 24,
	VMX_EXIT_VMWRITE = 25,
	VMX_EXIT_VMXOFF = 26,
	VMX_EXIT_VMXON = 27,
	VMX_EXIT_CR_ACCESS = 28,
	VMX_EXIT_IO = 30,
	VMX_EXIT_RDMSR = 31,
	VMX_EXIT_WRMSR = 32,
	VMX_EXIT_INVALID_GUEST_STATE = 33,
	VMX_EXIT_MSR_LOADING = 34,
	VMX_EXIT_MACHINE_CHECK_AT_ENTRY = 41,
	VMX_EXIT_EPT_VIOLATION = 48,
	VMX_EXIT_EPT_MISCONFIG = 49,
	VMX_EXIT_INVEPT = 50,
	VMX_EXIT_INVVPID = 53,
	VMX_EXIT_XSETBV = 55,
	VMX_EXIT_VMFUNC = 59,
};

/* Interruption information: exits, IDT vectoring, entry (25.8.3, 25.9.2). */
#define VMX_INTR_VECTOR_MASK	  0xffu
#define VMX_INTR_TYPE_SHIFT	  8
#define VMX_INTR_TYPE_MASK	  (7u << VMX_INTR_TYPE_SHIFT)
#define VMX_INTR_TYPE_EXTERNAL	  (0u << VMX_INTR_TYPE_SHIFT)
#define VMX_INTR_TYPE_NMI	  (2u << VMX_INTR_TYPE_SHIFT)
#define VMX_INTR_TYPE_HW_EXCEPTION (3u << VMX_INTR_TYPE_SHIFT)
#define VMX_INTR_TYPE_SOFT_INT	  (4u << VMX_INTR_TYPE_SHIFT)
#define VMX_INTR_TYPE_PRIV_SOFT_EXCEPTION (5u << VMX_INTR_TYPE_SHIFT)
#define VMX_INTR_TYPE_SOFT_EXCEPTION (6u << VMX_INTR_TYPE_SHIFT)
#define VMX_INTR_ERROR_CODE_VALID (1u << 11)
#define VMX_INTR_VALID		  (1u << 31)

/* Exit qualification of I/O instructions (Table 28-5). */
#define VMX_IO_SIZE_MASK  0x7u /* size - 1 */
#define VMX_IO_IN	  (1u << 3)
#define VMX_IO_STRING	  (1u << 4)
#define VMX_IO_REP	  (1u << 5)
#define VMX_IO_PORT_SHIFT 16

/*
 * VM-exit instruction information of INS and OUTS (SDM Vol. 3C, 28.2.5,
 * Table 28-8), valid where IA32_VMX_BASIC has VMX_BASIC_INS_OUTS_INFO:
 * the address size (0: 16, 1: 32, 2: 64 bits) and, for OUTS only, the
 * segment register (0 ES .. 5 GS).
 */
#define VMX_INSN_INFO_ADDR_SIZE(i) (((uint32_t)(i) >> 7) & 7)
#define VMX_INSN_INFO_SEG(i)	   (((uint32_t)(i) >> 15) & 7)

/* Exit qualification of control-register accesses (Table 28-3). */
#define VMX_CR_NUMBER(q)      ((unsigned)(q) & 0xf)
#define VMX_CR_ACCESS_TYPE(q) (((unsigned)(q) >> 4) & 3)
#define VMX_CR_ACCESS_MOV_TO   0
#define VMX_CR_ACCESS_MOV_FROM 1
#define VMX_CR_ACCESS_CLTS     2
#define VMX_CR_ACCESS_LMSW     3
#define VMX_CR_GPR(q)	      (((unsigned)(q) >> 8) & 0xf)
#define VMX_CR_LMSW_DATA(q)   (((uint64_t)(q) >> 16) & 0xffff)

/* Exit qualification of EPT violations (Table 28-7). */
#define VMX_EPT_READ		 (1ull << 0)
#define VMX_EPT_WRITE		 (1ull << 1)
#define VMX_EPT_FETCH		 (1ull << 2)
#define VMX_EPT_LINEAR_VALID	 (1ull << 7)
#define VMX_EPT_FINAL_TRANSLATION (1ull << 8)

#endif
