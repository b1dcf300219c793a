# arch/x86/acpi_spcr.c on SPCR tables of each revision and kind: which
# UART, at which baud rate, and the reason for each one not used.
UNIT_TESTS += acpi_spcr
UNIT_SRCS_acpi_spcr := tests/unit/test_acpi_spcr.c arch/x86/acpi_spcr.c \
	arch/x86/uart_where.c lib/format.c
# With AddressSanitizer: each table sits in a heap block of exactly its
# length, so a field read past a short table's end fails the test.
UNIT_CFLAGS_acpi_spcr := -fsanitize=address,undefined -fno-sanitize-recover=all
