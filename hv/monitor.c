/*
 * The monitor's session: the break key, the prompt, the line editor and
 * the dispatch of a line to its command (hv/monitor_vm.c, monitor_mem.c,
 * monitor_log.c). It runs on the boot CPU, between two exits of its vCPU,
 * or on the CPU that won a fatal path.
 */
#include <stdarg.h>

#include "hv/monitor_internal.h"
#include "arch/x86/console.h"
#include "arch/x86/cpu.h"
#include "arch/x86/machine.h"
#include "arch/x86/percpu.h"
#include "arch/x86/tsc.h"
#include "base/log.h"
#include "lib/cmdline.h"
#include "lib/format.h"
#include "lib/line_edit.h"
#include "lib/string.h"

#define MONITOR_POLL_US 10000 /* between two looks at the input */
#define MONITOR_PROMPT "hv> "

static struct vm *attached_vm;
static struct line_edit editor;
static uint64_t next_poll_us;

void monitor_attach_vm(struct vm *vm)
{
	__atomic_store_n(&attached_vm, vm, __ATOMIC_RELEASE);
}

void mon_printf(const char *fmt, ...)
{
	char buf[LOG_LINE_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(buf))
		n = sizeof(buf) - 1;
	log_write_raw(buf, (size_t)n);
}

bool mon_parse_u64(const char *what, const char *arg, uint64_t *out)
{
	if (arg && cmdline_parse_u64(arg, out))
		return true;
	if (!arg)
		mon_printf("missing %s\n", what);
	else
		mon_printf("bad %s \"%s\": a number, decimal or 0x hex, with an optional K, M or G\n",
			   what, arg);
	return false;
}

bool mon_need_vm(const struct monitor *m)
{
	if (m->vm)
		return true;
	mon_printf("no VM: nothing runs now\n");
	return false;
}

bool mon_parse_guest_range(struct monitor *m, unsigned argc, char **argv,
			   uint64_t *start, uint64_t *end)
{
	uint64_t gpa, len;

	if (!mon_need_vm(m))
		return false;
	if (argc != 3) {
		mon_printf("usage: %s <gpa> <len>\n", argv[0]);
		return false;
	}
	if (!mon_parse_u64("guest-physical address", argv[1], &gpa) ||
	    !mon_parse_u64("length", argv[2], &len))
		return false;
	if (len == 0 || (gpa | len) & (PAGE_SIZE - 1)) {
		mon_printf("%s: the address and the length must be whole 4 KiB pages, the length not 0\n",
			   argv[0]);
		return false;
	}
	if (gpa + len < gpa) {
		mon_printf("%s: %#llx + %#llx wraps around\n", argv[0],
			   (unsigned long long)gpa, (unsigned long long)len);
		return false;
	}
	for (uint64_t gfn = gpa >> PAGE_SHIFT; gfn < (gpa + len) >> PAGE_SHIFT;) {
		struct tdp_memslot *s = tdp_slot_find(&m->vm->mmu, gfn);

		if (!s) {
			mon_printf("%s: guest-physical %#llx is not guest RAM\n",
				   argv[0], (unsigned long long)gfn << PAGE_SHIFT);
			return false;
		}
		gfn = s->base_gfn + s->npages;
	}
	*start = gpa;
	*end = gpa + len;
	return true;
}

static enum monitor_next monitor_help(struct monitor *m, unsigned argc,
				      char **argv);

static enum monitor_next monitor_resume(struct monitor *m, unsigned argc,
					char **argv)
{
	if (!m->live) {
		mon_printf("resume: nothing can run on after a fatal error; reboot instead\n");
		return MONITOR_STAY;
	}
	return MONITOR_RESUME;
}

static enum monitor_next monitor_reboot(struct monitor *m, unsigned argc,
					char **argv)
{
	return MONITOR_REBOOT;
}

static const struct monitor_command monitor_session_commands[] = {
	{"help", "[command]", "what each command does", false, monitor_help},
	{"resume", "", "let the guests run on, where they were", false,
	 monitor_resume},
	{"reboot", "", "reset the machine", false, monitor_reboot},
	{NULL, NULL, NULL, false, NULL},
};

static const struct monitor_command *const monitor_tables[] = {
	monitor_session_commands, monitor_vm_commands, monitor_mem_commands,
	monitor_log_commands,
};

/* Every command name, for Tab completion. */
static const char *monitor_names[64];

static void monitor_collect_names(void)
{
	unsigned n = 0;

	if (monitor_names[0])
		return;
	for (unsigned t = 0; t < ARRAY_SIZE(monitor_tables); t++)
		for (const struct monitor_command *c = monitor_tables[t];
		     c->name && n + 1 < ARRAY_SIZE(monitor_names); c++)
			monitor_names[n++] = c->name;
	monitor_names[n] = NULL;
}

static const struct monitor_command *monitor_find(const char *name)
{
	for (unsigned t = 0; t < ARRAY_SIZE(monitor_tables); t++)
		for (const struct monitor_command *c = monitor_tables[t];
		     c->name; c++)
			if (strcmp(c->name, name) == 0)
				return c;
	return NULL;
}

