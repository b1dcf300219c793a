# base/panic.c through its hooks: the WARN_ON, BUG_ON and panic reports and
# the order of the fatal path.
UNIT_TESTS += panic
UNIT_SRCS_panic := tests/unit/test_panic.c base/panic.c base/log.c base/log_ring.c \
	$(sort $(wildcard base/trace*.c)) \
	lib/format.c
