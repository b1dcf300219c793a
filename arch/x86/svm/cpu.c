/*
 * SVM on and off for one CPU (APM Vol. 2, 15.4): EFER.SVME, the host save
 * area that VMRUN and #VMEXIT use (VM_HSAVE_PA), and a second page where
 * the world switch VMSAVEs the host state VMRUN does not keep.
 */
#include "arch/x86/svm/svm.h"
#include "arch/x86/cpu.h"
#include "arch/x86/msr.h"
#include "arch/x86/paging.h"
#include "arch/x86/percpu.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/pmm.h"

struct svm_cpu {
	/* VM_HSAVE_PA: owned by the processor, never read or written here. */
	uint64_t hsave_pa;
	/*
	 * FS, GS, TR, LDTR, KERNEL_GS_BASE, STAR/LSTAR/CSTAR/SFMASK and
	 * SYSENTER_* of the host, saved by VMSAVE before each VMRUN and
	 * restored by VMLOAD after it: VMRUN/#VMEXIT leave them alone, and
	 * the host's GS base (struct percpu) and TSS live there.
	 */
	uint64_t host_state_pa;
};

static struct svm_cpu svm_cpus[MAX_CPUS];

static uint64_t svm_alloc_zeroed_page(void)
{
	uint64_t pa = pmm_alloc_page();

	if (pa)
		memset(phys_to_virt(pa), 0, PAGE_SIZE);
	return pa;
}

/*
 * Sets EFER.SVME and VM_HSAVE_PA on the calling CPU. False, with nothing
 * changed, when the probe found no usable SVM here or memory ran out.
 * Calling it again on an enabled CPU changes nothing.
 */
bool svm_cpu_enable(char *err, size_t errsz)
{
	struct percpu *p = this_cpu();
	struct svm_cpu *c = &svm_cpus[p->cpu_id];

	if (p->virt.kind != VIRT_SVM) {
		fmt_snprintf(err, errsz, "cpu%u: no usable SVM: %s", p->cpu_id,
			     p->virt.why);
		return false;
	}
	if (c->hsave_pa)
		return true;
	c->hsave_pa = svm_alloc_zeroed_page();
	c->host_state_pa = svm_alloc_zeroed_page();
	if (!c->hsave_pa || !c->host_state_pa) {
		if (c->hsave_pa)
			pmm_free_page(c->hsave_pa);
		if (c->host_state_pa)
			pmm_free_page(c->host_state_pa);
		c->hsave_pa = c->host_state_pa = 0;
		fmt_snprintf(err, errsz,
			     "cpu%u: no memory for the SVM host "
			     "save area",
			     p->cpu_id);
		return false;
	}
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	wrmsr(MSR_VM_HSAVE_PA, c->hsave_pa);
	return true;
}

/*
 * Turns SVM off on the calling CPU. Every vCPU created on it must have
 * been destroyed: they hold this CPU's host-state page.
 */
void svm_cpu_disable(void)
{
	struct svm_cpu *c = &svm_cpus[this_cpu_id()];

	if (!c->hsave_pa)
		return;
	wrmsr(MSR_VM_HSAVE_PA, 0);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) & ~EFER_SVME);
	pmm_free_page(c->hsave_pa);
	pmm_free_page(c->host_state_pa);
	c->hsave_pa = c->host_state_pa = 0;
}

uint64_t svm_cpu_host_state_pa(void)
{
	return svm_cpus[this_cpu_id()].host_state_pa;
}
