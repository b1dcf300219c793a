# base/log.c through its hooks: prefixes, levels, the early buffer, the
# bypass of a wedged lock holder, the ring of every line since boot.
UNIT_TESTS += log
UNIT_SRCS_log := tests/unit/test_log.c base/log.c base/log_ring.c lib/format.c
# The ring's writers race in panic mode: any access outside it must show.
UNIT_CFLAGS_log := -fsanitize=address -fno-omit-frame-pointer
