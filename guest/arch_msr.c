/*
 * arch-msr: EFER and the MSRs that hold addresses behave as the
 * architecture says, seen from inside the guest (vCPU 0; the others only
 * pass):
 *  - a write of EFER with an LMA other than the one it reads raises #GP,
 *    and writing back what was read does not;
 *  - FS_BASE, GS_BASE, KERNEL_GS_BASE, LSTAR and CSTAR raise #GP on a
 *    non-canonical value and keep a canonical one;
 *  - EFER.LME set with CR4.PAE clear and paging off is legal, and the
 *    vCPU keeps running through exits in that state; setting CR0.PG then
 *    raises #GP;
 *  - long mode is entered (PAE, LME, then PG: LMA reads 1) and left (PG
 *    clear: LMA reads 0) as on a CPU, in compatibility mode, with an
 *    identity map of the first GiB.
 */
#include "guest/console.h"
#include "guest/guest.h"
#include "guest/hypercall.h"
#include "guest/trap.h"

#define MSR_EFER	   0xc0000080u
#define MSR_LSTAR	   0xc0000082u
#define MSR_CSTAR	   0xc0000083u
#define MSR_FS_BASE	   0xc0000100u
#define MSR_GS_BASE	   0xc0000101u
#define MSR_KERNEL_GS_BASE 0xc0000102u
#define EFER_LME	   (1u << 8)
#define EFER_LMA	   (1u << 10)
#define CR0_PG		   (1u << 31)
#define CR4_PAE		   (1u << 5)
#define TRAP_VEC_GP	   13
#define NON_CANONICAL	   0x0100000000000000ull /* for 48 and 57 bits */
#define CANONICAL	   0xffff800000001000ull
#define EXITS_IN_STATE	   64 /* hypercalls made with LME set, PAE clear */

/* Page tables of the identity map: one PML4, one PDPT, one page
 * directory of 2 MiB pages for [0, 1 GiB). */
static struct {
	uint64_t pml4[512], pdpt[512], pd[512];
} arch_pt __aligned(4096);

/* WRMSR and RDMSR as probes for trap_call (ECX = MSR, EDX:EAX = value);
 * RDMSR leaves what it read in arch_msr_read. */
extern uint64_t arch_msr_read;
uint64_t arch_msr_read;
void arch_wrmsr_probe(void);
void arch_rdmsr_probe(void);
void arch_write_cr0_probe(void);
asm(".pushsection .text\n"
    "arch_wrmsr_probe:\n\twrmsr\n\tret\n"
    "arch_rdmsr_probe:\n\trdmsr\n\tmov %eax, arch_msr_read\n"
    "\tmov %edx, arch_msr_read + 4\n\tret\n"
    "arch_write_cr0_probe:\n\tmov %eax, %cr0\n\tret\n"
    ".popsection");

static uint32_t arch_wrmsr(uint32_t msr, uint64_t v)
{
	struct trap_regs regs = {.eax = (uint32_t)v, .ecx = msr,
				 .edx = (uint32_t)(v >> 32)};
	struct trap_info info;

	return trap_call(arch_wrmsr_probe, &regs, &info);
}

static bool arch_rdmsr(uint32_t msr, uint64_t *v)
{
	struct trap_regs regs = {.ecx = msr};
	struct trap_info info;

	if (trap_call(arch_rdmsr_probe, &regs, &info) != TRAP_NONE) {
		guest_printf("RDMSR %#x: vector %u", msr, info.vector);
		return false;
	}
	*v = arch_msr_read;
	return true;
}

