#include "arch/x86/virt_probe.h"
#include "arch/x86/cpu.h"
#include "arch/x86/itlb_multihit.h"
#include "arch/x86/msr_safe.h"
#include "lib/format.h"
#include "lib/string.h"

enum cpu_vendor cpu_vendor(void)
{
	struct cpuid_regs r = cpuid(0, 0);
	char id[13];

	memcpy(id, &r.ebx, 4);
	memcpy(id + 4, &r.edx, 4);
	memcpy(id + 8, &r.ecx, 4);
	id[12] = '\0';
	if (strcmp(id, "GenuineIntel") == 0)
		return VENDOR_INTEL;
	if (strcmp(id, "AuthenticAMD") == 0 || strcmp(id, "HygonGenuine") == 0)
		return VENDOR_AMD;
	return VENDOR_OTHER;
}

const char *cpu_vendor_name(enum cpu_vendor v)
{
	return v == VENDOR_INTEL ? "intel" : v == VENDOR_AMD ? "amd" : "other";
}

const char *virt_kind_name(enum virt_kind k)
{
	return k == VIRT_VMX ? "vmx" : k == VIRT_SVM ? "svm" : "none";
}

/* What this CPU says about the iTLB multihit erratum. The MSR is read
 * with a fault handler: an emulator may list it in CPUID and still #GP. */
static enum itlb_multihit cpu_itlb_multihit(enum cpu_vendor vendor)
{
	uint64_t caps = 0;
	bool has = false;

	if (cpuid(0, 0).eax >= 7 &&
	    (cpuid(7, 0).edx & CPUID_7_EDX_ARCH_CAPABILITIES))
		has = rdmsr_safe(MSR_IA32_ARCH_CAPABILITIES, &caps);
	return itlb_multihit_decide(vendor, has, caps);
}

void virt_probe_this_cpu(struct virt_caps *out)
{
	memset(out, 0, sizeof(*out));
	out->vendor = cpu_vendor();
	switch (out->vendor) {
	case VENDOR_INTEL:
		vmx_probe(out);
		break;
	case VENDOR_AMD:
		svm_probe(out);
		break;
	default:
		fmt_snprintf(out->why, sizeof(out->why),
			     "CPU vendor is neither Intel nor AMD: no VMX or SVM support");
		break;
	}
	out->itlb_multihit = cpu_itlb_multihit(out->vendor);
}

void virt_caps_describe(const struct virt_caps *c, char *buf, size_t size)
{
	size_t n = 0;

#define ADD(...)                                                               \
	do {                                                                   \
		if (n < size)                                                  \
			n += fmt_snprintf(buf + n, size - n, __VA_ARGS__);     \
	} while (0)
	if (c->kind == VIRT_NONE) {
		ADD("none (%s)", c->why);
		return;
	}
	ADD("%s %s(4K%s%s%s)", virt_kind_name(c->kind),
	    c->kind == VIRT_VMX ? "ept" : "npt", c->tdp_2m ? ",2M" : "",
	    c->tdp_1g ? ",1G" : "", c->tdp_accessed_dirty ? ",A/D" : "");
	if (c->kind == VIRT_VMX) {
		ADD(" invept(%s%s)", c->invept_single ? "single" : "",
		    c->invept_all ? (c->invept_single ? ",all" : "all") : "");
		ADD("%s%s%s%s", c->vpid ? " vpid" : "",
		    c->unrestricted_guest ? " unrestricted-guest" : "",
		    c->preemption_timer ? " preemption-timer" : "",
		    c->ins_outs_info ? " ins-outs-info" : "");
	} else {
		ADD(" asids=%u%s%s%s%s%s", c->asid_count,
		    c->nrip_save ? " nrip" : " no-nrip",
		    c->flush_by_asid ? " flush-by-asid" : "",
		    c->vgif ? " vgif" : "",
		    c->decode_assists ? " decode-assists" : "",
		    c->pause_filter ? " pause-filter" : "");
	}
#undef ADD
}