static enum monitor_next monitor_help(struct monitor *m, unsigned argc,
				      char **argv)
{
	if (argc > 1) {
		const struct monitor_command *c = monitor_find(argv[1]);

		if (!c) {
			mon_printf("help: no command \"%s\"\n", argv[1]);
			return MONITOR_STAY;
		}
		mon_printf("%s %s\n  %s\n", c->name, c->args, c->help);
		return MONITOR_STAY;
	}
	for (unsigned t = 0; t < ARRAY_SIZE(monitor_tables); t++)
		for (const struct monitor_command *c = monitor_tables[t];
		     c->name; c++) {
			char usage[48];

			fmt_snprintf(usage, sizeof(usage), "%s %s", c->name,
				     c->args);
			mon_printf("  %-30s %s\n", usage, c->help);
		}
	mon_printf("Numbers: decimal or 0x hex, with an optional K, M or G. Keys: Tab completes, arrows recall, Ctrl-U/Ctrl-W erase.\n");
	return MONITOR_STAY;
}

/* Splits the line at blanks into argv; false when it has too many words. */
static bool monitor_split(char *line, unsigned *argc, char **argv)
{
	*argc = 0;
	for (char *p = line; *p;) {
		while (*p == ' ')
			*p++ = '\0';
		if (!*p)
			break;
		if (*argc == MONITOR_MAX_ARGS)
			return false;
		argv[(*argc)++] = p;
		while (*p && *p != ' ')
			p++;
	}
	return true;
}

static enum monitor_next monitor_execute(struct monitor *m, char *line)
{
	char *argv[MONITOR_MAX_ARGS];
	const struct monitor_command *c;
	unsigned argc;

	if (!monitor_split(line, &argc, argv)) {
		mon_printf("too many words: at most %u\n", MONITOR_MAX_ARGS);
		return MONITOR_STAY;
	}
	if (argc == 0)
		return MONITOR_STAY;
	c = monitor_find(argv[0]);
	if (!c) {
		mon_printf("unknown command \"%s\" (help lists them)\n", argv[0]);
		return MONITOR_STAY;
	}
	if (c->changes_vm && !m->live) {
		mon_printf("%s: the VM is not running; after a fatal error only commands that read are offered\n",
			   c->name);
		return MONITOR_STAY;
	}
	return c->run(m, argc, argv);
}

static void monitor_out(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	log_write_raw(s, n);
}

/* Reads lines and runs them until a command ends the session. */
static enum monitor_next monitor_session(struct monitor *m)
{
	monitor_collect_names();
	editor.prompt = MONITOR_PROMPT;
	editor.names = monitor_names;
	editor.out = monitor_out;
	line_edit_start(&editor);
	for (;;) {
		enum monitor_next next;
		uint8_t byte;

		if (console_poll_input(&byte) != CONSOLE_INPUT_BYTE) {
			cpu_relax();
			continue;
		}
		if (line_edit_feed(&editor, byte) != LINE_EDIT_DONE)
			continue;
		next = monitor_execute(m, editor.line);
		if (next != MONITOR_STAY)
			return next;
		line_edit_start(&editor);
	}
}

static void monitor_run_live(struct vm *vm, const struct vcpu *self)
{
	struct monitor m = {.vm = vm, .live = vm != NULL, .self = self};
	uint64_t opened = tsc_us_since_boot();
	bool all = true;

	mon_printf("\nmonitor: break key on cpu%u%s\n", this_cpu_id(),
		   vm ? ": pausing the guests" : "");
	if (vm)
		all = vm_pause(vm, self);
	if (vm)
		mon_printf("monitor: %s; \"help\" lists the commands, \"resume\" goes on\n",
			   all ? "every vCPU waits in the hypervisor"
			       : "some vCPUs still run (see above)");
	else
		mon_printf("monitor: \"help\" lists the commands, \"resume\" goes on\n");
	if (monitor_session(&m) == MONITOR_REBOOT) {
		mon_printf("monitor: resetting the machine\n");
		console_flush();
		machine_reset();
	}
	if (vm)
		vm_resume(vm);
	mon_printf("monitor: resumed after %llu ms\n",
		   (unsigned long long)((tsc_us_since_boot() - opened) / 1000));
}

void monitor_poll(const struct vcpu *self)
{
	uint64_t now = tsc_us_since_boot();
	uint8_t byte;
	bool open = false;

	if (now < next_poll_us)
		return;
	next_poll_us = now + MONITOR_POLL_US;
	for (unsigned i = 0; i < 64; i++) {
		enum console_input in = console_poll_input(&byte);

		if (in == CONSOLE_INPUT_NONE)
			break;
		if (in == CONSOLE_INPUT_BREAK ||
		    (in == CONSOLE_INPUT_BYTE && byte == MONITOR_BREAK_KEY))
			open = true;
	}
	if (open)
		monitor_run_live(__atomic_load_n(&attached_vm, __ATOMIC_ACQUIRE),
				 self);
}

void monitor_run_after_panic(void)
{
	struct monitor m = {
		.vm = __atomic_load_n(&attached_vm, __ATOMIC_ACQUIRE),
		.live = false,
	};

	if (!console_has_input())
		return;
	mon_printf("\nmonitor: the machine stopped on a fatal error; commands that read work (\"help\"), \"reboot\" resets\n");
	monitor_session(&m);
	mon_printf("monitor: resetting the machine\n");
	console_flush();
	machine_reset();
}
