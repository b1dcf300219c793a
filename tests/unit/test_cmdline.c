/*
 * The command-line word iterator, number parsing, and the hypervisor's
 * options: values that must be accepted, and for each bad value the exact
 * complaint a user would read.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "hv/options.h"
#include "base/log.h"
#include "arch/x86/machine.h"
#include "lib/cmdline.h"
#include "lib/string.h"

/* What console= takes, as every complaint about it says. */
#define CONSOLE_FORMS                                                          \
	"ttyS0..ttyS3[,baud], io:<port>[,baud], pci:<bus>:<dev>.<fn>[,baud], " \
	"mmio:<address>[,baud], mmio32:<address>[,baud], e9, fb or nofb"

/* ---- cmdline_next ---- */

struct word {
	const char *key;
	const char *val;
	bool truncated;
};

/* Iterates line with the given buffer sizes and compares with want. */
static void check_words(const char *line, size_t keysz, size_t valsz,
			const struct word *want, size_t n)
{
	struct cmdline_iter it = {.pos = line};
	char key[64], val[64];
	bool truncated;
	size_t i = 0;

	assert_true(keysz <= sizeof(key) && valsz <= sizeof(val));
	while (cmdline_next(&it, key, keysz, val, valsz, &truncated)) {
		assert_true(i < n);
		assert_string_equal(key, want[i].key);
		assert_string_equal(val, want[i].val);
		assert_int_equal(truncated, want[i].truncated);
		i++;
	}
	assert_int_equal(i, n);
	/* The end is sticky and clears the outputs. */
	assert_false(cmdline_next(&it, key, keysz, val, valsz, &truncated));
	assert_string_equal(key, "");
	assert_string_equal(val, "");
}

static void test_words_plain(void **state)
{
	const struct word want[] = {
	    {"console", "ttyS0,115200", false},
	    {"quiet", "", false},
	    {"a", "b=c", false},
	    {"empty", "", false},
	    {"", "novalue", false},
	};

	check_words("  console=ttyS0,115200 \t quiet\na=b=c empty= =novalue  ",
		    64, 64, want, 5);
}

static void test_words_quotes(void **state)
{
	const struct word want[] = {
	    {"guest", "a b  c", false},
	    {"whole word", "x=y z", false},
	    {"k", "unterminated rest of line", false},
	};

	check_words(
	    "guest=\"a b  c\" \"whole word=x=y z\" k=\"unterminated rest "
	    "of line",
	    64, 64, want, 3);
}

static void test_words_empty(void **state)
{
	struct cmdline_iter it = {.pos = NULL};
	char key[8], val[8];

	check_words("", 64, 64, NULL, 0);
	check_words("   \t\n ", 64, 64, NULL, 0);
	assert_false(
	    cmdline_next(&it, key, sizeof(key), val, sizeof(val), NULL));
}

static void test_words_truncated(void **state)
{
	const struct word want[] = {
	    {"abc", "", true},
	    {"ok", "1234", true},
	    {"ok", "12", false},
	};
	struct cmdline_iter it = {.pos = "longer=v next"};
	char key[4], val[4];

	check_words("abcdef ok=12345 ok=12", 4, 5, want, 3);
	/* A NULL truncated pointer is fine; zero-sized buffers too. */
	assert_true(cmdline_next(&it, key, 0, val, 0, NULL));
	assert_true(
	    cmdline_next(&it, key, sizeof(key), val, sizeof(val), NULL));
	assert_string_equal(key, "nex");
}

/* ---- cmdline_parse_u64 ---- */

static void test_parse_u64_good(void **state)
{
	static const struct {
		const char *s;
		uint64_t v;
	} cases[] = {
	    {"0", 0},
	    {"7", 7},
	    {"010", 10},
	    {"0x0", 0},
	    {"0x1f", 0x1f},
	    {"0XABCdef", 0xabcdef},
	    {"1K", 1024},
	    {"4k", 4096},
	    {"2M", 2 * 1024 * 1024},
	    {"3g", 3ull << 30},
	    {"0x10M", 16ull << 20},
	    {"18446744073709551615", UINT64_MAX},
	    {"0xffffffffffffffff", UINT64_MAX},
	    {"17179869183G", 17179869183ull << 30},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t v = 12345;

		if (!cmdline_parse_u64(cases[i].s, &v))
			fail_msg("'%s' rejected", cases[i].s);
		assert_int_equal(v, cases[i].v);
	}
}

static void test_parse_u64_bad(void **state)
{
	static const char *const cases[] = {
	    "",
	    "0x",
	    "x10",
	    "-1",
	    "+1",
	    " 1",
	    "1 ",
	    "12a",
	    "1KK",
	    "1T",
	    "K",
	    "0xg",
	    "18446744073709551616",
	    "99999999999999999999",
	    "0x10000000000000000",
	    "17179869184G",
	    "18014398509481984K",
	    NULL,
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t v = 12345;

		if (cmdline_parse_u64(cases[i], &v))
			fail_msg("'%s' accepted as %llu", cases[i],
				 (unsigned long long)v);
		assert_int_equal(v, 12345);
	}
}

