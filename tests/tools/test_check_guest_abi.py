#!/usr/bin/env python3
"""Host test of tools/check-guest-abi: it passes on the tree as it is, and
each kind of drift between docs/guest-abi.md, guest/abi.h and the
hypervisor's messages, made in a scratch copy, fails it with one line that
names the document's line, the name and both values.

Run as `python3 tests/tools/test_check_guest_abi.py`; exits non-zero on any
failure.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOL = os.path.join(ROOT, "tools", "check-guest-abi")
DOC = os.path.join(ROOT, "docs", "guest-abi.md")
HEADER = os.path.join(ROOT, "guest", "abi.h")


def line_of(path, text):
    with open(path) as fh:
        for n, line in enumerate(fh, 1):
            if text in line:
                return n
    raise AssertionError("%r is not in %s" % (text, path))


class CheckGuestAbi(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.doc = os.path.join(self.tmp, "guest-abi.md")
        self.header = os.path.join(self.tmp, "abi.h")
        shutil.copy(DOC, self.doc)
        shutil.copy(HEADER, self.header)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def edit(self, path, old, new):
        with open(path) as fh:
            text = fh.read()
        self.assertEqual(text.count(old), 1, old)
        with open(path, "w") as fh:
            fh.write(text.replace(old, new))

    def check(self, *args):
        r = subprocess.run([TOOL, "--doc", self.doc, "--header", self.header] + list(args),
                           capture_output=True, text=True, cwd=self.tmp)
        return r.returncode, r.stdout.splitlines()

    def assertFails(self, lines, *args):
        """The check fails with exactly these problem lines."""
        rc, out = self.check(*args)
        self.assertEqual(rc, 1, out)
        self.assertEqual(out[:-1], lines)
        self.assertTrue(re.fullmatch(r"check-guest-abi: \d+ problem\(s\)", out[-1]), out)

    def test_tree_passes(self):
        self.assertEqual(self.check(), (0, []))
        self.assertEqual(self.check("--messages"), (0, []))

    def test_table_value(self):
        self.edit(self.doc, "| -1 | `HV_EINVAL` |", "| -4 | `HV_EINVAL` |")
        n = line_of(self.doc, "| -4 | `HV_EINVAL` |")
        self.assertFails(["guest-abi.md:%d: HV_EINVAL: the document says -4 (-0x4), "
                          "guest/abi.h has -1 (-0x1)" % n])

    def test_value_in_prose_after_a_line_break(self):
        self.edit(self.doc, "`HV_GUEST_IMAGE_MAX`\n(4 MiB", "`HV_GUEST_IMAGE_MAX`\n(8 MiB")
        n = line_of(self.doc, "`HV_GUEST_IMAGE_MAX`")
        self.assertFails(["guest-abi.md:%d: HV_GUEST_IMAGE_MAX: the document says 8388608 "
                          "(0x800000), guest/abi.h has 4194304 (0x400000)" % n])

    def test_header_value(self):
        self.edit(self.header, "#define HV_GUEST_PARAMS_GPA 0x1000u",
                  "#define HV_GUEST_PARAMS_GPA 0x2000u")
        rc, out = self.check()
        self.assertEqual(rc, 1)
        self.assertTrue(out[0].endswith(": HV_GUEST_PARAMS_GPA: the document says 4096 "
                                        "(0x1000), guest/abi.h has 8192 (0x2000)"), out)

    def test_new_constant_is_missing(self):
        self.edit(self.header, "\tHV_ENOMEM = -3,\n", "\tHV_ENOMEM = -3,\n\tHV_EBUSY = -5,\n")
        self.assertFails(["guest-abi.md: HV_EBUSY: guest/abi.h has -5 (-0x5); "
                          "the document never states it"])

    def test_field_layout(self):
        self.edit(self.header, "uint64_t tsc_khz;", "uint32_t tsc_khz;")
        self.assertFails([
            "guest-abi.md:%d: tsc_khz: the document says size 8, guest/abi.h has 4"
            % line_of(self.doc, "`tsc_khz`"),
            "guest-abi.md:%d: reserved: the document says offset 80, guest/abi.h has 76"
            % line_of(self.doc, "| 80 | 64 | `reserved`"),
            "guest-abi.md: struct hv_guest_params: 4 bytes of padding after reserved; "
            "the document's table has no row for them",
        ])

    def test_new_field_is_missing(self):
        self.edit(self.header, "\tuint32_t reserved[16];", "\tuint32_t flags;\n\tuint32_t reserved[15];")
        rc, out = self.check()
        self.assertEqual(rc, 1)
        self.assertIn("guest-abi.md: flags: field of struct hv_guest_params at offset 80, "
                      "4 bytes; no row of the document's offset/size/field table has it", out)

    def test_stale_message(self):
        self.edit(self.doc, "`vcpu0: HLT at RIP", "`vcpu0: HLT on RIP")
        n = line_of(self.doc, "`vcpu0: HLT on RIP")
        rc, out = self.check("--messages")
        self.assertEqual(rc, 1)
        self.assertTrue(out[0].startswith("guest-abi.md:%d: vcpu0: HLT on RIP" % n), out)

    def test_summary_key_and_test_name(self):
        self.edit(self.doc, "| `spare_pages` |", "| `spare` |")
        self.edit(self.doc, "| `bench` | 1 |", "| `benchmark` | 3 |")
        self.assertFails([
            "guest-abi.md:%d: HV_TEST_BENCH: the document says test=benchmark, "
            "hv/options.c has bench" % line_of(self.doc, "`benchmark`"),
            "guest-abi.md:%d: HV_TEST_BENCH: the document says 3 rounds, "
            "hv/guest_run.c gives 1" % line_of(self.doc, "`benchmark`"),
            "guest-abi.md:%d: HV_REPORT_SPARE_PAGES: the document says summary key `spare`, "
            "hv/guest_run.c prints spare_pages" % line_of(self.doc, "| `spare` |"),
        ], "--messages")


if __name__ == "__main__":
    unittest.main()
