/*
 * The VMX capability arithmetic of arch/x86/vmx/controls.c: the
 * IA32_FEATURE_CONTROL decision, one control word from its capability MSR,
 * a vCPU's control words from the capability MSRs of real CPUs (and of the
 * Bochs models the boot tests run on), the CR0/CR4 bits a guest may not
 * own, and the MSR bitmap, checked byte by byte against the layout of SDM
 * Vol. 3C, 25.6.9 rather than only through vmx_msr_bitmap_exits().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "arch/x86/cpu.h"
#include "arch/x86/msr.h"
#include "arch/x86/vmx/controls.h"
#include "arch/x86/vmx/vmcs.h"

/* IA32_FEATURE_CONTROL bits other than the VMX ones (SDM Vol. 4, 2.1). */
#define FC_SENTER_LOCAL_ENABLES (0x7full << 8)
#define FC_SENTER_GLOBAL_ENABLE (1ull << 15)
#define FC_SGX_LAUNCH_CONTROL	(1ull << 17)
#define FC_SGX_GLOBAL_ENABLE	(1ull << 18)
#define FC_LMCE_ON		(1ull << 20)

#define CR4_UMIP (1ull << 11) /* SDM Vol. 3A, 2.5 */
#define HIGH_32	 0xffffffff00000000ull

/* ---- vmx_feature_control_decide ---- */

#define WHY_UNTOUCHED "(untouched)"

struct fc_result {
	enum vmx_feature_control_action action;
	uint64_t write_value;
	char why[160];
};

static struct fc_result decide(uint64_t fc)
{
	struct fc_result r = {.write_value = 0xdeadbeef};

	strcpy(r.why, WHY_UNTOUCHED);
	r.action = vmx_feature_control_decide(fc, &r.write_value, r.why,
					      sizeof(r.why));
	return r;
}

static void test_fc_unlocked_zero(void **state)
{
	struct fc_result r = decide(0);

	assert_int_equal(r.action, VMX_FC_WRITE);
	assert_int_equal(r.write_value, FEATURE_CONTROL_LOCKED |
					    FEATURE_CONTROL_VMX_OUTSIDE_SMX);
	assert_string_equal(r.why, WHY_UNTOUCHED);
}

/* The lock is write-once until reset: every other enable must go in now. */
static void test_fc_unlocked_keeps_other_bits(void **state)
{
	const uint64_t others =
	    FC_SENTER_LOCAL_ENABLES | FC_SENTER_GLOBAL_ENABLE |
	    FC_SGX_LAUNCH_CONTROL | FC_SGX_GLOBAL_ENABLE | FC_LMCE_ON;
	struct fc_result r = decide(others);

	assert_int_equal(r.action, VMX_FC_WRITE);
	assert_int_equal(r.write_value, others | FEATURE_CONTROL_LOCKED |
					    FEATURE_CONTROL_VMX_OUTSIDE_SMX);

	/* VMX inside SMX stays on as well. */
	r = decide(FEATURE_CONTROL_VMX_IN_SMX | FC_LMCE_ON);
	assert_int_equal(r.action, VMX_FC_WRITE);
	assert_int_equal(r.write_value, FEATURE_CONTROL_VMX_IN_SMX |
					    FC_LMCE_ON |
					    FEATURE_CONTROL_LOCKED |
					    FEATURE_CONTROL_VMX_OUTSIDE_SMX);
}

static void test_fc_locked_on(void **state)
{
	/* 0x5 as most firmware leaves it; 0x20005 read on an i7-9750H (SGX
	 * launch control); 0x7 with VMX inside SMX too; 0xff07 read on an
	 * i7-3820QM (SENTER enables). */
	const uint64_t values[] = {0x5, 0x20005, 0x7, 0xff07};

	for (size_t i = 0; i < ARRAY_SIZE(values); i++) {
		struct fc_result r = decide(values[i]);

		assert_int_equal(r.action, VMX_FC_READY);
		assert_string_equal(r.why, WHY_UNTOUCHED);
	}
}

static void test_fc_locked_smx_only(void **state)
{
	struct fc_result r = decide(0x3);

	assert_int_equal(r.action, VMX_FC_SMX_ONLY);
	assert_non_null(strstr(r.why, "TXT"));
	assert_non_null(strstr(r.why, "VT-x"));
	assert_non_null(strstr(r.why, "firmware"));
}

static void test_fc_locked_off(void **state)
{
	const uint64_t values[] = {0x1,
				   0x1 | FC_SGX_GLOBAL_ENABLE | FC_LMCE_ON};

	for (size_t i = 0; i < ARRAY_SIZE(values); i++) {
		struct fc_result r = decide(values[i]);

		assert_int_equal(r.action, VMX_FC_LOCKED_OFF);
		assert_non_null(strstr(r.why, "VT-x"));
		assert_non_null(strstr(r.why, "firmware"));
		/* Not the TXT advice: there is no SMX setting to change. */
		assert_null(strstr(r.why, "TXT"));
	}
}

/* The reason is cut to whysz, never written past it. */
static void test_fc_why_respects_size(void **state)
{
	char why[24];
	uint64_t value;

	memset(why, 'x', sizeof(why));
	assert_int_equal(vmx_feature_control_decide(0x1, &value, why, 12),
			 VMX_FC_LOCKED_OFF);
	assert_int_equal(strlen(why), 11);
	for (size_t i = 12; i < sizeof(why); i++)
		assert_int_equal(why[i], 'x');
}

/* ---- vmx_control_adjust ---- */

/* A capability MSR: bits 31:0 forced to 1, bits 63:32 allowed to be 1. */
static uint64_t cap(uint32_t allowed1, uint32_t forced1)
{
	return (uint64_t)allowed1 << 32 | forced1;
}

static void test_adjust_forced_bits_kept(void **state)
{
	uint32_t out = 0, missing = 0xffffffff;

	/* IA32_VMX_PINBASED_CTLS of every CPU since Nehalem. */
	assert_true(
	    vmx_control_adjust(0x7f00000016ull, 0x1, 0, 0, &out, &missing));
	assert_int_equal(out, 0x17);
	assert_int_equal(missing, 0);

	/* Forced bits come in even when nothing is asked for. */
	assert_true(
	    vmx_control_adjust(cap(0xff, 0x16), 0, 0, 0, &out, &missing));
	assert_int_equal(out, 0x16);
}