/* ---- options ---- */

struct complaints {
	unsigned n;
	char msg[8][OPT_REFUSED_MAX + 64]; /* room to see a complaint run over */
};

static void collect(void *ctx, const char *msg)
{
	struct complaints *c = ctx;

	if (c->n < ARRAY_SIZE(c->msg))
		str_copy(c->msg[c->n], msg, sizeof(c->msg[0]));
	c->n++;
}

static unsigned parse(const char *line, struct hv_options *opt,
		      struct complaints *c)
{
	unsigned n;

	memset(c, 0, sizeof(*c));
	memset(opt, 0xa5, sizeof(*opt));
	n = options_parse(line, opt, collect, c);
	assert_int_equal(n, c->n);
	return n;
}

static void assert_defaults(const struct hv_options *opt)
{
	assert_int_equal(opt->console_count, 0);
	assert_int_equal(opt->loglevel, LOG_INFO);
	assert_int_equal(opt->maxcpus, OPT_MAX_CPUS);
	assert_int_equal(opt->exit_mode, EXIT_HALT);
	assert_int_equal(opt->panic_mode, PANIC_MODE_DEFAULT);
	assert_int_equal(opt->ap_timeout_ms, 1000);
	assert_int_equal(opt->selftest, SELFTEST_NONE);
	assert_int_equal(opt->vcpus, 0);
	assert_int_equal(opt->guest_mem, OPT_GUEST_MEM_DEFAULT);
	assert_int_equal(opt->test, OPT_TEST_FAULT_IN);
	assert_string_equal(opt->guest, "");
	assert_int_equal(opt->itlb_multihit, OPT_ITLB_MULTIHIT_AUTO);
	assert_false(opt->trace);
	assert_int_equal(opt->trace_dump, 0);
}

static void test_options_vm(void **state)
{
	struct hv_options opt;
	struct complaints c;

	assert_int_equal(parse("guest=myguest.bin vcpus=4 guest_mem=512M "
			       "test=zap-under-load",
			       &opt, &c),
			 0);
	assert_string_equal(opt.guest, "myguest.bin");
	assert_int_equal(opt.vcpus, 4);
	assert_int_equal(opt.guest_mem, 512ull << 20);
	assert_int_equal(opt.test, OPT_TEST_ZAP_UNDER_LOAD);

	assert_int_equal(parse("vcpus=0 guest_mem=1M guest_mem=3M test=mmu_stress "
			       "guest= vcpus=65",
			       &opt, &c),
			 6);
	assert_int_equal(opt.vcpus, 0);
	assert_int_equal(opt.guest_mem, OPT_GUEST_MEM_DEFAULT);
	assert_int_equal(opt.test, OPT_TEST_FAULT_IN);
	/* The first complaint refuses the run. */
	assert_string_equal(opt.refused, c.msg[0]);
	assert_non_null(strstr(c.msg[1], "guest_mem=1M"));
	assert_non_null(strstr(c.msg[3], "test=mmu_stress"));
	assert_non_null(strstr(c.msg[3], "hostile-port"));
}

/* Any whole MiB from 32M to 2G; anything else refuses the run. */
static void test_options_guest_mem(void **state)
{
	static const char *const bad[] = {"31M", "2049M", "201M1", "64.5M",
					  "33554433", "1G1", "3G", "0"};
	struct hv_options opt;
	struct complaints c;

	assert_int_equal(parse("guest_mem=201M", &opt, &c), 0);
	assert_int_equal(opt.guest_mem, 201ull << 20);
	assert_int_equal(parse("guest_mem=32M", &opt, &c), 0);
	assert_int_equal(opt.guest_mem, 32ull << 20);
	assert_int_equal(parse("guest_mem=2G", &opt, &c), 0);
	assert_int_equal(opt.guest_mem, 2ull << 30);
	assert_int_equal(parse("guest_mem=1100M", &opt, &c), 0);
	assert_string_equal(opt.refused, "");
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		char line[64];

		snprintf(line, sizeof(line), "guest_mem=%s", bad[i]);
		if (parse(line, &opt, &c) != 1 || !opt.refused[0])
			fail_msg("'%s' was not refused", line);
	}
	/* Presentation options only warn. */
	assert_int_equal(parse("console=ttyS9 loglevel=loud", &opt, &c), 2);
	assert_string_equal(opt.refused, "");
}

