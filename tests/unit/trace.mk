# base/trace*.c through its hooks: the rings (wrap-around, clear, the last
# N, the merged order, writers on threads with a reader), the decoding,
# and the rate-limited debug lines through base/log.c.
UNIT_TESTS += trace
UNIT_SRCS_trace := tests/unit/test_trace.c $(sort $(wildcard base/trace*.c)) \
	base/log.c base/log_ring.c lib/format.c
