#include "arch/x86/tsc_calc.h"

#define FS_PER_NS 1000000ull
#define PPM 1000000ull

/*
 * a * b / c, exact when c * b fits in 64 bits (every use here: c is a
 * duration of at most seconds in ns, b at most 10^6); UINT64_MAX when the
 * result does not fit. c must not be 0.
 */
static uint64_t mul_div(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t q = a / c, r = a % c;

	if (q && b > UINT64_MAX / q)
		return UINT64_MAX;
	if (r && b > UINT64_MAX / r)
		return UINT64_MAX;
	if (q * b > UINT64_MAX - r * b / c)
		return UINT64_MAX;
	return q * b + r * b / c;
}

uint64_t tsc_calc_counter_delta(uint64_t start, uint64_t end, unsigned bits)
{
	uint64_t mask = bits >= 64 ? ~0ull : (1ull << bits) - 1;

	return (end - start) & mask;
}

bool tsc_calc_hpet_period_valid(uint64_t period_fs)
{
	return period_fs >= HPET_PERIOD_MIN_FS &&
	       period_fs <= HPET_PERIOD_MAX_FS;
}

uint64_t tsc_calc_ticks_to_ns(uint64_t ticks, uint64_t period_fs)
{
	return mul_div(ticks, period_fs, FS_PER_NS);
}

uint64_t tsc_calc_khz(uint64_t tsc_ticks, uint64_t ns)
{
	if (ns == 0)
		return 0;
	return mul_div(tsc_ticks, PPM, ns);
}

bool tsc_calc_khz_plausible(uint64_t khz)
{
	return khz >= TSC_KHZ_MIN && khz <= TSC_KHZ_MAX;
}

/* part / whole in parts per million, saturating; whole must not be 0. */
static uint32_t ppm_of(uint64_t part, uint64_t whole)
{
	uint64_t ppm = mul_div(part, PPM, whole);

	return ppm > UINT32_MAX ? UINT32_MAX : (uint32_t)ppm;
}

uint32_t tsc_calc_diff_ppm(uint64_t a, uint64_t b)
{
	if (b == 0)
		return a == 0 ? 0 : UINT32_MAX;
	return ppm_of(a > b ? a - b : b - a, b);
}

static void sort_u64(uint64_t *v, unsigned n)
{
	for (unsigned i = 1; i < n; i++) {
		uint64_t x = v[i];
		unsigned j = i;

		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/* The window's figure, or 0 when its length or figure is not believable. */
static uint64_t window_khz(const struct tsc_window *w, uint64_t period_fs)
{
	uint64_t ns = tsc_calc_ticks_to_ns(w->ref_ticks, period_fs);
	uint64_t khz;

	if (ns < TSC_WINDOW_NS_MIN || ns > TSC_WINDOW_NS_MAX)
		return 0;
	khz = tsc_calc_khz(w->tsc_ticks, ns);
	return tsc_calc_khz_plausible(khz) ? khz : 0;
}

static bool edge_disturbed(const struct tsc_window *w, uint64_t least_edge)
{
	if (w->edge_tsc <= TSC_EDGE_COST_FACTOR * least_edge)
		return false;
	return ppm_of(w->edge_tsc, w->tsc_ticks) > TSC_EDGE_NEGLIGIBLE_PPM;
}

bool tsc_calc_estimate(const struct tsc_window *w, unsigned n,
		       uint64_t period_fs, struct tsc_estimate *out)
{
	uint64_t khz[TSC_CALC_WINDOWS_MAX], kept[TSC_CALC_WINDOWS_MAX];
	uint64_t least_edge = UINT64_MAX;
	unsigned used = 0;

	n = MIN(n, TSC_CALC_WINDOWS_MAX);
	*out = (struct tsc_estimate){ .windows = n };
	if (period_fs == 0)
		return false;
	for (unsigned i = 0; i < n; i++) {
		khz[i] = window_khz(&w[i], period_fs);
		if (khz[i])
			least_edge = MIN(least_edge, w[i].edge_tsc);
	}
	for (unsigned i = 0; i < n; i++)
		if (khz[i] && !edge_disturbed(&w[i], least_edge))
			kept[used++] = khz[i];
	if (used == 0)
		return false;
	sort_u64(kept, used);
	out->used = used;
	out->khz = used % 2 ? kept[used / 2] :
			      (kept[used / 2 - 1] + kept[used / 2]) / 2;
	out->spread_ppm = ppm_of(kept[used - 1] - kept[0], out->khz);
	return true;
}

uint64_t tsc_calc_cpuid15_khz(uint32_t eax, uint32_t ebx, uint32_t ecx)
{
	if (eax == 0 || ebx == 0 || ecx == 0)
		return 0;
	return (uint64_t)ecx * ebx / eax / 1000;
}

uint64_t tsc_calc_cpuid16_khz(uint32_t eax)
{
	return (uint64_t)(eax & 0xffff) * 1000;
}

unsigned tsc_calc_cpu_family(uint32_t leaf1_eax)
{
	unsigned base = (leaf1_eax >> 8) & 0xf;

	return base == 0xf ? base + ((leaf1_eax >> 20) & 0xff) : base;
}

#define AMD_PSTATE_EN (1ull << 63)
#define AMD_CPU_FID(v) ((unsigned)((v) & 0xff))
#define AMD_CPU_DFS_ID(v) ((unsigned)(((v) >> 8) & 0x3f))
#define AMD_CPU_FID_MIN 0x10
#define AMD_CPU_DFS_ID_MIN 0x08 /* divide by 1 */

uint64_t tsc_calc_amd_p0_khz(unsigned family, uint64_t pstate_def)
{
	unsigned fid = AMD_CPU_FID(pstate_def);
	unsigned dfs = AMD_CPU_DFS_ID(pstate_def);

	if (family != 0x17 && family != 0x19)
		return 0;
	if (!(pstate_def & AMD_PSTATE_EN) || fid < AMD_CPU_FID_MIN ||
	    dfs < AMD_CPU_DFS_ID_MIN)
		return 0;
	return 200000ull * fid / dfs;
}
