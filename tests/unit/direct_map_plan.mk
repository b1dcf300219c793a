# arch/x86/direct_map_plan.c on memory maps of QEMU (SeaBIOS e820), OVMF
# and synthetic ones, sanitized by mm/memmap.c first as at boot.
UNIT_TESTS += direct_map_plan
UNIT_SRCS_direct_map_plan := tests/unit/test_direct_map_plan.c \
	arch/x86/direct_map_plan.c mm/memmap.c
