#!/usr/bin/env python3
"""Host test of tools/check-trace-order: a dump in the right order passes,
and each wrong order, made in a serial log written here, fails it with a
line that names the log line and the table.

Run as `python3 tests/tools/test_check_trace_order.py`; exits non-zero on
any failure.
"""

import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOL = os.path.join(ROOT, "tools", "check-trace-order")

# A table's life as the hypervisor prints it (hv/vm_trace.c), around some
# of the lines that are not about tables.
GOOD = [
    "0.100000 cpu1 free table=0x9000",  # its disconnect is older than the dump
    "0.100010 cpu0 exit npf code=0x400 info=0x100000006 gpa=0x1234000",
    "0.100020 cpu0 install gfn=0x800 level=2 table=0x5000 pte=0x5007",
    "0.100030 cpu0 install gfn=0x94d level=1 pte=0x1dcb027",
    "0.100040 cpu1 disconnect table=0x5000 level=1 gfn=0x800",
    "0.100050 cpu1 flush begin gen=3",
    "0.100060 cpu1 flush done gen=3",
    "0.100070 cpu0 free table=0x5000",
    "0.100080 cpu1 install gfn=0xa00 level=2 table=0x5000 pte=0x5007",
    "0.100090 cpu0 disconnect table=0x5000 level=1 gfn=0xa00",
    "0.100090 cpu1 disconnect table=0x6000 level=1 gfn=0xc00",
    "0.100100 cpu1 free table=0x5000",
    "0.100110 cpu1 free table=0x6000",
]


def log_of(events, count=None):
    """A serial log with a dump of these event lines."""
    lines = ["[    0.090000] cpu0 hv: command line: \"trace=on trace_dump=100\""]
    lines.append("[    0.200000] cpu0 trace: dump of the last 100 events of all "
                 "CPUs, oldest first (trace_dump=100)")
    for e in events:
        secs, rest = e.split(" ", 1)
        lines.append("[    0.200000] cpu0 trace: %12s %s" % (secs, rest))
    lines.append("[    0.300000] cpu0 trace: end of dump, %d events" %
                 (len(events) if count is None else count))
    lines.append("[    0.300000] cpu0 hv: summary cpus=2")
    lines.append("[    0.300000] cpu0 hv: done: PASS")
    return "\n".join(lines) + "\n"


class CheckTraceOrder(unittest.TestCase):
    def run_tool(self, text, *args):
        with tempfile.NamedTemporaryFile("w", suffix=".log", delete=False) as f:
            f.write(text)
        try:
            r = subprocess.run([TOOL, f.name] + list(args), capture_output=True,
                               text=True)
        finally:
            os.unlink(f.name)
        return r.returncode, r.stdout.splitlines()

    def assertFailsWith(self, events, *expected, count=None):
        rc, out = self.run_tool(log_of(events, count))
        self.assertEqual(rc, 1, out)
        for e in expected:
            self.assertTrue(any(e in line for line in out), (e, out))

    def replaced(self, index, line):
        events = list(GOOD)
        events[index] = line
        return events

    def test_good_order_passes(self):
        rc, out = self.run_tool(log_of(GOOD))
        self.assertEqual(rc, 0, out)
        self.assertEqual(out, ["check-trace-order: 13 events, 3 tables, "
                               "3 disconnect-free pairs: in order"])

    def test_free_before_disconnect(self):
        events = list(GOOD)
        events[4], events[7] = ("0.100040 cpu0 free table=0x5000",
                                "0.100070 cpu1 disconnect table=0x5000 level=1 gfn=0x800")
        self.assertFailsWith(
            events, "line 7: table 0x5000 freed without a disconnect since it was installed",
            "line 10: table 0x5000 disconnected after its free")

    def test_free_without_disconnect(self):
        events = self.replaced(4, "0.100040 cpu1 zap gfn=0x800-0x9ff count=1")
        self.assertFailsWith(events, "table 0x5000 freed without a disconnect")

    def test_freed_twice(self):
        events = GOOD + ["0.100120 cpu0 free table=0x6000"]
        self.assertFailsWith(events, "line 16: table 0x6000 freed twice")

    def test_disconnected_twice(self):
        events = GOOD[:5] + ["0.100045 cpu0 disconnect table=0x5000 level=1 gfn=0x800"] + GOOD[5:]
        self.assertFailsWith(events, "table 0x5000 disconnected twice")

    def test_installed_before_free(self):
        events = GOOD[:5] + [
            "0.100045 cpu0 install gfn=0x800 level=2 table=0x5000 pte=0x5007"] + GOOD[5:]
        self.assertFailsWith(events, "table 0x5000 installed again before it was freed")

    def test_stamps_backwards(self):
        events = self.replaced(5, "0.100035 cpu1 flush begin gen=3")
        self.assertFailsWith(events, "the stamp goes backwards")

    def test_count_and_pairs(self):
        self.assertFailsWith(GOOD, "the dump has 13 event lines, its end line says 14",
                             count=14)
        rc, out = self.run_tool(log_of(GOOD), "--min-pairs", "4")
        self.assertEqual(rc, 1, out)
        self.assertIn("only 3 disconnect(s) followed by their free", out[0])

    def test_no_dump(self):
        text = log_of(GOOD).replace("trace: end of dump", "trace: end of")
        rc, out = self.run_tool(text)
        self.assertEqual(rc, 1, out)
        self.assertIn("no whole trace dump", out[0])


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]] + sys.argv[1:], verbosity=1)