static uint32_t read_cr(unsigned n)
{
	uint32_t v;

	if (n == 0)
		asm volatile("mov %%cr0, %0" : "=r"(v));
	else
		asm volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static void write_cr4(uint32_t v)
{
	asm volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

/* One check: prints what was wrong and counts it. */
static bool arch_expect(bool ok, const char *what, uint32_t *failed)
{
	if (!ok) {
		guest_printf("arch-msr: %s", what);
		(*failed)++;
	}
	return ok;
}

static void arch_check_lma_write(uint32_t *failed)
{
	uint64_t efer;

	if (!arch_rdmsr(MSR_EFER, &efer)) {
		(*failed)++;
		return;
	}
	arch_expect(!(efer & (EFER_LMA | EFER_LME)),
		    "EFER reads LME or LMA set at entry", failed);
	arch_expect(arch_wrmsr(MSR_EFER, efer | EFER_LMA) == TRAP_VEC_GP,
		    "WRMSR EFER with LMA set outside long mode: no #GP",
		    failed);
	arch_expect(arch_wrmsr(MSR_EFER, efer) == TRAP_NONE,
		    "WRMSR EFER of the value it reads: an exception", failed);
}

static void arch_check_address_msrs(uint32_t *failed)
{
	static const uint32_t msrs[] = {MSR_FS_BASE, MSR_GS_BASE,
					MSR_KERNEL_GS_BASE, MSR_LSTAR,
					MSR_CSTAR};

	for (uint32_t i = 0; i < ARRAY_SIZE(msrs); i++) {
		uint64_t v = 0;
		uint32_t vec = arch_wrmsr(msrs[i], NON_CANONICAL);

		if (vec != TRAP_VEC_GP) {
			guest_printf("arch-msr: WRMSR %#x of %#llx: %s %u, "
				     "expected #GP",
				     msrs[i], NON_CANONICAL,
				     vec == TRAP_NONE ? "no exception, vector"
						      : "vector",
				     vec == TRAP_NONE ? 0 : vec);
			(*failed)++;
		}
		arch_expect(arch_wrmsr(msrs[i], CANONICAL) == TRAP_NONE &&
				arch_rdmsr(msrs[i], &v) && v == CANONICAL,
			    "a canonical address MSR value did not stick",
			    failed);
		arch_expect(arch_wrmsr(msrs[i], 0) == TRAP_NONE,
			    "WRMSR of 0 to an address MSR: an exception",
			    failed);
	}
}

/* EFER.LME with PAE and paging off: legal; exits go on; PG then #GP. */
static void arch_check_lme_without_pae(uint32_t *failed)
{
	struct trap_regs regs = {.eax = read_cr(0) | CR0_PG};
	struct trap_info info;
	uint64_t efer, now;
	uint32_t i;

	if (!arch_rdmsr(MSR_EFER, &efer) ||
	    !arch_expect(!(read_cr(4) & CR4_PAE), "CR4.PAE set at entry",
			 failed) ||
	    !arch_expect(arch_wrmsr(MSR_EFER, efer | EFER_LME) == TRAP_NONE,
			 "WRMSR EFER.LME with paging off: an exception",
			 failed))
		return;
	for (i = 0; i < EXITS_IN_STATE; i++)
		hc_nop();
	arch_expect(arch_rdmsr(MSR_EFER, &now) && now == (efer | EFER_LME),
		    "EFER does not read back LME", failed);
	arch_expect(trap_call(arch_write_cr0_probe, &regs, &info) ==
			TRAP_VEC_GP,
		    "CR0.PG set with EFER.LME and without CR4.PAE: no #GP",
		    failed);
	arch_expect(!(read_cr(0) & CR0_PG), "paging is on after the #GP",
		    failed);
	arch_expect(arch_wrmsr(MSR_EFER, efer) == TRAP_NONE,
		    "WRMSR EFER clearing LME: an exception", failed);
	guest_printf("arch-msr: %u exits with EFER.LME set and CR4.PAE clear",
		     i);
}

static void arch_identity_map(void)
{
	for (uint32_t i = 0; i < 512; i++)
		arch_pt.pd[i] = ((uint64_t)i << 21) | 0x83; /* P RW PS */
	arch_pt.pdpt[0] = (uintptr_t)arch_pt.pd | 3;
	arch_pt.pml4[0] = (uintptr_t)arch_pt.pdpt | 3;
}

/* Into long mode (compatibility mode: CS stays 32-bit) and out again. */
static void arch_check_long_mode(uint32_t *failed)
{
	uint32_t cr0 = read_cr(0), cr4 = read_cr(4);
	uint64_t efer, in_long, out;

	if (!arch_rdmsr(MSR_EFER, &efer))
		return;
	arch_identity_map();
	asm volatile("mov %0, %%cr3" : : "r"((uint32_t)(uintptr_t)arch_pt.pml4)
		     : "memory");
	write_cr4(cr4 | CR4_PAE);
	arch_wrmsr(MSR_EFER, efer | EFER_LME);
	asm volatile("mov %0, %%cr0" : : "r"(cr0 | CR0_PG) : "memory");
	hc_nop();
	arch_expect(arch_rdmsr(MSR_EFER, &in_long) &&
			(in_long & (EFER_LME | EFER_LMA)) ==
			    (EFER_LME | EFER_LMA),
		    "EFER.LMA is not set after CR0.PG with LME and PAE",
		    failed);
	asm volatile("mov %0, %%cr0" : : "r"(cr0) : "memory");
	hc_nop();
	arch_expect(arch_rdmsr(MSR_EFER, &out) && !(out & EFER_LMA),
		    "EFER.LMA is still set after CR0.PG was cleared", failed);
	write_cr4(cr4); /* PAE off with LME still set, paging off */
	hc_nop();
	arch_wrmsr(MSR_EFER, efer);
	arch_expect(read_cr(0) == cr0 && read_cr(4) == cr4,
		    "CR0 or CR4 not back to their entry values", failed);
	guest_printf("arch-msr: long mode entered (EFER %#llx) and left "
		     "(EFER %#llx)",
		     in_long, out);
}

uint32_t test_arch_msr(struct guest_ctx *ctx)
{
	uint32_t failed = 0;

	if (ctx->vcpu != 0)
		return GUEST_PASS;
	trap_install();
	arch_check_lma_write(&failed);
	arch_check_address_msrs(&failed);
	arch_check_lme_without_pae(&failed);
	arch_check_long_mode(&failed);
	trap_remove();
	guest_printf("arch-msr: %u check(s) failed", failed);
	return failed ? GUEST_FAIL_ARCH : GUEST_PASS;
}
