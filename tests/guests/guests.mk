# Small guests written from docs/guest-abi.md alone, booted as modules by
# the boot tests (tests/boot/boot.mk).
GUEST_TEST_BINS := $(BUILD)/guests/hello.bin

$(BUILD)/guests/%.bin: tests/guests/%.asm | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(NASM) -f bin $< -o $@

guests: $(GUEST_TEST_BINS)
.PHONY: guests