static void test_adjust_required_not_allowed(void **state)
{
	uint32_t out, missing;

	assert_false(
	    vmx_control_adjust(cap(0x0f, 0x02), 0x31, 0x04, 0, &out, &missing));
	assert_int_equal(missing, 0x30);
	/* Still the best word: what is allowed, plus the forced bits. */
	assert_int_equal(out, 0x07);
}

static void test_adjust_must_be_clear_forced(void **state)
{
	uint32_t out, missing;

	/* CR3-load and CR3-store exiting, forced by the non-TRUE MSR. */
	assert_false(vmx_control_adjust(0xfff9fffe0401e172ull, 0, 0,
					PROC_CR3_LOAD_EXITING |
					    PROC_CR3_STORE_EXITING |
					    PROC_USE_TPR_SHADOW,
					&out, &missing));
	/* Only the forced ones are reported, not the merely allowed TPR
	 * shadow. */
	assert_int_equal(missing,
			 PROC_CR3_LOAD_EXITING | PROC_CR3_STORE_EXITING);
	assert_int_equal(out, 0x0401e172);

	/* Both kinds at once: the union. */
	assert_false(
	    vmx_control_adjust(cap(0x0f, 0x08), 0x10, 0, 0x08, &out, &missing));
	assert_int_equal(missing, 0x18);
}

static void test_adjust_optional_only_where_allowed(void **state)
{
	uint32_t out, missing;

	assert_true(vmx_control_adjust(cap(0x3f, 0x01), 0x02, 0xf0, 0x100, &out,
				       &missing));
	assert_int_equal(out, 0x33);
	assert_int_equal(missing, 0);

	/* An optional bit that is also forced is simply on. */
	assert_true(
	    vmx_control_adjust(cap(0x03, 0x02), 0, 0x02, 0, &out, &missing));
	assert_int_equal(out, 0x02);
}

/* ---- vmx_controls_compute: captured CPUs ---- */

/*
 * Where the values come from:
 *  [VBOXDB] VirtualBox's CPU database, src/VBox/VMM/VMMR3/cpus/<CPU>.h,
 *      written by VBoxCpuReport on the named CPU (MSR values in comments).
 *  [VMXCAPS] github.com/honorarybot/VmxCaps, vmx.html: a table of the
 *      VMX capability MSRs read on one CPU of each generation.
 *  [FORUM] a VirtualBox 6.1.16 release log (its "HM:" lines) posted in the
 *      forum thread "Vbox 6.1 Black Screen on Startup Ubuntu 20.04"
 *      (2021-01-14); host an MSI GS65 Stealth 9SE, CPUID 000906EA.
 *  [BOCHS] computed, not read: what Bochs reports for a CPU model, from
 *      BX_CPU_C::init_vmx_capabilities() (cpu/vmcs.cc), the MSR macros of
 *      cpu/vmx.h and the model's get_vmx_extensions_bitmask() and ISA
 *      extensions (cpu/cpudb/intel/<model>.cc), Bochs source as of commit
 *      783b58fd6 on github.com/bochs-emu/Bochs, built with --enable-vmx=2.
 */
struct cpu {
	const char *name;
	struct vmx_cap_msrs m;
};

/* Penryn. The same values are in [VMXCAPS] for a Core 2 Duo E7500 and in
 * Bochs' core2_penryn_t9600.cc for a Core 2 Duo T9600. No TRUE MSRs (bit 55
 * of IA32_VMX_BASIC clear), no EPT. */
static const struct cpu xeon_x5482 = {
    "Xeon X5482 (Penryn) [VBOXDB]",
    {.feature_control = 0x5,
     .basic = 0x005a08000000000dull,
     .pinbased = 0x0000003f00000016ull,
     .procbased = 0xf7f9fffe0401e172ull,
     .exit = 0x0003ffff00036dffull,
     .entry = 0x00003fff000011ffull,
     .procbased2 = 0x0000004100000000ull,
     .cr0_fixed0 = 0x80000021,
     .cr0_fixed1 = 0xffffffff,
     .cr4_fixed0 = 0x2000,
     .cr4_fixed1 = 0x27ff},
};

/* Nehalem: EPT and VPID without unrestricted guest (that came with
 * Westmere). No public raw dump of a real one was found; this is the Bochs
 * model. */
static const struct cpu bochs_lynnfield = {
    "Bochs corei5_lynnfield_750 (Nehalem) [BOCHS]",
    {.feature_control = 0x5,
     .basic = 0x00d810000000002bull,
     .pinbased = 0x0000007f00000016ull,
     .procbased = 0xfff9fffe0401e172ull,
     .exit = 0x407fffff00036dffull,
     .entry = 0x0000ffff000011ffull,
     .true_pinbased = 0x0000007f00000016ull,
     .true_procbased = 0xfff9fffe04006172ull,
     .true_exit = 0x407fffff00036dfbull,
     .true_entry = 0x0000ffff000011fbull,
     .procbased2 = 0x0000007f00000000ull,
     .ept_vpid = 0x00000f0106114141ull,
     .cr0_fixed0 = 0x80000021,
     .cr0_fixed1 = 0xffffffff,
     .cr4_fixed0 = 0x2000},
};

/* Sandy Bridge: EPT with 2M pages, no A/D bits, no 1G pages. */
static const struct cpu i7_2635qm = {
    "Core i7-2635QM (Sandy Bridge) [VBOXDB]",
    {.feature_control = 0x5,
     .basic = 0x00da040000000010ull,
     .pinbased = 0x0000007f00000016ull,
     .procbased = 0xfff9fffe0401e172ull,
     .exit = 0x007fffff00036dffull,
     .entry = 0x0000ffff000011ffull,
     .true_pinbased = 0x0000007f00000016ull,
     .true_procbased = 0xfff9fffe04006172ull,
     .true_exit = 0x007fffff00036dfbull,
     .true_entry = 0x0000ffff000011fbull,
     .procbased2 = 0x000000ff00000000ull,
     .ept_vpid = 0x00000f0106114141ull,
     .cr0_fixed0 = 0x80000021,
     .cr0_fixed1 = 0xffffffff,
     .cr4_fixed0 = 0x2000,
     .cr4_fixed1 = 0x627ff},
};

