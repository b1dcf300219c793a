/*
 * The hypervisor's command line: one table of the options it owns, one of
 * the words it leaves to others, and a parser per option that either
 * stores a value or explains in one line what it accepts.
 */
#include "hv/options.h"
#include "arch/x86/machine.h"
#include "arch/x86/uart_regs.h"
#include "arch/x86/uart_where.h"
#include "base/log.h"
#include "base/trace.h"
#include "lib/cmdline.h"
#include "lib/format.h"
#include "lib/string.h"

#define OPT_KEY_MAX	      32
#define OPT_VALUE_MAX	      256
/* A complaint, whole: the longest lists every option or test= name. */
#define OPT_MSG_MAX	      OPT_REFUSED_MAX
#define OPT_UART_MAX_BAUD     115200
#define OPT_AP_TIMEOUT_MAX_MS 3600000u
#define OPT_CONSOLE_FORMS                                                      \
	"ttyS0..ttyS3[,baud], io:<port>[,baud], pci:<bus>:<dev>.<fn>[,baud], " \
	"mmio:<address>[,baud], mmio32:<address>[,baud], e9, fb or nofb"

/*
 * Words that belong to the loader (BOOT_IMAGE=) or to other parts of the
 * hypervisor that read the command line themselves: accepted silently.
 */
static const char *const options_foreign[] = {
    "BOOT_IMAGE",
};

/* Indexed by enum opt_test; keep OPT_TEST_NAMES_TEXT in step. */
static const char *const options_test_names[] = {
    [OPT_TEST_NONE] = "none",
    [OPT_TEST_FAULT_IN] = "fault-in",
    [OPT_TEST_ZAP_UNDER_LOAD] = "zap-under-load",
    [OPT_TEST_DIRTY_LOG] = "dirty-log",
    [OPT_TEST_BENCH] = "bench",
    [OPT_TEST_HOSTILE_TRIPLE_FAULT] = "hostile-triple-fault",
    [OPT_TEST_HOSTILE_MMIO] = "hostile-mmio",
    [OPT_TEST_HOSTILE_HYPERCALL] = "hostile-hypercall",
    [OPT_TEST_HOSTILE_POINTER] = "hostile-pointer",
    [OPT_TEST_HOSTILE_VIRT_INSN] = "hostile-virt-insn",
    [OPT_TEST_HOSTILE_PORT] = "hostile-port",
    [OPT_TEST_STRING_IO] = "string-io",
    [OPT_TEST_HOSTILE_STRING_IO] = "hostile-string-io",
    [OPT_TEST_HOSTILE_PORT_OVERLAP] = "hostile-port-overlap",
    [OPT_TEST_HOSTILE_STRING_IO_PAGING] = "hostile-string-io-paging",
    [OPT_TEST_ARCH_MSR] = "arch-msr",
    [OPT_TEST_AC_LOOP] = "ac-loop",
    [OPT_TEST_DB_LOOP] = "db-loop",
    [OPT_TEST_DEBUG] = "debug",
};

/*
 * Former test= names, still accepted for the test they named; the log and
 * options_test_name() give the current name.
 */
static const struct {
	const char *name;
	unsigned test; /* enum opt_test */
} options_test_aliases[] = {
    {"hostile-svm-insn", OPT_TEST_HOSTILE_VIRT_INSN},
};

const char *options_test_name(unsigned test)
{
	return test < ARRAY_SIZE(options_test_names) && options_test_names[test] ?
		       options_test_names[test] :
		       "?";
}

static const uint16_t options_com_ports[] = {0x3f8, 0x2f8, 0x3e8, 0x2e8};

static void options_set_defaults(struct hv_options *opt)
{
	memset(opt, 0, sizeof(*opt));
	opt->loglevel = LOG_INFO;
	opt->maxcpus = OPT_MAX_CPUS;
	opt->exit_mode = EXIT_HALT;
	opt->ap_timeout_ms = 1000;
	opt->guest_mem = OPT_GUEST_MEM_DEFAULT;
	opt->test = OPT_TEST_FAULT_IN;
	opt->guest_timeout_s = 300;
}

/*
 * Parses "<baud>" or "<baud>n8" into *baud. The UART divisor latch divides
 * 115200 by at most 65535, so only baud rates from 2 to 115200 that divide
 * it exactly are accepted. "keep" is 0: the divisor the firmware set, for
 * a UART whose clock is not 1.8432 MHz.
 */
