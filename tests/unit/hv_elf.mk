UNIT_TESTS += hv_elf
UNIT_SRCS_hv_elf := tests/unit/test_hv_elf.c boot/efi/hv_elf.c