/* Ivy Bridge: still no EPT A/D bits. */
static const struct cpu i5_3570 = {
    "Core i5-3570 (Ivy Bridge) [VBOXDB]",
    {.feature_control = 0x5,
     .basic = 0x00da040000000010ull,
     .pinbased = 0x0000007f00000016ull,
     .procbased = 0xfff9fffe0401e172ull,
     .exit = 0x007fffff00036dffull,
     .entry = 0x0000ffff000011ffull,
     .true_pinbased = 0x0000007f00000016ull,
     .true_procbased = 0xfff9fffe04006172ull,
     .true_exit = 0x007fffff00036dfbull,
     .true_entry = 0x0000ffff000011fbull,
     .procbased2 = 0x000008ff00000000ull,
     .ept_vpid = 0x00000f0106114141ull,
     .cr0_fixed0 = 0x80000021,
     .cr0_fixed1 = 0xffffffff,
     .cr4_fixed0 = 0x2000,
     .cr4_fixed1 = 0x1767ff},
};

/* Silvermont (Atom): unrestricted guest, EPT without A/D, no INVPCID. */
static const struct cpu pentium_n3530 = {
    "Pentium N3530 (Silvermont) [VBOXDB]",
    {.feature_control = 0x5,
     .basic = 0x00da040000000002ull,
     .pinbased = 0x0000007f00000016ull,
     .procbased = 0xfff9fffe0401e172ull,
     .exit = 0x007fffff00036dffull,
     .entry = 0x0000ffff000011ffull,
     .true_pinbased = 0x0000007f00000016ull,
     .true_procbased = 0xfff9fffe04006172ull,
     .true_exit = 0x007fffff00036dfbull,
     .true_entry = 0x0000ffff000011fbull,
     .procbased2 = 0x000028ef00000000ull,
     .ept_vpid = 0x00000f0106114141ull,
     .cr0_fixed0 = 0x80000021,
     .cr0_fixed1 = 0xffffffff,
     .cr4_fixed0 = 0x2000,
     .cr4_fixed1 = 0x1027ff},
};

/* Haswell: EPT A/D bits, INVPCID. */
static const struct cpu i7_4600u = {
    "Core i7-4600U (Haswell) [VMXCAPS]",
    {.basic = 0x00da040000000012ull,
     .pinbased = 0x0000007f00000016ull,
     .procbased = 0xfff9fffe0401e172ull,
     .exit = 0x007fffff00036dffull,
     .entry = 0x0000ffff000011ffull,
     .true_pinbased = 0x0000007f00000016ull,
     .true_procbased = 0xfff9fffe04006172ull,
     .true_exit = 0x007fffff00036dfbull,
     .true_entry = 0x0000ffff000011fbull,
     .procbased2 = 0x00007cff00000000ull,
     .ept_vpid = 0x00000f0106334141ull,
     .cr0_fixed0 = 0x80000021,
     .cr0_fixed1 = 0xffffffff,
     .cr4_fixed0 = 0x2000,
     .cr4_fixed1 = 0x1767ff},
};

/* Skylake: XSAVES, PML, #VE. */
static const struct cpu i7_6700k = {
    "Core i7-6700K (Skylake) [VBOXDB]",
    {.feature_control = 0x5,
     .basic = 0x00da040000000004ull,
     .pinbased = 0x0000007f00000016ull,
     .procbased = 0xfff9fffe0401e172ull,
     .exit = 0x01ffffff00036dffull,
     .entry = 0x0003ffff000011ffull,
     .true_pinbased = 0x0000007f00000016ull,
     .true_procbased = 0xfff9fffe04006172ull,
     .true_exit = 0x01ffffff00036dfbull,
     .true_entry = 0x0003ffff000011fbull,
     .procbased2 = 0x001ffcff00000000ull,
     .ept_vpid = 0x00000f0106334141ull,
     .cr0_fixed0 = 0x80000021,
     .cr0_fixed1 = 0xffffffff,
     .cr4_fixed0 = 0x2000,
     .cr4_fixed1 = 0x3727ff},
};

/* Coffee Lake, firmware with SGX launch control in IA32_FEATURE_CONTROL. */
static const struct cpu i7_9750h = {
    "Core i7-9750H (Coffee Lake) [FORUM]",
    {.feature_control = 0x20005,
     .basic = 0x00da040000000004ull,
     .pinbased = 0x0000007f00000016ull,
     .procbased = 0xfff9fffe0401e172ull,
     .exit = 0x01ffffff00036dffull,
     .entry = 0x0003ffff000011ffull,
     .true_pinbased = 0x0000007f00000016ull,
     .true_procbased = 0xfff9fffe04006172ull,
     .true_exit = 0x01ffffff00036dfbull,
     .true_entry = 0x0003ffff000011fbull,
     .procbased2 = 0x005fbcff00000000ull,
     .ept_vpid = 0x00000f0106734141ull,
     .cr0_fixed0 = 0x80000021,
     .cr0_fixed1 = 0xffffffff,
     .cr4_fixed0 = 0x2000,
     .cr4_fixed1 = 0x3727ff},
};

/* Skylake-X, posted interrupts allowed. The same values are quoted in
 * Bochs' corei7_skylake-x.cc as read on the real CPU. */
static const struct cpu i9_9980xe = {
    "Core i9-9980XE (Skylake-X) [VMXCAPS]",
    {.basic = 0x00da040000000004ull,
     .pinbased = 0x000000ff00000016ull,
     .procbased = 0xfff9fffe0401e172ull,
     .exit = 0x01ffffff00036dffull,
     .entry = 0x0003ffff000011ffull,
     .true_pinbased = 0x000000ff00000016ull,
     .true_procbased = 0xfff9fffe04006172ull,
     .true_exit = 0x01ffffff00036dfbull,
     .true_entry = 0x0003ffff000011fbull,
     .procbased2 = 0x025d3fff00000000ull,
     .ept_vpid = 0x00000f0106734141ull,
     .cr0_fixed0 = 0x80000021,
     .cr0_fixed1 = 0xffffffff,
     .cr4_fixed0 = 0x2000,
     .cr4_fixed1 = 0x3727ff},
};

/* The model the VMX boot tests run on: what the emulated CPU reports,
 * which is not what the real Skylake-X above reports (Bochs has VMCS
 * revision 0x2b, a 4 KiB VMCS, and a different set of optional
 * controls). */
