# Boot images and the launcher. Included by the top-level Makefile.
#
#   make iso                 $(BUILD)/hv.iso: hybrid BIOS+UEFI ISO, CD or USB
#                            stick, booting hv.elf with $(ISO_CMDLINE)
#   make run [RUN_ARGS=...]  build and boot under QEMU (see tools/run --help)
#   make usb DEV=/dev/sdX    write $(BUILD)/hv.iso to a USB stick
#
# The ISO's command line is for real machines: no exit= word, so the
# hypervisor halts when done. tools/run builds ISOs with exit=qemu (or
# exit=bochs) under $(BUILD)/run/ by itself.

ISO_CMDLINE ?= console=ttyS0,115200
RUN_ARGS ?=

.PHONY: usb iso-cmdline-force

iso: $(BUILD)/hv.iso

# Rebuild the ISO when the command line changes, not only when hv.elf does.
$(BUILD)/hv.iso.cmdline: iso-cmdline-force
	@mkdir -p $(dir $@)
	@echo '$(ISO_CMDLINE)' | cmp -s - $@ 2>/dev/null || echo '$(ISO_CMDLINE)' > $@

$(BUILD)/hv.iso: $(BUILD)/hv.elf $(BUILD)/hv.iso.cmdline tools/mkiso
	tools/mkiso -e $(BUILD)/hv.elf -c '$(ISO_CMDLINE)' -o $@

run: | $(DEPS_STAMP)
	BUILD=$(BUILD) tools/run $(RUN_ARGS)

usb: $(BUILD)/hv.iso
	tools/mkusb $(if $(YES),--yes) $(BUILD)/hv.iso $(DEV)
