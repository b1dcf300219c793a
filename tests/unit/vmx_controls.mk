# arch/x86/vmx/controls.c on capability MSR values read from real CPUs and
# computed for Bochs' CPU models. Pure code: nothing to fake.
UNIT_TESTS += vmx_controls
UNIT_SRCS_vmx_controls := tests/unit/test_vmx_controls.c \
	arch/x86/vmx/controls.c lib/format.c
