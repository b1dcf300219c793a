# Boot cases: each boots the real images with tools/run and is judged by
# tools/boot-test on its serial log (see tools/boot-test --help).
#
#   BOOT_TESTS += NAME
#   BOOT_ARGS_NAME    arguments for tools/run
#   BOOT_EXPECT_NAME  what the log must show: --cpus N, --expect KEY=VALUE,
#                     or --expect-fail REGEX for a boot that must FAIL cleanly
#   BOOT_TIMEOUT_NAME seconds (default $(BOOT_TIMEOUT))
#
# QEMU runs TCG here (no usable KVM): -cpu max gives AMD with SVM + NPT.
# Bochs' corei7_skylake_x gives Intel with VMX + EPT.

BOOT_TIMEOUT ?= 180
COMMA := ,

BOOT_TESTS += qemu-bios-cd-1cpu
BOOT_ARGS_qemu-bios-cd-1cpu := --smp 1
BOOT_EXPECT_qemu-bios-cd-1cpu := --cpus 1

# The direct map of QEMU's 1 GiB (SeaBIOS e820: RAM to 0x3ffdf000): 509
# 2 MiB pages between the image's block and the last one, the VGA text
# screen write-combining, the LAPIC and the HPET uncached (OVMF: no VGA
# text, but GRUB's linear framebuffer, write-combining too).
BOOT_TESTS += qemu-bios-cd-4cpu
BOOT_ARGS_qemu-bios-cd-4cpu := --smp 4
BOOT_EXPECT_qemu-bios-cd-4cpu := --cpus 4 --expect warnings=0 \
	--expect-log 'mce: machine-check exceptions on \(CR4.MCE\) on every CPU \(4\), [1-9][0-9]* reporting bank' \
	--expect-log 'paging: direct map of 102[0-3] MiB RAM and [0-9]+ KiB read-only \(image, modules, ACPI tables\) in 1 GiB/2 MiB/4 KiB pages: 0/509/[0-9]+; MMIO ranges: 2 uncached, 1 write-combining; [0-9]+ page-table pages; NX on, 1 GiB pages on'

BOOT_TESTS += qemu-uefi-cd-4cpu
BOOT_ARGS_qemu-uefi-cd-4cpu := --firmware uefi --smp 4
BOOT_EXPECT_qemu-uefi-cd-4cpu := --cpus 4 \
	--expect-log 'paging: direct map of 10[01][0-9] MiB RAM .*; MMIO ranges: 2 uncached, 1 write-combining;'

# 4 GiB: RAM above the PCI hole in 1 GiB pages, and a 2 GiB guest whose
# memory comes from there too, through the direct map.
BOOT_TESTS += qemu-bios-4g-guest-2g
BOOT_ARGS_qemu-bios-4g-guest-2g := --smp 2 --mem 4096 \
	--cmdline 'test=fault-in guest_mem=2G'
BOOT_EXPECT_qemu-bios-4g-guest-2g := --cpus 2 --expect guest_mib=2048 \
	--expect data_errors=0 --expect leaked_tables=0 --expect leaked_pages=0 \
	--expect-log 'paging: direct map of 409[0-9] MiB RAM .* in 1 GiB/2 MiB/4 KiB pages: 2/1021/[0-9]+;'

BOOT_TESTS += qemu-uefi-efiapp-2cpu
BOOT_ARGS_qemu-uefi-efiapp-2cpu := --firmware uefi --media efi --smp 2
BOOT_EXPECT_qemu-uefi-efiapp-2cpu := --cpus 2

# Firmware that runs with five-level paging (recent Intel servers). OVMF
# never turns it on, so the UEFI application does (selftest=la57-entry):
# it hands over with CR4.LA57 set, the 64-bit entry must switch to four
# levels and say so, and the hypervisor checks that it did. The CPU model
# must have LA57; without it the same command line must FAIL, not pass.
BOOT_TESTS += qemu-uefi-efiapp-la57
BOOT_ARGS_qemu-uefi-efiapp-la57 := --firmware uefi --media efi \
	--cpu max,+la57 --smp 2 --cmdline selftest=la57-entry
BOOT_EXPECT_qemu-uefi-efiapp-la57 := --cpus 2 --expect data_errors=0 \
	--expect-log 'hv-efi: selftest=la57-entry: handing over with 5-level paging' \
	--expect-log 'boot: firmware ran with 5-level paging \(CR4.LA57\): switched to 4-level'

BOOT_TESTS += qemu-uefi-efiapp-no-la57-fails
BOOT_ARGS_qemu-uefi-efiapp-no-la57-fails := --firmware uefi --media efi \
	--cpu max,-la57 --smp 2 --cmdline selftest=la57-entry
BOOT_EXPECT_qemu-uefi-efiapp-no-la57-fails := \
	--expect-fail 'selftest=la57-entry: the entry did not find 5-level paging' \
	--expect-log 'hv-efi: selftest=la57-entry: this CPU has no 5-level paging'

BOOT_TESTS += qemu-uefi-usb-2cpu
BOOT_ARGS_qemu-uefi-usb-2cpu := --firmware uefi --media usb --smp 2
BOOT_EXPECT_qemu-uefi-usb-2cpu := --cpus 2

BOOT_TESTS += qemu-bios-usb-2cpu
BOOT_ARGS_qemu-bios-usb-2cpu := --firmware bios --media usb --smp 2
BOOT_EXPECT_qemu-bios-usb-2cpu := --cpus 2

BOOT_TESTS += qemu-maxcpus-2-of-4
BOOT_ARGS_qemu-maxcpus-2-of-4 := --smp 4 --cmdline maxcpus=2
BOOT_EXPECT_qemu-maxcpus-2-of-4 := --cpus 2 \
	--expect-log 'smp: 2 CPU\(s\) not used: sent INIT, they wait for a SIPI that never comes'

# The TSC measured against the ACPI PM timer under SeaBIOS and OVMF, with
# the HPET and the PIT agreeing within 1% (QEMU's TCG TSC is the host's
# and its timers follow the host's clock, so a figure off by more means the
# arithmetic or a timer driver is wrong). Under Bochs the TSC counts
# emulated instructions at --bochs-ips (50 MHz by default) and the timers
# run on emulated time, so the figure must be 50 MHz within 1%; Bochs'
# Skylake states a 3500 MHz base frequency in CPUID leaf 0x16, which must
# be warned about with both figures.
TSC_LINE = tsc: $(1) MHz measured against the ACPI PM timer \([1-5] of 5 windows, spread 0\.[0-9]{3}%, [0-9]+ ms\); HPET agrees within 0\.[0-9]{3}%, PIT within 0\.[0-9]{3}%
BOOT_EXPECT_qemu-bios-cd-4cpu += --expect-log '$(call TSC_LINE,[0-9]+\.[0-9])'
BOOT_EXPECT_qemu-uefi-cd-4cpu += --expect-log '$(call TSC_LINE,[0-9]+\.[0-9])'

# A machine with neither an HPET nor a PIT that counts (a PIT gated off as
# on many recent chipsets): the PM timer alone, and each missing timer said.
BOOT_TESTS += qemu-tsc-pm-timer-only
BOOT_ARGS_qemu-tsc-pm-timer-only := --machine q35,pit=off,hpet=off --smp 1 \
	--cmdline test=none
BOOT_EXPECT_qemu-tsc-pm-timer-only := --cpus 1 \
	--expect-log 'tsc: the PIT does not count: not used' \
	--expect-log 'tsc: [0-9]+\.[0-9] MHz measured against the ACPI PM timer \([1-5] of 5 windows, spread 0\.[0-9]{3}%, [0-9]+ ms\); no other method to compare with'

# No ACPI (so no PM timer), no HPET, no PIT, and a CPU that states no
# frequency: 1 GHz is assumed, with a warning, and the run goes on.
BOOT_TESTS += qemu-tsc-no-timer
BOOT_ARGS_qemu-tsc-no-timer := --machine pc,acpi=off,pit=off,hpet=off --smp 1 \
	--cmdline test=none
BOOT_EXPECT_qemu-tsc-no-timer := --cpus 1 \
	--expect-log 'WARNING: tsc: no timer counted and the CPU states no frequency: assuming 1000\.0 MHz'

