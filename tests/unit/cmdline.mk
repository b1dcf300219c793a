UNIT_TESTS += cmdline
UNIT_SRCS_cmdline := tests/unit/test_cmdline.c lib/cmdline.c hv/options.c \
	lib/format.c
