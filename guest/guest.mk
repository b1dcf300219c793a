# The test guest: a freestanding 32-bit flat binary, loaded at 1 MiB
# (guest/guest.ld), built to $(BUILD)/guest/guest.bin and embedded in the
# hypervisor through $(BUILD)/hv/guest_blob.o (guest_image_start/_end).
# Included by the top-level Makefile before it lists the hypervisor's
# objects: appends to HV_EXTRA_OBJS.

GUEST_CFLAGS := -std=gnu11 -m32 -ffreestanding -fno-pic -fno-pie -nostdlib \
	-fno-stack-protector -mno-sse -mgeneral-regs-only -fno-common \
	-fno-strict-aliasing -fno-asynchronous-unwind-tables -O2 -g \
	-Wall -Wextra -Werror -Wno-unused-parameter -Wmissing-prototypes \
	-Wstrict-prototypes -I. -MMD -MP
GUEST_LDFLAGS := -m elf_i386 -nostdlib -static -no-pie -z noexecstack \
	--no-warn-rwx-segments -T guest/guest.ld

# guest/entry.asm must come first: the image starts with guest_entry.
# (guest/embed.asm is not the guest's: it puts guest.bin into the hypervisor.)
GUEST_ASM_SRCS := guest/entry.asm guest/trap_entry.asm guest/exception_loop.asm
GUEST_C_SRCS := $(sort $(wildcard guest/*.c)) lib/format.c lib/string.c
GUEST_OBJS := $(GUEST_ASM_SRCS:%.asm=$(BUILD)/guest/%.asm.o) \
	$(GUEST_C_SRCS:%.c=$(BUILD)/guest/%.o)

$(BUILD)/guest/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(BUILD)/guest/%.asm.o: %.asm | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(NASM) -f elf32 -g -F dwarf -MD $(@:.o=.d) $< -o $@

$(BUILD)/guest/guest.elf: $(GUEST_OBJS) guest/guest.ld
	$(LD) $(GUEST_LDFLAGS) -o $@ $(GUEST_OBJS)
	@$(NM) $@ | grep -q '^00100000 T guest_entry$$' || \
		{ echo "$@: guest_entry is not at 0x100000"; exit 1; }

# The image holds what the linker placed before __guest_image_end; .bss
# comes after it and is left to the zero-filled RAM.
$(BUILD)/guest/guest.bin: $(BUILD)/guest/guest.elf
	$(OBJCOPY) -O binary -j .text -j .rodata -j .data $< $@
	@size=$$(stat -c %s $@); \
	end=$$($(NM) $< | sed -n 's/^\([0-9a-f]*\) . __guest_image_end$$/\1/p'); \
	test $$size -eq $$((0x$$end - 0x100000)) || \
		{ echo "$@: $$size bytes, but the image ends at 0x$$end"; exit 1; }; \
	test $$size -le 4194304 || \
		{ echo "$@: $$size bytes, more than the 4 MiB the ABI allows"; exit 1; }

$(BUILD)/hv/guest_blob.o: guest/embed.asm $(BUILD)/guest/guest.bin | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(NASM) -f elf64 -DGUEST_BIN='"$(BUILD)/guest/guest.bin"' $< -o $@

.PHONY: guest
guest: $(BUILD)/guest/guest.bin

HV_EXTRA_OBJS += $(BUILD)/hv/guest_blob.o

-include $(GUEST_OBJS:.o=.d)
