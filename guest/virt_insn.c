/*
 * The VMX and the SVM instructions (all but the hypercall), each a probe of
 * its own so that the address of a #UD can be checked against the
 * instruction's. Their memory operands point into one buffer that nothing
 * else uses, aligned as the hardware wants each operand, so that an
 * instruction let through would meet well-formed operands and touch only
 * that buffer.
 */
#include "guest/virt_insn.h"
#include "guest/console.h"
#include "guest/guest.h"
#include "guest/probe.h"

/* A probe whose first byte is the instruction insn, then RET. */
#define VIRT_INSN_PROBE(probe, insn) GUEST_PROBE(probe, insn)

/* AMD APM Vol. 3, chapter 4; EAX: the VMCB, the SLB or the page */
VIRT_INSN_PROBE(virt_insn_vmrun, "vmrun");     /* 0f 01 d8 */
VIRT_INSN_PROBE(virt_insn_vmload, "vmload");   /* 0f 01 da */
VIRT_INSN_PROBE(virt_insn_vmsave, "vmsave");   /* 0f 01 db */
VIRT_INSN_PROBE(virt_insn_clgi, "clgi");       /* 0f 01 dd */
VIRT_INSN_PROBE(virt_insn_stgi, "stgi");       /* 0f 01 dc */
VIRT_INSN_PROBE(virt_insn_invlpga, "invlpga"); /* 0f 01 df; ECX: ASID */
VIRT_INSN_PROBE(virt_insn_skinit, "skinit");   /* 0f 01 de */

/*
 * Intel SDM Vol. 3C, "VMX Instruction Reference"; memory operands at [EAX]
 * (INVEPT, INVVPID: [EDX]), VMCS field encodings in EAX.
 */
VIRT_INSN_PROBE(virt_insn_vmxon, "vmxon (%eax)");	    /* f3 0f c7 /6 */
VIRT_INSN_PROBE(virt_insn_vmclear, "vmclear (%eax)");	    /* 66 0f c7 /6 */
VIRT_INSN_PROBE(virt_insn_vmptrld, "vmptrld (%eax)");	    /* 0f c7 /6 */
VIRT_INSN_PROBE(virt_insn_vmptrst, "vmptrst (%eax)");	    /* 0f c7 /7 */
VIRT_INSN_PROBE(virt_insn_vmwrite, "vmwrite %ecx, %eax");   /* 0f 79 c1 */
VIRT_INSN_PROBE(virt_insn_vmread, "vmread %eax, %ecx");	    /* 0f 78 c1 */
VIRT_INSN_PROBE(virt_insn_vmlaunch, "vmlaunch");	    /* 0f 01 c2 */
VIRT_INSN_PROBE(virt_insn_vmresume, "vmresume");	    /* 0f 01 c3 */
VIRT_INSN_PROBE(virt_insn_invept, "invept (%edx), %eax");   /* 66 0f 38 80 */
VIRT_INSN_PROBE(virt_insn_invvpid, "invvpid (%edx), %eax"); /* 66 0f 38 81 */
VIRT_INSN_PROBE(virt_insn_vmfunc, "vmfunc");		    /* 0f 01 d4 */
VIRT_INSN_PROBE(virt_insn_vmxoff, "vmxoff");		    /* 0f 01 c4 */

/*
 * The operands' memory. In .bss, so that its alignment costs the image
 * nothing; zero but region_pa, which virt_insn_check_ud() sets.
 */
static struct {
	/* VMCB, SKINIT's SLB (64 KiB aligned), VMXON region, VMCS */
	uint8_t region[PAGE_SIZE];
	uint64_t region_pa;   /* VMXON, VMCLEAR, VMPTRLD: the region */
	uint64_t stored_pa;   /* VMPTRST */
	uint64_t inv_desc[2]; /* INVEPT, INVVPID */
} virt_insn_mem __aligned(64 * KiB);

/* Operands in registers: addresses fit, paging is off. */
#define OPERAND(x) ((uint32_t)(uintptr_t)(x))
#define REGION	   OPERAND(virt_insn_mem.region)
#define REGION_PA  OPERAND(&virt_insn_mem.region_pa)
#define STORED_PA  OPERAND(&virt_insn_mem.stored_pa)
#define INV_DESC   OPERAND(virt_insn_mem.inv_desc)