/* auto, on or off; anything else refuses the run and leaves auto. */
static void test_options_itlb_multihit(void **state)
{
	struct hv_options opt;
	struct complaints c;

	assert_int_equal(parse("itlb_multihit=on", &opt, &c), 0);
	assert_int_equal(opt.itlb_multihit, OPT_ITLB_MULTIHIT_ON);
	assert_int_equal(parse("itlb_multihit=on itlb_multihit=off", &opt, &c),
			 0);
	assert_int_equal(opt.itlb_multihit, OPT_ITLB_MULTIHIT_OFF);
	assert_int_equal(parse("itlb_multihit=auto", &opt, &c), 0);
	assert_int_equal(opt.itlb_multihit, OPT_ITLB_MULTIHIT_AUTO);
	assert_int_equal(parse("itlb_multihit=yes", &opt, &c), 1);
	assert_int_equal(opt.itlb_multihit, OPT_ITLB_MULTIHIT_AUTO);
	assert_string_equal(c.msg[0],
			    "itlb_multihit=yes: expected auto, on or off");
	assert_string_equal(opt.refused, c.msg[0]);
	assert_int_equal(parse("itlb_multihit", &opt, &c), 1);
	assert_string_equal(opt.refused,
			    "itlb_multihit: needs a value "
			    "(itlb_multihit=auto, on or off)");
}

/* trace=on|off and trace_dump=N only change what the run shows: a wrong
 * value is a warning, the default serves and the run goes on. */
static void test_options_trace(void **state)
{
	struct hv_options opt;
	struct complaints c;

	assert_int_equal(parse("trace=on trace_dump=8192", &opt, &c), 0);
	assert_true(opt.trace);
	assert_int_equal(opt.trace_dump, 8192);
	assert_int_equal(parse("trace=on trace=off trace_dump=262144", &opt, &c),
			 0);
	assert_false(opt.trace);
	assert_int_equal(opt.trace_dump, 262144);
	assert_int_equal(parse("trace=1 trace_dump=-1", &opt, &c), 2);
	assert_false(opt.trace);
	assert_int_equal(opt.trace_dump, 0);
	assert_string_equal(opt.refused, "");
	assert_int_equal(parse("trace", &opt, &c), 1);
	assert_string_equal(c.msg[0], "trace: needs a value (trace=on or off)");
	assert_string_equal(opt.refused, "");
}

/* A test's former name selects the same test, under its current name. */
static void test_options_test_alias(void **state)
{
	struct hv_options opt;
	struct complaints c;

	assert_int_equal(parse("test=hostile-virt-insn", &opt, &c), 0);
	assert_int_equal(opt.test, OPT_TEST_HOSTILE_VIRT_INSN);
	assert_int_equal(parse("test=hostile-svm-insn", &opt, &c), 0);
	assert_int_equal(opt.test, OPT_TEST_HOSTILE_VIRT_INSN);
	assert_string_equal(options_test_name(opt.test), "hostile-virt-insn");
}

static void test_options_selftest(void **state)
{
	struct hv_options opt;
	struct complaints c;

	assert_int_equal(parse("selftest=ap-pagefault", &opt, &c), 0);
	assert_int_equal(opt.selftest, SELFTEST_AP_PAGE_FAULT);
	assert_int_equal(parse("selftest=bug selftest=warn", &opt, &c), 0);
	assert_int_equal(opt.selftest, SELFTEST_WARN);
	assert_int_equal(parse("selftest=la57-entry", &opt, &c), 0);
	assert_int_equal(opt.selftest, SELFTEST_LA57_ENTRY);
	assert_int_equal(parse("selftest=direct-map-hole", &opt, &c), 0);
	assert_int_equal(opt.selftest, SELFTEST_DIRECT_MAP_HOLE);
	assert_int_equal(parse("selftest=explode", &opt, &c), 1);
	assert_int_equal(opt.selftest, SELFTEST_NONE);
	assert_non_null(strstr(c.msg[0], "selftest=explode"));
}

static void test_options_defaults(void **state)
{
	struct hv_options opt;
	struct complaints c;

	assert_int_equal(parse("", &opt, &c), 0);
	assert_defaults(&opt);
	assert_int_equal(parse(NULL, &opt, &c), 0);
	assert_defaults(&opt);
	/* The loader's words are silent. */
	assert_int_equal(parse("BOOT_IMAGE=/boot/hv.elf", &opt, &c), 0);
	assert_defaults(&opt);
}

static void test_options_all_good(void **state)
{
	struct hv_options opt;
	struct complaints c;

	assert_int_equal(parse("console=ttyS1,57600 console=io:0x3e8,9600n8 "
			       "console=e9 console=ttyS3 loglevel=debug "
			       "maxcpus=4 exit=qemu ap_timeout_ms=250",
			       &opt, &c),
			 0);
	assert_int_equal(opt.console_count, 4);
	assert_int_equal(opt.consoles[0].kind, CONSOLE_UART);
	assert_int_equal(opt.consoles[0].uart.base, 0x2f8);
	assert_int_equal(opt.consoles[0].baud, 57600);
	assert_int_equal(opt.consoles[1].kind, CONSOLE_UART);
	assert_int_equal(opt.consoles[1].uart.base, 0x3e8);
	assert_int_equal(opt.consoles[1].baud, 9600);
	assert_int_equal(opt.consoles[2].kind, CONSOLE_E9);
	assert_int_equal(opt.consoles[3].uart.base, 0x2e8);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(opt.consoles[i].origin, CONSOLE_FROM_OPTION);
	assert_int_equal(opt.loglevel, LOG_DEBUG);
	assert_int_equal(opt.maxcpus, 4);
	assert_int_equal(opt.exit_mode, EXIT_QEMU);
	assert_int_equal(opt.ap_timeout_ms, 250);
}

