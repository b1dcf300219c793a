UNIT_TESTS += itlb_multihit
UNIT_SRCS_itlb_multihit := tests/unit/test_itlb_multihit.c \
	arch/x86/itlb_multihit.c