#define SVM_GUEST_ASID		  1	 /* INVLPGA: not the host's ASID 0 */
#define VMCS_VM_INSTRUCTION_ERROR 0x4400 /* a read-only field */
#define INV_ALL_CONTEXT		  2	 /* INVEPT/INVVPID: descriptor unused */
#define VMFUNC_EPTP_SWITCHING	  0	 /* VM function 0, ECX = EPTP index */

/* The first of each set is the one the hostile test ends with. */
static const struct virt_insn virt_insns_svm[] = {
    {"VMRUN", virt_insn_vmrun, {.eax = REGION}},
    {"VMLOAD", virt_insn_vmload, {.eax = REGION}},
    {"VMSAVE", virt_insn_vmsave, {.eax = REGION}},
    {"CLGI", virt_insn_clgi, {0}},
    {"STGI", virt_insn_stgi, {0}},
    {"INVLPGA", virt_insn_invlpga, {.eax = REGION, .ecx = SVM_GUEST_ASID}},
    {"SKINIT", virt_insn_skinit, {.eax = REGION}},
};

static const struct virt_insn virt_insns_vmx[] = {
    {"VMXON", virt_insn_vmxon, {.eax = REGION_PA}},
    {"VMCLEAR", virt_insn_vmclear, {.eax = REGION_PA}},
    {"VMPTRLD", virt_insn_vmptrld, {.eax = REGION_PA}},
    {"VMPTRST", virt_insn_vmptrst, {.eax = STORED_PA}},
    {"VMWRITE", virt_insn_vmwrite, {.eax = VMCS_VM_INSTRUCTION_ERROR}},
    {"VMREAD", virt_insn_vmread, {.eax = VMCS_VM_INSTRUCTION_ERROR}},
    {"VMLAUNCH", virt_insn_vmlaunch, {0}},
    {"VMRESUME", virt_insn_vmresume, {0}},
    {"INVEPT", virt_insn_invept, {.eax = INV_ALL_CONTEXT, .edx = INV_DESC}},
    {"INVVPID", virt_insn_invvpid, {.eax = INV_ALL_CONTEXT, .edx = INV_DESC}},
    {"VMFUNC", virt_insn_vmfunc, {.eax = VMFUNC_EPTP_SWITCHING, .ecx = 0}},
    {"VMXOFF", virt_insn_vmxoff, {0}},
};

static const struct virt_insn_set virt_insn_svm = {"SVM", virt_insns_svm,
						   ARRAY_SIZE(virt_insns_svm)};
static const struct virt_insn_set virt_insn_vmx = {"VMX", virt_insns_vmx,
						   ARRAY_SIZE(virt_insns_vmx)};

const struct virt_insn_set *virt_insn_set_of(uint32_t hypercall_insn)
{
	return hypercall_insn == HV_HYPERCALL_VMCALL ? &virt_insn_vmx
						     : &virt_insn_svm;
}

/* True if insn raised #UD at its first byte; prints what it did. */
static bool virt_insn_expect_ud(const struct virt_insn *insn)
{
	uint32_t at = (uintptr_t)insn->probe;
	struct trap_info info;
	uint32_t vector = trap_call(insn->probe, &insn->regs, &info);

	if (vector == TRAP_NONE) {
		guest_printf("%s at %#x: no exception, the instruction ran "
			     "or was skipped",
			     insn->name, at);
		return false;
	}
	if (vector != TRAP_VEC_INVALID_OPCODE || info.eip != at) {
		guest_printf("%s at %#x: vector %u (error code %#x) at %#x, "
			     "expected #UD (vector %u) at the instruction",
			     insn->name, at, vector, info.error, info.eip,
			     TRAP_VEC_INVALID_OPCODE);
		return false;
	}
	guest_printf("%s at %#x: #UD", insn->name, at);
	return true;
}

bool virt_insn_check_ud(const struct virt_insn_set *set)
{
	uint32_t raised = 0;

	virt_insn_mem.region_pa = (uintptr_t)virt_insn_mem.region;
	trap_install();
	for (uint32_t i = 0; i < set->count; i++)
		raised += virt_insn_expect_ud(&set->insns[i]);
	trap_remove();
	guest_printf("virt-insn: %u of %u %s instructions raised #UD", raised,
		     set->count, set->vendor);
	return raised == set->count;
}

void virt_insn_exec(const struct virt_insn *insn)
{
	uint32_t eax = insn->regs.eax, ecx = insn->regs.ecx,
		 edx = insn->regs.edx;

	asm volatile("call *%3"
		     : "+a"(eax), "+c"(ecx), "+d"(edx)
		     : "r"(insn->probe)
		     : "memory", "cc");
}
