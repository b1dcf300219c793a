UNIT_TESTS += mb2
UNIT_SRCS_mb2 := tests/unit/test_mb2.c boot/mb2_parse.c lib/format.c