# A CPU without SVM (and TCG has no VMX): the hypervisor must say why and
# stop cleanly, with no exception dump.
BOOT_TESTS += qemu-no-svm-fails
BOOT_ARGS_qemu-no-svm-fails := --cpu max,-svm --smp 2
BOOT_EXPECT_qemu-no-svm-fails := --expect-fail svm --expect virt=none

# An Intel CPU that cannot run guests here must say why and stop cleanly:
# VMX without EPT (a Penryn).
BOOT_TESTS += bochs-vmx-no-ept-fails
BOOT_ARGS_bochs-vmx-no-ept-fails := --bochs --bochs-cpu core2_penryn_t9600 --smp 1 --mem 512
BOOT_EXPECT_bochs-vmx-no-ept-fails := --cpus 1 --expect vendor=intel --expect virt=none \
	--expect-fail 'guests cannot run: VMX without EPT \(extended page tables\)'
BOOT_TIMEOUT_bochs-vmx-no-ept-fails := 600
BOOT_EXPECT_bochs-vmx-no-ept-fails += \
	--expect-log '$(call TSC_LINE,(49\.[5-9]|50\.[0-4]))'

# Every workload under Bochs, whose CPUs take turns in one thread: a wait
# for another CPU only ends if that CPU gets to run, and a guest entered
# with RFLAGS.IF = 0 takes no interrupt exit there, so remote TLB flushes
# need the NMI kick (hv/vcpu.c). The flushing workloads must really have
# flushed. Intel: corei7_skylake_x (VMX, EPT with A/D, VPID, unrestricted
# guest); AMD: ryzen (SVM + NPT with NRIP, flush-by-ASID).
BOCHS_CPU_vmx := corei7_skylake_x
BOCHS_CPU_svm := ryzen
BOCHS_VENDOR_vmx := intel
BOCHS_VENDOR_svm := amd
BOCHS_VIRT_vmx := vmx
BOCHS_VIRT_svm := svm
BOCHS_TDP_vmx := ept
BOCHS_TDP_svm := npt
BOCHS_FLUSHED := --expect-log 'tlb_flushes=[1-9]'

# $(1) vmx, vmx-noad or svm, $(2) CPUs, $(3) workload, $(4) more expectations
define bochs_case
BOOT_TESTS += bochs-$(1)-$(2)cpu-$(3)
BOOT_ARGS_bochs-$(1)-$(2)cpu-$(3) := --bochs --bochs-cpu $$(BOCHS_CPU_$(1)) \
	--mem 512 --smp $(2) --cmdline 'test=$(3) guest_mem=32M'
BOOT_EXPECT_bochs-$(1)-$(2)cpu-$(3) := --cpus $(2) --expect vcpus=$(2) \
	--expect vendor=$$(BOCHS_VENDOR_$(1)) --expect virt=$$(BOCHS_VIRT_$(1)) \
	--expect tdp=$$(BOCHS_TDP_$(1)) \
	--expect leaked_tables=0 --expect leaked_pages=0 --expect data_errors=0 \
	$$(GUEST_EXPECT_$(3)) $(4)
BOOT_TIMEOUT_bochs-$(1)-$(2)cpu-$(3) := 600
endef

# The ISO that `make iso` ships (no exit= word: the hypervisor halts, and the
# launcher stops QEMU once the log has ended), as a USB stick under UEFI.
BOOT_TESTS += qemu-uefi-usb-hviso
BOOT_ARGS_qemu-uefi-usb-hviso := --iso $(BUILD)/hv.iso --firmware uefi --media usb --smp 2
BOOT_EXPECT_qemu-uefi-usb-hviso := --cpus 2

# The fatal paths, tripped on purpose (selftest=): each must print the
# report (vector, registers, symbolized backtrace), then have every other
# CPU report in turn where the NMI found it (fatal_cpu_report), then the
# log's last lines before the report, framed (FATAL_LOG_TAIL), and end
# with a FAIL that names the place.

# $(1) the stopped CPU, $(2) a regex of where it was (default: the
# hypervisor), $(3) a function its backtrace must go through (default:
# ap_entry, the idle loop of an AP)
fatal_cpu_report = --expect-in-order 'cpu$(1) NMI stop of cpu$(1): $(or $(2),in the hypervisor), RIP ffffffff[0-9a-f]+ [a-z_0-9]+\+0x' \
	--expect-in-order 'cpu$(1) RAX=[0-9a-f]{16} RBX=' \
	--expect-in-order 'cpu$(1) RFLAGS=[0-9a-f]{16} CS:RIP=0008:ffffffff[0-9a-f]+ SS=0010' \
	--expect-in-order 'cpu$(1) CR0=[0-9a-f]{16} CR2=[0-9a-f]{16} CR3=[0-9a-f]{16} CR4=[0-9a-f]{16}$$' \
	--expect-in-order 'cpu$(1) Backtrace:$$' \
	--expect-in-order 'cpu$(1) +\[<ffffffff[0-9a-f]+>\] $(or $(3),ap_entry)\+0x'
# $(1) a regex of a line logged just before the report
FATAL_LOG_TAIL = --expect-in-order '^--- last 20 log lines before the report ---$$' \
	--expect-in-order '^\[ *[0-9]+\.[0-9]{6}\] cpu[0-9]+ $(1)' \
	--expect-in-order '^--- end of the log lines ---$$' \
	--expect-in-order 'hv: done: FAIL: '

BOOT_TESTS += qemu-selftest-pagefault
BOOT_ARGS_qemu-selftest-pagefault := --smp 4 --cmdline selftest=pagefault
BOOT_EXPECT_qemu-selftest-pagefault := --cpus 4 --crash-expected \
	--expect-fail 'exception \#PF page fault at hv_fault_on_purpose\+0x[0-9a-f]+: read of 0x10 \(not present\)' \
	--expect-log 'cpu0 EXCEPTION \#PF page fault \(vector 14\) on cpu0' \
	--expect-log 'cpu0 page fault: read of 0x10 \(not present\)' \
	--expect-log 'CR2=0000000000000010' \
	--expect-log 'cpu0 +\[<ffffffff[0-9a-f]+>\] hv_main\+0x' \
	--expect-in-order 'cpu0 ERROR: fatal: NMI sent to 3 other CPU\(s\)' \
	$(call fatal_cpu_report,1) $(call fatal_cpu_report,2) \
	$(call fatal_cpu_report,3) \
	--expect-in-order 'cpu0 ERROR: stopped 3 other CPU' \
	$(call FATAL_LOG_TAIL,selftest: cpu0 reads unmapped address 0x10$$)

# The last CPU faults; the boot CPU, waiting in hv_main, is stopped too.
BOOT_TESTS += qemu-selftest-ap-pagefault
BOOT_ARGS_qemu-selftest-ap-pagefault := --smp 4 --cmdline selftest=ap-pagefault
BOOT_EXPECT_qemu-selftest-ap-pagefault := --cpus 4 --crash-expected \
	--expect-fail 'exception \#PF page fault at hv_fault_on_purpose\+0x[0-9a-f]+: read of 0x10 \(not present\)' \
	--expect-log 'cpu3 EXCEPTION \#PF page fault' \
	--expect-log 'cpu3 +\[<ffffffff[0-9a-f]+>\] smp_call_handler\+0x' \
	$(call fatal_cpu_report,0,,hv_main) $(call fatal_cpu_report,1) \
	$(call fatal_cpu_report,2) \
	--expect-in-order 'cpu3 .*stopped 3 other CPU' \
	$(call FATAL_LOG_TAIL,selftest: cpu3 reads unmapped address 0x10$$)

# Memory that is not RAM is not in the direct map: reading the first page
# the memory map gives as reserved (SeaBIOS: the BIOS at 0xf0000; OVMF:
# ACPI NVS) must fault, and the report names the physical address.
BOOT_TESTS += qemu-selftest-direct-map-hole
BOOT_ARGS_qemu-selftest-direct-map-hole := --smp 2 --cmdline selftest=direct-map-hole
BOOT_EXPECT_qemu-selftest-direct-map-hole := --cpus 2 --crash-expected \
	--expect-fail 'exception \#PF page fault at hv_read_outside_direct_map\+0x[0-9a-f]+: read of physical 0xf0000 through the direct map \(not present\)' \
	--expect-log 'cpu0 selftest: cpu0 reads physical 0xf0000 \(reserved in the memory map\) through the direct map' \
	--expect-log 'cpu0 page fault: read of physical 0xf0000 through the direct map \(not present\)'