static bool options_parse_baud(const char *s, uint32_t *baud, char *err,
			       size_t errsz)
{
	uint64_t v = 0;
	const char *p = s;

	if (strcmp(s, "keep") == 0) {
		*baud = 0;
		return true;
	}

	for (; *p >= '0' && *p <= '9'; p++) {
		if (v <= OPT_UART_MAX_BAUD)
			v = v * 10 + (*p - '0');
	}
	if (p == s) {
		fmt_snprintf(err, errsz,
			     "bad baud rate '%s' (a divisor of 115200 such as "
			     "115200, 57600, 38400, 19200, 9600, or keep)",
			     s);
		return false;
	}
	if (*p && strcmp(p, "n8") != 0) {
		fmt_snprintf(
		    err, errsz,
		    "unsupported line setting '%s' after the baud rate "
		    "(only n8: no parity, 8 data bits)",
		    p);
		return false;
	}
	if (v > OPT_UART_MAX_BAUD) {
		fmt_snprintf(err, errsz,
			     "baud rate %.*s is above 115200, the 16550's "
			     "fastest",
			     (int)(p - s), s);
		return false;
	}
	if (v == 0 || OPT_UART_MAX_BAUD % v != 0) {
		fmt_snprintf(err, errsz,
			     "baud rate %u is not 115200 divided by a whole "
			     "number (115200, 57600, 38400, 19200, 9600, ...)",
			     (unsigned)v);
		return false;
	}
	if (OPT_UART_MAX_BAUD / v > UART_DIVISOR_MAX) {
		fmt_snprintf(err, errsz,
			     "baud rate %u is below 2, the 16550's slowest "
			     "(its divisor latch holds at most %u)",
			     (unsigned)v, UART_DIVISOR_MAX);
		return false;
	}
	*baud = v;
	return true;
}

/* Parses the "<port>" of io:<port>: a 16550 needs 8 ports from its base. */
static bool options_parse_io_port(const char *s, uint16_t *port, char *err,
				  size_t errsz)
{
	uint64_t v;

	if (!cmdline_parse_u64(s, &v) || v == 0 || v > 0xfff8) {
		fmt_snprintf(err, errsz,
			     "bad I/O port '%s' (a number 0x1..0xfff8, e.g. "
			     "io:0x2f8)",
			     s);
		return false;
	}
	*port = v;
	return true;
}