static const struct cpu bochs_skylake_x = {
    "Bochs corei7_skylake_x [BOCHS]",
    {.feature_control = 0x5,
     .basic = 0x00d810000000002bull,
     .pinbased = 0x000000ff00000016ull,
     .procbased = 0xfff9fffe0401e172ull,
     .exit = 0x407fffff00036dffull,
     .entry = 0x0000ffff000011ffull,
     .true_pinbased = 0x000000ff00000016ull,
     .true_procbased = 0xfff9fffe04006172ull,
     .true_exit = 0x407fffff00036dfbull,
     .true_entry = 0x0000ffff000011fbull,
     .procbased2 = 0x02577fff00000000ull,
     .ept_vpid = 0x00000f0106734141ull,
     .cr0_fixed0 = 0x80000021,
     .cr0_fixed1 = 0xffffffff,
     .cr4_fixed0 = 0x2000},
};

/*
 * The words every CPU with the TRUE MSRs gets, worked out by hand from
 * IA32_VMX_TRUE_*: the forced bits (0x16, 0x04006172, 0x00036dfb,
 * 0x000011fb) plus what the hypervisor asks for.
 */
#define PIN_WORD                                                               \
	(0x16u | PIN_EXTERNAL_INTERRUPT_EXITING | PIN_NMI_EXITING) /* 0x1f */
#define PROC_WORD                                                              \
	(0x04006172u | PROC_HLT_EXITING | PROC_CR8_LOAD_EXITING |              \
	 PROC_CR8_STORE_EXITING | PROC_USE_IO_BITMAPS | PROC_USE_MSR_BITMAPS | \
	 PROC_ACTIVATE_SECONDARY) /* 0x961861f2 */
#define EXIT_WORD_NO_PAT                                                       \
	(0x00036dfbu | EXIT_HOST_ADDRESS_SPACE_SIZE | EXIT_SAVE_IA32_EFER |    \
	 EXIT_LOAD_IA32_EFER | EXIT_SAVE_DEBUG_CONTROLS) /* 0x00336fff */
#define EXIT_WORD	  (EXIT_WORD_NO_PAT | EXIT_SAVE_IA32_PAT | EXIT_LOAD_IA32_PAT)
#define ENTRY_WORD_NO_PAT                                                      \
	(0x000011fbu | ENTRY_LOAD_IA32_EFER |                                  \
	 ENTRY_LOAD_DEBUG_CONTROLS) /* 0x91ff */
#define ENTRY_WORD	  (ENTRY_WORD_NO_PAT | ENTRY_LOAD_IA32_PAT)
#define PROC2_BASE	  (PROC2_ENABLE_EPT | PROC2_UNRESTRICTED_GUEST)

struct expect {
	uint32_t procbased2;
	bool vpid, ept_accessed_dirty;
};

static void compute_ok(const struct cpu *cpu, struct vmx_controls *c)
{
	char err[256] = "";

	memset(c, 0xa5, sizeof(*c));
	if (!vmx_controls_compute(&cpu->m, c, err, sizeof(err)))
		fail_msg("%s: refused: %s", cpu->name, err);
}

/* The control word rules that hold for every CPU the hypervisor accepts. */
static void check_word_rules(const struct cpu *cpu,
			     const struct vmx_controls *c)
{
	const struct vmx_cap_msrs *m = &cpu->m;
	bool t = m->basic & VMX_BASIC_TRUE_CTLS;
	uint64_t caps[] = {t ? m->true_pinbased : m->pinbased,
			   t ? m->true_procbased : m->procbased, m->procbased2,
			   t ? m->true_exit : m->exit,
			   t ? m->true_entry : m->entry};
	uint32_t words[] = {c->pinbased, c->procbased, c->procbased2, c->exit,
			    c->entry};

	assert_int_equal(c->true_msrs, t);
	/* Every forced bit is set, and nothing the CPU does not allow. */
	for (size_t i = 0; i < ARRAY_SIZE(words); i++) {
		uint32_t forced = (uint32_t)caps[i];
		uint32_t allowed = (uint32_t)(caps[i] >> 32);

		if ((words[i] & forced) != forced || (words[i] & ~allowed) != 0)
			fail_msg("%s: word %zu = %#x against capability %#llx",
				 cpu->name, i, words[i],
				 (unsigned long long)caps[i]);
	}
	/* Required. */
	assert_int_equal(c->pinbased &
			     (PIN_EXTERNAL_INTERRUPT_EXITING | PIN_NMI_EXITING),
			 PIN_EXTERNAL_INTERRUPT_EXITING | PIN_NMI_EXITING);
	assert_true(c->procbased & PROC_ACTIVATE_SECONDARY);
	assert_true(c->procbased & PROC_USE_MSR_BITMAPS);
	assert_true(c->procbased & PROC_USE_IO_BITMAPS);
	assert_true(c->procbased2 & PROC2_ENABLE_EPT);
	assert_true(c->procbased2 & PROC2_UNRESTRICTED_GUEST);
	assert_true(c->exit & EXIT_HOST_ADDRESS_SPACE_SIZE);
	assert_true(c->entry & ENTRY_LOAD_IA32_EFER);
	/* The guest's DR7 survives exits (its #DB exits rely on it). */
	assert_true(c->exit & EXIT_SAVE_DEBUG_CONTROLS);
	assert_true(c->entry & ENTRY_LOAD_DEBUG_CONTROLS);
	/* Must be clear. */
	assert_false(c->pinbased &
		     (PIN_POSTED_INTERRUPTS | PIN_PREEMPTION_TIMER));
	assert_false(c->procbased &
		     (PROC_CR3_LOAD_EXITING | PROC_CR3_STORE_EXITING |
		      PROC_USE_TPR_SHADOW | PROC_UNCONDITIONAL_IO_EXITING |
		      PROC_INTERRUPT_WINDOW_EXITING | PROC_NMI_WINDOW_EXITING |
		      PROC_MONITOR_TRAP_FLAG));
	assert_false(c->procbased2 &
		     (PROC2_VIRTUALIZE_APIC_ACCESSES | PROC2_ENABLE_PML |
		      PROC2_EPT_VIOLATION_VE | PROC2_VMCS_SHADOWING |
		      PROC2_ENABLE_VMFUNC));
	assert_false(c->exit & EXIT_ACK_INTERRUPT_ON_EXIT);
	assert_false(c->entry & (ENTRY_IA32E_MODE_GUEST | ENTRY_TO_SMM |
				 ENTRY_DUAL_MONITOR));
	/* VPID only where it can be flushed; PAT switched both ways or not
	 * at all. */
	assert_int_equal(!!(c->procbased2 & PROC2_ENABLE_VPID), c->vpid);
	if (c->vpid)
		assert_true(c->invvpid_single || c->invvpid_all);
	assert_int_equal(!!(c->exit & EXIT_SAVE_IA32_PAT), c->load_pat);
	assert_int_equal(!!(c->exit & EXIT_LOAD_IA32_PAT), c->load_pat);
	assert_int_equal(!!(c->entry & ENTRY_LOAD_IA32_PAT), c->load_pat);
}

