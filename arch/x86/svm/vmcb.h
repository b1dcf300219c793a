/*
 * The AMD SVM virtual machine control block (APM Vol. 2, Appendix B), its
 * exit codes (Appendix C) and the bits of the fields this hypervisor uses,
 * named as in the APM. One 4 KiB page: the control area at 000h, the
 * state save area at 400h.
 */
#ifndef ARCH_X86_SVM_VMCB_H
#define ARCH_X86_SVM_VMCB_H

#include "lib/compiler.h"

/* A segment in the state save area (APM Table B-2, "VMCB segment"). */
struct vmcb_seg {
	uint16_t selector;
	uint16_t attrib; /* descriptor bits 47:40 in 7:0, bits 55:52 in 11:8 */
	uint32_t limit;	 /* expanded: in bytes, G already applied */
	uint64_t base;
} __packed;

/* attrib bits (APM 15.5.1 "VMRUN": segment attributes). */
#define VMCB_ATTR_TYPE(t) ((t)&0xfu)
#define VMCB_ATTR_S	  (1u << 4) /* code or data, not system */
#define VMCB_ATTR_DPL(d)  (((d)&3u) << 5)
#define VMCB_ATTR_P	  (1u << 7)
#define VMCB_ATTR_AVL	  (1u << 8)
#define VMCB_ATTR_L	  (1u << 9)
#define VMCB_ATTR_DB	  (1u << 10)
#define VMCB_ATTR_G	  (1u << 11)

/* The control area (APM Table B-1). */
struct vmcb_control {
	uint32_t intercept_cr;	       /* 000h: 15:0 reads, 31:16 writes */
	uint32_t intercept_dr;	       /* 004h: 15:0 reads, 31:16 writes */
	uint32_t intercept_exceptions; /* 008h: bit n = vector n */
	uint32_t intercept_misc1;      /* 00Ch: SVM_INTERCEPT_* */
	uint32_t intercept_misc2;      /* 010h: SVM_INTERCEPT2_* */
	uint32_t intercept_misc3;      /* 014h: INVLPGB, INVPCID, ... */
	uint8_t reserved_018[0x03c - 0x018];
	uint16_t pause_filter_threshold; /* 03Ch */
	uint16_t pause_filter_count;	 /* 03Eh */
	uint64_t iopm_base_pa;		 /* 040h */
	uint64_t msrpm_base_pa;		 /* 048h */
	uint64_t tsc_offset;		 /* 050h */
	uint32_t guest_asid;		 /* 058h */
	uint8_t tlb_control;		 /* 05Ch: TLB_CONTROL_* */
	uint8_t reserved_05d[3];
	uint32_t int_ctl;    /* 060h: V_TPR, V_IRQ, V_INTR_MASKING, ... */
	uint32_t int_vector; /* 064h: V_INTR_VECTOR */
	uint32_t int_state;  /* 068h: INTERRUPT_SHADOW, GUEST_INTERRUPT_MASK */
	uint32_t reserved_06c;
	uint64_t exitcode;	/* 070h: VMEXIT_* */
	uint64_t exitinfo1;	/* 078h */
	uint64_t exitinfo2;	/* 080h */
	uint64_t exitintinfo;	/* 088h: EVENTINJ format */
	uint64_t nested_ctl;	/* 090h: NP_ENABLE, SEV, ... */
	uint64_t avic_apic_bar; /* 098h */
	uint64_t ghcb_gpa;	/* 0A0h */
	uint64_t eventinj;	/* 0A8h: SVM_EVENTINJ_* */
	uint64_t n_cr3;		/* 0B0h: nested page-table root */
	uint64_t virt_ext;	/* 0B8h: LBR and VMSAVE/VMLOAD virtualization */
	uint32_t vmcb_clean;	/* 0C0h: VMCB clean bits */
	uint32_t reserved_0c4;
	uint64_t nrip;		    /* 0C8h: next sequential RIP (NRIP save) */
	uint8_t insn_fetched;	    /* 0D0h: bytes fetched (decode assists) */
	uint8_t insn_bytes[15];	    /* 0D1h */
	uint64_t avic_backing_page; /* 0E0h */
	uint8_t reserved_0e8[0x0f0 - 0x0e8];
	uint64_t avic_logical_table;  /* 0F0h */
	uint64_t avic_physical_table; /* 0F8h */
	uint8_t reserved_100[0x108 - 0x100];
	uint64_t vmsa_pa; /* 108h: SEV-ES */
	uint8_t reserved_110[0x3e0 - 0x110];
	uint8_t software[0x400 - 0x3e0]; /* 3E0h: reserved for the host */
} __packed;