BOOT_TESTS += qemu-uefi-selftest-direct-map-hole
BOOT_ARGS_qemu-uefi-selftest-direct-map-hole := --firmware uefi --smp 2 \
	--cmdline selftest=direct-map-hole
BOOT_EXPECT_qemu-uefi-selftest-direct-map-hole := --cpus 2 --crash-expected \
	--expect-fail 'exception \#PF page fault at hv_read_outside_direct_map\+0x[0-9a-f]+: read of physical 0x[0-9a-f]+ through the direct map \(not present\)' \
	--expect-log 'cpu0 selftest: cpu0 reads physical 0x[0-9a-f]+ \((ACPI NVS|reserved) in the memory map\) through the direct map'
BOOT_TESTS += qemu-selftest-bug
BOOT_ARGS_qemu-selftest-bug := --smp 2 --cmdline selftest=bug
BOOT_EXPECT_qemu-selftest-bug := --cpus 2 --crash-expected \
	--expect-fail 'hv/main\.c:[0-9]+: BUG_ON\(cpus > 0\)' \
	--expect-in-order 'PANIC on cpu0 at hv/main\.c:[0-9]+' \
	--expect-in-order '\] hv_main\+0x' \
	$(call fatal_cpu_report,1) \
	--expect-in-order 'stopped 1 other CPU' \
	$(call FATAL_LOG_TAIL,virt: amd CPU: svm) \
	--expect-no-log '^panic='

# panic=reboot: after the report and the done line, the machine resets,
# through the ACPI reset register QEMU's FADT names; under -no-reboot QEMU
# then exits by itself with status 0, not through the exit port (status
# 3) nor stopped by the launcher. Without ACPI, the keyboard controller
# resets it; without that too (i8042=off), port 0xCF9, once the keyboard
# controller was said not to have worked.
BOOT_TESTS += qemu-panic-reboot qemu-panic-reboot-kbc qemu-panic-reboot-cf9
PANIC_REBOOTED := --expect-launcher '^run: emulator exit status 0 \(.*no .hv: done:. verdict seen'
BOOT_ARGS_qemu-panic-reboot := --smp 2 --cmdline 'selftest=bug panic=reboot'
BOOT_EXPECT_qemu-panic-reboot := --cpus 2 --crash-expected \
	--expect-fail 'BUG_ON\(cpus > 0\)' $(call fatal_cpu_report,1) \
	--expect-in-order 'hv: done: FAIL: ' \
	--expect-in-order 'cpu0 panic=reboot: resetting the machine in 500 ms through the ACPI reset register \(I/O port 0xcf9, value 0xf\)$$' \
	--expect-no-log 'did not reset the machine' $(PANIC_REBOOTED)
BOOT_ARGS_qemu-panic-reboot-kbc := --machine pc,acpi=off --smp 1 \
	--cmdline 'selftest=bug panic=reboot'
BOOT_EXPECT_qemu-panic-reboot-kbc := --cpus 1 --crash-expected \
	--expect-fail 'BUG_ON\(cpus > 0\)' \
	--expect-in-order 'hv: done: FAIL: ' \
	--expect-in-order 'cpu0 panic=reboot: resetting the machine in 500 ms through the keyboard controller \(no FADT\)$$' \
	--expect-no-log 'did not reset the machine' $(PANIC_REBOOTED)
BOOT_ARGS_qemu-panic-reboot-cf9 := --machine pc,acpi=off,i8042=off --smp 1 \
	--cmdline 'selftest=bug panic=reboot'
BOOT_EXPECT_qemu-panic-reboot-cf9 := --cpus 1 --crash-expected \
	--expect-fail 'BUG_ON\(cpus > 0\)' \
	--expect-in-order 'cpu0 panic=reboot: resetting the machine in 500 ms through the keyboard controller' \
	--expect-in-order 'cpu0 ERROR: reboot: the keyboard controller did not reset the machine within 100 ms: trying port 0xcf9$$' \
	--expect-no-log 'port 0xcf9 did not reset' $(PANIC_REBOOTED)

# Without an exit port (exit=halt, as on a PC) the fatal path opens the
# debug monitor by default (halting without a UART to read it from); panic=halt
# halts at once. Either way the launcher stops QEMU after the done line.
BOOT_TESTS += qemu-panic-default-no-exit qemu-panic-halt
BOOT_ARGS_qemu-panic-default-no-exit := --no-exit --smp 2 --cmdline selftest=bug
BOOT_EXPECT_qemu-panic-default-no-exit := --cpus 2 --crash-expected \
	--expect-fail 'BUG_ON\(cpus > 0\)' --expect-in-order 'hv: done: FAIL: ' \
	--expect-in-order '^monitor: the machine stopped on a fatal error; commands that read work' \
	--expect-launcher 'stopping the emulator 5s after .hv: done: FAIL'
BOOT_ARGS_qemu-panic-halt := --smp 2 --cmdline 'selftest=bug panic=halt'
BOOT_EXPECT_qemu-panic-halt := --cpus 2 --crash-expected \
	--expect-fail 'BUG_ON\(cpus > 0\)' --expect-in-order 'hv: done: FAIL: ' \
	--expect-in-order 'cpu0 panic=halt: halting$$' \
	--expect-launcher 'stopping the emulator 5s after .hv: done: FAIL'

# WARN_ON reports and goes on.
BOOT_TESTS += qemu-selftest-warn
BOOT_ARGS_qemu-selftest-warn := --smp 2 --cmdline selftest=warn
BOOT_EXPECT_qemu-selftest-warn := --cpus 2 --crash-expected \
	--expect-log 'WARN_ON\(cpus > 0\) at hv/main\.c:[0-9]+ on cpu0' \
	--expect-log '\] hv_main\+0x'

# A CPU that answers no kick (neither the IPI nor the NMI), as one wedged in
# guest mode with NMIs held would, and holds the log lock: the log must go
# on without the lock, and the flush that waits for the CPU must name it
# after a second and end the run in a FAIL, never hang. The fatal path
# gets no answer to its NMI from that CPU either: it names it after a
# second and goes on; the other vCPU's CPU, which spins in its guest,
# reports from there.
BOOT_TESTS += qemu-selftest-deaf-cpu
BOOT_ARGS_qemu-selftest-deaf-cpu := --smp 3 --cmdline selftest=deaf-cpu
BOOT_EXPECT_qemu-selftest-deaf-cpu := --cpus 3 --crash-expected \
	--expect-fail 'wait: cpu0 waits for cpu2 to leave the guest for a TLB flush .* gave up after 10 s' \
	--expect-log 'cpu2 selftest: cpu2 \(vcpu2\) stops answering kicks, holding the log lock and NMIs off' \
	--expect-log '^\[log: cpu2 has held the log lock for 2 s: writing without it\]' \
	--expect-log 'WARNING: wait: cpu0 waits for cpu2 to leave the guest for a TLB flush .*for 1[0-9][0-9][0-9] ms now' \
	--expect-log '\] vm_flush_tlb\+0x' \
	$(call fatal_cpu_report,1,in its guest \(vcpu1 at guest RIP 0x[0-9a-f]+\)$(COMMA) which it left for the NMI,svm_vmrun) \
	--expect-in-order 'cpu1 +\[<ffffffff[0-9a-f]+>\] vcpu_run_loop\+0x' \
	--expect-in-order 'cpu0 ERROR: cpu2 did not answer the NMI within 1 s \(it holds NMIs off, or is wedged\): skipped$$' \
	--expect-in-order 'cpu0 ERROR: stopped 2 other CPU' \
	$(call FATAL_LOG_TAIL,WARNING: wait: cpu0 waits for cpu2) \
	--expect-no-log 'NMI stop of cpu2'

