# arch/x86/uart_detect.c and uart_tx.c against a model of each kind of
# port (tests/unit/fake_uart.c): detection, the divisor, FIFO filling, a
# transmitter that stalls and comes back.
UNIT_TESTS += uart
UNIT_SRCS_uart := tests/unit/test_uart.c tests/unit/fake_uart.c \
	arch/x86/uart_detect.c arch/x86/uart_tx.c lib/format.c
