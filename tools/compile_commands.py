#!/usr/bin/env python3
"""Writes compile_commands.json (for clangd and other editors) to stdout.

Usage: compile_commands.py CC "CFLAGS" SOURCE...
Every source gets the hypervisor's freestanding flags; run from the top of
the tree (`make compile_commands.json` does).
"""
import json
import os
import shlex
import sys


def main():
    if len(sys.argv) < 3 or sys.argv[1] in ("-h", "--help"):
        print(__doc__)
        return 0 if len(sys.argv) > 1 else 2
    cc, cflags, sources = sys.argv[1], shlex.split(sys.argv[2]), sys.argv[3:]
    top = os.getcwd()
    entries = [{
        "directory": top,
        "file": os.path.join(top, src),
        "arguments": [cc] + cflags + ["-c", src],
    } for src in sources]
    json.dump(entries, sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
