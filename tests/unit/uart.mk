# arch/x86/uart_detect.c and uart_tx.c against a model of each kind of
# port (tests/unit/fake_uart.c): detection, the divisor, FIFO filling, a
# transmitter that stalls and comes back; how UARTs are named, and their
# registers in memory (arch/x86/uart_where.c, uart_mmio.h).
UNIT_TESTS += uart
UNIT_SRCS_uart := tests/unit/test_uart.c tests/unit/fake_uart.c \
	arch/x86/uart_detect.c arch/x86/uart_tx.c arch/x86/uart_where.c \
	lib/format.c