/* A CPU with the TRUE MSRs, EPT with both INVEPT types, INVVPID of all
 * kinds and PAT switching: everything since Sandy Bridge. */
static void check_modern(const struct cpu *cpu, const struct expect *e)
{
	struct vmx_controls c;

	compute_ok(cpu, &c);
	check_word_rules(cpu, &c);
	assert_true(c.true_msrs);
	assert_int_equal(c.pinbased, PIN_WORD);
	assert_int_equal(c.procbased, PROC_WORD);
	assert_int_equal(c.procbased2, e->procbased2);
	assert_int_equal(c.exit, EXIT_WORD);
	assert_int_equal(c.entry, ENTRY_WORD);
	assert_true(c.load_pat);
	assert_int_equal(c.vpid, e->vpid);
	assert_true(c.invvpid_single);
	assert_true(c.invvpid_all);
	assert_true(c.invept_single);
	assert_int_equal(c.ept_accessed_dirty, e->ept_accessed_dirty);
}

/* Secondary controls: Sandy Bridge, then INVPCID (Haswell), then XSAVES
 * (Skylake). */
#define PROC2_SNB (PROC2_BASE | PROC2_ENABLE_RDTSCP | PROC2_ENABLE_VPID)
#define PROC2_HSW (PROC2_SNB | PROC2_ENABLE_INVPCID)
#define PROC2_SKL (PROC2_HSW | PROC2_ENABLE_XSAVES)

static void test_compute_sandy_bridge(void **state)
{
	check_modern(&i7_2635qm, &(struct expect){PROC2_SNB, true, false});
}

static void test_compute_ivy_bridge(void **state)
{
	check_modern(&i5_3570, &(struct expect){PROC2_SNB, true, false});
}

static void test_compute_silvermont(void **state)
{
	check_modern(&pentium_n3530, &(struct expect){PROC2_SNB, true, false});
}

static void test_compute_haswell(void **state)
{
	check_modern(&i7_4600u, &(struct expect){PROC2_HSW, true, true});
}

static void test_compute_skylake(void **state)
{
	check_modern(&i7_6700k, &(struct expect){PROC2_SKL, true, true});
}

static void test_compute_coffee_lake(void **state)
{
	check_modern(&i7_9750h, &(struct expect){PROC2_SKL, true, true});
}

static void test_compute_skylake_x(void **state)
{
	check_modern(&i9_9980xe, &(struct expect){PROC2_SKL, true, true});
}

static void test_compute_bochs_skylake_x(void **state)
{
	check_modern(&bochs_skylake_x, &(struct expect){PROC2_SKL, true, true});
}

/* A refusal: false, and err names the control and the MSR with its value. */
static void check_refused(const struct vmx_cap_msrs *m, const char *control,
			  const char *msr_and_value)
{
	struct vmx_controls c;
	char err[256] = "";

	assert_false(vmx_controls_compute(m, &c, err, sizeof(err)));
	if (!strstr(err, control) || !strstr(err, msr_and_value))
		fail_msg("expected \"%s\" and \"%s\" in: %s", control,
			 msr_and_value, err);
}

/* Penryn: bit 55 of IA32_VMX_BASIC is clear, so IA32_VMX_PROCBASED_CTLS
 * rules, and it forces CR3-load and CR3-store exiting (its default1 class,
 * SDM Vol. 3D, A.2). */
static void test_compute_penryn_refused(void **state)
{
	check_refused(&xeon_x5482.m, "CR3-load exiting",
		      "(IA32_VMX_PROCBASED_CTLS = 0xf7f9fffe0401e172)");
}

static void test_compute_nehalem_refused(void **state)
{
	check_refused(&bochs_lynnfield.m, "unrestricted guest",
		      "(IA32_VMX_PROCBASED_CTLS2 = 0x7f00000000)");
}

/* VMX without EPT (and so without unrestricted guest, which needs it). */
static void test_compute_no_ept_refused(void **state)
{
	struct vmx_cap_msrs m = i7_2635qm.m;

	m.procbased2 &=
	    ~((uint64_t)(PROC2_ENABLE_EPT | PROC2_UNRESTRICTED_GUEST) << 32);
	check_refused(&m, "enable EPT",
		      "(IA32_VMX_PROCBASED_CTLS2 = 0x7d00000000)");
}

/* A Sandy Bridge whose bit 55 were clear would be judged by the
 * non-TRUE MSRs, which force CR3 exiting. */
static void test_compute_no_true_msrs_refused(void **state)
{
	struct vmx_cap_msrs m = i7_2635qm.m;

	m.basic &= ~VMX_BASIC_TRUE_CTLS;
	check_refused(&m, "CR3-load exiting",
		      "(IA32_VMX_PROCBASED_CTLS = 0xfff9fffe0401e172)");
}

/* Without bit 55 the non-TRUE MSRs alone decide: here they force nothing
 * the hypervisor minds, the TRUE ones hold garbage, and the words carry
 * the non-TRUE forced bits (save/load debug controls). */
static void test_compute_no_true_msrs_used(void **state)
{
	const struct cpu cpu = {
	    "Sandy Bridge without TRUE MSRs, CR3 exits not forced",
	    {.basic = i7_2635qm.m.basic & ~VMX_BASIC_TRUE_CTLS,
	     .pinbased = 0x0000007f00000016ull,
	     .procbased = 0xfff9fffe04006172ull,
	     .exit = 0x007fffff00036dffull,
	     .entry = 0x0000ffff000011ffull,
	     .true_pinbased = 0x0000000100000000ull,
	     .true_procbased = 0xffffffffffffffffull,
	     .true_exit = 0,
	     .true_entry = 0x0000020000000200ull,
	     .procbased2 = i7_2635qm.m.procbased2,
	     .ept_vpid = i7_2635qm.m.ept_vpid}};
	struct vmx_controls c;

	compute_ok(&cpu, &c);
	check_word_rules(&cpu, &c);
	assert_false(c.true_msrs);
	assert_int_equal(c.pinbased, PIN_WORD);
	assert_int_equal(c.procbased, PROC_WORD);
	assert_int_equal(c.exit, EXIT_WORD | EXIT_SAVE_DEBUG_CONTROLS);
	assert_int_equal(c.entry, ENTRY_WORD | ENTRY_LOAD_DEBUG_CONTROLS);
}