/* The state save area (APM Table B-2); offsets from its start at 400h. */
struct vmcb_save {
	struct vmcb_seg es;   /* 000h */
	struct vmcb_seg cs;   /* 010h */
	struct vmcb_seg ss;   /* 020h */
	struct vmcb_seg ds;   /* 030h */
	struct vmcb_seg fs;   /* 040h: VMLOAD/VMSAVE */
	struct vmcb_seg gs;   /* 050h: VMLOAD/VMSAVE */
	struct vmcb_seg gdtr; /* 060h: only base and limit */
	struct vmcb_seg ldtr; /* 070h: VMLOAD/VMSAVE */
	struct vmcb_seg idtr; /* 080h: only base and limit */
	struct vmcb_seg tr;   /* 090h: VMLOAD/VMSAVE */
	uint8_t reserved_0a0[0x0cb - 0x0a0];
	uint8_t cpl; /* 0CBh */
	uint32_t reserved_0cc;
	uint64_t efer; /* 0D0h */
	uint8_t reserved_0d8[0x148 - 0x0d8];
	uint64_t cr4;	 /* 148h */
	uint64_t cr3;	 /* 150h */
	uint64_t cr0;	 /* 158h */
	uint64_t dr7;	 /* 160h */
	uint64_t dr6;	 /* 168h */
	uint64_t rflags; /* 170h */
	uint64_t rip;	 /* 178h */
	uint8_t reserved_180[0x1d8 - 0x180];
	uint64_t rsp;	    /* 1D8h */
	uint64_t s_cet;	    /* 1E0h */
	uint64_t ssp;	    /* 1E8h */
	uint64_t isst_addr; /* 1F0h */
	uint64_t rax;	    /* 1F8h */
	/* 200h-238h: VMLOAD/VMSAVE */
	uint64_t star;		 /* 200h */
	uint64_t lstar;		 /* 208h */
	uint64_t cstar;		 /* 210h */
	uint64_t sfmask;	 /* 218h */
	uint64_t kernel_gs_base; /* 220h */
	uint64_t sysenter_cs;	 /* 228h */
	uint64_t sysenter_esp;	 /* 230h */
	uint64_t sysenter_eip;	 /* 238h */
	uint64_t cr2;		 /* 240h */
	uint8_t reserved_248[0x268 - 0x248];
	uint64_t g_pat;	       /* 268h: guest PAT under nested paging */
	uint64_t dbgctl;       /* 270h */
	uint64_t br_from;      /* 278h */
	uint64_t br_to;	       /* 280h */
	uint64_t lastexcpfrom; /* 288h */
	uint64_t lastexcpto;   /* 290h */
	uint8_t reserved_298[0xc00 - 0x298];
} __packed;

struct vmcb {
	struct vmcb_control control;
	struct vmcb_save save;
} __packed;

#define VMCB_CONTROL_OFFSET(f) offsetof(struct vmcb, control.f)
#define VMCB_SAVE_OFFSET(f)    (offsetof(struct vmcb, save.f) - 0x400)