/* Parses the "BB:DD.F" of pci:BB:DD.F, in hex as lspci writes it. */
static bool options_parse_pci(const char *s, struct pci_func *f, char *err,
			      size_t errsz)
{
	unsigned v[3] = {0, 0, 0};
	static const char seps[] = {':', '.', '\0'};
	static const unsigned max[] = {0xff, 0x1f, 0x7};
	const char *p = s;

	for (unsigned i = 0; i < 3; i++) {
		const char *start = p;

		for (; (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') ||
		       (*p >= 'A' && *p <= 'F');
		     p++) {
			unsigned d = *p <= '9' ? (unsigned)(*p - '0') :
						 (unsigned)((*p | 0x20) - 'a' + 10);

			v[i] = v[i] * 16 + d;
			if (v[i] > max[i])
				break;
		}
		if (p == start || p - start > 2 || v[i] > max[i] ||
		    *p != seps[i])
			goto bad;
		if (*p)
			p++;
	}
	*f = (struct pci_func){(uint8_t)v[0], (uint8_t)v[1], (uint8_t)v[2]};
	return true;
bad:
	fmt_snprintf(err, errsz,
		     "bad PCI address '%s' (bus:device.function in hex as "
		     "lspci shows it, e.g. pci:00:03.0; device 00..1f, "
		     "function 0..7)",
		     s);
	return false;
}

/* Parses the "<address>" of mmio:<address> or mmio32:<address>. */
static bool options_parse_mmio(const char *s, uint8_t space,
			       struct uart_where *w, char *err, size_t errsz)
{
	uint64_t v;
	const char *why;

	if (!cmdline_parse_u64(s, &v)) {
		fmt_snprintf(err, errsz,
			     "bad MMIO address '%s' (the physical address of "
			     "the UART's registers, e.g. mmio32:0xfe030000)",
			     s);
		return false;
	}
	*w = (struct uart_where){.space = space, .base = v};
	if (!uart_where_valid(w, &why)) {
		fmt_snprintf(err, errsz, "MMIO address %s: %s", s, why);
		return false;
	}
	return true;
}

/*
 * Accepts ttyS0..ttyS3, io:<port>, pci:BB:DD.F, mmio:<address>,
 * mmio32:<address> (each with an optional ",<baud>[n8]", 115200 by
 * default) and e9. *out is only written on success.
 */
bool options_parse_console(const char *val, struct console_spec *out, char *err,
			   size_t errsz)
{
	struct console_spec spec = {.kind = CONSOLE_UART,
				    .uart = {.space = UART_SPACE_IO},
				    .baud = OPT_UART_MAX_BAUD};
	char name[OPT_VALUE_MAX];
	const char *comma = strchr(val, ',');
	size_t namelen = comma ? (size_t)(comma - val) : strlen(val);

	if (namelen >= sizeof(name)) {
		fmt_snprintf(err, errsz, "value too long");
		return false;
	}
	memcpy(name, val, namelen);
	name[namelen] = '\0';

	if (strcmp(name, "e9") == 0) {
		if (comma) {
			fmt_snprintf(err, errsz,
				     "e9 takes no baud rate (just console=e9)");
			return false;
		}
		*out = (struct console_spec){.kind = CONSOLE_E9};
		return true;
	}

	if (strncmp(name, "ttyS", 4) == 0) {
		if (name[4] < '0' || name[4] > '3' || name[5] != '\0') {
			fmt_snprintf(err, errsz,
				     "no such port %s (ttyS0..ttyS3, or "
				     "io:<port> for another one)",
				     name);
			return false;
		}
		spec.uart.base = options_com_ports[name[4] - '0'];
	} else if (strncmp(name, "io:", 3) == 0) {
		uint16_t port;

		if (!options_parse_io_port(name + 3, &port, err, errsz))
			return false;
		spec.uart.base = port;
	} else if (strncmp(name, "pci:", 4) == 0) {
		spec.kind = CONSOLE_UART_PCI;
		if (!options_parse_pci(name + 4, &spec.pci, err, errsz))
			return false;
	} else if (strncmp(name, "mmio:", 5) == 0) {
		if (!options_parse_mmio(name + 5, UART_SPACE_MMIO8, &spec.uart,
					err, errsz))
			return false;
	} else if (strncmp(name, "mmio32:", 7) == 0) {
		if (!options_parse_mmio(name + 7, UART_SPACE_MMIO32,
					&spec.uart, err, errsz))
			return false;
	} else {
		fmt_snprintf(err, errsz,
			     "unknown console '%s' (" OPT_CONSOLE_FORMS ")",
			     name);
		return false;
	}

	if (comma && !options_parse_baud(comma + 1, &spec.baud, err, errsz))
		return false;
	*out = spec;
	return true;
}

/* Whether a and b name the same output. */
static bool options_same_console(const struct console_spec *a,
				 const struct console_spec *b)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case CONSOLE_UART: /* mmio: and mmio32: at one address are one */
		return (a->uart.space == UART_SPACE_IO) ==
			   (b->uart.space == UART_SPACE_IO) &&
		       a->uart.base == b->uart.base;
	case CONSOLE_UART_PCI:
		return a->pci.bus == b->pci.bus && a->pci.dev == b->pci.dev &&
		       a->pci.fn == b->pci.fn;
	default:
		return true;
	}
}

/*
 * Adds one console; a second one on the same UART is refused. fb and
 * nofb say what the screen does (the last one wins).
 */
static bool options_add_console(const char *val, struct hv_options *opt,
				char *err, size_t errsz)
{
	struct console_spec spec;

	if (strcmp(val, "fb") == 0 || strcmp(val, "nofb") == 0) {
		opt->screen = val[0] == 'f' ? OPT_SCREEN_ON : OPT_SCREEN_OFF;
		return true;
	}
	if (!options_parse_console(val, &spec, err, errsz))
		return false;
	for (unsigned i = 0; i < opt->console_count; i++) {
		char name[UART_NAME_MAX];

		if (!options_same_console(&opt->consoles[i], &spec))
			continue;
		if (spec.kind == CONSOLE_UART_PCI)
			fmt_snprintf(name, sizeof(name), "PCI %02x:%02x.%x",
				     spec.pci.bus, spec.pci.dev, spec.pci.fn);
		else if (spec.kind == CONSOLE_UART &&
			 spec.uart.space == UART_SPACE_IO)
			fmt_snprintf(name, sizeof(name), "port %#llx",
				     (unsigned long long)spec.uart.base);
		else
			uart_where_name(&spec.uart, name, sizeof(name));
		fmt_snprintf(err, errsz, "%s already has a console, ignored",
			     name);
		return false;
	}
	if (opt->console_count == OPT_MAX_CONSOLES) {
		fmt_snprintf(err, errsz, "more than %d consoles, ignored",
			     OPT_MAX_CONSOLES);
		return false;
	}
	opt->consoles[opt->console_count++] = spec;
	return true;
}

