#include "hv/report.h"
#include "arch/x86/console.h"
#include "arch/x86/machine.h"
#include "arch/x86/tsc.h"
#include "base/log.h"
#include "lib/format.h"
#include "lib/string.h"

#define REPORT_MAX_KEYS 48
#define REPORT_VALUE_MAX 40 /* the longest test= name, whole */

struct report_entry {
	const char *key;
	char value[REPORT_VALUE_MAX];
};

static struct report_entry entries[REPORT_MAX_KEYS];
static unsigned entry_count;
static unsigned exit_mode;
static unsigned exit_delay_ms;
static unsigned panic_mode;
static void (*panic_monitor)(void);

static struct report_entry *report_slot(const char *key)
{
	for (unsigned i = 0; i < entry_count; i++)
		if (strcmp(entries[i].key, key) == 0)
			return &entries[i];
	if (entry_count == REPORT_MAX_KEYS)
		return NULL;
	entries[entry_count].key = key;
	return &entries[entry_count++];
}

void report_set_u64(const char *key, uint64_t value)
{
	struct report_entry *e = report_slot(key);

	if (e)
		fmt_snprintf(e->value, sizeof(e->value), "%llu",
			     (unsigned long long)value);
}

void report_set_str(const char *key, const char *value)
{
	struct report_entry *e = report_slot(key);

	if (e)
		fmt_snprintf(e->value, sizeof(e->value), "%s", value);
}

void report_set_exit_mode(unsigned mode)
{
	exit_mode = mode;
}

void report_set_exit_delay_ms(unsigned ms)
{
	exit_delay_ms = ms;
}

void report_set_panic_mode(unsigned mode)
{
	panic_mode = mode;
}

void report_set_panic_monitor(void (*monitor)(void))
{
	panic_monitor = monitor;
}

/*
 * The summary and the done line, sent out before the machine stops; then
 * the wait exit_delay_ms= asks for before an exit port ends the run.
 */
static void report_print_end(bool pass, const char *reason)
{
	char line[LOG_LINE_MAX];
	size_t used = 0;

	/* Every WARNING line up to here, so that a script can tell. */
	report_set_u64("warnings", log_warning_count());
	used += fmt_snprintf(line, sizeof(line), "hv: summary");
	for (unsigned i = 0; i < entry_count && used < sizeof(line); i++)
		used += fmt_snprintf(line + used, sizeof(line) - used, " %s=%s",
				     entries[i].key, entries[i].value);
	log_printf(LOG_ERROR, "%s", line);
	if (pass)
		log_printf(LOG_ERROR, "hv: done: PASS");
	else
		log_printf(LOG_ERROR, "hv: done: FAIL: %s", reason);
	console_flush();
	if (exit_mode != EXIT_HALT)
		tsc_delay_us(exit_delay_ms * 1000ull);
}

__noreturn void report_finish(bool pass, const char *reason)
{
	report_print_end(pass, reason);
	machine_exit(exit_mode, pass);
}

__noreturn void report_finish_fatal(const char *reason)
{
	report_print_end(false, reason);
	machine_end_fatal(exit_mode, panic_mode, panic_monitor);
}
