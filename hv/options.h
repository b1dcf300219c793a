/*
 * The hypervisor's command-line options, parsed once at boot.
 * Every unknown word and bad value is reported. Boot and the console go
 * on with the defaults (so the complaint can be read), but a run whose
 * options were not all understood ends with a FAIL naming the first one
 * (opt->refused) instead of running something else than was asked;
 * complaints about how the run is shown alone (console=, loglevel=,
 * trace=, trace_dump=) do not stop it.
 */
#ifndef HV_OPTIONS_H
#define HV_OPTIONS_H

#include "arch/x86/console.h"

#define OPT_MAX_CONSOLES CONSOLE_MAX_OUTPUTS
#define OPT_MAX_CPUS 64

/* Deliberate failures, to check the fatal paths on a real boot. */
enum selftest {
	SELFTEST_NONE = 0,
	SELFTEST_PAGE_FAULT = 1,    /* the boot CPU touches an unmapped page */
	SELFTEST_AP_PAGE_FAULT = 2, /* the last CPU started does */
	SELFTEST_BUG = 3,           /* a BUG_ON() fires */
	SELFTEST_WARN = 4,          /* a WARN_ON() fires; the run goes on */
	SELFTEST_DEAF_CPU = 5,      /* the last vCPU's CPU answers no kick */
	SELFTEST_BAD_GUEST_STATE = 6, /* vCPU 0 starts with an illegal guest state */
	SELFTEST_STUCK_VCPU = 7,    /* the last vCPU never leaves the guest */
	SELFTEST_LA57_ENTRY = 8,    /* the UEFI application enters with 5-level paging */
	SELFTEST_DIRECT_MAP_HOLE = 9, /* the boot CPU reads memory that is not RAM */
};

/* What the VM runs (test=); none boots without starting a VM. */
enum opt_test {
	OPT_TEST_NONE = 0,
	OPT_TEST_FAULT_IN,
	OPT_TEST_ZAP_UNDER_LOAD,
	OPT_TEST_DIRTY_LOG,
	OPT_TEST_BENCH,
	OPT_TEST_HOSTILE_TRIPLE_FAULT,
	OPT_TEST_HOSTILE_MMIO,
	OPT_TEST_HOSTILE_HYPERCALL,
	OPT_TEST_HOSTILE_POINTER,
	OPT_TEST_HOSTILE_VIRT_INSN, /* also accepted as hostile-svm-insn */
	OPT_TEST_HOSTILE_PORT,
	OPT_TEST_STRING_IO,
	OPT_TEST_HOSTILE_STRING_IO,
	OPT_TEST_HOSTILE_PORT_OVERLAP,
	OPT_TEST_HOSTILE_STRING_IO_PAGING,
	OPT_TEST_ARCH_MSR,
	OPT_TEST_AC_LOOP,
	OPT_TEST_DB_LOOP,
	OPT_TEST_DEBUG,
};

#define OPT_TEST_NAMES_TEXT                                                    \
	"none, fault-in, zap-under-load, dirty-log, bench, hostile-triple-fault, " \
	"hostile-mmio, hostile-hypercall, hostile-pointer, hostile-virt-insn, "  \
	"hostile-port, string-io, hostile-string-io, hostile-port-overlap, "    \
	"hostile-string-io-paging, arch-msr, ac-loop, db-loop, debug"

/* The screen as a console (console=fb, console=nofb). */
enum opt_screen {
	OPT_SCREEN_AUTO = 0, /* the log on it when there is one (default) */
	OPT_SCREEN_ON = 1,   /* console=fb: asked for; alone, no UART */
	OPT_SCREEN_OFF = 2,  /* console=nofb: left alone */
};

#define OPT_EXIT_DELAY_MAX_MS 60000

/* Whether large second-level pages may be executable (itlb_multihit=). */
enum opt_itlb_multihit {
	OPT_ITLB_MULTIHIT_AUTO = 0, /* not executable where the CPU is affected */
	OPT_ITLB_MULTIHIT_ON = 1,   /* never executable, on any CPU */
	OPT_ITLB_MULTIHIT_OFF = 2,  /* always executable, even if affected */
};

