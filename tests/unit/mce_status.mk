UNIT_TESTS += mce_status
UNIT_SRCS_mce_status := tests/unit/test_mce_status.c arch/x86/mce_status.c \
	lib/format.c
