/* What the monitor's command files share (hv/monitor*.c). */
#ifndef HV_MONITOR_INTERNAL_H
#define HV_MONITOR_INTERNAL_H

#include "hv/monitor.h"

#define MONITOR_MAX_ARGS 8

/* What happens after a command. */
enum monitor_next {
	MONITOR_STAY,   /* the prompt again */
	MONITOR_RESUME, /* the guests run on */
	MONITOR_REBOOT, /* the machine resets */
};

struct monitor {
	struct vm *vm;      /* NULL: no VM */
	bool live;          /* the VM can run again (not after a panic) */
	const struct vcpu *self; /* the vCPU of the monitor's CPU, or NULL */
};

struct monitor_command {
	const char *name;
	const char *args; /* the usage after the name */
	const char *help;
	bool changes_vm;  /* refused when the VM is not live */
	enum monitor_next (*run)(struct monitor *m, unsigned argc,
				 char **argv);
};

/* The command tables of hv/monitor_vm.c, monitor_mem.c, monitor_log.c. */
extern const struct monitor_command monitor_vm_commands[];
extern const struct monitor_command monitor_mem_commands[];
extern const struct monitor_command monitor_log_commands[];

/* Writes to the console, newlines as CR LF. */
void mon_printf(const char *fmt, ...) __printf(1, 2);

/*
 * Parses argv[i] as a number (decimal, 0x hex, K/M/G); on failure says
 * which argument was wrong and returns false.
 */
bool mon_parse_u64(const char *what, const char *arg, uint64_t *out);

/*
 * Parses "<gpa> <len>" from argv[1] and argv[2]: page-aligned, non-empty,
 * inside guest RAM (every page in a memslot). Gives back guest-physical
 * addresses (the MMU core's range operations count in frames: >>
 * PAGE_SHIFT). False, with one line saying why, otherwise.
 */
bool mon_parse_guest_range(struct monitor *m, unsigned argc, char **argv,
			   uint64_t *start, uint64_t *end);

/* Whether a VM is attached; if not, says so. */
bool mon_need_vm(const struct monitor *m);

#endif