_Static_assert(sizeof(struct vmcb_seg) == 16, "VMCB segment");
_Static_assert(sizeof(struct vmcb_control) == 0x400, "VMCB control area");
_Static_assert(sizeof(struct vmcb) == 4096, "VMCB is one page");
_Static_assert(offsetof(struct vmcb, save) == 0x400, "state save area");
_Static_assert(VMCB_CONTROL_OFFSET(intercept_misc1) == 0x00c, "VMCB");
_Static_assert(VMCB_CONTROL_OFFSET(intercept_misc2) == 0x010, "VMCB");
_Static_assert(VMCB_CONTROL_OFFSET(pause_filter_threshold) == 0x03c, "VMCB");
_Static_assert(VMCB_CONTROL_OFFSET(iopm_base_pa) == 0x040, "VMCB");
_Static_assert(VMCB_CONTROL_OFFSET(msrpm_base_pa) == 0x048, "VMCB");
_Static_assert(VMCB_CONTROL_OFFSET(tsc_offset) == 0x050, "VMCB");
_Static_assert(VMCB_CONTROL_OFFSET(guest_asid) == 0x058, "VMCB");
_Static_assert(VMCB_CONTROL_OFFSET(tlb_control) == 0x05c, "VMCB");
_Static_assert(VMCB_CONTROL_OFFSET(int_ctl) == 0x060, "VMCB");
_Static_assert(VMCB_CONTROL_OFFSET(int_state) == 0x068, "VMCB");
_Static_assert(VMCB_CONTROL_OFFSET(exitcode) == 0x070, "VMCB");
_Static_assert(VMCB_CONTROL_OFFSET(exitinfo1) == 0x078, "VMCB");
_Static_assert(VMCB_CONTROL_OFFSET(exitinfo2) == 0x080, "VMCB");
_Static_assert(VMCB_CONTROL_OFFSET(exitintinfo) == 0x088, "VMCB");
_Static_assert(VMCB_CONTROL_OFFSET(nested_ctl) == 0x090, "VMCB");
_Static_assert(VMCB_CONTROL_OFFSET(eventinj) == 0x0a8, "VMCB");
_Static_assert(VMCB_CONTROL_OFFSET(n_cr3) == 0x0b0, "VMCB");
_Static_assert(VMCB_CONTROL_OFFSET(vmcb_clean) == 0x0c0, "VMCB");
_Static_assert(VMCB_CONTROL_OFFSET(nrip) == 0x0c8, "VMCB");
_Static_assert(VMCB_CONTROL_OFFSET(insn_fetched) == 0x0d0, "VMCB");
_Static_assert(VMCB_CONTROL_OFFSET(avic_backing_page) == 0x0e0, "VMCB");
_Static_assert(VMCB_CONTROL_OFFSET(vmsa_pa) == 0x108, "VMCB");
_Static_assert(VMCB_CONTROL_OFFSET(software) == 0x3e0, "VMCB");
_Static_assert(VMCB_SAVE_OFFSET(cs) == 0x010, "VMCB");
_Static_assert(VMCB_SAVE_OFFSET(fs) == 0x040, "VMCB");
_Static_assert(VMCB_SAVE_OFFSET(gdtr) == 0x060, "VMCB");
_Static_assert(VMCB_SAVE_OFFSET(tr) == 0x090, "VMCB");
_Static_assert(VMCB_SAVE_OFFSET(cpl) == 0x0cb, "VMCB");
_Static_assert(VMCB_SAVE_OFFSET(efer) == 0x0d0, "VMCB");
_Static_assert(VMCB_SAVE_OFFSET(cr4) == 0x148, "VMCB");
_Static_assert(VMCB_SAVE_OFFSET(cr0) == 0x158, "VMCB");
_Static_assert(VMCB_SAVE_OFFSET(rflags) == 0x170, "VMCB");
_Static_assert(VMCB_SAVE_OFFSET(rip) == 0x178, "VMCB");
_Static_assert(VMCB_SAVE_OFFSET(rsp) == 0x1d8, "VMCB");
_Static_assert(VMCB_SAVE_OFFSET(rax) == 0x1f8, "VMCB");
_Static_assert(VMCB_SAVE_OFFSET(star) == 0x200, "VMCB");
_Static_assert(VMCB_SAVE_OFFSET(kernel_gs_base) == 0x220, "VMCB");
_Static_assert(VMCB_SAVE_OFFSET(sysenter_eip) == 0x238, "VMCB");
_Static_assert(VMCB_SAVE_OFFSET(cr2) == 0x240, "VMCB");
_Static_assert(VMCB_SAVE_OFFSET(g_pat) == 0x268, "VMCB");
_Static_assert(VMCB_SAVE_OFFSET(lastexcpto) == 0x290, "VMCB");

