/*
 * Monitor commands on what the hypervisor recorded: log (the tail of the
 * in-memory log, base/log.h), loglevel, trace (the per-CPU event rings,
 * base/trace.h).
 */
#include "hv/monitor_internal.h"
#include "base/log.h"
#include "base/trace.h"
#include "lib/string.h"

#define MON_LOG_DEFAULT 20
#define MON_LOG_MAX 100000
#define MON_TRACE_DEFAULT 40
#define MON_TRACE_MAX 100000

static void mon_print_log_line(void *ctx, const char *line, size_t len)
{
	(void)ctx;
	log_write_raw(line, len);
	log_write_raw("\n", 1);
}

static bool mon_parse_count(const char *what, unsigned argc, char **argv,
			    unsigned index, uint64_t def, uint64_t max,
			    uint64_t *out)
{
	*out = def;
	if (argc <= index)
		return true;
	if (!mon_parse_u64(what, argv[index], out))
		return false;
	if (*out == 0 || *out > max) {
		mon_printf("%s: %s must be 1 to %llu\n", argv[0], what,
			   (unsigned long long)max);
		return false;
	}
	return true;
}

static enum monitor_next mon_log(struct monitor *m, unsigned argc, char **argv)
{
	uint64_t n;
	unsigned shown;

	if (argc > 2) {
		mon_printf("usage: log [lines]\n");
		return MONITOR_STAY;
	}
	if (!mon_parse_count("lines", argc, argv, 1, MON_LOG_DEFAULT, MON_LOG_MAX, &n))
		return MONITOR_STAY;
	shown = log_ring_tail((unsigned)n, mon_print_log_line, NULL);
	mon_printf("log: the last %u of %llu lines kept since the boot (%llu older ones overwritten)\n",
		   shown, (unsigned long long)log_ring_lines(),
		   (unsigned long long)log_ring_dropped());
	return MONITOR_STAY;
}

static const char *const mon_level_names[] = {
	[LOG_ERROR] = "error", [LOG_WARN] = "warn", [LOG_INFO] = "info",
	[LOG_DEBUG] = "debug",
};

static enum monitor_next mon_loglevel(struct monitor *m, unsigned argc, char **argv)
{
	uint64_t level = ARRAY_SIZE(mon_level_names);

	if (argc > 2) {
		mon_printf("usage: loglevel [0-3|error|warn|info|debug]\n");
		return MONITOR_STAY;
	}
	if (argc == 2) {
		for (unsigned i = 0; i < ARRAY_SIZE(mon_level_names); i++)
			if (strcmp(argv[1], mon_level_names[i]) == 0)
				level = i;
		if (level == ARRAY_SIZE(mon_level_names) &&
		    !mon_parse_u64("level", argv[1], &level))
			return MONITOR_STAY;
		if (level >= ARRAY_SIZE(mon_level_names)) {
			mon_printf("loglevel: %s is not a level: 0 error, 1 warn, 2 info, 3 debug\n",
				   argv[1]);
			return MONITOR_STAY;
		}
		log_set_level((unsigned)level);
	}
	level = log_get_level();
	mon_printf("loglevel: %llu (%s)\n", (unsigned long long)level,
		   level < ARRAY_SIZE(mon_level_names) ? mon_level_names[level] : "?");
	return MONITOR_STAY;
}

static void mon_print_trace_line(void *ctx, const char *line)
{
	(void)ctx;
	mon_printf("%s\n", line);
}

static enum monitor_next mon_trace(struct monitor *m, unsigned argc, char **argv)
{
	uint64_t n;

	if (argc >= 2 && argc <= 3 && strcmp(argv[1], "show") == 0) {
		if (!mon_parse_count("events", argc, argv, 2, MON_TRACE_DEFAULT,
				     MON_TRACE_MAX, &n))
			return MONITOR_STAY;
		mon_printf("trace: %u events shown (tracing is %s)\n",
			   trace_show_all((unsigned)n, mon_print_trace_line, NULL),
			   trace_is_enabled() ? "on" : "off");
		return MONITOR_STAY;
	}
	if (argc == 2 && strcmp(argv[1], "on") == 0) {
		trace_set_enabled(true);
		mon_printf("trace: on: every exit and MMU operation is recorded, per CPU\n");
		return MONITOR_STAY;
	}
	if (argc == 2 && strcmp(argv[1], "off") == 0) {
		trace_set_enabled(false);
		mon_printf("trace: off (what was recorded is kept)\n");
		return MONITOR_STAY;
	}
	if (argc == 2 && strcmp(argv[1], "clear") == 0) {
		trace_clear();
		mon_printf("trace: cleared\n");
		return MONITOR_STAY;
	}
	mon_printf("usage: trace on|off|show [events]|clear\n");
	return MONITOR_STAY;
}

const struct monitor_command monitor_log_commands[] = {
	{"log", "[lines]", "the tail of the log kept in memory since the boot", false, mon_log},
	{"loglevel", "[0-3|error|warn|info|debug]", "show or set the log level (0-3 or error, warn, info, debug)", false, mon_loglevel},
	{"trace", "on|off|show [n]|clear", "the per-CPU trace of exits and MMU operations", false, mon_trace},
	{NULL, NULL, NULL, false, NULL},
};
