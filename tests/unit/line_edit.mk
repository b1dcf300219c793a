UNIT_TESTS += line_edit
UNIT_SRCS_line_edit := tests/unit/test_line_edit.c lib/line_edit.c lib/format.c
