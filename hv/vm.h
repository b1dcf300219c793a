/*
 * A VM: its guest-physical memory (the MMU core's tree and memslots), its
 * vCPUs (one per physical CPU, pinned) and how it ends. Vendor-neutral: the
 * backend is reached only through struct virt_backend.
 */
#ifndef HV_VM_H
#define HV_VM_H

#include "arch/x86/virt.h"
#include "guest/abi.h"
#include "hv/vm_layout.h"
#include "mm/tdp.h"

#define VM_MAX_VCPUS TDP_MAX_CPUS
#define VM_STOP_REASON_MAX 200

enum vcpu_mode {
	VCPU_OUTSIDE_GUEST = 0,
	VCPU_IN_GUEST = 1,
};

struct vm;

struct vcpu {
	struct vm *vm;
	unsigned id;  /* 0..vcpu_count-1 */
	unsigned cpu; /* the physical CPU it is pinned to */
	struct vcpu_hw *hw;
	struct vcpu_regs regs;

	/* Remote TLB flush protocol (hv/vcpu.c). */
	uint32_t mode;       /* enum vcpu_mode */
	uint64_t flush_seen; /* vm->flush_seq acted on before the last entry */

	/* How it ended (HV_HC_DONE); ended: its run loop returned. */
	bool done;
	bool ended;
	int32_t result;
	uint64_t data_errors;

	/* The debug monitor paused the VM and this vCPU waits for it. */
	bool parked;

	/* Figures. */
	uint32_t last_exit; /* enum vcpu_exit_kind of the latest exit */
	uint64_t exits_by_kind[VCPU_EXIT_KINDS];
	uint64_t exits, npf_exits, fault_retries, hypercalls, virt_insns;
	uint64_t reflected_db, reflected_ac; /* intercepted, given to the guest */
	uint64_t delivery_loops; /* of those, raised delivering themselves */
	uint64_t rng; /* for HV_HC_MMU_CHAOS */
} __aligned(64);

struct vm {
	struct tdp_vm mmu;
	struct tdp_platform plat;
	const struct virt_backend *backend;
	uint64_t mem_size;
	uint32_t asid;       /* the VM's ASID / VPID: never 0 */
	int slot[VM_REGIONS]; /* -1: the region is absent */
	struct hv_guest_params params;

	unsigned vcpu_count;
	struct vcpu vcpus[VM_MAX_VCPUS];
	unsigned vcpus_running; /* started and not yet returned */

	uint64_t started_us;  /* when its vCPUs were started */
	uint64_t deadline_us; /* stopped by the watchdog after this */
	uint64_t timeout_s;

	uint64_t flush_seq;  /* bumped by every remote TLB flush request */
	uint64_t flushes;
	uint64_t nmi_kicks;  /* kicks that needed an NMI (see hv/vcpu.c) */

	/* selftest=deaf-cpu: vCPU deaf_vcpu - 1 plays a wedged CPU; 0: none. */
	unsigned deaf_vcpu;
	/* selftest=stuck-vcpu: vCPU stuck_vcpu - 1 never ends; 0: none. */
	unsigned stuck_vcpu;
	/* selftest=bad-guest-state: vCPU 0 starts with an illegal state. */
	bool break_guest_state;

	/* Set by the debug monitor: vCPUs wait outside the guest (vm_pause). */
	uint32_t paused;
	uint64_t paused_at_us;

	bool stop_claimed;   /* set by the first vm_stop() */
	bool stopped;        /* the guest stopped its VM (reason below) */
	char stop_reason[VM_STOP_REASON_MAX];

	/* Figures the guest reported (HV_HC_REPORT), 0 if not. */
	uint64_t report[8];
};

/*
 * Creates the VM's MMU and memory layout for mem_size bytes of RAM and
 * vcpu_count vCPUs (docs/guest-abi.md): false with a reason in err.
 */
bool vm_create(struct vm *vm, const struct virt_backend *backend,
	       const struct tdp_format *fmt, uint64_t mem_size,
	       unsigned vcpu_count, unsigned max_level, char *err,
	       size_t errsz);

/* Unmaps everything and gives every page back. No vCPU may run. */
void vm_destroy(struct vm *vm);

/*
 * Stops the VM for good with a reason (the first reason wins) and makes
 * every vCPU leave the guest. Safe from any CPU, any number of times.
 */
void vm_stop(struct vm *vm, const char *fmt, ...) __printf(2, 3);

bool vm_is_stopped(const struct vm *vm);

/*
 * Copies between the hypervisor and guest RAM, backing pages as needed.
 * False (nothing or part copied) when [gpa, gpa+len) is not all RAM.
 */
bool vm_write_guest(struct vm *vm, uint64_t gpa, const void *src, size_t len);
bool vm_read_guest(struct vm *vm, uint64_t gpa, void *dst, size_t len);

/*
 * For the debug monitor, on the CPU of vCPU self (NULL: a CPU that runs
 * none): makes every other vCPU leave the guest and wait in the
 * hypervisor, where it still serves flush requests. Returns once all of
 * them wait or ended; false, with the laggards named on the console, when
 * some did not within VM_PAUSE_WAIT_US (they run on; the MMU core's range
 * operations stay safe under running vCPUs).
 */
#define VM_PAUSE_WAIT_US 2000000ull
bool vm_pause(struct vm *vm, const struct vcpu *self);

/* Lets the vCPUs run again; the guest's deadline moves by the pause. */
void vm_resume(struct vm *vm);

/* The name of an exit kind (enum vcpu_exit_kind), for people. */
const char *vcpu_exit_kind_name(unsigned kind);

/* The remote TLB flush (struct tdp_platform.flush_tlb): see hv/vcpu.c. */
void vm_flush_tlb(struct vm *vm);

/*
 * selftest=deaf-cpu, on the boot CPU once every vCPU was handed out:
 * waits until the deaf vCPU sits "in the guest" and asks for a TLB flush,
 * which must end the run with a FAIL that names that CPU.
 */
void vcpu_selftest_flush_deaf(struct vm *vm);

/*
 * Runs vCPU v on the calling CPU until it is done or the VM stops, then
 * destroys it. The calling CPU must be v->cpu.
 */
void vcpu_run_loop(struct vcpu *v);

/*
 * Moves the guest past the instruction that exited; stops the VM when the
 * backend cannot tell where the next instruction is.
 */
void vcpu_skip_instruction(struct vcpu *v, const struct vcpu_exit *exit);

/* The exit handlers (hv/exit.c, hv/hypercall.c, hv/io.c, hv/io_string.c). */
void vcpu_handle_exit(struct vcpu *v, struct vcpu_exit *exit);
void vcpu_handle_hypercall(struct vcpu *v, struct vcpu_exit *exit);
void vcpu_handle_io(struct vcpu *v, struct vcpu_exit *exit);
void vcpu_handle_string_io(struct vcpu *v, struct vcpu_exit *exit);

/*
 * Whether the guest may write exit->io.size bytes at exit->io.port: not
 * when they cover a port the hypervisor owns; then the VM is stopped
 * with a line that names that port.
 */
bool vcpu_io_write_allowed(struct vcpu *v, const struct vcpu_exit *exit);

#endif
