# arch/x86/page_fault.c: the words of the fatal report for a #PF.
UNIT_TESTS += page_fault
UNIT_SRCS_page_fault := tests/unit/test_page_fault.c arch/x86/page_fault.c \
	lib/format.c