/* intercept_misc1, VMCB 00Ch (APM Table B-1, "Intercept vector 3"). */
#define SVM_INTERCEPT_INTR	    (1u << 0)
#define SVM_INTERCEPT_NMI	    (1u << 1)
#define SVM_INTERCEPT_SMI	    (1u << 2)
#define SVM_INTERCEPT_INIT	    (1u << 3)
#define SVM_INTERCEPT_VINTR	    (1u << 4)
#define SVM_INTERCEPT_CR0_SEL_WRITE (1u << 5)
#define SVM_INTERCEPT_IDTR_READ	    (1u << 6)
#define SVM_INTERCEPT_GDTR_READ	    (1u << 7)
#define SVM_INTERCEPT_LDTR_READ	    (1u << 8)
#define SVM_INTERCEPT_TR_READ	    (1u << 9)
#define SVM_INTERCEPT_IDTR_WRITE    (1u << 10)
#define SVM_INTERCEPT_GDTR_WRITE    (1u << 11)
#define SVM_INTERCEPT_LDTR_WRITE    (1u << 12)
#define SVM_INTERCEPT_TR_WRITE	    (1u << 13)
#define SVM_INTERCEPT_RDTSC	    (1u << 14)
#define SVM_INTERCEPT_RDPMC	    (1u << 15)
#define SVM_INTERCEPT_PUSHF	    (1u << 16)
#define SVM_INTERCEPT_POPF	    (1u << 17)
#define SVM_INTERCEPT_CPUID	    (1u << 18)
#define SVM_INTERCEPT_RSM	    (1u << 19)
#define SVM_INTERCEPT_IRET	    (1u << 20)
#define SVM_INTERCEPT_INTN	    (1u << 21)
#define SVM_INTERCEPT_INVD	    (1u << 22)
#define SVM_INTERCEPT_PAUSE	    (1u << 23)
#define SVM_INTERCEPT_HLT	    (1u << 24)
#define SVM_INTERCEPT_INVLPG	    (1u << 25)
#define SVM_INTERCEPT_INVLPGA	    (1u << 26)
#define SVM_INTERCEPT_IOIO_PROT	    (1u << 27)
#define SVM_INTERCEPT_MSR_PROT	    (1u << 28)
#define SVM_INTERCEPT_TASK_SWITCH   (1u << 29)
#define SVM_INTERCEPT_FERR_FREEZE   (1u << 30)
#define SVM_INTERCEPT_SHUTDOWN	    (1u << 31)

/* intercept_misc2, VMCB 010h ("Intercept vector 4"). */
#define SVM_INTERCEPT2_VMRUN		 (1u << 0) /* must be set, or VMRUN fails */
#define SVM_INTERCEPT2_VMMCALL		 (1u << 1)
#define SVM_INTERCEPT2_VMLOAD		 (1u << 2)
#define SVM_INTERCEPT2_VMSAVE		 (1u << 3)
#define SVM_INTERCEPT2_STGI		 (1u << 4)
#define SVM_INTERCEPT2_CLGI		 (1u << 5)
#define SVM_INTERCEPT2_SKINIT		 (1u << 6)
#define SVM_INTERCEPT2_RDTSCP		 (1u << 7)
#define SVM_INTERCEPT2_ICEBP		 (1u << 8)
#define SVM_INTERCEPT2_WBINVD		 (1u << 9)
#define SVM_INTERCEPT2_MONITOR		 (1u << 10)
#define SVM_INTERCEPT2_MWAIT		 (1u << 11)
#define SVM_INTERCEPT2_MWAIT_CONDITIONAL (1u << 12)
#define SVM_INTERCEPT2_XSETBV		 (1u << 13)
#define SVM_INTERCEPT2_RDPRU		 (1u << 14)
#define SVM_INTERCEPT2_EFER_WRITE_TRAP	 (1u << 15)