# The same on Intel VMX (Bochs), where the NMI that takes vCPU 1 out of
# its guest is consumed by the exit and handed to the host's handler by
# the backend, which must still report it as coming from the guest.
BOOT_TESTS += bochs-vmx-selftest-deaf-cpu
BOOT_ARGS_bochs-vmx-selftest-deaf-cpu := --bochs --bochs-cpu corei7_skylake_x \
	--mem 512 --smp 3 --cmdline 'selftest=deaf-cpu guest_mem=32M'
BOOT_EXPECT_bochs-vmx-selftest-deaf-cpu := --cpus 3 --expect virt=vmx --crash-expected \
	--expect-fail 'wait: cpu0 waits for cpu2 to leave the guest for a TLB flush .* gave up after 10 s' \
	$(call fatal_cpu_report,1,in its guest \(vcpu1 at guest RIP 0x[0-9a-f]+\)$(COMMA) which it left for the NMI,vmx_vcpu_run) \
	--expect-in-order 'cpu1 +\[<ffffffff[0-9a-f]+>\] vcpu_run_loop\+0x' \
	--expect-in-order 'cpu0 ERROR: cpu2 did not answer the NMI within 1 s \(it holds NMIs off, or is wedged\): skipped$$' \
	$(call FATAL_LOG_TAIL,WARNING: wait: cpu0 waits for cpu2) \
	--expect-no-log 'NMI stop of cpu2'
BOOT_TIMEOUT_bochs-vmx-selftest-deaf-cpu := 600

# A CPU that never comes back from the guest (selftest=stuck-vcpu): the
# watchdog stops the VM, the stuck vCPU is named, and the FAIL still comes
# with every figure of the summary, the VM's memory counted as not given
# back (it cannot be freed while a CPU may use it).
BOOT_TESTS += qemu-selftest-stuck-vcpu
BOOT_ARGS_qemu-selftest-stuck-vcpu := --smp 2 \
	--cmdline 'selftest=stuck-vcpu guest_timeout_s=3'
BOOT_EXPECT_qemu-selftest-stuck-vcpu := --cpus 2 \
	--expect-fail 'watchdog: the guest still ran after 3 s' \
	--expect-log 'vm: vcpu1 on cpu1 did not end 10 s after the VM stopped \(still in the guest\)' \
	--expect-log 'tables_live=[1-9][0-9]* tables_freed=0 leaked_tables=[1-9][0-9]* leaked_pages=[1-9]'

# A guest state the CPU must refuse (selftest=bad-guest-state): the refused
# entry is explained, the VM stops with a FAIL naming the cause, and the
# hypervisor stays alive to report and give every page back.
BOOT_TESTS += qemu-selftest-bad-guest-state
BOOT_ARGS_qemu-selftest-bad-guest-state := --smp 2 --cmdline selftest=bad-guest-state
BOOT_EXPECT_qemu-selftest-bad-guest-state := --cpus 2 \
	--expect-fail 'vcpu0: the CPU refused to enter the guest: EFER.SVME is clear' \
	--expect leaked_tables=0 --expect leaked_pages=0

BOOT_TESTS += bochs-vmx-selftest-bad-guest-state
BOOT_ARGS_bochs-vmx-selftest-bad-guest-state := --bochs --bochs-cpu corei7_skylake_x \
	--mem 512 --smp 2 --cmdline 'selftest=bad-guest-state guest_mem=32M'
BOOT_EXPECT_bochs-vmx-selftest-bad-guest-state := --cpus 2 --expect virt=vmx \
	--expect-fail 'vcpu0: the CPU refused to enter the guest: RFLAGS 0x0: bit 1 must be set and bits 3, 5, 15 and 63:22 clear' \
	--expect-log 'vmx: +RFLAGS +0x0$$' \
	--expect-log 'vmx: +CS +sel 0x0008 base 0x0 limit 0xffffffff access 0xc09b' \
	--expect-log 'vmx: vcpu0: VMLAUNCH refused to enter the guest: RFLAGS 0x0: bit 1 must be set' \
	--expect leaked_tables=0 --expect leaked_pages=0
BOOT_TIMEOUT_bochs-vmx-selftest-bad-guest-state := 600

# Wrong console= and loglevel= values are reported and the defaults serve:
# they change only how the run is shown.
BOOT_TESTS += qemu-bad-options
BOOT_ARGS_qemu-bad-options := --smp 2 --cmdline 'console=ttyS9 loglevel=loud'
BOOT_EXPECT_qemu-bad-options := --cpus 2 --expect warnings=2 \
	--expect-log 'options: console=ttyS9: ' \
	--expect-log 'options: loglevel=loud: '

# loglevel= applies to every line, also those logged before the options
# were read (the entry's line about five-level paging, an info line):
# warn hides it and the later info lines, and still shows warnings.
BOOT_TESTS += qemu-uefi-efiapp-la57-loglevel-warn
BOOT_ARGS_qemu-uefi-efiapp-la57-loglevel-warn := --firmware uefi --media efi \
	--cpu max,+la57 --smp 2 --cmdline 'selftest=la57-entry loglevel=warn'
BOOT_EXPECT_qemu-uefi-efiapp-la57-loglevel-warn := --cpus 2 \
	--expect-log 'hv-efi: selftest=la57-entry: handing over with 5-level paging' \
	--expect-no-log 'boot: firmware ran with 5-level paging' \
	--expect-no-log 'cpu0 memory: '

# Any other option the hypervisor cannot honour, and any unknown word,
# refuses the run: it never runs a default in place of what was asked.
BOOT_TESTS += qemu-refused-guest-mem qemu-refused-unknown
BOOT_ARGS_qemu-refused-guest-mem := --smp 2 \
	--cmdline 'guest_mem=201x console=ttyS9'
BOOT_EXPECT_qemu-refused-guest-mem := --expect virt=none \
	--expect-fail 'options: guest_mem=201x: expected a size from 32M to 2G in whole MiB' \
	--expect-log 'options: console=ttyS9: ' \
	--expect-log 'hv: options: guest_mem=201x: .*: nothing is run'
BOOT_ARGS_qemu-refused-unknown := --smp 2 --cmdline 'maxcpus=2 guestmem=64M'
BOOT_EXPECT_qemu-refused-unknown := --expect virt=none \
	--expect-fail 'options: guestmem=64M: unknown option'
# A misspelt test= name: the FAIL says so and lists every name, whole (the
# last one and the closing parenthesis), never a default run in its place.
BOOT_TESTS += qemu-refused-test-name
BOOT_ARGS_qemu-refused-test-name := --smp 2 --cmdline 'test=fault-inn'
BOOT_EXPECT_qemu-refused-test-name := --expect virt=none --expect warnings=1 \
	--expect-fail 'options: test=fault-inn: unknown test \(one of: none, fault-in, .*, debug\)$$'

# --- the test guest (docs/guest-abi.md) ---------------------------------------
# Every workload on every machine shape: 1, 2, 4 CPUs under SeaBIOS, 4 under
# OVMF, and 8 vCPUs on this machine's 2 cores. Each must end with no data
# error and every page and table given back.

GUEST_WORKLOADS := fault-in zap-under-load dirty-log bench
GUEST_MACHINES := bios-1cpu bios-2cpu bios-4cpu uefi-4cpu bios-8cpu
GUEST_ARGS_bios-1cpu := --smp 1
GUEST_ARGS_bios-2cpu := --smp 2
GUEST_ARGS_bios-4cpu := --smp 4
GUEST_ARGS_uefi-4cpu := --firmware uefi --smp 4
GUEST_ARGS_bios-8cpu := --smp 8
GUEST_CPUS_bios-1cpu := 1
GUEST_CPUS_bios-2cpu := 2
GUEST_CPUS_bios-4cpu := 4
GUEST_CPUS_uefi-4cpu := 4
GUEST_CPUS_bios-8cpu := 8

# What each workload must show besides a clean PASS.
GUEST_EXPECT_fault-in := --expect-log 'pages_touched=[1-9]' \
	--expect-log 'spare_pages=[1-9]'
GUEST_EXPECT_zap-under-load := --expect-log 'disconnected_tables=[1-9]' \
	--expect-log 'tables_freed=[1-9]'
