#!/usr/bin/env python3
"""Generates the hypervisor's symbol table for backtraces.

Reads `nm -n` output of the image on stdin and writes GNU assembler source
for the .ksyms section: a count, the sorted code addresses, offsets into a
string table, and the names. With --empty, writes the same symbols with no
entries (the first link pass).
"""
import sys


def emit(symbols):
    out = ['\t.section .ksyms, "a"', "\t.balign 8"]
    for name in ("__ksyms_count", "__ksyms_addrs", "__ksyms_name_offsets",
                 "__ksyms_names"):
        out.append(f"\t.globl {name}")
    out.append(f"__ksyms_count:\n\t.quad {len(symbols)}")
    out.append("__ksyms_addrs:")
    out += [f"\t.quad 0x{addr:x}" for addr, _ in symbols]
    out.append("__ksyms_name_offsets:")
    offset = 0
    for _, name in symbols:
        out.append(f"\t.long {offset}")
        offset += len(name) + 1
    out.append("__ksyms_names:")
    out += [f'\t.asciz "{name}"' for _, name in symbols]
    out.append('\t.section .note.GNU-stack, "", @progbits')
    return "\n".join(out) + "\n"


def main():
    if "--help" in sys.argv:
        print(__doc__)
        return 0
    if "--empty" in sys.argv:
        sys.stdout.write(emit([]))
        return 0
    symbols = {}
    for line in sys.stdin:
        parts = line.split()
        if len(parts) != 3 or parts[1] not in ("T", "t", "W", "w"):
            continue
        addr = int(parts[0], 16)
        # Keep the first name at an address; skip local labels.
        if parts[2].startswith(".L"):
            continue
        symbols.setdefault(addr, parts[2])
    sys.stdout.write(emit(sorted(symbols.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