static void test_compute_ept_caps_refused(void **state)
{
	const uint64_t needed[] = {
	    VMX_EPT_CAP_WALK_4, VMX_EPT_CAP_WB, VMX_EPT_CAP_INVEPT,
	    VMX_EPT_CAP_INVEPT_SINGLE | VMX_EPT_CAP_INVEPT_ALL};

	for (size_t i = 0; i < ARRAY_SIZE(needed); i++) {
		struct vmx_cap_msrs m = i7_2635qm.m;
		struct vmx_controls c;
		char err[256] = "";

		m.ept_vpid &= ~needed[i];
		assert_false(vmx_controls_compute(&m, &c, err, sizeof(err)));
		assert_non_null(strstr(err, "IA32_VMX_EPT_VPID_CAP"));
	}
}

/* One INVEPT type is enough; which one is reported. */
static void test_compute_invept_all_only(void **state)
{
	struct vmx_cap_msrs m = i7_2635qm.m;
	struct vmx_controls c;
	char err[256] = "";

	m.ept_vpid &= ~VMX_EPT_CAP_INVEPT_SINGLE;
	assert_true(vmx_controls_compute(&m, &c, err, sizeof(err)));
	assert_false(c.invept_single);
}

/* INVVPID (or the single- and all-context types) missing: VPID stays off,
 * a VPID that could never be flushed would keep stale translations. */
static void test_compute_vpid_needs_invvpid(void **state)
{
	const uint64_t cut[] = {
	    /* No INVVPID at all. */
	    VMX_VPID_CAP_INVVPID | VMX_VPID_CAP_INVVPID_SINGLE |
		VMX_VPID_CAP_INVVPID_ALL | (1ull << 40) | (1ull << 43),
	    /* INVVPID, but only the individual-address and
	     * single-context-retaining-globals types. */
	    VMX_VPID_CAP_INVVPID_SINGLE | VMX_VPID_CAP_INVVPID_ALL,
	    /* The types without the instruction. */
	    VMX_VPID_CAP_INVVPID,
	};

	for (size_t i = 0; i < ARRAY_SIZE(cut); i++) {
		struct cpu cpu = i7_2635qm;
		struct vmx_controls c;

		cpu.m.ept_vpid &= ~cut[i];
		compute_ok(&cpu, &c);
		check_word_rules(&cpu, &c);
		assert_false(c.vpid);
		assert_false(c.procbased2 & PROC2_ENABLE_VPID);
		assert_int_equal(c.procbased2, PROC2_SNB & ~PROC2_ENABLE_VPID);
		assert_false(c.invvpid_single && c.invvpid_all);
	}

	/* One of the two types is enough. */
	struct cpu cpu = i7_2635qm;
	struct vmx_controls c;

	cpu.m.ept_vpid &= ~VMX_VPID_CAP_INVVPID_SINGLE;
	compute_ok(&cpu, &c);
	assert_true(c.vpid);
	assert_false(c.invvpid_single);
	assert_true(c.invvpid_all);
}

/* PAT is switched by exit and entry together or not at all: a CPU that
 * can save and load it on exit but not load it on entry gets neither. */
static void test_compute_pat_all_or_nothing(void **state)
{
	const struct {
		uint64_t exit_cut, entry_cut;
	} cases[] = {
	    {0, (uint64_t)ENTRY_LOAD_IA32_PAT << 32},
	    {(uint64_t)EXIT_SAVE_IA32_PAT << 32, 0},
	    {(uint64_t)EXIT_LOAD_IA32_PAT << 32, 0},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct cpu cpu = i7_2635qm;
		struct vmx_controls c;

		cpu.m.true_exit &= ~cases[i].exit_cut;
		cpu.m.true_entry &= ~cases[i].entry_cut;
		compute_ok(&cpu, &c);
		check_word_rules(&cpu, &c);
		assert_false(c.load_pat);
		assert_int_equal(c.exit, EXIT_WORD_NO_PAT);
		assert_int_equal(c.entry, ENTRY_WORD_NO_PAT);
	}
}

/* The capability MSR named in a refusal is the one that was used. */
static void test_compute_names_true_msr(void **state)
{
	struct vmx_cap_msrs m = i7_2635qm.m;

	m.true_procbased &= ~((uint64_t)PROC_HLT_EXITING << 32);
	check_refused(&m, "HLT exiting",
		      "(IA32_VMX_TRUE_PROCBASED_CTLS = 0xfff9ff7e04006172)");

	m = i7_2635qm.m;
	m.true_exit &= ~((uint64_t)EXIT_LOAD_IA32_EFER << 32);
	check_refused(&m, "load IA32_EFER",
		      "(IA32_VMX_TRUE_EXIT_CTLS = 0x5fffff00036dfb)");

	/* Posted interrupts forced on. */
	m = i7_2635qm.m;
	m.true_pinbased |= PIN_POSTED_INTERRUPTS;
	check_refused(&m, "VMX control",
		      "(IA32_VMX_TRUE_PINBASED_CTLS = 0x7f00000096)");
}

/* ---- vmx_cr_owned_bits / vmx_cr_real_value ---- */

#define CR0_FIXED0     0x80000021ull /* PE, NE, PG */
#define CR0_FIXED1     0xffffffffull
#define CR4_FIXED0     0x2000ull /* VMXE */
#define CR4_FIXED1     0x3767ffull
#define CR0_GUEST_FREE (CR0_PE | CR0_PG) /* unrestricted guest */

static void test_cr0_owned_bits(void **state)
{
	uint64_t owned =
	    vmx_cr_owned_bits(CR0_FIXED0, CR0_FIXED1, CR0_GUEST_FREE);

	assert_int_equal(owned, HIGH_32 | CR0_NE);
	assert_false(owned & (CR0_PE | CR0_PG));

	/* Without unrestricted guest PE and PG are the hypervisor's too. */
	owned = vmx_cr_owned_bits(CR0_FIXED0, CR0_FIXED1, 0);
	assert_int_equal(owned, HIGH_32 | CR0_NE | CR0_PE | CR0_PG);
}