#define OPT_GUEST_MEM_MIN (32ull << 20)
#define OPT_GUEST_MEM_MAX (2ull << 30)
#define OPT_GUEST_MEM_DEFAULT (64ull << 20)
#define OPT_GUEST_NAME_MAX 64
/*
 * A complaint about one option, never cut (unit/cmdline checks the longest
 * ones): the log line that quotes it, with its prefix and "hv: done: FAIL:
 * options: ", stays within LOG_LINE_MAX.
 */
#define OPT_REFUSED_MAX 440

struct hv_options {
	struct console_spec consoles[OPT_MAX_CONSOLES];
	unsigned console_count; /* 0: chosen (arch/x86/console_default.h) */
	unsigned screen;        /* enum opt_screen */
	unsigned loglevel;      /* LOG_* (base/log.h), default LOG_INFO */
	unsigned maxcpus;       /* 1..OPT_MAX_CPUS, default OPT_MAX_CPUS */
	unsigned exit_mode;     /* enum exit_mode (arch/x86/machine.h) */
	unsigned exit_delay_ms; /* wait after the verdict before exit= acts */
	unsigned panic_mode;    /* enum panic_mode (arch/x86/machine.h) */
	unsigned ap_timeout_ms; /* wait for each AP, default 1000 */
	unsigned selftest;      /* enum selftest */
	unsigned vcpus;         /* 0: one per online CPU */
	uint64_t guest_mem;     /* bytes of guest RAM */
	unsigned test;          /* enum opt_test */
	char guest[OPT_GUEST_NAME_MAX]; /* empty: the built-in test guest */
	unsigned guest_timeout_s; /* the VM is stopped after this long */
	unsigned itlb_multihit;   /* enum opt_itlb_multihit */
	bool trace;               /* trace=on: recording from the start */
	unsigned trace_dump;      /* trace_dump=N: events shown at the end */
	/* The first complaint about what the run does (every option but
	 * console= and loglevel=, and every unknown word): the run must not
	 * go on with a default in its place. Empty: none. */
	char refused[OPT_REFUSED_MAX];
};

/* Receives one human-readable complaint about the command line. */
typedef void (*options_warn_fn)(void *ctx, const char *msg);

/*
 * Parses cmdline into opt (fully initialized to defaults first). Every
 * unknown word or bad value is passed to warn (may be NULL) as one line of
 * text, e.g. "console=ttyS9: no such port (ttyS0..ttyS3)". Returns the
 * number of complaints; the first one that is not about console= or
 * loglevel= is also kept in opt->refused. Options:
 *   console=ttyS<n>[,<baud>]  console=io:<port>[,<baud>]  console=e9
 *   console=pci:<bus>:<dev>.<fn>[,<baud>]  console=mmio:<address>[,<baud>]
 *   console=mmio32:<address>[,<baud>]
 *   console=fb|nofb
 *   loglevel=<0-3|error|warn|info|debug>  maxcpus=<n>  exit=qemu|bochs|halt
 *   exit_delay_ms=<n>
 *   panic=halt|reboot|monitor
 *   ap_timeout_ms=<n>  selftest=none|pagefault|ap-pagefault|bug|warn|deaf-cpu|
 *                     bad-guest-state|stuck-vcpu|la57-entry|
 *                     direct-map-hole
 *   vcpus=<n>  guest_mem=<size>  test=<name>  guest=<module or file>
 *   guest_timeout_s=<n>  itlb_multihit=auto|on|off  trace=on|off
 *   trace_dump=<n>
 * Words the loader or later issues own (e.g. BOOT_IMAGE=, guest=) are
 * listed in options.c and accepted silently.
 */
unsigned options_parse(const char *cmdline, struct hv_options *opt,
		       options_warn_fn warn, void *ctx);

/* The test= name of an enum opt_test value. */
const char *options_test_name(unsigned test);

/* Parses one console= value; returns false with a reason in err. */
bool options_parse_console(const char *val, struct console_spec *out,
			   char *err, size_t errsz);

#endif