/*
 * console=fb and nofb say what the screen does, the last one winning;
 * they are no UART: alone, they leave the list empty.
 */
static void test_options_screen(void **state)
{
	static const struct {
		const char *line;
		unsigned screen, console_count;
	} cases[] = {
	    {"", OPT_SCREEN_AUTO, 0},
	    {"console=fb", OPT_SCREEN_ON, 0},
	    {"console=nofb", OPT_SCREEN_OFF, 0},
	    {"console=nofb console=fb", OPT_SCREEN_ON, 0},
	    {"console=fb console=ttyS1 console=nofb", OPT_SCREEN_OFF, 1},
	    {"console=e9 console=fb", OPT_SCREEN_ON, 1},
	};
	struct hv_options opt;
	struct complaints c;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		if (parse(cases[i].line, &opt, &c) != 0)
			fail_msg("'%s': %s", cases[i].line, c.msg[0]);
		assert_int_equal(opt.screen, cases[i].screen);
		assert_int_equal(opt.console_count, cases[i].console_count);
	}
	assert_int_equal(parse("console=fb,115200", &opt, &c), 1);
	assert_int_equal(opt.screen, OPT_SCREEN_AUTO);
}

static void test_options_exit_delay(void **state)
{
	struct hv_options opt;
	struct complaints c;

	assert_int_equal(parse("", &opt, &c), 0);
	assert_int_equal(opt.exit_delay_ms, 0);
	assert_int_equal(parse("exit_delay_ms=3000 exit=qemu", &opt, &c), 0);
	assert_int_equal(opt.exit_delay_ms, 3000);
	assert_int_equal(parse("exit_delay_ms=60000 exit_delay_ms=0", &opt, &c),
			 0);
	assert_int_equal(opt.exit_delay_ms, 0);
	assert_int_equal(parse("exit_delay_ms=60001", &opt, &c), 1);
	assert_true(opt.refused[0]); /* what the run does: refused */
}

static void test_options_values(void **state)
{
	static const struct {
		const char *line;
		unsigned loglevel, maxcpus, exit_mode, ap_timeout_ms;
	} cases[] = {
	    {"loglevel=0", LOG_ERROR, 64, EXIT_HALT, 1000},
	    {"loglevel=3 loglevel=warn", LOG_WARN, 64, EXIT_HALT, 1000},
	    {"loglevel=error", LOG_ERROR, 64, EXIT_HALT, 1000},
	    {"loglevel=info", LOG_INFO, 64, EXIT_HALT, 1000},
	    {"maxcpus=1", LOG_INFO, 1, EXIT_HALT, 1000},
	    {"maxcpus=64", LOG_INFO, 64, EXIT_HALT, 1000},
	    {"maxcpus=0x20", LOG_INFO, 32, EXIT_HALT, 1000},
	    {"exit=bochs", LOG_INFO, 64, EXIT_BOCHS, 1000},
	    {"exit=qemu exit=halt", LOG_INFO, 64, EXIT_HALT, 1000},
	    {"ap_timeout_ms=1", LOG_INFO, 64, EXIT_HALT, 1},
	    {"ap_timeout_ms=3600000", LOG_INFO, 64, EXIT_HALT, 3600000},
	};
	struct hv_options opt;
	struct complaints c;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		if (parse(cases[i].line, &opt, &c) != 0)
			fail_msg("'%s': %s", cases[i].line, c.msg[0]);
		assert_int_equal(opt.loglevel, cases[i].loglevel);
		assert_int_equal(opt.maxcpus, cases[i].maxcpus);
		assert_int_equal(opt.exit_mode, cases[i].exit_mode);
		assert_int_equal(opt.ap_timeout_ms, cases[i].ap_timeout_ms);
	}
}

/* panic= names what the fatal path does after its report; the last wins. */
static void test_options_panic(void **state)
{
	static const struct {
		const char *line;
		unsigned panic_mode;
	} cases[] = {
	    {"exit=qemu", PANIC_MODE_DEFAULT},
	    {"panic=halt", PANIC_MODE_HALT},
	    {"panic=reboot exit=qemu", PANIC_MODE_REBOOT},
	    {"panic=halt panic=monitor", PANIC_MODE_MONITOR},
	};
	struct hv_options opt;
	struct complaints c;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		if (parse(cases[i].line, &opt, &c) != 0)
			fail_msg("'%s': %s", cases[i].line, c.msg[0]);
		assert_int_equal(opt.panic_mode, cases[i].panic_mode);
	}
}