static void test_cr0_real_value(void **state)
{
	/* The guest's entry state: protected mode, paging off. */
	assert_int_equal(vmx_cr_real_value(CR0_PE | CR0_ET, CR0_FIXED0,
					   CR0_FIXED1, CR0_GUEST_FREE),
			 CR0_PE | CR0_ET | CR0_NE); /* 0x31, PG stays off */
	assert_int_equal(
	    vmx_cr_real_value(0, CR0_FIXED0, CR0_FIXED1, CR0_GUEST_FREE),
	    CR0_NE);
	assert_int_equal(vmx_cr_real_value(CR0_PG | CR0_PE | CR0_ET, CR0_FIXED0,
					   CR0_FIXED1, CR0_GUEST_FREE),
			 CR0_PG | CR0_PE | CR0_ET | CR0_NE);
	/* Nothing above bit 31 reaches the CPU. */
	assert_int_equal(vmx_cr_real_value(HIGH_32 | CR0_PE, CR0_FIXED0,
					   CR0_FIXED1, CR0_GUEST_FREE),
			 CR0_PE | CR0_NE);
	/* Without unrestricted guest PE and PG are forced. */
	assert_int_equal(vmx_cr_real_value(CR0_ET, CR0_FIXED0, CR0_FIXED1, 0),
			 CR0_PG | CR0_PE | CR0_ET | CR0_NE);
}

static void test_cr4(void **state)
{
	uint64_t owned = vmx_cr_owned_bits(CR4_FIXED0, CR4_FIXED1, 0);

	assert_int_equal(owned, CR4_VMXE | ~CR4_FIXED1); /* 0xff...ffc8b800 */
	assert_true(owned & CR4_UMIP); /* not in this CPU's fixed1 */
	assert_false(owned & CR4_PAE);
	assert_true((owned & HIGH_32) == HIGH_32);

	assert_int_equal(vmx_cr_real_value(CR4_PAE, CR4_FIXED0, CR4_FIXED1, 0),
			 CR4_PAE | CR4_VMXE);
	/* A bit the CPU fixes to 0 never reaches it. */
	assert_int_equal(
	    vmx_cr_real_value(CR4_PAE | CR4_UMIP, CR4_FIXED0, CR4_FIXED1, 0),
	    CR4_PAE | CR4_VMXE);
}

/* The fixed values of the captured CPUs: NE, VMXE and bits 63:32 always
 * owned, PE and PG free, and a real value the CPU accepts. */
static void test_cr_captured(void **state)
{
	const struct cpu *cpus[] = {&xeon_x5482,    &i7_2635qm, &i5_3570,
				    &pentium_n3530, &i7_4600u,	&i7_6700k,
				    &i7_9750h,	    &i9_9980xe};

	for (size_t i = 0; i < ARRAY_SIZE(cpus); i++) {
		const struct vmx_cap_msrs *m = &cpus[i]->m;
		uint64_t cr0 = vmx_cr_owned_bits(m->cr0_fixed0, m->cr0_fixed1,
						 CR0_GUEST_FREE);
		uint64_t cr4 =
		    vmx_cr_owned_bits(m->cr4_fixed0, m->cr4_fixed1, 0);
		uint64_t real;

		assert_int_equal(cr0, HIGH_32 | CR0_NE);
		assert_true(cr4 & CR4_VMXE);
		assert_true((cr4 & HIGH_32) == HIGH_32);
		assert_false(cr4 & CR4_PAE);

		real = vmx_cr_real_value(CR0_PE | CR0_ET, m->cr0_fixed0,
					 m->cr0_fixed1, CR0_GUEST_FREE);
		assert_int_equal(real, CR0_PE | CR0_ET | CR0_NE);
		real =
		    vmx_cr_real_value(~0ull, m->cr4_fixed0, m->cr4_fixed1, 0);
		assert_int_equal(real, m->cr4_fixed1);
	}
}

/* ---- MSR bitmap ---- */

/* SDM Vol. 3C, 25.6.9: the four 1 KiB quarters of the 4 KiB map. */
#define READ_LOW   0
#define READ_HIGH  1024
#define WRITE_LOW  2048
#define WRITE_HIGH 3072

#define MSR_IA32_SYSENTER_CS 0x174

static uint8_t bitmap[VMX_MSR_BITMAP_SIZE];
static uint8_t want[VMX_MSR_BITMAP_SIZE];

static int bitmap_setup(void **state)
{
	memset(bitmap, 0xff, sizeof(bitmap));
	memset(want, 0xff, sizeof(want));
	return 0;
}

/* Clears, in the expected map, the bit of index in one quarter. */
static void want_clear(size_t quarter, uint32_t index)
{
	want[quarter + index / 8] &= (uint8_t) ~(1u << (index % 8));
}

static void assert_bitmap_is_want(void)
{
	for (size_t i = 0; i < VMX_MSR_BITMAP_SIZE; i++)
		if (bitmap[i] != want[i])
			fail_msg(
			    "byte %zu (%zu in quarter %zu) is %#x, want %#x", i,
			    i % 1024, i / 1024, bitmap[i], want[i]);
}

static void test_bitmap_low_read_only(void **state)
{
	assert_true(
	    vmx_msr_bitmap_allow(bitmap, MSR_IA32_SYSENTER_CS, true, false));
	/* 0x174 = 372: byte 46, bit 4 of the read-low quarter. */
	want_clear(READ_LOW, 0x174);
	assert_int_equal(want[46], 0xef);
	assert_bitmap_is_want();
	assert_false(vmx_msr_bitmap_exits(bitmap, MSR_IA32_SYSENTER_CS, false));
	assert_true(vmx_msr_bitmap_exits(bitmap, MSR_IA32_SYSENTER_CS, true));
	assert_true(vmx_msr_bitmap_exits(bitmap, 0x175, false));
}

static void test_bitmap_low_write_only(void **state)
{
	assert_true(
	    vmx_msr_bitmap_allow(bitmap, MSR_IA32_SYSENTER_CS, false, true));
	want_clear(WRITE_LOW, 0x174);
	assert_int_equal(want[2048 + 46], 0xef);
	assert_bitmap_is_want();
	assert_true(vmx_msr_bitmap_exits(bitmap, MSR_IA32_SYSENTER_CS, false));
	assert_false(vmx_msr_bitmap_exits(bitmap, MSR_IA32_SYSENTER_CS, true));
}

