# The test entry points. Included by the top-level Makefile.
#
#   make test [T=PATTERN]   build everything, then run every cmocka program in
#                           $(UNIT_BINS) (each case is a test), every host check
#                           in $(HOST_CHECKS) and every boot case in
#                           $(BOOT_TESTS); T selects tests whose name contains
#                           PATTERN (or matches it as a glob), e.g. T=boot/,
#                           T='boot/qemu-uefi*', T=unit/cmdline
#   make coverage           the unit tests built with --coverage in
#                           $(BUILD)/coverage, run, and an lcov report in
#                           $(BUILD)/coverage/html
#   make check-deps         say which needed Debian packages are missing
#
# A host check NAME in $(HOST_CHECKS) is one test: the shell command
# $(HOST_CHECK_CMD_NAME) must exit 0; make builds $(HOST_CHECK_DEPS) first.
# Test names: unit/<program>/<case>, host/<NAME>, boot/<NAME>.

HOST_CHECKS ?=
HOST_CHECK_DEPS ?=

# Plain `make` (what the README tells a newcomer) must build the hypervisor,
# the ISO and the UEFI application, not only what an included makefile
# happens to define first. A dry run into a scratch build directory.
HOST_CHECKS += plain-make-builds-all
HOST_CHECK_CMD_plain-make-builds-all := make -n --no-print-directory \
	BUILD=$(BUILD)/plain-make-check | grep -q 'hv\.iso' && \
	make -n --no-print-directory BUILD=$(BUILD)/plain-make-check | \
	grep -q 'BOOTX64\.EFI'

# tools/run's decisions, with no KVM and no emulator: why QEMU falls back to
# TCG or refuses --accel kvm, and how a serial log's verdict becomes the exit
# status (tests/tools/test_run.py).
HOST_CHECKS += run-accel-and-verdict
HOST_CHECK_CMD_run-accel-and-verdict := python3 tests/tools/test_run.py

# The framebuffer console's font tools: PSF1/PSF2 parsing and its
# refusals, the C table tools/psf2c writes (a bad font stops the build),
# and reading text back from a picture of the screen
# (tests/tools/test_screen_font.py).
HOST_CHECKS += screen-font-tools
HOST_CHECK_CMD_screen-font-tools := python3 tests/tools/test_screen_font.py

# Every #include points down the layers (lib/, base/, mm/, arch/x86/,
# boot/, hv/); tools/check-layers names each file:line that does not.
HOST_CHECKS += includes-point-down
HOST_CHECK_CMD_includes-point-down := tools/check-layers

# docs/guest-abi.md states every value of guest/abi.h, as the host compiler
# sees it, and lays out its struct in full; the console lines, summary keys
# and test= names it quotes are those the hypervisor prints and takes
# (tools/check-guest-abi). The last check makes the first two fail on
# scratch copies that drifted (tests/tools/test_check_guest_abi.py).
HOST_CHECKS += guest-abi-doc guest-abi-doc-messages guest-abi-doc-check-fails
HOST_CHECK_CMD_guest-abi-doc := HOST_CC=$(HOST_CC) tools/check-guest-abi
HOST_CHECK_CMD_guest-abi-doc-messages := tools/check-guest-abi --messages
HOST_CHECK_CMD_guest-abi-doc-check-fails := HOST_CC=$(HOST_CC) \
	python3 tests/tools/test_check_guest_abi.py

# docs/monitor.md describes every command of the debug monitor, with its
# usage, and no other (tools/check-monitor-doc); the last check makes it
# fail on scratch copies that drifted.
HOST_CHECKS += monitor-doc monitor-doc-check-fails
HOST_CHECK_CMD_monitor-doc := tools/check-monitor-doc
HOST_CHECK_CMD_monitor-doc-check-fails := python3 tests/tools/test_check_monitor_doc.py
# tools/check-trace-order, which boot/qemu-trace-zap-under-load runs on its
# serial log: a dump in order passes, and each wrong order fails it
# (tests/tools/test_check_trace_order.py).
HOST_CHECKS += check-trace-order
HOST_CHECK_CMD_check-trace-order := python3 tests/tools/test_check_trace_order.py

# tools/mkusb on fake machines (/sys, /proc, /dev in a directory): a USB
# stick is written, and a SATA or NVMe disk, a partition, a mounted or
# read-only stick, one too small or too large, a missing device are each
# refused with one line and nothing written (tests/tools/test_mkusb.py).
HOST_CHECKS += mkusb-refusals
HOST_CHECK_CMD_mkusb-refusals := python3 tests/tools/test_mkusb.py