/* Parses a decimal or 0x number in lo..hi (no K/M/G suffix: a count). */
static bool options_parse_range(const char *val, unsigned lo, unsigned hi,
				unsigned *out, char *err, size_t errsz)
{
	size_t len = strlen(val);
	char last = len ? val[len - 1] : '\0';
	bool suffix = last != '\0' && strchr("kKmMgG", last);
	uint64_t v;

	if (suffix || !cmdline_parse_u64(val, &v) || v < lo || v > hi) {
		fmt_snprintf(err, errsz, "not a number in %u..%u", lo, hi);
		return false;
	}
	*out = v;
	return true;
}

/* Sets *out to the index of val in names[0..n); false when absent. */
static bool options_match_name(const char *val, const char *const *names,
			       unsigned n, unsigned *out)
{
	for (unsigned i = 0; i < n; i++) {
		if (names[i] && strcmp(val, names[i]) == 0) {
			*out = i;
			return true;
		}
	}
	return false;
}

static bool options_parse_loglevel(const char *val, struct hv_options *opt,
				   char *err, size_t errsz)
{
	static const char *const names[] = {
	    [LOG_ERROR] = "error",
	    [LOG_WARN] = "warn",
	    [LOG_INFO] = "info",
	    [LOG_DEBUG] = "debug",
	};

	if (options_match_name(val, names, ARRAY_SIZE(names), &opt->loglevel))
		return true;
	if (options_parse_range(val, LOG_ERROR, LOG_DEBUG, &opt->loglevel, err,
				errsz))
		return true;
	fmt_snprintf(err, errsz, "expected 0-3, error, warn, info or debug");
	return false;
}

static bool options_parse_maxcpus(const char *val, struct hv_options *opt,
				  char *err, size_t errsz)
{
	return options_parse_range(val, 1, OPT_MAX_CPUS, &opt->maxcpus, err,
				   errsz);
}

static bool options_parse_exit(const char *val, struct hv_options *opt,
			       char *err, size_t errsz)
{
	if (strcmp(val, "qemu") == 0)
		opt->exit_mode = EXIT_QEMU;
	else if (strcmp(val, "bochs") == 0)
		opt->exit_mode = EXIT_BOCHS;
	else if (strcmp(val, "halt") == 0)
		opt->exit_mode = EXIT_HALT;
	else {
		fmt_snprintf(err, errsz, "expected qemu, bochs or halt");
		return false;
	}
	return true;
}

static bool options_parse_exit_delay(const char *val, struct hv_options *opt,
				     char *err, size_t errsz)
{
	return options_parse_range(val, 0, OPT_EXIT_DELAY_MAX_MS,
				   &opt->exit_delay_ms, err, errsz);
}

static bool options_parse_panic(const char *val, struct hv_options *opt,
				char *err, size_t errsz)
{
	static const char *const names[] = {
	    [PANIC_MODE_HALT] = "halt",
	    [PANIC_MODE_REBOOT] = "reboot",
	    [PANIC_MODE_MONITOR] = "monitor",
	};

	if (options_match_name(val, names, ARRAY_SIZE(names), &opt->panic_mode))
		return true;
	fmt_snprintf(err, errsz, "expected halt, reboot or monitor");
	return false;
}

static bool options_parse_ap_timeout(const char *val, struct hv_options *opt,
				     char *err, size_t errsz)
{
	return options_parse_range(val, 1, OPT_AP_TIMEOUT_MAX_MS,
				   &opt->ap_timeout_ms, err, errsz);
}

static bool options_parse_selftest(const char *val, struct hv_options *opt,
				   char *err, size_t errsz)
{
	static const char *const names[] = {
	    [SELFTEST_NONE] = "none",
	    [SELFTEST_PAGE_FAULT] = "pagefault",
	    [SELFTEST_AP_PAGE_FAULT] = "ap-pagefault",
	    [SELFTEST_BUG] = "bug",
	    [SELFTEST_WARN] = "warn",
	    [SELFTEST_DEAF_CPU] = "deaf-cpu",
	    [SELFTEST_BAD_GUEST_STATE] = "bad-guest-state",
	    [SELFTEST_STUCK_VCPU] = "stuck-vcpu",
	    [SELFTEST_LA57_ENTRY] = "la57-entry",
	    [SELFTEST_DIRECT_MAP_HOLE] = "direct-map-hole",
	};

	if (options_match_name(val, names, ARRAY_SIZE(names), &opt->selftest))
		return true;
	fmt_snprintf(err, errsz,
		     "expected none, pagefault, ap-pagefault, bug, warn, "
		     "deaf-cpu, bad-guest-state, stuck-vcpu, la57-entry or direct-map-hole");
	return false;
}