GUEST_EXPECT_dirty-log := --expect-log 'dirty-log: [0-9]+ rounds, [1-9][0-9]* pages reported, 0 missed'
GUEST_EXPECT_bench := --expect-log 'fault_cycles=[1-9]' \
	--expect-log 'hypercall_cycles=[1-9]'
GUEST_EXPECT_arch-msr := --expect-log 'arch-msr: 0 check\(s\) failed' \
	--expect-log 'arch-msr: 64 exits with EFER.LME set and CR4.PAE clear' \
	--expect-log 'arch-msr: long mode entered \(EFER 0x500\) and left'

define guest_case
BOOT_TESTS += guest-$(1)-$(2)
BOOT_ARGS_guest-$(1)-$(2) := $$(GUEST_ARGS_$(1)) --cmdline test=$(2)
BOOT_EXPECT_guest-$(1)-$(2) := --cpus $$(GUEST_CPUS_$(1)) --expect test=$(2) \
	--expect vcpus=$$(GUEST_CPUS_$(1)) --expect leaked_tables=0 \
	--expect leaked_pages=0 --expect data_errors=0 $$(GUEST_EXPECT_$(2))
endef
$(foreach m,$(GUEST_MACHINES),$(foreach w,$(GUEST_WORKLOADS),\
	$(eval $(call guest_case,$(m),$(w)))))

# String I/O (docs/guest-abi.md, "I/O ports"): INS and OUTS of every size,
# with and without REP, both directions, rCX = 0, more than the hypervisor
# does per exit, and a 16-bit address size, on a port nobody owns. QEMU's
# SVM gives neither the address size nor the segment (the hypervisor
# decodes the prefixes); Bochs gives the address size on both vendors.
GUEST_EXPECT_string-io := --expect-log \
	'guest vcpu0: string-io: 21 cases, 4 with a 16-bit address size and 1 with paging on, 0 mismatches'
$(eval $(call guest_case,bios-4cpu,string-io))
$(eval $(call bochs_case,vmx,2,string-io))
$(eval $(call bochs_case,svm,2,string-io))

$(eval $(call bochs_case,svm,2,fault-in))
$(eval $(call bochs_case,svm,2,zap-under-load,$(BOCHS_FLUSHED)))
$(eval $(call bochs_case,svm,2,dirty-log,$(BOCHS_FLUSHED)))
$(eval $(call bochs_case,svm,2,bench))
$(eval $(call bochs_case,svm,4,zap-under-load,$(BOCHS_FLUSHED)))

# Intel: every workload on 1, 2 and 4 CPUs, with EPT's accessed and dirty
# flags (Skylake-X); and on 2 CPUs of a Sandy Bridge, whose EPT has none:
# the MMU core then tracks dirtiness by write protection.
BOCHS_CPU_vmx-noad := corei7_sandy_bridge_2600k
BOCHS_VENDOR_vmx-noad := intel
BOCHS_VIRT_vmx-noad := vmx
BOCHS_TDP_vmx-noad := ept-no-ad
$(foreach w,fault-in zap-under-load dirty-log bench,$(eval \
	$(call bochs_case,vmx-noad,2,$(w),\
	$(if $(filter zap-under-load dirty-log,$(w)),$(BOCHS_FLUSHED)))))
BOCHS_FLUSHED_vmx_1 :=
BOCHS_FLUSHED_vmx_2 := $(BOCHS_FLUSHED)
BOCHS_FLUSHED_vmx_4 := $(BOCHS_FLUSHED)
$(foreach n,1 2 4,\
	$(eval $(call bochs_case,vmx,$(n),fault-in)) \
	$(eval $(call bochs_case,vmx,$(n),zap-under-load,$(BOCHS_FLUSHED_vmx_$(n)))) \
	$(eval $(call bochs_case,vmx,$(n),dirty-log,$(BOCHS_FLUSHED_vmx_$(n)))) \
	$(eval $(call bochs_case,vmx,$(n),bench)))

# All of RAM for any whole-MiB size and every vCPU count from 1 to 8: what
# does not divide evenly among the vCPUs is plain RAM at the top, which
# fault-in writes and reads back with the rest of the spare pages (the
# last word of RAM among them).
GUEST_MEM_CASES := 65M-1 1100M-2 201M-3 255M-4 97M-5 130M-6 33M-7 34M-8
define guest_mem_case
BOOT_TESTS += guest-mem-$(1)-$(2)vcpu
BOOT_ARGS_guest-mem-$(1)-$(2)vcpu := --smp $(2) --mem 2048 \
	--cmdline 'test=fault-in guest_mem=$(1) vcpus=$(2)'
BOOT_EXPECT_guest-mem-$(1)-$(2)vcpu := --cpus $(2) --expect vcpus=$(2) \
	--expect guest_mib=$(patsubst %M,%,$(1)) --expect data_errors=0 \
	--expect leaked_tables=0 --expect leaked_pages=0 \
	$(GUEST_EXPECT_fault-in)
endef
guest_mem_field = $(word $(2),$(subst -, ,$(1)))
$(foreach c,$(GUEST_MEM_CASES),$(eval $(call guest_mem_case,$(call \
	guest_mem_field,$(c),1),$(call guest_mem_field,$(c),2))))

# EFER and the address MSRs as the architecture says, long mode entered and
# left, and EFER.LME with CR4.PAE clear (which wedged a CPU under QEMU's
# TCG), on each vendor.
$(eval $(call guest_case,bios-2cpu,arch-msr))
$(eval $(call bochs_case,svm,2,arch-msr))
$(eval $(call bochs_case,vmx,2,arch-msr))
BOOT_EXPECT_bochs-vmx-2cpu-arch-msr += --expect-log \
	'WARNING: tsc: the CPUID leaf 0x16 gives 3500\.0 MHz, the ACPI PM timer (49\.[5-9]|50\.[0-4]) MHz'

# Exception deliveries that raise the same exception again (test=ac-loop,
# db-loop): vCPU 1 loops, through an exit per round, while vCPU 0's MMU
# operations need its CPU for their flushes; then vCPU 0 breaks the loop
# and vCPU 1 checks where it came out. Under Bochs only: QEMU's TCG checks
# no alignment (no #AC at all) and loses an injected #DB whose delivery
# hits a data breakpoint. DR6 is checked on VMX, where the hypervisor
# writes it from the exit qualification; Bochs's SVM commits DR6 only
# after its #DB intercept (cpu/exception.cc), where the APM has the CPU
# write it into the VMCB first, so the guest sees no B0 there.
GUEST_EXPECT_ac-loop := \
	--expect-log 'WARNING: vcpu1: .AC raised while delivering .AC at RIP' \
	--expect-log 'delivery_loops=[1-9][0-9][0-9]' \
	--expect-log 'reflected_ac=[1-9][0-9][0-9]' \
	--expect-log 'ac-loop: vcpu1 left the .AC delivery loop at 0x[0-9a-f]+ once the gate led to ring 0'
GUEST_EXPECT_db-loop := \
	--expect-log 'reflected_db=[1-9][0-9][0-9]' \
	--expect-log 'db-loop: vcpu1 left the .DB delivery loop at its handler'
$(eval $(call bochs_case,vmx,2,ac-loop))
$(eval $(call bochs_case,svm,2,ac-loop))
$(eval $(call bochs_case,vmx,2,db-loop,--expect-log 'IST stack. DR6 0xffff0ff1'))
$(eval $(call bochs_case,svm,2,db-loop))

# #DB as a guest raises it on purpose (single step, a data breakpoint),
# delivered again by the hypervisor with DR6 as the CPU leaves it: QEMU
# (SVM: the CPU writes DR6 into the VMCB) and Bochs VMX (the hypervisor
# writes DR6 from the exit qualification). Not Bochs SVM, which writes DR6
# only after its #DB intercept (see above).
GUEST_EXPECT_debug := --expect-log 'guest vcpu0: debug: 2 cases, 0 failed' \
	--expect-log 'reflected_db=2 '
$(eval $(call guest_case,bios-2cpu,debug))
$(eval $(call bochs_case,vmx,2,debug))

