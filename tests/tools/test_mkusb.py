#!/usr/bin/env python3
"""Host test of tools/mkusb: a fake machine (its /sys, /proc and /dev) is
built in a temporary directory for each case and the tool run on it with
--root. A USB stick is written (a regular file stands in for the device);
every other disk is refused with its one line, and the stand-in is left
exactly as it was.

Run as `python3 tests/tools/test_mkusb.py`; exits non-zero on any failure.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOL = os.path.join(ROOT, "tools", "mkusb")

GiB = 1 << 30
IMAGE_SIZE = 64 << 10
STANDIN_SIZE = 256 << 10
FILL = b"\xaa"

# Where each kind of disk sits under /sys/devices.
USB_DIR = ("devices/pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host6/"
           "target6:0:0/6:0:0:0")
SATA_DIR = "devices/pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0"
NVME_DIR = "devices/pci0000:00/0000:00:1d.0/0000:3d:00.0/nvme/nvme0"


class FakeMachine:
    """A directory with the parts of /sys, /proc and /dev that tools/mkusb
    reads."""

    def __init__(self, top):
        self.top = top
        for d in ("dev", "sys/class/block", "proc/self"):
            os.makedirs(os.path.join(top, d), exist_ok=True)
        self.write("proc/self/mounts",
                   "/dev/vda1 / ext4 rw,relatime 0 0\n"
                   "proc /proc proc rw,nosuid 0 0\n")

    def write(self, rel, text):
        path = os.path.join(self.top, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)

    def link(self, rel, target):
        path = os.path.join(self.top, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        os.symlink(target, path)

    def disk(self, name, devdir, size, ro=0, removable=1, vendor="SanDisk",
             model="Cruzer Blade", partitions=(), standin=True):
        """A whole disk of size bytes below devdir; each partition gets its
        sysfs directory and a /dev node."""
        blk = "sys/%s/block/%s" % (devdir, name)
        self.write(blk + "/size", "%d\n" % (size // 512))
        self.write(blk + "/ro", "%d\n" % ro)
        self.write(blk + "/removable", "%d\n" % removable)
        self.write("sys/%s/model" % devdir, model + "\n")
        if vendor is not None:
            self.write("sys/%s/vendor" % devdir, vendor + "   \n")
        self.link(blk + "/device", "../../../" + devdir.rsplit("/", 1)[1])
        self.link("sys/class/block/" + name, "../../" + blk[len("sys/"):])
        for i, p in enumerate(partitions, 1):
            self.write("%s/%s/partition" % (blk, p), "%d\n" % i)
            self.write("%s/%s/size" % (blk, p), "%d\n" % (size // 1024))
            self.link("sys/class/block/" + p, "../../%s/%s" % (blk[len("sys/"):], p))
            self.write("dev/" + p, "")
        if standin:
            with open(os.path.join(self.top, "dev", name), "wb") as f:
                f.write(FILL * STANDIN_SIZE)

    def holder(self, part, dm, mapper_name):
        """A device-mapper device dm on top of part, as /dev/mapper/NAME."""
        os.makedirs(os.path.join(self.top, "sys/class/block", part, "holders", dm))
        self.write("dev/" + dm, "")
        self.link("dev/mapper/" + mapper_name, "../" + dm)

    def mount(self, source, point):
        with open(os.path.join(self.top, "proc/self/mounts"), "a") as f:
            f.write("%s %s vfat rw,nosuid 0 0\n" % (source, point))

    def content(self, name):
        with open(os.path.join(self.top, "dev", name), "rb") as f:
            return f.read()


class MkUsb(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="test_mkusb.")
        self.m = FakeMachine(os.path.join(self.dir, "root"))
        self.image = os.path.join(self.dir, "hv.img")
        self.image_bytes = bytes((i * 7 + 3) & 0xff for i in range(IMAGE_SIZE))
        with open(self.image, "wb") as f:
            f.write(self.image_bytes)

    def tearDown(self):
        shutil.rmtree(self.dir)

    def run_tool(self, dev, *args, stdin=""):
        return subprocess.run(
            [sys.executable, TOOL, "--root", self.m.top] + list(args) +
            [self.image, dev], input=stdin, capture_output=True, text=True)

    def assert_written(self, r, name):
        self.assertEqual(r.returncode, 0, r.stderr)
        data = self.m.content(name)
        self.assertEqual(data[:IMAGE_SIZE], self.image_bytes)
        self.assertEqual(data[IMAGE_SIZE:], FILL * (STANDIN_SIZE - IMAGE_SIZE))
        self.assertIn("wrote %d bytes to /dev/%s" % (IMAGE_SIZE, name), r.stdout)

    def assert_refused(self, r, words, name="sdb"):
        """Exit status 1, one line on stderr with words in it, and the stand-in
        (if any) as it was."""
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        lines = r.stderr.splitlines()
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertTrue(lines[0].startswith("mkusb: "), lines[0])
        self.assertIn(words, lines[0])
        self.assertNotIn("wrote", r.stdout)
        if os.path.isfile(os.path.join(self.m.top, "dev", name)):
            self.assertEqual(self.m.content(name), FILL * STANDIN_SIZE)

    # -- accepted --

    def test_usb_stick_written_with_yes(self):
        self.m.disk("sdb", USB_DIR, 16 * GiB, partitions=("sdb1",))
        r = self.run_tool("/dev/sdb", "--yes")
        self.assert_written(r, "sdb")
        self.assertIn("SanDisk Cruzer Blade, 16.0 GiB (17179869184 bytes), usb",
                      r.stdout)

    def test_usb_stick_written_after_typed_yes(self):
        self.m.disk("sdb", USB_DIR, 16 * GiB)
        r = self.run_tool("/dev/sdb", stdin="yes\n")
        self.assert_written(r, "sdb")
        shown = r.stdout.split("Type yes:")[0]
        for word in ("SanDisk", "Cruzer Blade", "16.0 GiB", "usb"):
            self.assertIn(word, shown)

    def test_usb_stick_by_id_link_written(self):
        self.m.disk("sdc", USB_DIR, 8 * GiB)
        self.m.link("dev/disk/by-id/usb-SanDisk_Cruzer-0:0", "../../sdc")
        r = self.run_tool("/dev/disk/by-id/usb-SanDisk_Cruzer-0:0", "--yes")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.m.content("sdc")[:IMAGE_SIZE], self.image_bytes)

    def test_huge_stick_written_with_force(self):
        self.m.disk("sdb", USB_DIR, 1024 * GiB)
        self.assert_written(self.run_tool("/dev/sdb", "--yes", "--force"), "sdb")

    def test_stick_of_exactly_image_size_written(self):
        self.m.disk("sdb", USB_DIR, IMAGE_SIZE)
        self.assert_written(self.run_tool("/dev/sdb", "--yes"), "sdb")

    # -- refused --

    def test_answer_other_than_yes_writes_nothing(self):
        self.m.disk("sdb", USB_DIR, 16 * GiB)
        for answer in ("y\n", "YES please\n", ""):
            self.assert_refused(self.run_tool("/dev/sdb", stdin=answer),
                                "nothing written")

    def test_sata_disk_refused(self):
        self.m.disk("sdb", SATA_DIR, 500 * 10**9 // 512 * 512, removable=0,
                    vendor="ATA", model="Samsung SSD 870")
        self.assert_refused(self.run_tool("/dev/sdb", "--yes", "--force"),
                            "/dev/sdb is not a USB disk (transport sata: ATA "
                            "Samsung SSD 870")

    def test_nvme_disk_refused(self):
        self.m.disk("nvme0n1", NVME_DIR, 128 * GiB, removable=0, vendor=None,
                    model="WDC PC SN530")
        self.assert_refused(self.run_tool("/dev/nvme0n1", "--yes"),
                            "/dev/nvme0n1 is not a USB disk (transport nvme",
                            name="nvme0n1")

    def test_partition_refused(self):
        self.m.disk("sdb", USB_DIR, 16 * GiB, partitions=("sdb1",))
        r = self.run_tool("/dev/sdb1", "--yes")
        self.assert_refused(r, "/dev/sdb1 is a partition; give the whole disk "
                            "(/dev/sdb)")
        self.assertEqual(self.m.content("sdb1"), b"")

    def test_mounted_partition_refused(self):
        self.m.disk("sdb", USB_DIR, 16 * GiB, partitions=("sdb1", "sdb2"))
        self.m.mount("/dev/sdb2", "/media/user/STICK\\040B")
        self.assert_refused(self.run_tool("/dev/sdb", "--yes"),
                            "/dev/sdb has /dev/sdb2 mounted on "
                            "/media/user/STICK B; unmount it first")

    def test_mounted_whole_disk_by_uuid_refused(self):
        self.m.disk("sdb", USB_DIR, 16 * GiB)
        self.m.link("dev/disk/by-uuid/1234-ABCD", "../../sdb")
        self.m.mount("/dev/disk/by-uuid/1234-ABCD", "/mnt")
        self.assert_refused(self.run_tool("/dev/sdb", "--yes"),
                            "has /dev/disk/by-uuid/1234-ABCD mounted on /mnt")

    def test_mounted_through_device_mapper_refused(self):
        self.m.disk("sdb", USB_DIR, 16 * GiB, partitions=("sdb1",))
        self.m.holder("sdb1", "dm-0", "stick")
        self.m.mount("/dev/mapper/stick", "/mnt")
        self.assert_refused(self.run_tool("/dev/sdb", "--yes"),
                            "has /dev/mapper/stick mounted on /mnt")

    def test_open_device_mapper_refused(self):
        self.m.disk("sdb", USB_DIR, 16 * GiB, partitions=("sdb1",))
        self.m.holder("sdb1", "dm-0", "stick")
        self.assert_refused(self.run_tool("/dev/sdb", "--yes"),
                            "/dev/sdb is in use by dm-0")

    def test_other_disk_mounted_does_not_refuse(self):
        self.m.disk("sdb", USB_DIR, 16 * GiB, partitions=("sdb1",))
        self.m.mount("/dev/sdb10", "/mnt")  # another name with the same start
        self.assert_written(self.run_tool("/dev/sdb", "--yes"), "sdb")

    def test_mounts_read_from_proc_mounts_without_self(self):
        self.m.disk("sdb", USB_DIR, 16 * GiB, partitions=("sdb1",))
        self.m.mount("/dev/sdb1", "/mnt")
        os.rename(os.path.join(self.m.top, "proc/self/mounts"),
                  os.path.join(self.m.top, "proc/mounts"))
        self.assert_refused(self.run_tool("/dev/sdb", "--yes"),
                            "has /dev/sdb1 mounted on /mnt")

    def test_huge_stick_refused_without_force(self):
        self.m.disk("sdb", USB_DIR, 1024 * GiB)
        self.assert_refused(self.run_tool("/dev/sdb", "--yes"),
                            "/dev/sdb holds 1.0 TiB, more than a USB stick "
                            "usually does (256.0 GiB); give --force")

    def test_stick_just_over_limit_refused(self):
        self.m.disk("sdb", USB_DIR, 256 * GiB + 512)
        self.assert_refused(self.run_tool("/dev/sdb", "--yes"), "give --force")

    def test_stick_at_limit_written(self):
        self.m.disk("sdb", USB_DIR, 256 * GiB)
        self.assert_written(self.run_tool("/dev/sdb", "--yes"), "sdb")

    def test_small_stick_refused_even_with_force(self):
        self.m.disk("sdb", USB_DIR, IMAGE_SIZE - 512)
        self.assert_refused(self.run_tool("/dev/sdb", "--yes", "--force"),
                            "/dev/sdb holds 63.5 KiB, smaller than the image "
                            "(64.0 KiB)")

    def test_read_only_stick_refused(self):
        self.m.disk("sdb", USB_DIR, 16 * GiB, ro=1)
        self.assert_refused(self.run_tool("/dev/sdb", "--yes"),
                            "/dev/sdb is read-only")

    def test_missing_device_refused(self):
        self.m.disk("sdb", USB_DIR, 16 * GiB)
        self.assert_refused(self.run_tool("/dev/sdz", "--yes"),
                            "/dev/sdz: no such device")

    def test_dangling_link_refused(self):
        self.m.link("dev/disk/by-id/usb-gone", "../../sdq")
        self.assert_refused(self.run_tool("/dev/disk/by-id/usb-gone", "--yes"),
                            "/dev/disk/by-id/usb-gone: no such device")

    def test_not_a_block_device_refused(self):
        os.mkfifo(os.path.join(self.m.top, "dev", "ttyUSB0"))
        self.assert_refused(self.run_tool("/dev/ttyUSB0", "--yes"),
                            "/dev/ttyUSB0 is not a block device")

    def test_device_unknown_to_sysfs_refused(self):
        with open(os.path.join(self.m.top, "dev", "sdb"), "wb") as f:
            f.write(FILL * STANDIN_SIZE)
        self.assert_refused(self.run_tool("/dev/sdb", "--yes"),
                            "the kernel has no block device sdb")

    def test_missing_image_refused(self):
        self.m.disk("sdb", USB_DIR, 16 * GiB)
        os.unlink(self.image)
        self.assert_refused(self.run_tool("/dev/sdb", "--yes"),
                            "no such image file")


if __name__ == "__main__":
    unittest.main(verbosity=1)
