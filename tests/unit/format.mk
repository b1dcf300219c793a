UNIT_TESTS += format
UNIT_SRCS_format := tests/unit/test_format.c lib/format.c