static bool options_parse_vcpus(const char *val, struct hv_options *opt,
				char *err, size_t errsz)
{
	return options_parse_range(val, 1, OPT_MAX_CPUS, &opt->vcpus, err,
				   errsz);
}

static bool options_parse_guest_mem(const char *val, struct hv_options *opt,
				    char *err, size_t errsz)
{
	uint64_t v;

	if (!cmdline_parse_u64(val, &v) || v < OPT_GUEST_MEM_MIN ||
	    v > OPT_GUEST_MEM_MAX || v % (1 << 20) != 0) {
		fmt_snprintf(err, errsz,
			     "expected a size from 32M to 2G in whole MiB (e.g. 201M)");
		return false;
	}
	opt->guest_mem = v;
	return true;
}

static bool options_parse_test(const char *val, struct hv_options *opt,
			       char *err, size_t errsz)
{
	if (options_match_name(val, options_test_names,
			       ARRAY_SIZE(options_test_names), &opt->test))
		return true;
	for (unsigned i = 0; i < ARRAY_SIZE(options_test_aliases); i++) {
		if (strcmp(val, options_test_aliases[i].name) == 0) {
			opt->test = options_test_aliases[i].test;
			return true;
		}
	}
	fmt_snprintf(err, errsz, "unknown test (one of: %s)",
		     OPT_TEST_NAMES_TEXT);
	return false;
}

static bool options_parse_guest_timeout(const char *val,
				       struct hv_options *opt, char *err,
				       size_t errsz)
{
	return options_parse_range(val, 1, 86400, &opt->guest_timeout_s, err,
				   errsz);
}

static bool options_parse_guest(const char *val, struct hv_options *opt,
				char *err, size_t errsz)
{
	if (val[0] == '\0' || str_copy(opt->guest, val, sizeof(opt->guest)) >=
				       sizeof(opt->guest)) {
		fmt_snprintf(err, errsz, "expected a module or file name of at most %zu characters",
			     sizeof(opt->guest) - 1);
		return false;
	}
	return true;
}

static bool options_parse_itlb_multihit(const char *val,
					struct hv_options *opt, char *err,
					size_t errsz)
{
	static const char *const names[] = {
	    [OPT_ITLB_MULTIHIT_AUTO] = "auto",
	    [OPT_ITLB_MULTIHIT_ON] = "on",
	    [OPT_ITLB_MULTIHIT_OFF] = "off",
	};

	if (options_match_name(val, names, ARRAY_SIZE(names),
			       &opt->itlb_multihit))
		return true;
	fmt_snprintf(err, errsz, "expected auto, on or off");
	return false;
}

static bool options_parse_trace(const char *val, struct hv_options *opt,
				char *err, size_t errsz)
{
	static const char *const names[] = {"off", "on"};
	unsigned on;

	if (!options_match_name(val, names, ARRAY_SIZE(names), &on)) {
		fmt_snprintf(err, errsz, "expected on or off");
		return false;
	}
	opt->trace = on;
	return true;
}

/* At most every event the rings can hold. */
static bool options_parse_trace_dump(const char *val, struct hv_options *opt,
				     char *err, size_t errsz)
{
	return options_parse_range(val, 0, TRACE_MAX_CPUS * TRACE_RING_EVENTS,
				   &opt->trace_dump, err, errsz);
}

struct option_desc {
	const char *key;
	const char *usage; /* shown when the value is missing */
	bool (*parse)(const char *val, struct hv_options *opt, char *err,
		      size_t errsz);
	/* Only how the run is shown: a bad value is a warning, and the
	 * default serves. Any other bad value refuses the run. */
	bool presentation;
};

