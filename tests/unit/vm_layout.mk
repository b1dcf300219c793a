UNIT_TESTS += vm_layout
UNIT_SRCS_vm_layout := tests/unit/test_vm_layout.c hv/vm_layout.c \
	lib/format.c
