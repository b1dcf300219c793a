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

BOOT_TESTS += qemu-bios-cd-1cpu
BOOT_ARGS_qemu-bios-cd-1cpu := --smp 1
BOOT_EXPECT_qemu-bios-cd-1cpu := --cpus 1

BOOT_TESTS += qemu-bios-cd-4cpu
BOOT_ARGS_qemu-bios-cd-4cpu := --smp 4
BOOT_EXPECT_qemu-bios-cd-4cpu := --cpus 4

BOOT_TESTS += qemu-uefi-cd-4cpu
BOOT_ARGS_qemu-uefi-cd-4cpu := --firmware uefi --smp 4
BOOT_EXPECT_qemu-uefi-cd-4cpu := --cpus 4

BOOT_TESTS += qemu-uefi-efiapp-2cpu
BOOT_ARGS_qemu-uefi-efiapp-2cpu := --firmware uefi --media efi --smp 2
BOOT_EXPECT_qemu-uefi-efiapp-2cpu := --cpus 2

BOOT_TESTS += qemu-uefi-usb-2cpu
BOOT_ARGS_qemu-uefi-usb-2cpu := --firmware uefi --media usb --smp 2
BOOT_EXPECT_qemu-uefi-usb-2cpu := --cpus 2

BOOT_TESTS += qemu-bios-usb-2cpu
BOOT_ARGS_qemu-bios-usb-2cpu := --firmware bios --media usb --smp 2
BOOT_EXPECT_qemu-bios-usb-2cpu := --cpus 2

BOOT_TESTS += qemu-maxcpus-2-of-4
BOOT_ARGS_qemu-maxcpus-2-of-4 := --smp 4 --cmdline maxcpus=2
BOOT_EXPECT_qemu-maxcpus-2-of-4 := --cpus 2

# A CPU without SVM (and TCG has no VMX): the hypervisor must say why and
# stop cleanly, with no exception dump.
BOOT_TESTS += qemu-no-svm-fails
BOOT_ARGS_qemu-no-svm-fails := --cpu max,-svm --smp 2
BOOT_EXPECT_qemu-no-svm-fails := --expect-fail svm --expect virt=none

BOOT_TESTS += bochs-vmx-2cpu
BOOT_ARGS_bochs-vmx-2cpu := --bochs --bochs-cpu corei7_skylake_x --smp 2 --mem 512
BOOT_EXPECT_bochs-vmx-2cpu := --cpus 2 --expect vendor=intel --expect virt=vmx
BOOT_TIMEOUT_bochs-vmx-2cpu := 600

BOOT_TESTS += bochs-svm-2cpu
BOOT_ARGS_bochs-svm-2cpu := --bochs --bochs-cpu ryzen --smp 2 --mem 512
BOOT_EXPECT_bochs-svm-2cpu := --cpus 2 --expect vendor=amd --expect virt=svm
BOOT_TIMEOUT_bochs-svm-2cpu := 600

# The ISO that `make iso` ships (no exit= word: the hypervisor halts, and the
# launcher stops QEMU once the log has ended), as a USB stick under UEFI.
BOOT_TESTS += qemu-uefi-usb-hviso
BOOT_ARGS_qemu-uefi-usb-hviso := --iso $(BUILD)/hv.iso --firmware uefi --media usb --smp 2
BOOT_EXPECT_qemu-uefi-usb-hviso := --cpus 2
