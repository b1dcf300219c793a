# base/log.c through its hooks: prefixes, levels, the early buffer, the
# bypass of a wedged lock holder.
UNIT_TESTS += log
UNIT_SRCS_log := tests/unit/test_log.c base/log.c lib/format.c