static void test_options_consoles(void **state)
{
	static const struct {
		const char *val;
		uint32_t kind;
		uint64_t port; /* or the MMIO address */
		uint32_t baud;
		uint8_t space;
	} cases[] = {
	    {"ttyS0", CONSOLE_UART, 0x3f8, 115200, UART_SPACE_IO},
	    {"ttyS1", CONSOLE_UART, 0x2f8, 115200, UART_SPACE_IO},
	    {"ttyS2", CONSOLE_UART, 0x3e8, 115200, UART_SPACE_IO},
	    {"ttyS3", CONSOLE_UART, 0x2e8, 115200, UART_SPACE_IO},
	    {"ttyS0,115200", CONSOLE_UART, 0x3f8, 115200, UART_SPACE_IO},
	    {"ttyS0,115200n8", CONSOLE_UART, 0x3f8, 115200, UART_SPACE_IO},
	    {"ttyS0,38400", CONSOLE_UART, 0x3f8, 38400, UART_SPACE_IO},
	    {"ttyS0,2", CONSOLE_UART, 0x3f8, 2, UART_SPACE_IO},
	    {"ttyS0,50", CONSOLE_UART, 0x3f8, 50, UART_SPACE_IO},
	    {"io:0x2f8", CONSOLE_UART, 0x2f8, 115200, UART_SPACE_IO},
	    {"io:1016,19200", CONSOLE_UART, 0x3f8, 19200, UART_SPACE_IO},
	    {"io:0xfff8,2400n8", CONSOLE_UART, 0xfff8, 2400, UART_SPACE_IO},
	    {"e9", CONSOLE_E9, 0, 0, 0},
	    {"mmio:0xfe030000", CONSOLE_UART, 0xfe030000, 115200,
	     UART_SPACE_MMIO8},
	    {"mmio:0xfed00001,9600", CONSOLE_UART, 0xfed00001, 9600,
	     UART_SPACE_MMIO8},
	    {"mmio32:0xfe030000,57600n8", CONSOLE_UART, 0xfe030000, 57600,
	     UART_SPACE_MMIO32},
	    {"mmio32:0x4010002000", CONSOLE_UART, 0x4010002000, 115200,
	     UART_SPACE_MMIO32},
	    {"mmio32:4261609472", CONSOLE_UART, 0xfe030000, 115200,
	     UART_SPACE_MMIO32},
	    {"mmio32:0xfe030000,keep", CONSOLE_UART, 0xfe030000, 0,
	     UART_SPACE_MMIO32},
	    {"ttyS1,keep", CONSOLE_UART, 0x2f8, 0, UART_SPACE_IO},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct console_spec spec;
		char err[128] = "";

		if (!options_parse_console(cases[i].val, &spec, err,
					   sizeof(err)))
			fail_msg("'%s': %s", cases[i].val, err);
		assert_int_equal(spec.kind, cases[i].kind);
		assert_int_equal(spec.baud, cases[i].baud);
		assert_int_equal(spec.origin, CONSOLE_FROM_OPTION);
		if (spec.kind == CONSOLE_E9)
			continue;
		assert_int_equal(spec.uart.base, cases[i].port);
		assert_int_equal(spec.uart.space, cases[i].space);
		assert_false(spec.uart.pci);
	}
}

static void test_options_console_pci(void **state)
{
	static const struct {
		const char *val;
		uint8_t bus, dev, fn;
		uint32_t baud;
	} cases[] = {
	    {"pci:00:03.0", 0, 3, 0, 115200},
	    {"pci:0:3.0", 0, 3, 0, 115200},
	    {"pci:ff:1f.7,9600", 0xff, 0x1f, 7, 9600},
	    {"pci:2A:0b.1,38400n8", 0x2a, 0x0b, 1, 38400},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct console_spec spec;
		char err[300] = "";

		if (!options_parse_console(cases[i].val, &spec, err,
					   sizeof(err)))
			fail_msg("'%s': %s", cases[i].val, err);
		assert_int_equal(spec.kind, CONSOLE_UART_PCI);
		assert_int_equal(spec.pci.bus, cases[i].bus);
		assert_int_equal(spec.pci.dev, cases[i].dev);
		assert_int_equal(spec.pci.fn, cases[i].fn);
		assert_int_equal(spec.baud, cases[i].baud);
	}
}

static void test_console_direct(void **state)
{
	struct console_spec spec = {.kind = 77};
	char val[300], err[64];

	memset(val, 'x', sizeof(val) - 1);
	val[sizeof(val) - 1] = '\0';
	assert_false(options_parse_console(val, &spec, err, sizeof(err)));
	assert_string_equal(err, "value too long");
	assert_false(options_parse_console("ttyS0,9601", &spec, err, 16));
	assert_string_equal(err, "baud rate 9601 ");
	assert_int_equal(spec.kind, 77);
}

