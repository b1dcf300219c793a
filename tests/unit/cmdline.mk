UNIT_TESTS += cmdline
UNIT_SRCS_cmdline := tests/unit/test_cmdline.c lib/cmdline.c hv/options.c \
	arch/x86/uart_where.c lib/format.c
