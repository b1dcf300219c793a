/*
 * The rules, in the order a reader debugging a refused entry wants them:
 * control registers, EFER against paging, RFLAGS, RIP, then the bases.
 */
#include "arch/x86/guest_state_check.h"
#include <stdarg.h>

#include "lib/format.h"

#define CR0_PE	  (1ull << 0)
#define CR0_NW	  (1ull << 29)
#define CR0_CD	  (1ull << 30)
#define CR0_PG	  (1ull << 31)
#define CR4_PAE	  (1ull << 5)
#define EFER_LME  (1ull << 8)
#define EFER_LMA  (1ull << 10)
#define RFLAGS_FIXED_1	 (1ull << 1)
/* Bits 3, 5, 15 and 63:22 are reserved as 0 (SDM Vol. 1, 3.4.3). */
#define RFLAGS_RESERVED_0 (0xffffffffffc00000ull | (1ull << 15) | \
			   (1ull << 5) | (1ull << 3))

static const char *const base_names[GS_BASES] = {
    [GS_BASE_FS] = "FS base",
    [GS_BASE_GS] = "GS base",
    [GS_BASE_TR] = "TR base",
    [GS_BASE_LDTR] = "LDTR base",
    [GS_BASE_GDTR] = "GDTR base",
    [GS_BASE_IDTR] = "IDTR base",
    [GS_BASE_KERNEL_GS] = "KERNEL_GS_BASE",
    [GS_BASE_LSTAR] = "LSTAR",
    [GS_BASE_CSTAR] = "CSTAR",
    [GS_BASE_SYSENTER_ESP] = "SYSENTER_ESP",
    [GS_BASE_SYSENTER_EIP] = "SYSENTER_EIP",
};

static bool canonical(uint64_t v, unsigned bits)
{
	unsigned shift = 64 - bits;

	return (uint64_t)((int64_t)(v << shift) >> shift) == v;
}

static bool fault(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return true;
}

static bool check_control(const struct guest_state *s, char *buf, size_t len)
{
	bool long_mode = (s->efer & EFER_LME) && (s->cr0 & CR0_PG);

	if (s->cr0 >> 32)
		return fault(buf, len, "CR0 0x%llx has bits 63:32 set",
			     (unsigned long long)s->cr0);
	if ((s->cr0 & CR0_NW) && !(s->cr0 & CR0_CD))
		return fault(buf, len, "CR0 0x%llx has NW set without CD",
			     (unsigned long long)s->cr0);
	if ((s->cr0 & CR0_PG) && !(s->cr0 & CR0_PE))
		return fault(buf, len, "CR0 0x%llx has PG set without PE",
			     (unsigned long long)s->cr0);
	if (s->cr4 >> 32)
		return fault(buf, len, "CR4 0x%llx has bits 63:32 set",
			     (unsigned long long)s->cr4);
	if (long_mode && !(s->cr4 & CR4_PAE))
		return fault(buf, len,
			     "EFER 0x%llx and CR0 0x%llx enable long mode "
			     "without CR4.PAE (CR4 0x%llx)",
			     (unsigned long long)s->efer,
			     (unsigned long long)s->cr0,
			     (unsigned long long)s->cr4);
	if (!!(s->efer & EFER_LMA) != long_mode)
		return fault(buf, len,
			     "EFER 0x%llx: LMA does not match LME and CR0.PG "
			     "(CR0 0x%llx)",
			     (unsigned long long)s->efer,
			     (unsigned long long)s->cr0);
	if (long_mode && s->phys_bits < 64 && (s->cr3 >> s->phys_bits))
		return fault(buf, len,
			     "CR3 0x%llx has bits set above the %u-bit "
			     "physical address width",
			     (unsigned long long)s->cr3, s->phys_bits);
	if (long_mode && s->cs_l && s->cs_d)
		return fault(buf, len, "CS has both L and D set in long mode");
	return false;
}

static bool check_flow(const struct guest_state *s, char *buf, size_t len)
{
	bool code64 = (s->efer & EFER_LMA) && s->cs_l;

	if (!(s->rflags & RFLAGS_FIXED_1) || (s->rflags & RFLAGS_RESERVED_0))
		return fault(buf, len,
			     "RFLAGS 0x%llx: bit 1 must be set and bits 3, 5, "
			     "15 and 63:22 clear",
			     (unsigned long long)s->rflags);
	if (code64 && !canonical(s->rip, s->linear_bits))
		return fault(buf, len, "RIP 0x%llx is not canonical",
			     (unsigned long long)s->rip);
	if (!code64 && (s->rip >> 32))
		return fault(buf, len,
			     "RIP 0x%llx has bits 63:32 set outside 64-bit code",
			     (unsigned long long)s->rip);
	return false;
}

bool guest_state_find_fault(const struct guest_state *s, char *buf,
			    size_t len)
{
	if (check_control(s, buf, len) || check_flow(s, buf, len))
		return true;
	for (unsigned i = 0; i < GS_BASES; i++)
		if (s->has_base[i] && !canonical(s->base[i], s->linear_bits))
			return fault(buf, len, "%s 0x%llx is not canonical",
				     base_names[i],
				     (unsigned long long)s->base[i]);
	return false;
}