static void test_bitmap_high_read_only(void **state)
{
	assert_true(vmx_msr_bitmap_allow(bitmap, MSR_FS_BASE, true, false));
	/* 0xc0000100: index 0x100, byte 32 bit 0 of the read-high quarter. */
	want_clear(READ_HIGH, 0x100);
	assert_int_equal(want[1024 + 32], 0xfe);
	assert_bitmap_is_want();
	assert_false(vmx_msr_bitmap_exits(bitmap, MSR_FS_BASE, false));
	assert_true(vmx_msr_bitmap_exits(bitmap, MSR_FS_BASE, true));
	/* The low MSR with the same index is another bit. */
	assert_true(vmx_msr_bitmap_exits(bitmap, 0x100, false));
}

static void test_bitmap_high_write_only(void **state)
{
	assert_true(vmx_msr_bitmap_allow(bitmap, MSR_FS_BASE, false, true));
	want_clear(WRITE_HIGH, 0x100);
	assert_int_equal(want[3072 + 32], 0xfe);
	assert_bitmap_is_want();
	assert_true(vmx_msr_bitmap_exits(bitmap, MSR_FS_BASE, false));
	assert_false(vmx_msr_bitmap_exits(bitmap, MSR_FS_BASE, true));
}

static void test_bitmap_high_read_write(void **state)
{
	assert_true(
	    vmx_msr_bitmap_allow(bitmap, MSR_KERNEL_GS_BASE, true, true));
	/* 0xc0000102: byte 32, bit 2 of both high quarters. */
	want_clear(READ_HIGH, 0x102);
	want_clear(WRITE_HIGH, 0x102);
	assert_int_equal(want[1024 + 32], 0xfb);
	assert_int_equal(want[3072 + 32], 0xfb);
	assert_bitmap_is_want();
	assert_false(vmx_msr_bitmap_exits(bitmap, MSR_KERNEL_GS_BASE, false));
	assert_false(vmx_msr_bitmap_exits(bitmap, MSR_KERNEL_GS_BASE, true));
	assert_true(vmx_msr_bitmap_exits(bitmap, MSR_FS_BASE, false));
	assert_true(vmx_msr_bitmap_exits(bitmap, MSR_GS_BASE, true));
}

/* The last MSR of each range is the last bit of its quarters. */
static void test_bitmap_range_ends(void **state)
{
	assert_true(vmx_msr_bitmap_allow(bitmap, 0, true, true));
	assert_true(vmx_msr_bitmap_allow(bitmap, 0x1fff, true, true));
	assert_true(vmx_msr_bitmap_allow(bitmap, 0xc0000000, true, true));
	assert_true(vmx_msr_bitmap_allow(bitmap, 0xc0001fff, true, true));
	want[0] = want[2048] = 0xfe;
	want[1023] = want[3071] = 0x7f;
	want[1024] = want[3072] = 0xfe;
	want[2047] = want[4095] = 0x7f;
	assert_bitmap_is_want();
}

/* Outside both ranges every access exits and the map is left alone. */
static void test_bitmap_outside(void **state)
{
	const uint32_t outside[] = {0x2000,	0xbfffffff, 0xc0002000,
				    0xc0010000, 0xc0010114, 0xffffffff};

	for (size_t i = 0; i < ARRAY_SIZE(outside); i++) {
		assert_false(
		    vmx_msr_bitmap_allow(bitmap, outside[i], true, true));
		assert_bitmap_is_want();
		assert_true(vmx_msr_bitmap_exits(bitmap, outside[i], false));
		assert_true(vmx_msr_bitmap_exits(bitmap, outside[i], true));
	}
	/* Even with an all-clear map. */
	memset(bitmap, 0, sizeof(bitmap));
	assert_true(vmx_msr_bitmap_exits(bitmap, 0xc0010000, false));
	assert_true(vmx_msr_bitmap_exits(bitmap, 0xc0010000, true));
	assert_false(vmx_msr_bitmap_exits(bitmap, 0xc0000080, true));
	assert_false(vmx_msr_bitmap_exits(bitmap, 0x10, false));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fc_unlocked_zero),
	    cmocka_unit_test(test_fc_unlocked_keeps_other_bits),
	    cmocka_unit_test(test_fc_locked_on),
	    cmocka_unit_test(test_fc_locked_smx_only),
	    cmocka_unit_test(test_fc_locked_off),
	    cmocka_unit_test(test_fc_why_respects_size),
	    cmocka_unit_test(test_adjust_forced_bits_kept),
	    cmocka_unit_test(test_adjust_required_not_allowed),
	    cmocka_unit_test(test_adjust_must_be_clear_forced),
	    cmocka_unit_test(test_adjust_optional_only_where_allowed),
	    cmocka_unit_test(test_compute_sandy_bridge),
	    cmocka_unit_test(test_compute_ivy_bridge),
	    cmocka_unit_test(test_compute_silvermont),
	    cmocka_unit_test(test_compute_haswell),
	    cmocka_unit_test(test_compute_skylake),
	    cmocka_unit_test(test_compute_coffee_lake),
	    cmocka_unit_test(test_compute_skylake_x),
	    cmocka_unit_test(test_compute_bochs_skylake_x),
	    cmocka_unit_test(test_compute_penryn_refused),
	    cmocka_unit_test(test_compute_nehalem_refused),
	    cmocka_unit_test(test_compute_no_ept_refused),
	    cmocka_unit_test(test_compute_no_true_msrs_refused),
	    cmocka_unit_test(test_compute_no_true_msrs_used),
	    cmocka_unit_test(test_compute_ept_caps_refused),
	    cmocka_unit_test(test_compute_invept_all_only),
	    cmocka_unit_test(test_compute_vpid_needs_invvpid),
	    cmocka_unit_test(test_compute_pat_all_or_nothing),
	    cmocka_unit_test(test_compute_names_true_msr),
	    cmocka_unit_test(test_cr0_owned_bits),
	    cmocka_unit_test(test_cr0_real_value),
	    cmocka_unit_test(test_cr4),
	    cmocka_unit_test(test_cr_captured),
	    cmocka_unit_test_setup(test_bitmap_low_read_only, bitmap_setup),
	    cmocka_unit_test_setup(test_bitmap_low_write_only, bitmap_setup),
	    cmocka_unit_test_setup(test_bitmap_high_read_only, bitmap_setup),
	    cmocka_unit_test_setup(test_bitmap_high_write_only, bitmap_setup),
	    cmocka_unit_test_setup(test_bitmap_high_read_write, bitmap_setup),
	    cmocka_unit_test_setup(test_bitmap_range_ends, bitmap_setup),
	    cmocka_unit_test_setup(test_bitmap_outside, bitmap_setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
