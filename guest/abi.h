/*
 * The guest ABI: what a guest of this hypervisor can rely on, and how it
 * talks to the hypervisor. Shared, unchanged, by the hypervisor and by the
 * test guest; docs/guest-abi.md explains it in full. Plain C99 with fixed
 * width types, no other headers: a guest written elsewhere may copy it.
 */
#ifndef GUEST_ABI_H
#define GUEST_ABI_H

#include <stdint.h>

#define HV_GUEST_ABI_VERSION 1

/* In EAX at entry, and in hv_guest_params.magic. */
#define HV_GUEST_MAGIC 0x4d475648u /* "HVGM" */

/* Guest-physical layout. */
#define HV_GUEST_PARAMS_GPA 0x1000u   /* struct hv_guest_params, read-only */
#define HV_GUEST_LOAD_GPA 0x100000u   /* the flat image is copied here */
#define HV_GUEST_IMAGE_MAX (4u << 20) /* at most 4 MiB of image */

/* Which instruction makes a hypercall (hv_guest_params.hypercall_insn). */
enum hv_hypercall_insn {
	HV_HYPERCALL_VMCALL = 1,  /* Intel: 0f 01 c1 */
	HV_HYPERCALL_VMMCALL = 2, /* AMD:   0f 01 d9 */
};

/* What the hypervisor asks the guest to do (hv_guest_params.test). */
enum hv_guest_test {
	HV_TEST_FAULT_IN = 1,      /* touch, write, verify own + shared region */
	HV_TEST_ZAP_UNDER_LOAD = 2, /* same, while the hypervisor zaps etc. */
	HV_TEST_DIRTY_LOG = 3,     /* writers + dirty bitmap collection */
	HV_TEST_BENCH = 4,         /* cycles per fault, hypercall round trip */
	HV_TEST_STRING_IO = 5,     /* INS/OUTS on a port nobody owns */
	HV_TEST_ARCH_MSR = 6,      /* EFER and address MSRs as the
				    * architecture says; long mode in and out */
	HV_TEST_AC_LOOP = 7,       /* an #AC delivery that raises #AC, broken
				    * from another vCPU */
	HV_TEST_DB_LOOP = 8,       /* the same with #DB (64-bit, IST) */
	HV_TEST_DEBUG = 9,         /* #DB of single step, a data breakpoint,
				    * INT1 and general detect, as the CPU
				    * delivers them */
	/* Hostile guests: each must end with the VM stopped (or a fault). */
	HV_TEST_HOSTILE_TRIPLE_FAULT = 16,
	HV_TEST_HOSTILE_MMIO = 17,        /* access outside every slot */
	HV_TEST_HOSTILE_HYPERCALL = 18,   /* unknown hypercall number */
	HV_TEST_HOSTILE_POINTER = 19,     /* hypercall buffer outside memory */
	HV_TEST_HOSTILE_VIRT_INSN = 20,   /* the VMX or SVM instructions, as
					   * hypercall_insn names the vendor */
	HV_TEST_HOSTILE_PORT = 21,        /* writes to the hypervisor's ports */
	HV_TEST_HOSTILE_STRING_IO = 22,   /* REP OUTSB to such a port */
	HV_TEST_HOSTILE_PORT_OVERLAP = 23, /* OUT of a dword that covers one */
	HV_TEST_HOSTILE_STRING_IO_PAGING = 24, /* REP INSB to an address the
						* guest's paging leaves
						* unmapped */
	HV_TEST_HOSTILE_SVM_INSN = HV_TEST_HOSTILE_VIRT_INSN, /* former name */
};

/* At HV_GUEST_PARAMS_GPA; all sizes in bytes, all addresses guest-physical. */
struct hv_guest_params {
	uint32_t magic;          /* HV_GUEST_MAGIC */
	uint32_t abi_version;    /* HV_GUEST_ABI_VERSION */
	uint32_t vcpu_count;
	uint32_t hypercall_insn; /* enum hv_hypercall_insn */
	uint32_t test;           /* enum hv_guest_test */
	uint32_t test_rounds;    /* how often to repeat a test's main loop */
	uint64_t mem_size;       /* RAM is [0, mem_size) */
	uint64_t shared_base;    /* region every vCPU touches */
	uint64_t shared_size;
	uint64_t private_base;   /* vCPU i owns [private_base + i*private_size, +private_size) */
	uint64_t private_size;
	uint64_t mmio_gpa;       /* an address outside every slot */
	uint64_t tsc_khz;        /* TSC frequency, 0 if unknown */
	uint32_t reserved[16];   /* zero */
};

/*
 * Hypercalls: EAX = number, EBX, ECX, EDX, ESI = arguments; on return EAX
 * = status (enum hv_status), EBX = a result where the call has one. Every
 * other register is preserved.
 */
enum hv_hypercall {
	HV_HC_NOP = 0,           /* returns HV_OK: the cheapest round trip */
	HV_HC_CONSOLE_WRITE = 1, /* EBX = gpa, ECX = length (<= 256): one line */
	HV_HC_DONE = 2,          /* EBX = 0 pass or a failure code, ECX = data
				  * errors seen; this vCPU stops for good */
	HV_HC_REPORT = 3,        /* EBX = enum hv_report_key, ECX = value low,
				  * EDX = value high: a figure for the summary */
	HV_HC_MMU_CHAOS = 4,     /* the hypervisor runs EBX (<= 64) random
				  * zap/split/collapse/write-protect/age
				  * operations on guest RAM; EBX = done */
	HV_HC_DIRTY_LOG = 5,     /* EBX = enum hv_dirty_log_op, see below */
};

/*
 * HV_HC_DIRTY_LOG: START begins logging writes to the shared region;
 * COLLECT copies the bitmap of pages written since START or the last
 * COLLECT (bit i = page shared_base + i*4096) to ECX = gpa, EDX = its
 * size, and clears it; STOP ends logging.
 */
enum hv_dirty_log_op {
	HV_DIRTY_LOG_START = 1,
	HV_DIRTY_LOG_COLLECT = 2,
	HV_DIRTY_LOG_STOP = 3,
};

enum hv_report_key {
	HV_REPORT_FAULT_CYCLES = 1,     /* cycles per 4 KiB first touch */
	HV_REPORT_HYPERCALL_CYCLES = 2, /* cycles per HV_HC_NOP round trip */
	HV_REPORT_PAGES_TOUCHED = 3,
	HV_REPORT_DIRTY_PAGES = 4,      /* pages the bitmaps reported */
	HV_REPORT_SPARE_PAGES = 5,      /* RAM pages outside every region
					 * and the guest, written and read */
};

enum hv_status {
	HV_OK = 0,
	HV_EINVAL = -1, /* bad argument to a known hypercall (an unknown
			 * one stops the VM) */
	HV_EFAULT = -2, /* a buffer outside guest RAM */
	HV_ENOMEM = -3,
};

#endif
