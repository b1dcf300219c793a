#!/usr/bin/env python3
"""Host test of tools/usb_layout.py: the USB disk image's planned layout
for ESP contents of many sizes (GPTs where the specification puts them,
partitions on whole MiB inside the usable area, an ESP with room for its
files), its refusals of bad sizes, and sgdisk writing the plan onto a file
whose GPT headers, entries and protective MBR are then read back byte by
byte.

Run as `python3 tests/tools/test_usb_layout.py`; exits non-zero on any
failure. Needs sgdisk (package gdisk, in tools/setup-deps).
"""

import os
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import usb_layout  # noqa: E402

MiB = 1 << 20
MIB_SECTORS = 2048
SIZES = [0, 1, 511, 512, 5 * 10**6, 50 * MiB, 51 * MiB, 52 * MiB - 1, 100 * MiB,
         1 << 30, 3 << 30]
BIOS_BOOT = "21686148-6449-6E6F-744E-656564454649"
ESP = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B"


class Plan(unittest.TestCase):
    def test_small_esp_numbers(self):
        l = usb_layout.layout_plan(5 * 10**6)
        bios, esp = l.partitions
        self.assertEqual((bios.first, bios.last, bios.type_code), (2048, 4095, "EF02"))
        self.assertEqual((esp.first, esp.last, esp.type_code), (4096, 135167, "EF00"))
        self.assertEqual(l.total_sectors, 137216)
        self.assertEqual(l.bytes, 137216 * 512)
        self.assertEqual((l.first_usable, l.last_usable), (34, 137182))
        self.assertEqual((l.backup_entries, l.backup_header), (137183, 137215))
        self.assertEqual((l.mbr_first, l.mbr_sectors), (1, 137215))

    def test_esp_grows_past_its_minimum(self):
        # 60 MiB of files + 15 MiB + 2 MiB
        esp = usb_layout.layout_plan(60 * MiB).partition("EF00")
        self.assertEqual(esp.sectors, 77 * MIB_SECTORS)
        esp = usb_layout.layout_plan(60 * MiB + 1).partition("EF00")
        self.assertEqual(esp.sectors, 78 * MIB_SECTORS)

    def test_layout_invariants(self):
        for size in SIZES:
            with self.subTest(size=size):
                l = usb_layout.layout_plan(size)
                total = l.total_sectors
                self.assertEqual(l.primary_header, 1)
                self.assertEqual(l.primary_entries, 2)
                self.assertEqual(l.first_usable, 34)
                self.assertEqual(l.backup_header, total - 1)
                self.assertEqual(l.backup_entries, total - 33)
                self.assertEqual(l.last_usable, total - 34)
                self.assertEqual(total % MIB_SECTORS, 0)
                self.assertEqual(l.mbr_first, 1)
                self.assertEqual(l.mbr_sectors, min(total - 1, 0xFFFFFFFF))

                self.assertEqual([p.number for p in l.partitions], [1, 2])
                prev_last = l.first_usable - 1
                for p in l.partitions:
                    self.assertEqual(p.first % MIB_SECTORS, 0, p)
                    self.assertGreater(p.first, prev_last, p)
                    self.assertGreaterEqual(p.last, p.first, p)
                    self.assertLessEqual(p.last, l.last_usable, p)
                    self.assertEqual(p.sectors % MIB_SECTORS, 0, p)
                    prev_last = p.last

                bios = l.partition("EF02")
                self.assertEqual(bios.sectors, MIB_SECTORS)
                self.assertEqual(bios.type_guid, BIOS_BOOT)
                esp = l.partition("EF00")
                self.assertEqual(esp.type_guid, ESP)
                self.assertGreaterEqual(esp.sectors, 64 * MIB_SECTORS)
                self.assertGreaterEqual(esp.sectors * 512, size * 5 // 4 + 2 * MiB)
                # no more than a MiB of slack on top of the quarter and 2 MiB
                if size * 5 // 4 + 2 * MiB > 64 * MiB:
                    self.assertLess(esp.sectors * 512, size * 5 // 4 + 3 * MiB + 512)
                # the disk ends within a MiB after the backup GPT
                self.assertLess(total - (esp.last + 1 + 33), MIB_SECTORS)

    def test_huge_disk_caps_the_protective_mbr(self):
        l = usb_layout.layout_plan(3 << 40)
        self.assertGreater(l.total_sectors - 1, 0xFFFFFFFF)
        self.assertEqual(l.mbr_sectors, 0xFFFFFFFF)

    def test_bad_sizes_refused(self):
        for bad in (-1, -MiB, 1.5, "5", None, True):
            with self.subTest(bad=bad):
                with self.assertRaises(ValueError):
                    usb_layout.layout_plan(bad)

    def test_command_line(self):
        tool = os.path.join(ROOT, "tools", "usb_layout.py")
        r = subprocess.run([sys.executable, tool, "5000000"], capture_output=True,
                           text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"\n2 EFI system \(EF00\) +4096 +135167 +131072\n")
        self.assertIn("disk: 137216 sectors, 70254592 bytes", r.stdout)
        for bad in ("-5", "lots"):
            r = subprocess.run([sys.executable, tool, bad], capture_output=True,
                               text=True)
            self.assertEqual(r.returncode, 2)
            self.assertEqual(len(r.stderr.splitlines()), 1, r.stderr)
            self.assertTrue(r.stderr.startswith("usb_layout: ESP content size must"))


class Sectors:
    """An image file read by slices, without holding all of it."""

    def __init__(self, path):
        self.path = path

    def __getitem__(self, s):
        if isinstance(s, int):
            return self[s:s + 1][0]
        with open(self.path, "rb") as f:
            f.seek(s.start)
            return f.read(s.stop - s.start)


def guid_text(raw):
    return str(uuid.UUID(bytes_le=raw)).upper()


class Sgdisk(unittest.TestCase):
    """sgdisk writes the plan onto a file; the file is then read back."""

    def setUp(self):
        self.assertIsNotNone(shutil.which("sgdisk"),
                             "sgdisk missing (package gdisk; run tools/setup-deps)")
        self.dir = tempfile.mkdtemp(prefix="test_usb_layout.")

    def tearDown(self):
        shutil.rmtree(self.dir)

    def header(self, data, lba):
        h = data[lba * 512:lba * 512 + 92]
        self.assertEqual(h[:8], b"EFI PART")
        my, alt, first, last = struct.unpack_from("<QQQQ", h, 24)
        entries, count, size = struct.unpack_from("<QII", h, 72)
        return my, alt, first, last, entries, count, size

    def check_image(self, size):
        l = usb_layout.layout_plan(size)
        img = os.path.join(self.dir, "disk.img")
        with open(img, "wb") as f:
            f.truncate(l.bytes)
        r = subprocess.run(["sgdisk"] + usb_layout.layout_sgdisk_args(l) + [img],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        r = subprocess.run(["sgdisk", "--verify", img], capture_output=True, text=True)
        self.assertIn("No problems found", r.stdout)
        self.assertEqual(os.path.getsize(img), l.bytes)  # sgdisk did not grow it
        data = Sectors(img)

        # protective MBR
        self.assertEqual(data[510:512], b"\x55\xaa")
        ptype = data[446 + 4]
        start, count = struct.unpack_from("<II", data[446 + 8:446 + 16])
        self.assertEqual(ptype, 0xEE)
        self.assertEqual((start, count), (l.mbr_first, l.mbr_sectors))

        self.assertEqual(self.header(data, 1), (
            1, l.backup_header, l.first_usable, l.last_usable, l.primary_entries,
            128, 128))
        self.assertEqual(self.header(data, l.backup_header), (
            l.backup_header, 1, l.first_usable, l.last_usable, l.backup_entries,
            128, 128))

        for base in (l.primary_entries, l.backup_entries):
            for i, p in enumerate(l.partitions):
                e = data[base * 512 + i * 128:base * 512 + (i + 1) * 128]
                first, last = struct.unpack_from("<QQ", e, 32)
                self.assertEqual(guid_text(e[:16]), p.type_guid)
                self.assertEqual((first, last), (p.first, p.last))
                self.assertEqual(e[56:].decode("utf-16-le").rstrip("\0"), p.name)
            self.assertEqual(data[base * 512 + 2 * 128:base * 512 + 3 * 128], bytes(128))

    def test_small_image(self):
        self.check_image(5 * 10**6)

    def test_larger_image(self):
        self.check_image(200 * MiB + 12345)


if __name__ == "__main__":
    unittest.main(verbosity=1)