# The USB disk image's planned layout (tools/usb_layout.py): protective MBR,
# both GPTs, BIOS boot and EFI system partitions on whole MiB, an ESP with
# room for its files; sgdisk writes the plan onto a file that is read back
# (tests/tools/test_usb_layout.py).
HOST_CHECKS += usb-image-layout
HOST_CHECK_CMD_usb-image-layout := python3 tests/tools/test_usb_layout.py

BOOT_TESTS :=
include tests/boot/boot.mk
include tests/boot/monitor.mk

T ?=
BOOT_JOBS ?= 1
# The QEMU boot cases describe the TCG machine (-cpu max: AMD with SVM), also
# on a host where tools/run would pick KVM by itself.
BOOT_RUN_FLAGS ?= --accel tcg
TEST_PLAN := $(BUILD)/test-plan.tsv
COVERAGE_DIR := $(BUILD)/coverage
# Atomic counter updates: the host tests are multi-threaded, and plain
# counter increments both lose counts and slow lock-free loops to a crawl.
COVERAGE_CFLAGS := --coverage -fprofile-update=atomic
COVERAGE_TIMEOUT ?= 600

empty :=
TAB := $(empty)	$(empty)

.PHONY: test-plan

test: $(DEPS_STAMP) hv iso efi unit $(GUEST_TEST_BINS) $(HOST_CHECK_DEPS)
	@$(MAKE) --no-print-directory test-plan
	BUILD=$(BUILD) BOOT_JOBS=$(BOOT_JOBS) tools/test-runner --plan $(TEST_PLAN) \
		$(if $(T),--filter '$(T)')

# One line per test program: kind, name, command (see tools/test-runner).
test-plan:
	@mkdir -p $(BUILD)
	$(file >$(TEST_PLAN),# generated by make test-plan)
	$(foreach t,$(UNIT_BINS),$(file >>$(TEST_PLAN),unit$(TAB)unit/$(patsubst test_%,%,$(notdir $(t)))$(TAB)$(t)))
	$(foreach c,$(HOST_CHECKS),$(file >>$(TEST_PLAN),host$(TAB)host/$(c)$(TAB)$(HOST_CHECK_CMD_$(c))))
	$(foreach b,$(BOOT_TESTS),$(file >>$(TEST_PLAN),boot$(TAB)boot/$(b)$(TAB)BUILD=$(BUILD) tools/boot-test --name $(b) --timeout $(or $(BOOT_TIMEOUT_$(b)),$(BOOT_TIMEOUT)) $(BOOT_EXPECT_$(b)) -- $(BOOT_RUN_FLAGS) $(BOOT_ARGS_$(b))))
	$(foreach b,$(MONITOR_TESTS),$(file >>$(TEST_PLAN),boot$(TAB)boot/$(b)$(TAB)BUILD=$(BUILD) tools/monitor-test --name $(b) --script $(MONITOR_SCRIPT_$(b)) $(MONITOR_FLAGS_$(b)) -- $(BOOT_RUN_FLAGS) $(MONITOR_ARGS_$(b))))
	@echo "test plan: $(TEST_PLAN)"

coverage:
	@command -v lcov >/dev/null || { echo "lcov missing: run tools/setup-deps"; exit 1; }
	rm -rf $(COVERAGE_DIR)
	$(MAKE) --no-print-directory BUILD=$(COVERAGE_DIR) \
		HOST_EXTRA_CFLAGS="$(COVERAGE_CFLAGS)" HOST_EXTRA_LDFLAGS=--coverage unit
	@status=0; for t in $(UNIT_TESTS:%=$(COVERAGE_DIR)/host/unit/test_%); do \
		echo "coverage: running $$t"; \
		timeout $(COVERAGE_TIMEOUT) $$t >$$t.out 2>&1 || \
			{ echo "coverage: $$t failed (see $$t.out)"; status=1; }; \
	done; \
	lcov --quiet --capture --directory $(COVERAGE_DIR)/host \
		--output-file $(COVERAGE_DIR)/all.info 2>$(COVERAGE_DIR)/lcov.log && \
	lcov --quiet --remove $(COVERAGE_DIR)/all.info '/usr/*' '*/tests/*' \
		--output-file $(COVERAGE_DIR)/coverage.info 2>>$(COVERAGE_DIR)/lcov.log && \
	genhtml --quiet --output-directory $(COVERAGE_DIR)/html \
		$(COVERAGE_DIR)/coverage.info 2>>$(COVERAGE_DIR)/lcov.log && \
	lcov --summary $(COVERAGE_DIR)/coverage.info 2>&1 | grep -v 'redefined at' && \
	echo "coverage: report in $(COVERAGE_DIR)/html/index.html" && exit $$status || \
	{ grep -v 'redefined at' $(COVERAGE_DIR)/lcov.log; echo "coverage: lcov failed"; exit 1; }

check-deps:
	tools/setup-deps --check
