# Build of the hypervisor, its boot images and the host-side tests.
# Everything goes to $(BUILD); `make help` lists the targets.

BUILD ?= build
# Plain `make` builds everything, whatever the included makefiles define first.
.DEFAULT_GOAL := all
CC ?= gcc
HOST_CC ?= gcc
NASM ?= nasm
LD := ld
OBJCOPY := objcopy
NM := nm

ifeq ($(origin CC),default)
CC := gcc
endif

# --- the hypervisor (freestanding, higher half) -----------------------------

HV_CFLAGS := -std=gnu11 -ffreestanding -fno-pic -fno-pie -mcmodel=kernel \
	-mno-red-zone -mgeneral-regs-only -fno-stack-protector \
	-fno-omit-frame-pointer -fno-optimize-sibling-calls -fno-common \
	-fno-strict-aliasing -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-Wmissing-prototypes -Wstrict-prototypes -I. -MMD -MP
HV_LDFLAGS := -nostdlib -static -no-pie -z max-page-size=0x1000 \
	-z noexecstack --no-warn-rwx-segments -T linker.ld
NASMFLAGS := -f elf64 -g -F dwarf -I.

include mm/mm.mk

# The vendor backends are folders of their own: arch/x86/svm/, arch/x86/vmx/.
HV_C_SRCS := $(sort $(wildcard boot/*.c hv/*.c arch/x86/*.c arch/x86/*/*.c \
	base/*.c lib/*.c)) $(MM_HV_SRCS)
HV_ASM_SRCS := $(sort $(wildcard boot/*.asm arch/x86/*.asm arch/x86/*/*.asm))
HV_EXTRA_OBJS :=
-include guest/guest.mk

# The framebuffer console's font: a PSF font from Debian's
# console-setup-linux, turned into C by tools/psf2c (which stops the build
# on a file that is not a well-formed font). tools/screen-text reads
# screens back with the same font (tools/psf.py DEFAULT_FONT).
FB_FONT ?= /usr/share/consolefonts/Lat15-VGA16.psf.gz
FB_FONT_C := $(BUILD)/hv/gen/fb_font.c
$(FB_FONT): | $(DEPS_STAMP)
$(FB_FONT_C): $(FB_FONT) tools/psf2c tools/psf.py arch/x86/fb_font.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	python3 tools/psf2c $(FB_FONT) -o $@
$(FB_FONT_C:.c=.o): $(FB_FONT_C)
	$(CC) $(HV_CFLAGS) -c $< -o $@
HV_EXTRA_OBJS += $(FB_FONT_C:.c=.o)
HV_OBJS := $(HV_C_SRCS:%.c=$(BUILD)/hv/%.o) $(HV_ASM_SRCS:%.asm=$(BUILD)/hv/%.asm.o) \
	$(HV_EXTRA_OBJS)

.PHONY: all hv iso efi run test unit coverage bench clean help check-deps deps

all: hv iso efi compile_commands.json

# The Debian packages the build and the tests need: checked once per build
# directory, installed (saying what) when missing. Everything that compiles
# or boots waits for it.
DEPS_STAMP := $(BUILD)/.deps-ok
$(DEPS_STAMP): tools/setup-deps
	@mkdir -p $(dir $@)
	@tools/setup-deps --check >/dev/null 2>&1 || tools/setup-deps
	@touch $@
deps: $(DEPS_STAMP)

hv: $(BUILD)/hv.elf

$(BUILD)/hv/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(HV_CFLAGS) -c $< -o $@

$(BUILD)/hv/%.asm.o: %.asm | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(NASM) $(NASMFLAGS) -MD $(@:.o=.d) $< -o $@

# The symbol table for backtraces is the last section of the image, so
# linking it in does not move anything else. Pass 1 links without it; pass 2
# links with the table generated from pass 1; the check makes sure the code
# did not move.
$(BUILD)/hv/ksyms_empty.o: tools/ksyms.py
	@mkdir -p $(dir $@)
	python3 tools/ksyms.py --empty > $(BUILD)/hv/ksyms_empty.S
	$(CC) -c $(BUILD)/hv/ksyms_empty.S -o $@

$(BUILD)/hv.pass1.elf: $(HV_OBJS) $(BUILD)/hv/ksyms_empty.o linker.ld
	$(LD) $(HV_LDFLAGS) -o $@ $(HV_OBJS) $(BUILD)/hv/ksyms_empty.o

$(BUILD)/hv/ksyms.o: $(BUILD)/hv.pass1.elf tools/ksyms.py
	$(NM) -n $< | python3 tools/ksyms.py > $(BUILD)/hv/ksyms.S
	$(CC) -c $(BUILD)/hv/ksyms.S -o $@

