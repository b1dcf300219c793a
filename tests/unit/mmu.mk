# Unit tests of the MMU core (mm/tdp_*) with both x86 entry formats.
MMU_CORE_SRCS := $(sort $(wildcard mm/tdp_*.c)) arch/x86/ept_format.c \
	arch/x86/npt_format.c tests/mmu/host_platform.c tests/mmu/guest_access.c \
	tests/mmu/tlb_model.c $(MM_HOST_BASE_SRCS)

UNIT_TESTS += mmu_change mmu_ops mmu_tlb mmu_nx
UNIT_SRCS_mmu_change := tests/unit/test_mmu_change.c $(MMU_CORE_SRCS)
UNIT_SRCS_mmu_ops := tests/unit/test_mmu_ops.c $(MMU_CORE_SRCS)
UNIT_SRCS_mmu_tlb := tests/unit/test_mmu_tlb.c $(MMU_CORE_SRCS)
UNIT_SRCS_mmu_nx := tests/unit/test_mmu_nx.c $(MMU_CORE_SRCS)
# It stops operations inside their windows (mm/tdp_race.h).
UNIT_CFLAGS_mmu_tlb := -DTDP_RACE_HOOKS

# Headers the programs depend on (the generic unit rule lists sources only).
MMU_UNIT_HDRS := tests/unit/mmu_fixture.h $(wildcard mm/tdp*.h) \
	arch/x86/ept_format.h arch/x86/npt_format.h $(wildcard tests/mmu/*.h)
$(BUILD)/host/unit/test_mmu_change $(BUILD)/host/unit/test_mmu_ops \
	$(BUILD)/host/unit/test_mmu_tlb $(BUILD)/host/unit/test_mmu_nx: \
	$(MMU_UNIT_HDRS)
