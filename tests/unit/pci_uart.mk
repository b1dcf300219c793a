# arch/x86/pci_uart.c on configuration headers captured from QEMU (and a
# few written for cases QEMU has no device for): which BAR holds the UART,
# and the one-line reason for every function that has none.
UNIT_TESTS += pci_uart
UNIT_SRCS_pci_uart := tests/unit/test_pci_uart.c arch/x86/pci_uart.c \
	arch/x86/uart_where.c lib/format.c