# Machine checks on on every CPU of each vendor's emulator too (Bochs
# lists no reporting banks).
BOOT_EXPECT_bochs-vmx-4cpu-fault-in += --expect-log \
	'mce: machine-check exceptions on \(CR4.MCE\) on every CPU \(4\)'
BOOT_EXPECT_bochs-svm-2cpu-fault-in += --expect-log \
	'mce: machine-check exceptions on \(CR4.MCE\) on every CPU \(2\)'
# The direct map under each vendor's Bochs (512 MiB less the image, the
# VGA text screen, the HPET; the Intel model's LAPIC runs in x2APIC mode,
# with no MMIO).
BOOT_EXPECT_bochs-vmx-2cpu-fault-in += --expect-log \
	'paging: direct map of 5[01][0-9] MiB RAM .*; MMIO ranges: 1 uncached, 1 write-combining;'
BOOT_EXPECT_bochs-svm-2cpu-fault-in += --expect-log \
	'paging: direct map of 5[01][0-9] MiB RAM .*; MMIO ranges: 2 uncached, 1 write-combining;'

# The console UART: one line says what was found (scratch register, divisor
# latch, loopback of the modem lines and of a byte, the FIFO IIR reports).
UART_FOUND_COM1 := --expect-log 'cpu0 uart: 16550A at 0x3f8, 115200 baud, 16-byte FIFO'
BOOT_EXPECT_qemu-bios-cd-4cpu += $(UART_FOUND_COM1)
BOOT_EXPECT_qemu-uefi-cd-4cpu += $(UART_FOUND_COM1)
BOOT_EXPECT_bochs-vmx-2cpu-fault-in += $(UART_FOUND_COM1)

# A PC without COM1: the log goes to a 16550 at 0x2f8 (console=io:0x2f8),
# COM1's absence is said in one warning, and the boot goes on to its PASS.
BOOT_TESTS += qemu-com1-absent
BOOT_ARGS_qemu-com1-absent := --smp 2 --serial-port 0x2f8
BOOT_EXPECT_qemu-com1-absent := --cpus 2 \
	--expect-log 'WARNING: uart: no 16550 at 0x3f8 \(nothing answers: reads 0xff\): serial console off' \
	--expect-log 'cpu0 uart: 16550A at 0x2f8, 115200 baud, 16-byte FIFO'

# A PC whose only serial port is a PCI card (QEMU's pci-serial, 1b36:0002,
# at 00:05.0; no COM1): console=pci:00:05.0 finds its UART in BAR0, under
# SeaBIOS and OVMF (whose BAR addresses differ).
PCI_SERIAL_FOUND := --expect-log 'cpu0 uart: 16550A at PCI 00:05.0 BAR0 I/O 0x[0-9a-f]+, 115200 baud, 16-byte FIFO'
BOOT_TESTS += qemu-pci-serial
BOOT_ARGS_qemu-pci-serial := --smp 2 --serial-pci 5
BOOT_EXPECT_qemu-pci-serial := --cpus 2 $(PCI_SERIAL_FOUND)
BOOT_TESTS += qemu-uefi-pci-serial
BOOT_ARGS_qemu-uefi-pci-serial := --firmware uefi --smp 2 --serial-pci 5
BOOT_EXPECT_qemu-uefi-pci-serial := --cpus 2 $(PCI_SERIAL_FOUND)

# The same card with no console= at all: no SPCR, nothing at COM1, so the
# class scan finds the card and the log moves there, the lines written
# before the move (the first one says COM1 is absent) replayed first.
# Nothing here is worth a warning.
BOOT_TESTS += qemu-pci-serial-scan
BOOT_ARGS_qemu-pci-serial-scan := --smp 2 --serial-pci 5 --console-default
BOOT_EXPECT_qemu-pci-serial-scan := --cpus 2 --expect warnings=0 \
	--expect-log '^\[ *0\.000000\] cpu0 uart: no 16550 at 0x3f8 \(nothing answers: reads 0xff\): serial console off' \
	--expect-log 'cpu0 hv: command line: "exit=qemu"' \
	--expect-log 'cpu0 console: no console= option, no usable ACPI SPCR table, no COM1: the first PCI serial card: the log moves to PCI 00:05.0 BAR0 I/O 0x[0-9a-f]+$$' \
	--expect-log 'cpu0 uart: 16550A at PCI 00:05.0 BAR0 I/O 0x[0-9a-f]+ found by PCI class scan, 115200 baud, 16-byte FIFO'

# The firmware's SPCR table (QEMU -acpitable, built by tools/run) names
# the console when console= does not: COM2 on a PC without COM1, then the
# PCI card (named by its function, its BAR for the hypervisor to read).
# The log there starts at the first line. With console= given, the SPCR
# is only mentioned.
BOOT_TESTS += qemu-spcr-com2
BOOT_ARGS_qemu-spcr-com2 := --smp 2 --serial-port 0x2f8 --console-default \
	--spcr io:0x2f8
BOOT_EXPECT_qemu-spcr-com2 := --cpus 2 --expect warnings=0 \
	--expect-log '^\[ *0\.000000\] cpu0 uart: no 16550 at 0x3f8 \(nothing answers: reads 0xff\): serial console off' \
	--expect-log 'cpu0 acpi: SPCR \(revision 2\): 16550 at 0x2f8, 115200 baud$$' \
	--expect-log 'cpu0 console: the ACPI SPCR table names this UART \(no console= option\): the log moves to 0x2f8$$' \
	--expect-log 'cpu0 uart: 16550A at 0x2f8 from ACPI SPCR, 115200 baud, 16-byte FIFO'
BOOT_TESTS += qemu-spcr-pci-serial
BOOT_ARGS_qemu-spcr-pci-serial := --smp 2 --serial-pci 6 --console-default \
	--spcr pci:06.0
BOOT_EXPECT_qemu-spcr-pci-serial := --cpus 2 --expect warnings=0 \
	--expect-log '^\[ *0\.000000\] cpu0 uart: no 16550 at 0x3f8 \(nothing answers: reads 0xff\): serial console off' \
	--expect-log 'cpu0 acpi: SPCR \(revision 2\): 16550 at its PCI device, 115200 baud, PCI 1b36:0002 at 00:06.0$$' \
	--expect-log 'cpu0 uart: 16550A at PCI 00:06.0 BAR0 I/O 0x[0-9a-f]+ from ACPI SPCR, 115200 baud, 16-byte FIFO'
BOOT_TESTS += qemu-spcr-not-used
BOOT_ARGS_qemu-spcr-not-used := --smp 2 --spcr io:0x2f8
BOOT_EXPECT_qemu-spcr-not-used := --cpus 2 --expect warnings=0 $(UART_FOUND_COM1) \
	--expect-log 'cpu0 acpi: SPCR names the 16550 at 0x2f8, 115200 baud: not used \(console= given\)' \
	--expect-no-log 'console: .*the log moves to'

# console= values that name no UART: each gets one line naming it and the
# log carries on on COM1; none is ever written to where RAM is (a UART in
# memory starts once paging is up and mmio_map() can refuse RAM).
BOOT_TESTS += qemu-console-bad-uarts
BOOT_ARGS_qemu-console-bad-uarts := --smp 2 \
	--cmdline 'console=mmio32:0xfe030002 console=pci:00:1f.0 console=mmio:0x1000000 console=pci:00:09.0'
BOOT_EXPECT_qemu-console-bad-uarts := --cpus 2 $(UART_FOUND_COM1) \
	--expect-log 'WARNING: options: console=mmio32:0xfe030002: MMIO address 0xfe030002: the address of 32-bit registers is not 4-byte aligned' \
	--expect-log 'WARNING: uart: no 16550 at PCI 00:1f.0 \(8086:2918 is not a serial controller \(class 06/01, not 07/00\)\): serial console off' \
	--expect-log 'WARNING: uart: no 16550 at MMIO 0x1000000 \(its registers could not be mapped \(see the mmio: warning\)\): serial console off' \
	--expect-log 'WARNING: uart: no 16550 at PCI 00:09.0 \(no device there: its configuration space reads 0xffff\): serial console off'