/* One bad word, its exact complaint, and the defaults left in place. */
static void test_options_complaints(void **state)
{
	static const struct {
		const char *line;
		const char *msg;
	} cases[] = {
	    {"console=ttyS9",
	     "console=ttyS9: no such port ttyS9 (ttyS0..ttyS3, or "
	     "io:<port> for another one)"},
	    {"console=ttyS10",
	     "console=ttyS10: no such port ttyS10 (ttyS0..ttyS3, or "
	     "io:<port> for another one)"},
	    {"console=ttyS",
	     "console=ttyS: no such port ttyS (ttyS0..ttyS3, or "
	     "io:<port> for another one)"},
	    {"console=vga",
	     "console=vga: unknown console 'vga' (" CONSOLE_FORMS ")"},
	    {"console=pci:00:20.0",
	     "console=pci:00:20.0: bad PCI address '00:20.0' (bus:device."
	     "function in hex as lspci shows it, e.g. pci:00:03.0; device "
	     "00..1f, function 0..7)"},
	    {"console=pci:00:03.8",
	     "console=pci:00:03.8: bad PCI address '00:03.8' (bus:device."
	     "function in hex as lspci shows it, e.g. pci:00:03.0; device "
	     "00..1f, function 0..7)"},
	    {"console=pci:100:03.0",
	     "console=pci:100:03.0: bad PCI address '100:03.0' (bus:device."
	     "function in hex as lspci shows it, e.g. pci:00:03.0; device "
	     "00..1f, function 0..7)"},
	    {"console=pci:03.0",
	     "console=pci:03.0: bad PCI address '03.0' (bus:device."
	     "function in hex as lspci shows it, e.g. pci:00:03.0; device "
	     "00..1f, function 0..7)"},
	    {"console=pci:00:03.0x",
	     "console=pci:00:03.0x: bad PCI address '00:03.0x' (bus:device."
	     "function in hex as lspci shows it, e.g. pci:00:03.0; device "
	     "00..1f, function 0..7)"},
	    {"console=pci:,9600",
	     "console=pci:,9600: bad PCI address '' (bus:device."
	     "function in hex as lspci shows it, e.g. pci:00:03.0; device "
	     "00..1f, function 0..7)"},
	    {"console=pci:00:03.0,9601",
	     "console=pci:00:03.0,9601: baud rate 9601 is not 115200 "
	     "divided by a whole number (115200, 57600, 38400, 19200, "
	     "9600, ...)"},
	    {"console=mmio32:0xfe030002",
	     "console=mmio32:0xfe030002: MMIO address 0xfe030002: the "
	     "address of 32-bit registers is not 4-byte aligned"},
	    {"console=mmio:0",
	     "console=mmio:0: MMIO address 0: the memory address is 0"},
	    {"console=mmio32:0x10000000000000",
	     "console=mmio32:0x10000000000000: MMIO address "
	     "0x10000000000000: the memory address is beyond 52 bits, the "
	     "widest physical address"},
	    {"console=mmio:fe030000",
	     "console=mmio:fe030000: bad MMIO address 'fe030000' (the "
	     "physical address of the UART's registers, e.g. "
	     "mmio32:0xfe030000)"},
	    {"console=mmio:",
	     "console=mmio:: bad MMIO address '' (the physical address of "
	     "the UART's registers, e.g. mmio32:0xfe030000)"},
	    {"console=mmio16:0xfe030000",
	     "console=mmio16:0xfe030000: unknown console 'mmio16:0xfe030000' "
	     "(" CONSOLE_FORMS ")"},
	    {"console=ttyS0,9601",
	     "console=ttyS0,9601: baud rate 9601 is not 115200 divided by "
	     "a whole number (115200, 57600, 38400, 19200, 9600, ...)"},
	    {"console=ttyS0,0",
	     "console=ttyS0,0: baud rate 0 is not 115200 divided by a "
	     "whole number (115200, 57600, 38400, 19200, 9600, ...)"},
	    {"console=ttyS0,1",
	     "console=ttyS0,1: baud rate 1 is below 2, the 16550's slowest "
	     "(its divisor latch holds at most 65535)"},
	    {"console=ttyS0,230400",
	     "console=ttyS0,230400: baud rate 230400 is above 115200, "
	     "the 16550's fastest"},
	    {"console=ttyS0,99999999999999999999999",
	     "console=ttyS0,99999999999999999999999: baud rate "
	     "99999999999999999999999 is above 115200, the 16550's "
	     "fastest"},
	    {"console=ttyS0,115200e7",
	     "console=ttyS0,115200e7: unsupported line setting 'e7' "
	     "after the baud rate (only n8: no parity, 8 data bits)"},
	    {"console=ttyS0,115200n8r",
	     "console=ttyS0,115200n8r: unsupported line setting 'n8r' "
	     "after the baud rate (only n8: no parity, 8 data bits)"},
	    {"console=ttyS0,",
	     "console=ttyS0,: bad baud rate '' (a divisor of 115200 such "
	     "as 115200, 57600, 38400, 19200, 9600, or keep)"},
	    {"console=ttyS0,fast",
	     "console=ttyS0,fast: bad baud rate 'fast' (a divisor of "
	     "115200 such as 115200, 57600, 38400, 19200, 9600, or keep)"},
	    {"console=io:0",
	     "console=io:0: bad I/O port '0' (a number 0x1..0xfff8, e.g. "
	     "io:0x2f8)"},
	    {"console=io:0xfff9",
	     "console=io:0xfff9: bad I/O port '0xfff9' (a number "
	     "0x1..0xfff8, e.g. io:0x2f8)"},
	    {"console=io:",
	     "console=io:: bad I/O port '' (a number 0x1..0xfff8, e.g. "
	     "io:0x2f8)"},
	    {"console=e9,115200",
	     "console=e9,115200: e9 takes no baud rate (just console=e9)"},
	    {"console", "console: needs a value (console=" CONSOLE_FORMS ")"},
	    {"console=", "console: needs a value (console=" CONSOLE_FORMS ")"},
	    {"exit_delay_ms=60001",
	     "exit_delay_ms=60001: not a number in 0..60000"},
	    {"exit_delay_ms=1s", "exit_delay_ms=1s: not a number in 0..60000"},
	    {"loglevel=4",
	     "loglevel=4: expected 0-3, error, warn, info or debug"},
	    {"loglevel=verbose",
	     "loglevel=verbose: expected 0-3, error, warn, info or "
	     "debug"},
	    {"maxcpus=0", "maxcpus=0: not a number in 1..64"},
	    {"maxcpus=65", "maxcpus=65: not a number in 1..64"},
	    {"maxcpus=1K", "maxcpus=1K: not a number in 1..64"},
	    {"maxcpus=-1", "maxcpus=-1: not a number in 1..64"},
	    {"maxcpus=99999999999999999999",
	     "maxcpus=99999999999999999999: not a number in 1..64"},
	    {"exit=reboot", "exit=reboot: expected qemu, bochs or halt"},
	    {"panic=qemu", "panic=qemu: expected halt, reboot or monitor"},
	    {"panic", "panic: needs a value (panic=halt, reboot or monitor)"},
	    {"trace=yes", "trace=yes: expected on or off"},
	    {"trace_dump=262145", "trace_dump=262145: not a number in 0..262144"},
	    {"trace_dump=8K", "trace_dump=8K: not a number in 0..262144"},
	    {"ap_timeout_ms=0", "ap_timeout_ms=0: not a number in 1..3600000"},
	    {"ap_timeout_ms=1M",
	     "ap_timeout_ms=1M: not a number in 1..3600000"},
	    {"nosmp",
	     "nosmp: unknown option (known: console= loglevel= "
	     "maxcpus= exit= exit_delay_ms= panic= ap_timeout_ms= selftest= vcpus= guest_mem= test= guest_timeout_s= guest= "
	     "itlb_multihit= trace= trace_dump=)"},
	    {"Console=ttyS0",
	     "Console=ttyS0: unknown option (known: console= "
	     "loglevel= maxcpus= exit= exit_delay_ms= panic= ap_timeout_ms= selftest= vcpus= guest_mem= test= guest_timeout_s= guest= "
	     "itlb_multihit= trace= trace_dump=)"},
	    {"console=0123456789012345678901234567890123456789"
	     "0123456789012345678901234567890123456789"
	     "0123456789012345678901234567890123456789"
	     "0123456789012345678901234567890123456789"
	     "0123456789012345678901234567890123456789"
	     "0123456789012345678901234567890123456789"
	     "0123456789012345678901234567890123456789",
	     "console=0123456789012345678901234567890123456789...: too "
	     "long (at most 31 characters for a name, 255 for a value)"},
	};
	struct hv_options opt;
	struct complaints c;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		unsigned n = parse(cases[i].line, &opt, &c);

		if (n != 1)
			fail_msg("'%s': %u complaints", cases[i].line, n);
		if (strcmp(c.msg[0], cases[i].msg) != 0)
			fail_msg("'%s':\n  got  \"%s\"\n  want \"%s\"",
				 cases[i].line, c.msg[0], cases[i].msg);
		/* Only console=, loglevel= and the trace's are presentation. */
		if (strncmp(cases[i].line, "console", 7) == 0 ||
		    strncmp(cases[i].line, "loglevel", 8) == 0 ||
		    strncmp(cases[i].line, "trace", 5) == 0)
			assert_string_equal(opt.refused, "");
		else
			assert_string_equal(opt.refused, c.msg[0]);
		opt.refused[0] = '\0';
		assert_defaults(&opt);
	}
}

