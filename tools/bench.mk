# Benchmarks: figures, not tests. Included by the top-level Makefile.
#
#   make bench         the MMU core's host benchmark, then the guest's
#   make bench-mmu     the MMU core on the host (tests/mmu/mmu.mk)
#   make bench-guest [GUEST_BENCH_ARGS=...]
#                      test=bench booted 5 times on each machine (QEMU TCG,
#                      Bochs VMX, Bochs SVM): see tools/guest-bench --help
#
# One after the other, even under -j: the emulators would take the host
# benchmark's CPUs, and QEMU's cycles are the host's TSC.

GUEST_BENCH_ARGS ?=

.PHONY: bench-guest

bench:
	@$(MAKE) --no-print-directory bench-mmu
	@$(MAKE) --no-print-directory bench-guest

bench-guest: hv | $(DEPS_STAMP)
	BUILD=$(BUILD) tools/guest-bench --no-build $(GUEST_BENCH_ARGS)
