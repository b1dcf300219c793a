UNIT_TESTS += guest_state
UNIT_SRCS_guest_state := tests/unit/test_guest_state.c \
	arch/x86/guest_state_check.c lib/format.c
