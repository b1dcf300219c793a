# lib/string.c is the hypervisor's own C library part: built here without
# HOST_TEST and under other names, so it neither replaces the host's nor is
# replaced by the compiler's builtins.
UNIT_TESTS += string
UNIT_SRCS_string := tests/unit/test_string.c lib/string.c
UNIT_CFLAGS_string := -UHOST_TEST -fno-builtin \
	$(foreach f,memcpy memmove memset memcmp strlen strnlen strcmp \
		strncmp strchr,-D$(f)=hv_$(f))
