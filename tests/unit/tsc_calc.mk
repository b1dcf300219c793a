# TSC calibration arithmetic and its console lines, with no hardware.
UNIT_TESTS += tsc_calc
UNIT_SRCS_tsc_calc := tests/unit/test_tsc_calc.c arch/x86/tsc_calc.c \
	arch/x86/tsc_report.c lib/format.c
