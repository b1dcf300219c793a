UNIT_TESTS += insn_cr
UNIT_SRCS_insn_cr := tests/unit/test_insn_cr.c arch/x86/insn_cr.c \
	arch/x86/guest_walk.c
