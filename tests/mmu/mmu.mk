# Host programs of the MMU core: the stress test (plain, ThreadSanitizer,
# AddressSanitizer+UBSan), the fuzz target and the benchmark.
# The top Makefile includes this file; `make test` runs the checks below,
# `make bench-mmu` (part of `make bench`) the benchmark.

MMU_HOST_SRCS := $(sort $(wildcard mm/tdp_*.c)) arch/x86/ept_format.c \
	arch/x86/npt_format.c tests/mmu/host_platform.c tests/mmu/guest_access.c \
	tests/mmu/tlb_model.c $(MM_HOST_BASE_SRCS)
MMU_HOST_HDRS := $(wildcard mm/tdp*.h arch/x86/ept_format.h \
	arch/x86/npt_format.h tests/mmu/*.h base/trace*.h base/log.h)
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
# tests/mmu/stress.c); the sanitizer builds also fail on any report. The
# --hot runs put every thread on the same 4 MiB, where walks meet
# disconnected tables.
HOST_CHECKS += mmu_stress mmu_stress_hot mmu_stress_tsan mmu_stress_asan \
	mmu_stress_no_ad mmu_stress_nx
# --strict-flush: no range operation returns while any CPU still caches a
# translation it relies on, whoever removed it (mm/tdp_flush.c).
HOST_CHECK_CMD_mmu_stress := $(MMU_BIN)/mmu_stress --strict-flush -n 50000 \
	-c 12500
HOST_CHECK_CMD_mmu_stress_hot := $(MMU_BIN)/mmu_stress --strict-flush --hot \
	-n 500000 -c 100000
# EPT without accessed/dirty flags (Sandy and Ivy Bridge): writable only
# once written, aging by unmapping.
HOST_CHECK_CMD_mmu_stress_no_ad := $(MMU_BIN)/mmu_stress -f ept-no-ad \
	-n 50000 -c 12500 && $(MMU_BIN)/mmu_stress -f ept-no-ad --hot \
	-n 200000 -c 50000
# Large leaves not executable (the iTLB multihit rule), a quarter of the
# reads instruction fetches that split them: the audit at each checkpoint
# also finds any executable leaf above 4 KiB.
HOST_CHECK_CMD_mmu_stress_nx := $(MMU_BIN)/mmu_stress --large-nx \
	--strict-flush -n 50000 -c 12500 && $(MMU_BIN)/mmu_stress --large-nx \
	--strict-flush --hot -n 200000 -c 50000 && export \
	TSAN_OPTIONS=halt_on_error=1:exitcode=66 && \
	$(MMU_BIN)/mmu_stress_tsan --large-nx --hot -n 20000 -c 10000
HOST_CHECK_CMD_mmu_stress_tsan := export \
	TSAN_OPTIONS=halt_on_error=1:exitcode=66 && \
	$(MMU_BIN)/mmu_stress_tsan -n 10000 -c 5000 && \
	$(MMU_BIN)/mmu_stress_tsan --hot -n 50000 -c 25000
HOST_CHECK_CMD_mmu_stress_asan := export ASAN_OPTIONS=detect_leaks=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 && \
	$(MMU_BIN)/mmu_stress_asan -n 20000 -c 5000 && \
	$(MMU_BIN)/mmu_stress_asan --hot -n 100000 -c 50000
HOST_CHECK_DEPS += $(MMU_BIN)/mmu_stress $(MMU_BIN)/mmu_stress_tsan \
	$(MMU_BIN)/mmu_stress_asan

include tests/mmu/race.mk

.PHONY: mmu-soak
# A long run for humans: make mmu-soak (several minutes on two cores).
mmu-soak: $(MMU_BIN)/mmu_stress
	$(MMU_BIN)/mmu_stress --soak
	$(MMU_BIN)/mmu_stress --soak --hot

# libFuzzer target (clang), compared against a flat model; a short fixed
# run is a check, `make mmu-fuzz` runs until stopped.
MMU_CLANG ?= clang
$(MMU_BIN)/mmu_fuzz: tests/mmu/fuzz.c $(MMU_HOST_SRCS) $(MMU_HOST_HDRS)
	@mkdir -p $(dir $@)
	$(MMU_CLANG) $(MMU_HOST_CFLAGS) -O1 \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		tests/mmu/fuzz.c $(MMU_HOST_SRCS) -o $@ -lpthread

# Inputs of full length from the first run (-len_control=0): sequences of
# up to 127 operations, not the two or three a short run grows to.
HOST_CHECKS += mmu_fuzz
HOST_CHECK_CMD_mmu_fuzz := $(MMU_BIN)/mmu_fuzz -runs=1500 -seed=1 \
	-max_len=512 -len_control=0 -print_final_stats=1
HOST_CHECK_DEPS += $(MMU_BIN)/mmu_fuzz

.PHONY: mmu-fuzz
mmu-fuzz: $(MMU_BIN)/mmu_fuzz
	@mkdir -p $(BUILD)/mmu-fuzz-corpus
	$(MMU_BIN)/mmu_fuzz -max_len=4096 $(BUILD)/mmu-fuzz-corpus

# Benchmark: figures, not a test. The warm-fault instruction count comes
# from callgrind over bench_warm_faults() alone.
$(MMU_BIN)/mmu_bench: tests/mmu/bench.c $(MMU_HOST_SRCS) $(MMU_HOST_HDRS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(MMU_HOST_CFLAGS) -O2 tests/mmu/bench.c $(MMU_HOST_SRCS) \
		-o $@ -lpthread

MMU_WARM_FAULTS := 20000

.PHONY: bench-mmu
bench-mmu: $(MMU_BIN)/mmu_bench
	$(MMU_BIN)/mmu_bench
	@if command -v valgrind >/dev/null; then \
		valgrind -q --tool=callgrind --collect-atstart=no \
			--toggle-collect=bench_warm_faults \
			--callgrind-out-file=$(MMU_BIN)/callgrind.warm \
			$(MMU_BIN)/mmu_bench --warm $(MMU_WARM_FAULTS) && \
		awk '/^totals:/ { printf "\nwarm 4K fault (tables and backing present): %.0f instructions\n", $$2 / $(MMU_WARM_FAULTS) }' \
			$(MMU_BIN)/callgrind.warm; \
	else echo "valgrind not installed: no instruction count"; fi
