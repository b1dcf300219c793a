/*
 * The one normalized exit the vendor backends (arch/x86/svm/, arch/x86/vmx/)
 * turn their VM exits into, part of the interface arch/x86/virt.h offers
 * hv/. hv/ handles these once, for both vendors, and never sees a VMCB or
 * VMCS.
 */
#ifndef ARCH_X86_VCPU_EXIT_H
#define ARCH_X86_VCPU_EXIT_H

#include "lib/compiler.h"

/* The guest's general registers; RSP, RIP and RFLAGS stay in the backend. */
struct vcpu_regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};

enum vcpu_exit_kind {
	VCPU_EXIT_NONE = 0,
	VCPU_EXIT_NPF,          /* nested/EPT page fault: npf */
	VCPU_EXIT_TDP_MISCONFIG, /* an EPT/NPT entry the CPU found malformed: npf.gpa */
	VCPU_EXIT_HYPERCALL,    /* VMMCALL/VMCALL: the call is in the registers */
	VCPU_EXIT_IO,           /* IN/OUT: io */
	VCPU_EXIT_CPUID,        /* CPUID: leaf in RAX, subleaf in RCX */
	VCPU_EXIT_MSR,          /* RDMSR/WRMSR the backend did not handle: msr */
	VCPU_EXIT_HLT,
	VCPU_EXIT_SHUTDOWN,     /* triple fault */
	VCPU_EXIT_INTERRUPT,    /* a host interrupt (e.g. a flush IPI) */
	VCPU_EXIT_VIRT_INSN,    /* VMX/SVM instruction: inject #UD */
	VCPU_EXIT_EXCEPTION,    /* an intercepted guest exception: exception */
	VCPU_EXIT_ENTRY_FAILED, /* the CPU refused the guest state: raw */
	VCPU_EXIT_UNKNOWN,      /* anything else: raw */
	VCPU_EXIT_KINDS         /* how many kinds there are */
};

/*
 * Segment registers, numbered as VMX's instruction information and SVM's
 * IOIO SEG field number them (SDM Vol. 3C, 28.2.5; APM 15.10.2).
 */
enum vcpu_seg {
	VCPU_SEG_ES = 0,
	VCPU_SEG_CS = 1,
	VCPU_SEG_SS = 2,
	VCPU_SEG_DS = 3,
	VCPU_SEG_FS = 4,
	VCPU_SEG_GS = 5,
	VCPU_SEGS = 6,
	VCPU_SEG_UNKNOWN = 0xff, /* the CPU did not say */
};

/*
 * What hv/ needs to reach guest memory the way the exiting instruction
 * would: the mode, the translation controls and the segment bases. Only
 * filled for exits that hv/ emulates with a memory operand (string I/O).
 */
struct vcpu_guest_view {
	uint64_t rflags;
	uint64_t cr0, cr3, cr4, efer;
	uint64_t seg_base[VCPU_SEGS]; /* indexed by enum vcpu_seg */
	uint8_t code_bits; /* 16, 32 or 64: CS.D, or CS.L in IA-32e mode */
};

/* Access bits of a nested page fault. */
#define VCPU_ACCESS_READ (1u << 0)
#define VCPU_ACCESS_WRITE (1u << 1)
#define VCPU_ACCESS_EXEC (1u << 2)

struct vcpu_exit {
	uint32_t kind;          /* enum vcpu_exit_kind */
	uint64_t rip;           /* guest RIP of the instruction that exited */
	uint8_t insn_len;       /* its length when known (0: unknown) */
	union {
		struct {
			uint64_t gpa;
			uint32_t access;  /* VCPU_ACCESS_* */
			bool in_walk;     /* during the guest's own page walk */
		} npf;
		struct {
			uint16_t port;
			uint8_t size;     /* 1, 2 or 4 */
			bool in;
			bool string;      /* INS/OUTS: see guest below */
			bool rep;         /* with a REP prefix */
			/* INS/OUTS: 2, 4 or 8 bytes; 0 when the CPU did not say. */
			uint8_t addr_size;
			/* INS/OUTS: the memory operand's enum vcpu_seg (ES for
			 * INS); VCPU_SEG_UNKNOWN when the CPU did not say. */
			uint8_t seg;
			uint32_t value;   /* OUT: the value; IN: set by the handler */
		} io;
		struct {
			uint32_t index;
			bool write;
			uint64_t value;   /* WRMSR: the value; RDMSR: set by the handler */
		} msr;
		struct {
			uint8_t vector;   /* VEC_DEBUG or VEC_ALIGNMENT_CHECK */
			bool has_error;
			uint32_t error;
			/*
			 * Raised while the CPU delivered another hardware
			 * exception to the guest (of vector delivering):
			 * nothing of the guest ran in between.
			 */
			bool in_delivery;
			uint8_t delivering;
			/* #DB: the DR6 bits the exception sets (B0-B3, BD,
			 * BS), where the CPU has not written them yet. */
			uint32_t dr6_pending;
		} exception;
	};
	/* String I/O: the guest's state around the instruction. */
	struct vcpu_guest_view guest;
	/* VCPU_EXIT_ENTRY_FAILED: why, as a phrase (static text). */
	const char *entry_failure;
	/* The vendor's own exit code and details, for messages. */
	uint64_t raw_code, raw_info1, raw_info2;
};

#endif