$(BUILD)/hv.elf: $(BUILD)/hv.pass1.elf $(BUILD)/hv/ksyms.o
	$(LD) $(HV_LDFLAGS) -o $@ $(HV_OBJS) $(BUILD)/hv/ksyms.o
	@$(NM) -n $(BUILD)/hv.pass1.elf | grep -v -e ' __ksyms' -e ' __image_end' -e ' __image_size' > $(BUILD)/hv/nm1.txt
	@$(NM) -n $@ | grep -v -e ' __ksyms' -e ' __image_end' -e ' __image_size' > $(BUILD)/hv/nm2.txt
	@cmp -s $(BUILD)/hv/nm1.txt $(BUILD)/hv/nm2.txt || \
		{ echo "symbol table moved code: check linker.ld"; exit 1; }
	@grub-file --is-x86-multiboot2 $@ || { echo "$@: no Multiboot2 header"; exit 1; }

-include $(HV_OBJS:.o=.d)

# --- boot images -----------------------------------------------------------

-include boot/efi/efi.mk
-include tools/images.mk
-include tools/bench.mk

# --- host tests ------------------------------------------------------------

HOST_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-I. -DHOST_TEST -MMD -MP
HOST_LDLIBS := -lcmocka -lpthread

UNIT_TESTS :=
-include $(sort $(wildcard tests/unit/*.mk))

UNIT_BINS := $(UNIT_TESTS:%=$(BUILD)/host/unit/test_%)

# Each unit program is compiled and linked in one step; its .d file lists
# the headers of all its sources (gcc -MM, one rule per source), so that
# editing a header rebuilds every program that includes it.
define unit_rule
$(BUILD)/host/unit/test_$(1): $$(UNIT_SRCS_$(1)) | $(DEPS_STAMP)
	@mkdir -p $$(dir $$@)
	$$(HOST_CC) $$(HOST_CFLAGS) $$(UNIT_CFLAGS_$(1)) $$(HOST_EXTRA_CFLAGS) \
		$$(UNIT_SRCS_$(1)) -o $$@ $$(HOST_LDLIBS) $$(HOST_EXTRA_LDFLAGS)
	@$$(HOST_CC) $$(filter-out -MMD,$$(HOST_CFLAGS)) $$(UNIT_CFLAGS_$(1)) -MM -MT $$@ \
		$$(UNIT_SRCS_$(1)) > $$@.d
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_rule,$(t))))
-include $(UNIT_BINS:%=%.d)

unit: $(UNIT_BINS)

-include tests/mmu/mmu.mk
-include tests/mutants.mk
-include tests/guests/guests.mk
-include tests/tests.mk

# --- editor support --------------------------------------------------------

compile_commands.json: Makefile $(HV_C_SRCS)
	python3 tools/compile_commands.py $(CC) "$(HV_CFLAGS)" $(HV_C_SRCS) > $@

clean:
	rm -rf $(BUILD)

help:
	@echo "make run [RUN_ARGS='--uefi --smp 4 ...']   build and boot under QEMU, serial on this terminal"
	@echo "                                          (tools/run --help lists the arguments)"
	@echo "make test [T=pattern]    unit tests, host checks and boot tests; T picks a subset (T=boot/)"
	@echo "make coverage            lcov report of the host tests in $(BUILD)/coverage/html"
	@echo "make bench               benchmarks (prints figures): bench-mmu, then bench-guest"
	@echo "make bench-mmu           the MMU core's host benchmark"
	@echo "make bench-guest [GUEST_BENCH_ARGS='--runs 3 ...']  test=bench on QEMU TCG and Bochs"
	@echo "                                          (tools/guest-bench --help lists the arguments)"
	@echo "make mutants [MUTANTS=id,...]  which MMU host test catches each mistake of"
	@echo "                                          tests/mutants.txt (about 10 minutes)"
	@echo "make all                 $(BUILD)/hv.elf, hv.iso, BOOTX64.EFI, esp/, compile_commands.json"
	@echo "make iso ISO_CMDLINE='...'  the ISO with another hypervisor command line"
	@echo "make usb DEV=/dev/sdX    write the ISO to a USB stick (asks first)"
	@echo "make flash DEV=/dev/sdX [IMAGE=file]  write an image (default: the ISO) to a USB stick"
	@echo "                                          (tools/mkusb --help lists what it refuses)"
	@echo "make deps / check-deps   install / list the Debian packages the build needs"