static void test_options_console_limits(void **state)
{
	struct hv_options opt;
	struct complaints c;

	assert_int_equal(parse("console=ttyS0 console=ttyS1 console=ttyS2 "
			       "console=e9 console=ttyS3 console=ttyS0,9600",
			       &opt, &c),
			 2);
	assert_string_equal(c.msg[0],
			    "console=ttyS3: more than 4 consoles, ignored");
	assert_string_equal(c.msg[1], "console=ttyS0,9600: port 0x3f8 "
				      "already has a console, ignored");
	assert_int_equal(opt.console_count, 4);
	assert_int_equal(opt.consoles[0].uart.base, 0x3f8);
	assert_int_equal(opt.consoles[0].baud, 115200);
	assert_int_equal(opt.consoles[3].kind, CONSOLE_E9);

	/* The same UART named twice, in other words. */
	assert_int_equal(parse("console=pci:00:03.0 console=pci:0:3.0,9600 "
			       "console=mmio:0xfe030000 "
			       "console=mmio32:0xfe030000 console=io:0x3f8 "
			       "console=ttyS0",
			       &opt, &c),
			 3);
	assert_string_equal(c.msg[0], "console=pci:0:3.0,9600: PCI 00:03.0 "
				      "already has a console, ignored");
	assert_string_equal(c.msg[1],
			    "console=mmio32:0xfe030000: MMIO 0xfe030000 "
			    "(32-bit registers) already has a console, "
			    "ignored");
	assert_string_equal(c.msg[2], "console=ttyS0: port 0x3f8 already "
				      "has a console, ignored");
	assert_int_equal(opt.console_count, 3);
	assert_int_equal(opt.consoles[0].kind, CONSOLE_UART_PCI);
	assert_int_equal(opt.consoles[1].uart.space, UART_SPACE_MMIO8);
	assert_int_equal(opt.consoles[2].uart.base, 0x3f8);

	/* A bad value leaves the good ones around it. */
	assert_int_equal(
	    parse("maxcpus=2 maxcpus=100 loglevel=1 bogus", &opt, &c), 2);
	assert_int_equal(opt.maxcpus, 2);
	assert_int_equal(opt.loglevel, LOG_WARN);
}