/* tlb_control, VMCB 05Ch. */
#define TLB_CONTROL_DO_NOTHING		  0
#define TLB_CONTROL_FLUSH_ALL		  1 /* every ASID, the host's too */
#define TLB_CONTROL_FLUSH_GUEST		  3 /* this guest's ASID (FlushByAsid) */
#define TLB_CONTROL_FLUSH_GUEST_NONGLOBAL 7

/* int_ctl, VMCB 060h. */
#define V_TPR_MASK	  0xfu
#define V_IRQ		  (1u << 8)
#define V_GIF		  (1u << 9)
#define V_INTR_PRIO_SHIFT 16
#define V_IGN_TPR	  (1u << 20)
#define V_INTR_MASKING	  (1u << 24) /* host RFLAGS.IF masks host interrupts */
#define V_GIF_ENABLE	  (1u << 25)

/* int_state, VMCB 068h. */
#define SVM_INTERRUPT_SHADOW	 (1u << 0)
#define SVM_GUEST_INTERRUPT_MASK (1u << 1)

/* nested_ctl, VMCB 090h. */
#define SVM_NP_ENABLE (1ull << 0)

/* eventinj (VMCB 0A8h) and exitintinfo (088h), APM 15.20. */
#define SVM_EVENTINJ_VECTOR_MASK     0xffull
#define SVM_EVENTINJ_TYPE_SHIFT	     8
#define SVM_EVENTINJ_TYPE_MASK	     (7ull << SVM_EVENTINJ_TYPE_SHIFT)
#define SVM_EVENTINJ_TYPE_INTR	     (0ull << SVM_EVENTINJ_TYPE_SHIFT)
#define SVM_EVENTINJ_TYPE_NMI	     (2ull << SVM_EVENTINJ_TYPE_SHIFT)
#define SVM_EVENTINJ_TYPE_EXCEPTION  (3ull << SVM_EVENTINJ_TYPE_SHIFT)
#define SVM_EVENTINJ_TYPE_SOFT_INT   (4ull << SVM_EVENTINJ_TYPE_SHIFT)
#define SVM_EVENTINJ_EV		     (1ull << 11) /* error code valid */
#define SVM_EVENTINJ_V		     (1ull << 31)
#define SVM_EVENTINJ_ERRORCODE_SHIFT 32

/* exitinfo1 of VMEXIT_IOIO (APM 15.10.2, Figure 15-2). */
#define SVM_IOIO_TYPE_IN    (1ull << 0)
#define SVM_IOIO_STR	    (1ull << 2)
#define SVM_IOIO_REP	    (1ull << 3)
#define SVM_IOIO_SZ8	    (1ull << 4)
#define SVM_IOIO_SZ16	    (1ull << 5)
#define SVM_IOIO_SZ32	    (1ull << 6)
#define SVM_IOIO_A16	    (1ull << 7) /* address size of INS/OUTS */
#define SVM_IOIO_A32	    (1ull << 8)
#define SVM_IOIO_A64	    (1ull << 9)
#define SVM_IOIO_PORT_SHIFT 16

/* exitinfo1 of VMEXIT_MSR (APM 15.11). */
#define SVM_MSR_EXITINFO1_WRITE 1

/* exitinfo1 of VMEXIT_NPF: a #PF error code plus (APM 15.25.6). */
#define SVM_NPF_P	  (1ull << 0)
#define SVM_NPF_RW	  (1ull << 1)
#define SVM_NPF_US	  (1ull << 2)
#define SVM_NPF_RSV	  (1ull << 3)
#define SVM_NPF_ID	  (1ull << 4)
#define SVM_NPF_FINAL_GPA (1ull << 32) /* while translating the final GPA */
#define SVM_NPF_GPT	  (1ull << 33) /* while walking the guest's tables */

