UNIT_TESTS += ansi_escape
UNIT_SRCS_ansi_escape := tests/unit/test_ansi_escape.c lib/ansi_escape.c