# PCs without any serial port (most UEFI laptops): QEMU with -serial none,
# judged by the text read back from a picture of the screen, taken while
# the hypervisor waits after its verdict (exit_delay_ms=), and by QEMU's
# exit status (tools/boot-test --screen). The UEFI application on OVMF's
# GOP framebuffer, the log on the screen alone (console=fb: no UART is
# probed, so no warning).
COMMA := ,
SCREEN_FB_LINE = --expect-log 'cpu0 fb: the log on the framebuffer at 0x[0-9a-f]+ \($(1), pitch $(2), write-combining\): $(3) characters of Lat15-VGA16 8x16'
BOOT_TESTS += qemu-uefi-efiapp-screen
BOOT_ARGS_qemu-uefi-efiapp-screen := --firmware uefi --media efi --smp 2 \
	--cmdline console=fb
BOOT_EXPECT_qemu-uefi-efiapp-screen := --screen --cpus 2 --expect warnings=0 \
	--expect data_errors=0 --expect leaked_tables=0 \
	$(call SCREEN_FB_LINE,1280x800$(COMMA) 32 bpp,5120,160x50)

# GRUB's UEFI path with the default command line: COM1 is looked for and
# not found (the one warning). GRUB picks 800x600 at 24 bits per pixel,
# 37 rows: the log scrolled, its first line is gone from the screen.
BOOT_TESTS += qemu-uefi-cd-screen
BOOT_ARGS_qemu-uefi-cd-screen := --firmware uefi --smp 2
BOOT_EXPECT_qemu-uefi-cd-screen := --screen --cpus 2 --expect warnings=1 \
	--expect data_errors=0 \
	$(call SCREEN_FB_LINE,800x600$(COMMA) 24 bpp,2400,100x37) \
	--expect-no-log 'hv: micro-hypervisor'

# SeaBIOS, GRUB asked for a linear framebuffer (gfxpayload) instead of the
# VGA text screen: 32 bits per pixel, and 16 for a run refused before
# paging is final, whose screen is drawn on the way out.
BOOT_TESTS += qemu-bios-cd-screen-32bpp
BOOT_ARGS_qemu-bios-cd-screen-32bpp := --gfxpayload 1024x768x32 --smp 2 \
	--cmdline console=fb
BOOT_EXPECT_qemu-bios-cd-screen-32bpp := --screen --cpus 2 --expect warnings=0 \
	--expect data_errors=0 \
	$(call SCREEN_FB_LINE,1024x768$(COMMA) 32 bpp,4096,128x48)

BOOT_TESTS += qemu-bios-screen-16bpp-early-fail
BOOT_ARGS_qemu-bios-screen-16bpp-early-fail := --gfxpayload 800x600x16 \
	--smp 1 --cmdline 'console=fb maxcpus=0'
BOOT_EXPECT_qemu-bios-screen-16bpp-early-fail := --screen \
	--expect-fail 'options: maxcpus=0: not a number in 1\.\.64' \
	--expect-log 'hv: framebuffer type 2 at 0x[0-9a-f]+, 800x600, 16 bpp'

# A fatal path on another CPU, with the screen its only console: the
# report, the backtrace and the FAIL must all be on it.
BOOT_TESTS += qemu-uefi-screen-ap-pagefault
BOOT_ARGS_qemu-uefi-screen-ap-pagefault := --firmware uefi --media efi --smp 4 \
	--cmdline 'console=fb selftest=ap-pagefault'
BOOT_EXPECT_qemu-uefi-screen-ap-pagefault := --screen --cpus 4 --crash-expected \
	--expect-fail 'exception \#PF page fault at hv_fault_on_purpose\+0x[0-9a-f]+: read of 0x10 \(not present\)' \
	--expect-log 'cpu3 EXCEPTION \#PF page fault \(vector 14\) on cpu3' \
	--expect-log 'cpu3 +\[<ffffffff[0-9a-f]+>\] ' \
	--expect-log 'stopped 3 other CPU'

# The iTLB multihit rule (docs/hardware.md): Bochs' Intel models report no
# IA32_ARCH_CAPABILITIES, so the VM's large pages are not executable there,
# and the guest's functions in its private regions have their large pages
# split under the chaos. On AMD the rule is off unless asked for; asked
# for, it goes through the NPT NX bit.
BOOT_EXPECT_bochs-vmx-2cpu-zap-under-load += --expect-log \
	'mmu: large pages not executable \(iTLB multihit: this Intel CPU has no IA32_ARCH_CAPABILITIES' \
	--expect-log 'nx_splits=[1-9]'
BOOT_EXPECT_bochs-vmx-noad-2cpu-fault-in += --expect-log 'nx_splits=[1-9]'
BOOT_EXPECT_guest-bios-2cpu-zap-under-load += --expect nx_splits=0
BOOT_TESTS += qemu-itlb-multihit-on
BOOT_ARGS_qemu-itlb-multihit-on := --smp 2 \
	--cmdline 'test=zap-under-load itlb_multihit=on'
BOOT_EXPECT_qemu-itlb-multihit-on := --cpus 2 --expect vcpus=2 \
	--expect leaked_tables=0 --expect leaked_pages=0 --expect data_errors=0 \
	--expect-log 'mmu: large pages not executable \(itlb_multihit=on\)' \
	--expect-log 'nx_splits=[1-9]'

# The guest as a Multiboot2 module and as a file next to the UEFI application.
BOOT_TESTS += guest-module-mb2
BOOT_ARGS_guest-module-mb2 := --smp 2 --module $(BUILD)/guest/guest.bin \
	--cmdline guest=guest.bin
BOOT_EXPECT_guest-module-mb2 := --cpus 2 --expect data_errors=0 \
	--expect leaked_tables=0 --expect-log 'guest: guest.bin \('

BOOT_TESTS += guest-file-efiapp
BOOT_ARGS_guest-file-efiapp := --firmware uefi --media efi --smp 2 \
	--module $(BUILD)/guest/guest.bin --cmdline guest=guest.bin
BOOT_EXPECT_guest-file-efiapp := --cpus 2 --expect data_errors=0 \
	--expect leaked_tables=0 --expect-log 'guest: guest.bin \('

# A guest that is not the test guest, written from the ABI document alone.
BOOT_TESTS += guest-module-hello
BOOT_ARGS_guest-module-hello := --smp 4 --module $(BUILD)/guests/hello.bin \
	--cmdline guest=hello.bin
BOOT_EXPECT_guest-module-hello := --cpus 4 --expect vcpus=4 \
	--expect data_errors=0 --expect leaked_tables=0 \
	--expect-log 'guest vcpu3: hello from a guest written from the ABI document' \
	--expect-log 'guest vcpu3: VMRUN raised \#UD, CPUID shows neither VMX nor SVM'

BOOT_TESTS += guest-module-missing
BOOT_ARGS_guest-module-missing := --smp 2 --cmdline guest=nosuch.bin
BOOT_EXPECT_guest-module-missing := --cpus 2 \
	--expect-fail 'guest=nosuch.bin: no boot module or file of that name'

comma := ,

# Hostile guests: each stops its VM with one clear line; the hypervisor
# reports FAIL with that reason, gives every page back and prints no crash.
define hostile_case
BOOT_TESTS += guest-hostile-$(1)
BOOT_ARGS_guest-hostile-$(1) := --smp 2 --cmdline test=hostile-$(1)
BOOT_EXPECT_guest-hostile-$(1) := --cpus 2 --expect-fail '$(2)' \
	--expect leaked_tables=0 --expect leaked_pages=0
