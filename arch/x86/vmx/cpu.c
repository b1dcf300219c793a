/*
 * VMX on and off for one CPU (SDM Vol. 3C, 24.7 and 24.8): the CR0 and
 * CR4 bits VMX operation fixes, CR4.VMXE, and the VMXON region. The
 * controls the vCPUs of this CPU use are computed here once, from this
 * CPU's capability MSRs.
 */
#include "arch/x86/vmx/vmx.h"
#include "arch/x86/cpu.h"
#include "arch/x86/paging.h"
#include "arch/x86/percpu.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/pmm.h"

struct vmx_cpu {
	uint64_t vmxon_pa; /* owned by the processor while VMX is on */
	uint64_t basic;
	uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	uint64_t cr4_before; /* CR4 before VMXON, restored by VMXOFF */
	struct vmx_controls controls;
};

static struct vmx_cpu vmx_cpus[MAX_CPUS];

/* The VMXON region and VMCS constraints of IA32_VMX_BASIC (A.1). */
static bool vmx_cpu_basic_ok(uint64_t basic, char *err, size_t errsz)
{
	if (VMX_BASIC_REGION_SIZE(basic) > PAGE_SIZE) {
		fmt_snprintf(err, errsz, "the VMCS region is %llu bytes, more than a page",
			     (unsigned long long)VMX_BASIC_REGION_SIZE(basic));
		return false;
	}
	if (VMX_BASIC_MEMTYPE(basic) != VMX_BASIC_MEMTYPE_WB) {
		fmt_snprintf(err, errsz, "the VMCS must be of memory type %llu, not write-back",
			     (unsigned long long)VMX_BASIC_MEMTYPE(basic));
		return false;
	}
	if (basic & VMX_BASIC_32BIT_ADDRESSES) {
		fmt_snprintf(err, errsz, "VMX structures limited to 32-bit physical "
			     "addresses are not supported");
		return false;
	}
	return true;
}

/*
 * Enters VMX root operation on the calling CPU. False, with nothing
 * changed, when the probe found no usable VMX here, a capability is
 * missing, memory ran out or VMXON fails. Calling it again on an enabled
 * CPU changes nothing.
 */
bool vmx_cpu_enable(char *err, size_t errsz)
{
	struct percpu *p = this_cpu();
	struct vmx_cpu *c = &vmx_cpus[p->cpu_id];
	struct vmx_cap_msrs m;
	uint64_t cr0, cr4;

	if (p->virt.kind != VIRT_VMX) {
		fmt_snprintf(err, errsz, "cpu%u: no usable VMX: %s", p->cpu_id,
			     p->virt.why);
		return false;
	}
	if (c->vmxon_pa)
		return true;
	if (!vmx_read_cap_msrs(&m)) {
		fmt_snprintf(err, errsz, "cpu%u: the VMX capability MSRs cannot be read",
			     p->cpu_id);
		return false;
	}
	if (!vmx_controls_compute(&m, &c->controls, err, errsz) ||
	    !vmx_cpu_basic_ok(m.basic, err, errsz))
		return false;
	c->basic = m.basic;
	c->cr0_fixed0 = m.cr0_fixed0;
	c->cr0_fixed1 = m.cr0_fixed1;
	c->cr4_fixed0 = m.cr4_fixed0;
	c->cr4_fixed1 = m.cr4_fixed1;

	/* The host runs with paging and protection on: only NE may be new. */
	cr0 = (read_cr0() | m.cr0_fixed0) & m.cr0_fixed1;
	cr4 = (read_cr4() | m.cr4_fixed0 | CR4_VMXE) & m.cr4_fixed1;
	if (!(cr4 & CR4_VMXE) || !(cr0 & CR0_PG)) {
		fmt_snprintf(err, errsz, "cpu%u: CR0/CR4 cannot take the values VMX "
			     "needs (CR0 fixed %#llx/%#llx, CR4 fixed %#llx/%#llx)",
			     p->cpu_id, (unsigned long long)m.cr0_fixed0,
			     (unsigned long long)m.cr0_fixed1,
			     (unsigned long long)m.cr4_fixed0,
			     (unsigned long long)m.cr4_fixed1);
		return false;
	}
	c->vmxon_pa = pmm_alloc_page();
	if (!c->vmxon_pa) {
		fmt_snprintf(err, errsz, "cpu%u: no memory for the VMXON region",
			     p->cpu_id);
		return false;
	}
	memset(phys_to_virt(c->vmxon_pa), 0, PAGE_SIZE);
	*(uint32_t *)phys_to_virt(c->vmxon_pa) =
	    (uint32_t)(m.basic & VMX_BASIC_REVISION_MASK);

	c->cr4_before = read_cr4();
	write_cr0(cr0);
	write_cr4(cr4);
	if (!vmx_vmxon(c->vmxon_pa)) {
		write_cr4(c->cr4_before);
		pmm_free_page(c->vmxon_pa);
		c->vmxon_pa = 0;
		fmt_snprintf(err, errsz, "cpu%u: VMXON failed (another hypervisor "
			     "or SMX owns VMX on this CPU?)", p->cpu_id);
		return false;
	}
	return true;
}

/*
 * Leaves VMX operation on the calling CPU. Every vCPU created on it must
 * have been destroyed (their VMCSs cleared).
 */
void vmx_cpu_disable(void)
{
	struct vmx_cpu *c = &vmx_cpus[this_cpu_id()];

	if (!c->vmxon_pa)
		return;
	vmx_vmxoff();
	write_cr4(c->cr4_before);
	pmm_free_page(c->vmxon_pa);
	c->vmxon_pa = 0;
}

const struct vmx_controls *vmx_cpu_controls(void)
{
	struct vmx_cpu *c = &vmx_cpus[this_cpu_id()];

	return c->vmxon_pa ? &c->controls : NULL;
}

uint64_t vmx_cpu_basic(void)
{
	return vmx_cpus[this_cpu_id()].basic;
}

void vmx_cpu_cr_fixed(uint64_t *cr0_fixed0, uint64_t *cr0_fixed1,
		      uint64_t *cr4_fixed0, uint64_t *cr4_fixed1)
{
	struct vmx_cpu *c = &vmx_cpus[this_cpu_id()];

	*cr0_fixed0 = c->cr0_fixed0;
	*cr0_fixed1 = c->cr0_fixed1;
	*cr4_fixed0 = c->cr4_fixed0;
	*cr4_fixed1 = c->cr4_fixed1;
}
