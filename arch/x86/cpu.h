/* Thin wrappers around x86 instructions. Each is exactly one instruction. */
#ifndef ARCH_X86_CPU_H
#define ARCH_X86_CPU_H

#include "lib/compiler.h"

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr"
			 :
			 : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
			 : "memory");
}

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r;

	__asm__ volatile("cpuid"
			 : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			 : "a"(leaf), "c"(subleaf));
	return r;
}

/* Width of a linear address on this CPU (CPUID 8000_0008h EAX[15:8]):
 * 48, or 57 with five-level paging; 48 if the leaf is missing. */
static inline unsigned cpu_linear_address_bits(void)
{
	unsigned bits = 0;

	if (cpuid(0x80000000u, 0).eax >= 0x80000008u)
		bits = (cpuid(0x80000008u, 0).eax >> 8) & 0xff;
	return bits >= 48 && bits <= 64 ? bits : 48;
}

/* Width of a physical address on this CPU (CPUID 8000_0008h EAX[7:0]);
 * 36 if the leaf is missing. */
static inline unsigned cpu_physical_address_bits(void)
{
	unsigned bits = 0;

	if (cpuid(0x80000000u, 0).eax >= 0x80000008u)
		bits = cpuid(0x80000008u, 0).eax & 0xff;
	return bits >= 32 && bits <= 64 ? bits : 36;
}

/* True when the bits above bit (bits - 1) of v all equal that bit. */
static inline bool is_canonical(uint64_t v, unsigned bits)
{
	unsigned shift = 64 - bits;

	return (uint64_t)((int64_t)(v << shift) >> shift) == v;
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

#define DEFINE_CR_ACCESSORS(n)                                                 \
	static inline uint64_t read_cr##n(void)                                \
	{                                                                      \
		uint64_t v;                                                    \
		__asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));              \
		return v;                                                      \
	}                                                                      \
	static inline void write_cr##n(uint64_t v)                             \
	{                                                                      \
		__asm__ volatile("mov %0, %%cr" #n : : "r"(v) : "memory");     \
	}
DEFINE_CR_ACCESSORS(0)
DEFINE_CR_ACCESSORS(2)
DEFINE_CR_ACCESSORS(3)
DEFINE_CR_ACCESSORS(4)
#undef DEFINE_CR_ACCESSORS

/* DR6: the guest's own while a VMX guest runs (VMX does not switch it). */
static inline uint64_t read_dr6(void)
{
	uint64_t v;

	__asm__ volatile("mov %%dr6, %0" : "=r"(v));
	return v;
}

static inline void write_dr6(uint64_t v)
{
	__asm__ volatile("mov %0, %%dr6" : : "r"(v) : "memory");
}

static inline uint64_t read_rflags(void)
{
	uint64_t v;

	__asm__ volatile("pushfq; popq %0" : "=r"(v));
	return v;
}

static inline void irq_disable(void)
{
	__asm__ volatile("cli" ::: "memory");
}

static inline void irq_enable(void)
{
	__asm__ volatile("sti" ::: "memory");
}

static inline void cpu_halt(void)
{
	__asm__ volatile("hlt" ::: "memory");
}

/* Never returns: interrupts off, halted (only NMI/INIT/SMI wake it). */
static inline __noreturn void cpu_halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt" ::: "memory");
}

static inline void invlpg(uint64_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

#define CR0_PE (1ull << 0)
#define CR0_TS (1ull << 3)
#define CR0_ET (1ull << 4)
#define CR0_NE (1ull << 5)
#define CR0_WP (1ull << 16)
#define CR0_NW (1ull << 29)
#define CR0_CD (1ull << 30)
#define CR0_PG (1ull << 31)
#define CR4_PAE (1ull << 5)
#define CR4_PGE (1ull << 7)
#define CR4_OSFXSR (1ull << 9)
#define CR4_VMXE (1ull << 13)
#define CR4_SMXE (1ull << 14)
#define CR4_SMEP (1ull << 20)
#define CR4_LA57 (1ull << 12)
#define RFLAGS_IF (1ull << 9)
#define RFLAGS_DF (1ull << 10)
/* Reset values of the debug registers (SDM Vol. 3B, 18.2; APM 13.1.1). */
#define DR6_RESET 0xffff0ff0ull
#define DR6_B0_B3 0xfull	  /* which breakpoint condition was met */
#define DR6_BD (1ull << 13) /* a MOV DR with DR7.GD set */
#define DR6_BS (1ull << 14) /* single step (RFLAGS.TF) */
#define DR7_RESET 0x400ull
#define DR7_GD (1ull << 13) /* general detect: MOV DR raises #DB */

#endif
