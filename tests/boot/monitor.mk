# Debug monitor cases: tools/monitor-test boots the image with COM1 as a
# TCP server, types the script into the console while the guest runs and
# checks every answer (tests/boot/monitor/*.txt say what each checks).
#
#   MONITOR_TESTS += NAME
#   MONITOR_SCRIPT_NAME   the script
#   MONITOR_ARGS_NAME     arguments for tools/run
#   MONITOR_FLAGS_NAME    more for tools/monitor-test (--telnet)

# Every command, good and bad input, on AMD NPT under load on 4 vCPUs,
# then resume: the run must still PASS with nothing lost or leaked.
MONITOR_TESTS += qemu-monitor-npt-4cpu
MONITOR_SCRIPT_qemu-monitor-npt-4cpu := tests/boot/monitor/npt-under-load.txt
MONITOR_ARGS_qemu-monitor-npt-4cpu := --smp 4 \
	--cmdline 'test=zap-under-load guest_timeout_s=600'

# The same on Intel EPT under Bochs, shorter: Bochs runs every CPU in one
# thread.
MONITOR_TESTS += bochs-vmx-monitor-2cpu
MONITOR_SCRIPT_bochs-vmx-monitor-2cpu := tests/boot/monitor/ept-under-load.txt
MONITOR_ARGS_bochs-vmx-monitor-2cpu := --bochs --bochs-cpu corei7_skylake_x \
	--mem 512 --smp 2 --cmdline 'test=zap-under-load guest_mem=32M guest_timeout_s=600'

# A BREAK condition on the line (telnet IAC BRK under QEMU) opens it too.
MONITOR_TESTS += qemu-monitor-break
MONITOR_SCRIPT_qemu-monitor-break := tests/boot/monitor/break-condition.txt
MONITOR_FLAGS_qemu-monitor-break := --telnet
MONITOR_ARGS_qemu-monitor-break := --smp 2 --cmdline test=zap-under-load

# panic=monitor: after a fatal error while the VM runs, the monitor opens
# on the CPU that won the fatal path; reading works, changing is refused,
# reboot resets.
MONITOR_TESTS += qemu-monitor-after-panic
MONITOR_SCRIPT_qemu-monitor-after-panic := tests/boot/monitor/after-panic.txt
MONITOR_ARGS_qemu-monitor-after-panic := --smp 3 \
	--cmdline 'selftest=deaf-cpu panic=monitor trace=on'