endef
$(eval $(call hostile_case,triple-fault,vcpu0: triple fault \(shutdown\) at RIP 0x))
$(eval $(call hostile_case,mmio,vcpu0: read of guest-physical 0xe0000000$(comma) outside guest RAM))
$(eval $(call hostile_case,hypercall,vcpu0: unknown hypercall 0x1234))
$(eval $(call hostile_case,pointer,vcpu0: HV_HC_CONSOLE_WRITE buffer .* is outside guest RAM))
$(eval $(call hostile_case,port,vcpu0: write to I/O port 0x3f8$(comma) which the hypervisor owns))
# REP OUTSB to COM1; a dword OUT at 0x3f6, whose upper bytes are COM1's.
HOSTILE_STRING_IO_FAIL := vcpu0: string write to I/O port 0x3f8$(comma) which the hypervisor owns$(comma) at RIP
HOSTILE_PORT_OVERLAP_FAIL := vcpu0: write to I/O port 0x3f8$(comma) which the hypervisor owns \(a 4-byte access at port 0x3f6\)
$(eval $(call hostile_case,string-io,$(HOSTILE_STRING_IO_FAIL)))
$(eval $(call hostile_case,port-overlap,$(HOSTILE_PORT_OVERLAP_FAIL)))
# REP INSB with paging on: with no guest page walker the VM must stop
# rather than take the linear address for a physical one.
HOSTILE_STRING_IO_PAGING_FAIL := vcpu0: INS at RIP 0x[0-9a-f]+: linear 0x800000 is not mapped by the guest.s page tables \(a .PF the hypervisor does not inject\)
$(eval $(call hostile_case,string-io-paging,$(HOSTILE_STRING_IO_PAGING_FAIL)))
# The virtualization instructions of the CPU's vendor, here the 7 of SVM
# (QEMU TCG has no VMX): the guest catches the #UD of each and counts those
# raised at the instruction itself, then runs the first one again with no
# IDT, which must end in the triple fault. The hypervisor's log must show
# it injected them. hostile-svm-insn, the test's former name, must run the
# same test under the new name.
HOSTILE_VIRT_INSN_EXPECT := \
	--expect-log 'guest vcpu0: virt-insn: 7 of 7 SVM instructions raised \#UD' \
	--expect-log 'guest vcpu0: VMRUN again with no IDT' \
	--expect-log 'cpu[0-9]+ vcpu0: virtualization instruction at RIP 0x[0-9a-f]+: injecting \#UD'
$(eval $(call hostile_case,virt-insn,vcpu0: triple fault \(shutdown\) at RIP 0x))
$(eval $(call hostile_case,svm-insn,vcpu0: triple fault \(shutdown\) at RIP 0x))
BOOT_EXPECT_guest-hostile-virt-insn += $(HOSTILE_VIRT_INSN_EXPECT)
BOOT_EXPECT_guest-hostile-svm-insn += $(HOSTILE_VIRT_INSN_EXPECT) \
	--expect-log 'vm: .* test=hostile-virt-insn'


# The same hostile guests on Intel VMX (Bochs): the same one-line reasons.
define bochs_vmx_hostile_case
BOOT_TESTS += bochs-vmx-hostile-$(1)
BOOT_ARGS_bochs-vmx-hostile-$(1) := --bochs --bochs-cpu $(BOCHS_CPU_vmx) --mem 512 \
	--smp 2 --cmdline 'test=hostile-$(1) guest_mem=32M'
BOOT_EXPECT_bochs-vmx-hostile-$(1) := --cpus 2 --expect virt=vmx --expect-fail '$(2)' \
	--expect leaked_tables=0 --expect leaked_pages=0
BOOT_TIMEOUT_bochs-vmx-hostile-$(1) := 600
endef
$(eval $(call bochs_vmx_hostile_case,triple-fault,vcpu0: triple fault \(shutdown\) at RIP 0x))
$(eval $(call bochs_vmx_hostile_case,mmio,vcpu0: read of guest-physical 0xe0000000$(comma) outside guest RAM))
$(eval $(call bochs_vmx_hostile_case,hypercall,vcpu0: unknown hypercall 0x1234))
$(eval $(call bochs_vmx_hostile_case,pointer,vcpu0: HV_HC_CONSOLE_WRITE buffer .* is outside guest RAM))
$(eval $(call bochs_vmx_hostile_case,port,vcpu0: write to I/O port 0x3f8$(comma) which the hypervisor owns))
$(eval $(call bochs_vmx_hostile_case,string-io,$(HOSTILE_STRING_IO_FAIL)))
$(eval $(call bochs_vmx_hostile_case,port-overlap,$(HOSTILE_PORT_OVERLAP_FAIL)))
$(eval $(call bochs_vmx_hostile_case,string-io-paging,$(HOSTILE_STRING_IO_PAGING_FAIL)))
$(eval $(call bochs_vmx_hostile_case,virt-insn,vcpu0: triple fault \(shutdown\) at RIP 0x))
# VMFUNC with VM functions off raises #UD without an exit; it counts all
# the same. The hypervisor logs the first four injections of a vCPU.
BOOT_EXPECT_bochs-vmx-hostile-virt-insn += \
	--expect-log 'guest vcpu0: virt-insn: 12 of 12 VMX instructions raised \#UD' \
	--expect-log 'guest vcpu0: VMXON again with no IDT' \
	--expect-log 'cpu[0-9]+ vcpu0: virtualization instruction at RIP 0x[0-9a-f]+: injecting \#UD'

# The guest written from the ABI document alone, on Intel.
BOOT_TESTS += bochs-vmx-guest-module-hello
BOOT_ARGS_bochs-vmx-guest-module-hello := --bochs --bochs-cpu $(BOCHS_CPU_vmx) --mem 512 \
	--smp 2 --module $(BUILD)/guests/hello.bin --cmdline 'guest=hello.bin guest_mem=32M'
BOOT_EXPECT_bochs-vmx-guest-module-hello := --cpus 2 --expect virt=vmx --expect vcpus=2 \
	--expect data_errors=0 --expect leaked_tables=0 \
	--expect-log 'guest vcpu1: hello from a guest written from the ABI document' \
	--expect-log 'VMXON raised \#UD, CPUID shows neither VMX nor SVM'
BOOT_TIMEOUT_bochs-vmx-guest-module-hello := 600

# --- the trace (base/trace.h) and loglevel=debug ------------------------------
# test=zap-under-load recorded from the start (trace=on), and the last
# events of all CPUs printed before the summary (trace_dump=):
# tools/check-trace-order finds every table's disconnect before its free,
# no free without a disconnect since the table was installed, no table
# installed again before its free, and the time stamps in order. The dump
# always holds the teardown's tables (tables_live=5 or so) and some of the
# load's.
BOOT_TESTS += qemu-trace-zap-under-load
BOOT_ARGS_qemu-trace-zap-under-load := --smp 2 \
	--cmdline 'test=zap-under-load trace=on trace_dump=8192'
BOOT_EXPECT_qemu-trace-zap-under-load := --cpus 2 --expect data_errors=0 \
	--expect leaked_tables=0 --expect leaked_pages=0 --expect warnings=0 \
	--expect-log 'cpu0 trace: recording on \(trace=on\), 4096 events per CPU, 2 CPU\(s\)$$' \
	--check-log 'tools/check-trace-order --min-pairs 5'

# loglevel=debug: every exit, nested page fault, disconnect, flush and grace
# period is a debug line, at most 5 a second per CPU and kind, then one
# line that counts the rest. The boot must still PASS in its usual time.
BOOT_TESTS += qemu-zap-under-load-debug
BOOT_ARGS_qemu-zap-under-load-debug := --smp 2 \
	--cmdline 'test=zap-under-load loglevel=debug'
BOOT_EXPECT_qemu-zap-under-load-debug := --cpus 2 --expect data_errors=0 \
	--expect leaked_tables=0 --expect leaked_pages=0 --expect warnings=0 \
	--expect-log 'cpu[01] trace: exit npf code=0x400 info=0x[0-9a-f]+ gpa=0x[0-9a-f]+$$' \
	--expect-log 'cpu[01] trace: fault gpa=0x[0-9a-f]+ access=[rwx]+ result=ok$$' \
	--expect-log 'cpu[01] trace: disconnect table=0x[0-9a-f]+ level=[123] gfn=[0-9a-fx]+$$' \
	--expect-log 'cpu[01] trace: flush (begin|done|joined) gen=[0-9]+$$' \
	--expect-log 'cpu[01] trace: grace begin flush=[0-9]+$$' \
	--expect-log 'cpu[01] trace: grace end freed=[1-9][0-9]*$$' \
	--expect-log 'cpu[01] trace: \.\.\. [0-9]+ more exit lines suppressed \(at most 5 a second per CPU\)$$'
