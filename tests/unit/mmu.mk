# Unit tests of the MMU core (mm/tdp_*) with both x86 entry formats.
MMU_CORE_SRCS := $(sort $(wildcard mm/tdp_*.c)) arch/x86/ept_format.c \
	arch/x86/npt_format.c tests/mmu/host_platform.c tests/mmu/guest_access.c

UNIT_TESTS += mmu_change mmu_ops
UNIT_SRCS_mmu_change := tests/unit/test_mmu_change.c $(MMU_CORE_SRCS)
UNIT_SRCS_mmu_ops := tests/unit/test_mmu_ops.c $(MMU_CORE_SRCS)
