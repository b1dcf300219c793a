/*
 * The debug monitor: a command line on the serial console, opened with
 * the break key (Ctrl-] or a BREAK on the line) while guests run, and by
 * itself after a fatal error (panic=monitor). While it is open the VM's
 * vCPUs wait in the hypervisor; `resume` lets them go on where they were.
 * docs/monitor.md lists the commands.
 */
#ifndef HV_MONITOR_H
#define HV_MONITOR_H

#include "hv/vm.h"

#define MONITOR_BREAK_KEY 0x1d /* Ctrl-] */

/* The VM the monitor shows and changes; NULL when there is none. */
void monitor_attach_vm(struct vm *vm);

/*
 * Between exits on the boot CPU, which runs vCPU self (NULL: none): looks
 * at the console's input (at most every few milliseconds, one status read
 * when nothing came) and, on the break key, holds the VM and runs the
 * monitor until `resume`. Other typed bytes are dropped.
 */
void monitor_poll(const struct vcpu *self);

/*
 * After a fatal error, on the CPU that won the fatal path with every
 * other CPU stopped: the monitor, with the commands that only read,
 * until `reboot` resets the machine. Returns at once when there is no
 * console input to read it from.
 */
void monitor_run_after_panic(void);

#endif
