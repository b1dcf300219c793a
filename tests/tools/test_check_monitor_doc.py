#!/usr/bin/env python3
"""tools/check-monitor-doc must fail on scratch copies that drifted: a
command without its section, a section without its command, a changed
usage. Each copy holds docs/monitor.md and hv/monitor*.c only."""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOL = os.path.join(ROOT, "tools", "check-monitor-doc")


def scratch():
    d = tempfile.mkdtemp(prefix="monitor-doc-")
    os.makedirs(os.path.join(d, "docs"))
    os.makedirs(os.path.join(d, "hv"))
    shutil.copy(os.path.join(ROOT, "docs", "monitor.md"), os.path.join(d, "docs"))
    for f in glob.glob(os.path.join(ROOT, "hv", "monitor*.c")):
        shutil.copy(f, os.path.join(d, "hv"))
    return d


def edit(path, old, new):
    with open(path) as f:
        text = f.read()
    assert old in text, (path, old)
    with open(path, "w") as f:
        f.write(text.replace(old, new, 1))


def check(d):
    return subprocess.run([TOOL, d], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)


def main():
    failures = 0
    cases = [
        ("the original passes", None, 0),
        ("a section removed", ("docs/monitor.md", "### age\n", "### aged\n"), 1),
        ("a command renamed", ("hv/monitor_mem.c", '{"zap", ', '{"zapp", '), 1),
        ("a usage changed", ("hv/monitor_mem.c", '"<gpa> <len> [level]"', '"<gpa> <len> <level>"'), 1),
    ]
    for name, change, want in cases:
        d = scratch()
        try:
            if change:
                edit(os.path.join(d, change[0]), change[1], change[2])
            r = check(d)
            got = 0 if r.returncode == 0 else 1
            ok = got == want
            print("%s %s: exit %d%s" % ("ok  " if ok else "FAIL", name, r.returncode,
                                          "" if ok else "\n" + r.stdout))
            failures += not ok
        finally:
            shutil.rmtree(d)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
