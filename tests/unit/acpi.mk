# arch/x86/acpi.c on tables in fake physical memory; the test provides
# phys_to_virt(), direct_map_readable() and log_printf().
UNIT_TESTS += acpi
UNIT_SRCS_acpi := tests/unit/test_acpi.c arch/x86/acpi.c arch/x86/acpi_timers.c \
	arch/x86/acpi_spcr.c arch/x86/uart_where.c arch/x86/acpi_reset.c \
	lib/format.c