/* Exit codes (APM Appendix C, Table C-1). */
#define VMEXIT_CR0_READ		   0x000
#define VMEXIT_CR0_WRITE	   0x010
#define VMEXIT_DR0_READ		   0x020
#define VMEXIT_DR0_WRITE	   0x030
#define VMEXIT_EXCP0		   0x040 /* + vector, up to 0x05f */
#define VMEXIT_INTR		   0x060
#define VMEXIT_NMI		   0x061
#define VMEXIT_SMI		   0x062
#define VMEXIT_INIT		   0x063
#define VMEXIT_VINTR		   0x064
#define VMEXIT_CR0_SEL_WRITE	   0x065
#define VMEXIT_IDTR_READ	   0x066
#define VMEXIT_GDTR_READ	   0x067
#define VMEXIT_LDTR_READ	   0x068
#define VMEXIT_TR_READ		   0x069
#define VMEXIT_IDTR_WRITE	   0x06a
#define VMEXIT_GDTR_WRITE	   0x06b
#define VMEXIT_LDTR_WRITE	   0x06c
#define VMEXIT_TR_WRITE		   0x06d
#define VMEXIT_RDTSC		   0x06e
#define VMEXIT_RDPMC		   0x06f
#define VMEXIT_PUSHF		   0x070
#define VMEXIT_POPF		   0x071
#define VMEXIT_CPUID		   0x072
#define VMEXIT_RSM		   0x073
#define VMEXIT_IRET		   0x074
#define VMEXIT_SWINT		   0x075
#define VMEXIT_INVD		   0x076
#define VMEXIT_PAUSE		   0x077
#define VMEXIT_HLT		   0x078
#define VMEXIT_INVLPG		   0x079
#define VMEXIT_INVLPGA		   0x07a
#define VMEXIT_IOIO		   0x07b
#define VMEXIT_MSR		   0x07c
#define VMEXIT_TASK_SWITCH	   0x07d
#define VMEXIT_FERR_FREEZE	   0x07e
#define VMEXIT_SHUTDOWN		   0x07f
#define VMEXIT_VMRUN		   0x080
#define VMEXIT_VMMCALL		   0x081
#define VMEXIT_VMLOAD		   0x082
#define VMEXIT_VMSAVE		   0x083
#define VMEXIT_STGI		   0x084
#define VMEXIT_CLGI		   0x085
#define VMEXIT_SKINIT		   0x086
#define VMEXIT_RDTSCP		   0x087
#define VMEXIT_ICEBP		   0x088
#define VMEXIT_WBINVD		   0x089
#define VMEXIT_MONITOR		   0x08a
#define VMEXIT_MWAIT		   0x08b
#define VMEXIT_MWAIT_CONDITIONAL   0x08c
#define VMEXIT_XSETBV		   0x08d
#define VMEXIT_RDPRU		   0x08e
#define VMEXIT_EFER_WRITE_TRAP	   0x08f
#define VMEXIT_CR0_WRITE_TRAP	   0x090
#define VMEXIT_INVLPGB		   0x0a0
#define VMEXIT_INVLPGB_ILLEGAL	   0x0a1
#define VMEXIT_INVPCID		   0x0a2
#define VMEXIT_MCOMMIT		   0x0a3
#define VMEXIT_TLBSYNC		   0x0a4
#define VMEXIT_NPF		   0x400
#define VMEXIT_AVIC_INCOMPLETE_IPI 0x401
#define VMEXIT_AVIC_NOACCEL	   0x402
#define VMEXIT_VMGEXIT		   0x403
/*
 * -1 in the 64-bit EXITCODE. QEMU TCG stores it zero-extended from 32
 * bits, so exit codes are compared as 32-bit values.
 */
#define VMEXIT_INVALID 0xffffffffu
#define VMEXIT_BUSY    0xfffffffeu

/* Permission maps (APM 15.10.1 and 15.11). */
#define SVM_IOPM_SIZE  (12 * 1024) /* one bit per port, 3 pages */
#define SVM_MSRPM_SIZE (8 * 1024)  /* two bits per MSR, 2 pages */

#endif
