# Boot images and the launcher. Included by the top-level Makefile.
#
#   make iso                 $(BUILD)/hv.iso: hybrid BIOS+UEFI ISO, CD or USB
#                            stick, booting hv.elf with $(ISO_CMDLINE)
#   make run [RUN_ARGS=...]  build and boot under QEMU (see tools/run --help)
#   make usb DEV=/dev/sdX    build $(BUILD)/hv.iso and write it to a USB stick
#   make flash DEV=/dev/sdX [IMAGE=FILE]
#                            write IMAGE (default: $(BUILD)/hv.iso, built
#                            first) to a USB stick
#
# Both go through tools/mkusb, which refuses anything but a whole, unmounted,
# writable USB disk of a stick's size and asks for "yes" first; YES=1 gives
# it --yes, FORCE=1 --force (a USB disk larger than 256 GiB).
#
# The ISO's command line is for real machines: no exit= word, so the
# hypervisor halts when done. tools/run builds ISOs with exit=qemu (or
# exit=bochs) under $(BUILD)/run/ by itself.

ISO_CMDLINE ?= console=ttyS0,115200
RUN_ARGS ?=

.PHONY: usb flash iso-cmdline-force

iso: $(BUILD)/hv.iso

# Rebuild the ISO when the command line changes, not only when hv.elf does.
$(BUILD)/hv.iso.cmdline: iso-cmdline-force
	@mkdir -p $(dir $@)
	@echo '$(ISO_CMDLINE)' | cmp -s - $@ 2>/dev/null || echo '$(ISO_CMDLINE)' > $@

$(BUILD)/hv.iso: $(BUILD)/hv.elf $(BUILD)/hv.iso.cmdline tools/mkiso
	tools/mkiso -e $(BUILD)/hv.elf -c '$(ISO_CMDLINE)' -o $@

run: | $(DEPS_STAMP)
	BUILD=$(BUILD) tools/run $(RUN_ARGS)

IMAGE ?=
MKUSB_FLAGS = $(if $(YES),--yes) $(if $(FORCE),--force)

usb: $(BUILD)/hv.iso
	@[ -n "$(DEV)" ] || { echo "make usb: name the stick, e.g. DEV=/dev/sdb" >&2; exit 2; }
	tools/mkusb $(MKUSB_FLAGS) $(BUILD)/hv.iso $(DEV)

flash: $(if $(IMAGE),,$(BUILD)/hv.iso)
	@[ -n "$(DEV)" ] || { echo "make flash: name the stick, e.g. DEV=/dev/sdb" >&2; exit 2; }
	tools/mkusb $(MKUSB_FLAGS) $(or $(IMAGE),$(BUILD)/hv.iso) $(DEV)
