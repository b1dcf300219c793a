# Host programs of the MMU core: the stress test (plain, ThreadSanitizer,
# AddressSanitizer+UBSan), the fuzz target and the benchmark.
# The top Makefile includes this file; `make test` runs the checks below,
# `make bench` the benchmark.

MMU_HOST_SRCS := $(sort $(wildcard mm/tdp_*.c)) arch/x86/ept_format.c \
	arch/x86/npt_format.c tests/mmu/host_platform.c tests/mmu/guest_access.c
MMU_HOST_HDRS := $(wildcard mm/tdp*.h arch/x86/ept_format.h \
	arch/x86/npt_format.h tests/mmu/*.h)
MMU_HOST_CFLAGS := -std=gnu11 -g -Wall -Wextra -Werror \
	-Wno-unused-parameter -I. -DHOST_TEST
MMU_BIN := $(BUILD)/host/mmu

$(MMU_BIN)/mmu_stress: tests/mmu/stress.c $(MMU_HOST_SRCS) $(MMU_HOST_HDRS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(MMU_HOST_CFLAGS) -O2 tests/mmu/stress.c $(MMU_HOST_SRCS) \
		-o $@ -lpthread

$(MMU_BIN)/mmu_stress_tsan: tests/mmu/stress.c $(MMU_HOST_SRCS) $(MMU_HOST_HDRS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(MMU_HOST_CFLAGS) -O1 -fsanitize=thread tests/mmu/stress.c \
		$(MMU_HOST_SRCS) -o $@ -lpthread

$(MMU_BIN)/mmu_stress_asan: tests/mmu/stress.c $(MMU_HOST_SRCS) $(MMU_HOST_HDRS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(MMU_HOST_CFLAGS) -O1 -fsanitize=address,undefined \
		-fno-sanitize-recover=all -fno-omit-frame-pointer \
		tests/mmu/stress.c $(MMU_HOST_SRCS) -o $@ -lpthread

# Each check asserts the audit, the data and the page accounting (see
# tests/mmu/stress.c); the sanitizer builds also fail on any report.
HOST_CHECKS += mmu_stress mmu_stress_tsan mmu_stress_asan
HOST_CHECK_CMD_mmu_stress := $(MMU_BIN)/mmu_stress -n 10000 -c 2500
HOST_CHECK_CMD_mmu_stress_tsan := TSAN_OPTIONS=halt_on_error=1:exitcode=66 \
	$(MMU_BIN)/mmu_stress_tsan -n 1500 -c 500
HOST_CHECK_CMD_mmu_stress_asan := ASAN_OPTIONS=detect_leaks=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	$(MMU_BIN)/mmu_stress_asan -n 2500 -c 500
HOST_CHECK_DEPS += $(MMU_BIN)/mmu_stress $(MMU_BIN)/mmu_stress_tsan \
	$(MMU_BIN)/mmu_stress_asan

.PHONY: mmu-soak
# A long run for humans: make mmu-soak (about an hour on two cores).
mmu-soak: $(MMU_BIN)/mmu_stress
	$(MMU_BIN)/mmu_stress --soak