/*
 * The longest complaints, whole: an unknown option lists every option, a
 * misspelt test= every test name, each up to its last one; what the run
 * refuses with is the same text. Every test= name is in the list.
 */
static void test_options_complaints_whole(void **state)
{
	struct hv_options opt;
	struct complaints c;
	char want[64];
	unsigned t;

	parse("bogus=1", &opt, &c);
	assert_true(strlen(c.msg[0]) < OPT_REFUSED_MAX - 1);
	assert_non_null(strstr(c.msg[0], " trace_dump=)"));
	assert_string_equal(opt.refused, c.msg[0]);

	parse("test=fault-inn", &opt, &c);
	assert_true(strlen(c.msg[0]) < OPT_REFUSED_MAX - 1);
	assert_true(strncmp(c.msg[0], "test=fault-inn: unknown test (one of: none, ",
			    44) == 0);
	assert_int_equal(c.msg[0][strlen(c.msg[0]) - 1], ')');
	assert_string_equal(opt.refused, c.msg[0]);
	for (t = 0; strcmp(options_test_name(t), "?") != 0; t++) {
		snprintf(want, sizeof(want), " %s%s", options_test_name(t),
			 options_test_name(t + 1)[0] == '?' ? ")" : ",");
		if (!strstr(c.msg[0], want))
			fail_msg("test=%s is missing from '%s'",
				 options_test_name(t), c.msg[0]);
	}
	assert_true(t > OPT_TEST_DEBUG);
}

static void test_options_no_warn(void **state)
{
	struct hv_options opt;

	assert_int_equal(
	    options_parse("a b=c maxcpus=2 maxcpus=0", &opt, NULL, NULL), 3);
	assert_int_equal(opt.maxcpus, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_words_plain),
	    cmocka_unit_test(test_words_quotes),
	    cmocka_unit_test(test_words_empty),
	    cmocka_unit_test(test_words_truncated),
	    cmocka_unit_test(test_parse_u64_good),
	    cmocka_unit_test(test_parse_u64_bad),
	    cmocka_unit_test(test_options_defaults),
	    cmocka_unit_test(test_options_selftest),
	    cmocka_unit_test(test_options_vm),
	    cmocka_unit_test(test_options_guest_mem),
	    cmocka_unit_test(test_options_test_alias),
	    cmocka_unit_test(test_options_itlb_multihit),
	    cmocka_unit_test(test_options_trace),
	    cmocka_unit_test(test_options_all_good),
	    cmocka_unit_test(test_options_values),
	    cmocka_unit_test(test_options_screen),
	    cmocka_unit_test(test_options_exit_delay),
	    cmocka_unit_test(test_options_panic),
	    cmocka_unit_test(test_options_consoles),
	    cmocka_unit_test(test_options_console_pci),
	    cmocka_unit_test(test_console_direct),
	    cmocka_unit_test(test_options_complaints),
	    cmocka_unit_test(test_options_console_limits),
	    cmocka_unit_test(test_options_complaints_whole),
	    cmocka_unit_test(test_options_no_warn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
