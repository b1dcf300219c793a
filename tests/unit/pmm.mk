UNIT_TESTS += pmm
UNIT_SRCS_pmm := tests/unit/test_pmm.c mm/pmm.c
