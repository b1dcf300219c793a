# INS and OUTS by the book (hv/string_insn.c): prefix decoding, and the
# registers and addresses of each element. Pure code: guest memory is a
# recorder of the accesses.
UNIT_TESTS += string_insn
UNIT_SRCS_string_insn := tests/unit/test_string_insn.c hv/string_insn.c
