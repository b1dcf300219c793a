# The native UEFI application (GNU-EFI): $(BUILD)/BOOTX64.EFI carries
# $(EFI_HV_ELF) inside it and starts it; $(BUILD)/esp/ is a ready EFI
# system partition tree (EFI/BOOT/BOOTX64.EFI) for QEMU's fat: drive or a
# USB stick. Included by the top-level Makefile.

GNUEFI_INC ?= /usr/include/efi
GNUEFI_LIB ?= /usr/lib
EFI_HV_ELF ?= $(BUILD)/hv.elf

EFI_CFLAGS := -std=gnu11 -fpic -fshort-wchar -mno-red-zone -ffreestanding \
	-fno-stack-protector -fno-strict-aliasing -fno-common \
	-DGNU_EFI_USE_MS_ABI -O2 -g \
	-Wall -Wextra -Werror -Wno-unused-parameter -Wmissing-prototypes \
	-Wstrict-prototypes -isystem $(GNUEFI_INC) -isystem $(GNUEFI_INC)/x86_64 \
	-I. -MMD -MP
EFI_LDFLAGS := -nostdlib -znocombreloc -shared -Bsymbolic \
	-T $(GNUEFI_LIB)/elf_x86_64_efi.lds -L$(GNUEFI_LIB)
EFI_PE_SECTIONS := -j .text -j .sdata -j .data -j .dynamic -j .dynsym \
	-j .rel -j .rela -j .rel.* -j .rela.* -j .reloc

EFI_C_SRCS := $(sort $(wildcard boot/efi/*.c))
EFI_ASM_SRCS := $(sort $(wildcard boot/efi/*.S))
# Shared with the hypervisor's entry; position-independent NASM.
EFI_NASM_SRCS := boot/paging_mode_switch.asm
EFI_OBJS := $(EFI_C_SRCS:%.c=$(BUILD)/efi/%.o) \
	$(EFI_ASM_SRCS:%.S=$(BUILD)/efi/%.S.o) \
	$(EFI_NASM_SRCS:%.asm=$(BUILD)/efi/%.asm.o)

efi: $(BUILD)/BOOTX64.EFI $(BUILD)/esp/EFI/BOOT/BOOTX64.EFI

$(BUILD)/efi/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(EFI_CFLAGS) -c $< -o $@

$(BUILD)/efi/%.S.o: %.S | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(EFI_CFLAGS) -DHV_ELF_PATH='"$(EFI_HV_ELF)"' -c $< -o $@

$(BUILD)/efi/%.asm.o: %.asm | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(NASM) -f elf64 -I. -MD $(@:.o=.d) $< -o $@

# .incbin is not seen by -MMD.
$(BUILD)/efi/boot/efi/efi_payload.S.o: $(EFI_HV_ELF)

$(BUILD)/efi/bootx64.so: $(EFI_OBJS)
	$(LD) $(EFI_LDFLAGS) $(GNUEFI_LIB)/crt0-efi-x86_64.o $(EFI_OBJS) \
		-o $@ -lefi -lgnuefi

$(BUILD)/BOOTX64.EFI: $(BUILD)/efi/bootx64.so
	$(OBJCOPY) $(EFI_PE_SECTIONS) --target efi-app-x86_64 $< $@

$(BUILD)/esp/EFI/BOOT/BOOTX64.EFI: $(BUILD)/BOOTX64.EFI
	@mkdir -p $(dir $@)
	cp $< $@

-include $(EFI_OBJS:.o=.d)