static const struct option_desc options_table[] = {
    {"console", OPT_CONSOLE_FORMS,
     options_add_console, true},
    {"loglevel", "0-3, error, warn, info or debug", options_parse_loglevel,
     true},
    {"maxcpus", "1..64", options_parse_maxcpus, false},
    {"exit", "qemu, bochs or halt", options_parse_exit, false},
    {"exit_delay_ms", "milliseconds, 0..60000", options_parse_exit_delay,
     false},
    {"panic", "halt, reboot or monitor", options_parse_panic, false},
    {"ap_timeout_ms", "milliseconds, 1..3600000", options_parse_ap_timeout,
     false},
    {"selftest", "none, pagefault, ap-pagefault, bug, warn, deaf-cpu, "
     "bad-guest-state, stuck-vcpu, la57-entry or direct-map-hole",
     options_parse_selftest, false},
    {"vcpus", "1..64", options_parse_vcpus, false},
    {"guest_mem", "32M..2G", options_parse_guest_mem, false},
    {"test", OPT_TEST_NAMES_TEXT, options_parse_test, false},
    {"guest_timeout_s", "seconds, 1..86400", options_parse_guest_timeout,
     false},
    {"guest", "a Multiboot2 module or a file next to BOOTX64.EFI",
     options_parse_guest, false},
    {"itlb_multihit", "auto, on or off", options_parse_itlb_multihit,
     false},
    {"trace", "on or off", options_parse_trace, true},
    {"trace_dump", "events, 0..262144", options_parse_trace_dump, true},
};

static bool options_is_foreign(const char *key)
{
	for (unsigned i = 0; i < ARRAY_SIZE(options_foreign); i++) {
		if (strcmp(key, options_foreign[i]) == 0)
			return true;
	}
	return false;
}

static const struct option_desc *options_find(const char *key)
{
	for (unsigned i = 0; i < ARRAY_SIZE(options_table); i++) {
		if (strcmp(key, options_table[i].key) == 0)
			return &options_table[i];
	}
	return NULL;
}

/* Writes "console= loglevel= ..." from the table. */
static void options_list_known(char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < ARRAY_SIZE(options_table) && len < size; i++)
		len +=
		    fmt_snprintf(buf + len, size - len, "%s%s=", i ? " " : "",
				 options_table[i].key);
}

/* Passes one complaint to warn (if any) and counts it; the first one
 * that refuses the run (all but those of a presentation option) is kept
 * in opt->refused. */
static void __printf(6, 7)
    options_complain(options_warn_fn warn, void *ctx, unsigned *count,
		     struct hv_options *opt, bool refuses, const char *fmt,
		     ...)
{
	char msg[OPT_MSG_MAX];
	va_list ap;

	(*count)++;
	va_start(ap, fmt);
	fmt_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (refuses && !opt->refused[0])
		fmt_snprintf(opt->refused, sizeof(opt->refused), "%s", msg);
	if (!warn)
		return;
	warn(ctx, msg);
}

/*
 * Guarantees: opt holds the defaults overridden by every valid option (the
 * last one wins, consoles accumulate in order); each unknown word, bad
 * value, missing value and overlong word produced exactly one complaint.
 */
unsigned options_parse(const char *cmdline, struct hv_options *opt,
		       options_warn_fn warn, void *ctx)
{
	struct cmdline_iter it = {.pos = cmdline};
	char key[OPT_KEY_MAX], val[OPT_VALUE_MAX], err[OPT_MSG_MAX];
	unsigned count = 0;
	bool truncated;

	options_set_defaults(opt);
	while (
	    cmdline_next(&it, key, sizeof(key), val, sizeof(val), &truncated)) {
		const struct option_desc *desc = options_find(key);

		if (options_is_foreign(key))
			continue;
		if (truncated) {
			options_complain(warn, ctx, &count, opt,
					 !desc || !desc->presentation,
					 "%s=%.40s...: too long (at most %u "
					 "characters for a name, %u for a "
					 "value)",
					 key, val, OPT_KEY_MAX - 1,
					 OPT_VALUE_MAX - 1);
			continue;
		}
		if (!desc) {
			options_list_known(err, sizeof(err));
			options_complain(warn, ctx, &count, opt, true,
					 "%s%s%s: unknown option "
					 "(known: %s)",
					 key, val[0] ? "=" : "", val, err);
			continue;
		}
		if (!val[0]) {
			options_complain(warn, ctx, &count, opt,
					 !desc->presentation,
					 "%s: needs a value (%s=%s)", key, key,
					 desc->usage);
			continue;
		}
		err[0] = '\0';
		if (!desc->parse(val, opt, err, sizeof(err)))
			options_complain(warn, ctx, &count, opt,
					 !desc->presentation, "%s=%s: %s", key,
					 val, err);
	}
	return count;
}
