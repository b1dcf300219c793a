#!/usr/bin/env python3
"""The layout of the USB disk image, in 512-byte sectors (LBAs).

    LBA 0              protective MBR: one partition of type 0xEE over the
                       rest of the disk (up to 2^32-1 sectors)
    LBA 1              primary GPT header
    LBA 2-33           primary GPT entries: 128 entries of 128 bytes
    1 MiB, 1 MiB       partition 1, BIOS boot (EF02): GRUB's core image for
                       legacy BIOS, written by grub-bios-setup
    2 MiB, ESP size    partition 2, EFI system (EF00), FAT32: the native UEFI
                       application and GRUB for UEFI
    end - 33 .. end-2  backup GPT entries
    end - 1            backup GPT header

The ESP is the content plus a quarter plus 2 MiB for FAT tables and
directories, rounded up to whole MiB, and never under 64 MiB (FAT32 needs
65525 clusters; 64 MiB of 512-byte clusters has twice that). The disk ends
on a whole MiB after the backup GPT.

layout_plan() is pure: it only computes. layout_sgdisk_args() turns a plan
into sgdisk arguments for an image file of layout.bytes bytes. Run as a
program, it prints the plan for an ESP content size in bytes.
"""

import sys
from dataclasses import dataclass

SECTOR = 512
MIB = (1 << 20) // SECTOR  # sectors in a MiB
GPT_ENTRY_COUNT = 128
GPT_ENTRY_SIZE = 128
GPT_ENTRY_SECTORS = GPT_ENTRY_COUNT * GPT_ENTRY_SIZE // SECTOR  # 32
BIOS_BOOT_SECTORS = MIB
ESP_MIN_SECTORS = 64 * MIB
ESP_SLACK_SECTORS = 2 * MIB
MBR_MAX_SECTORS = 0xFFFFFFFF

BIOS_BOOT_GUID = "21686148-6449-6E6F-744E-656564454649"
ESP_GUID = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B"


@dataclass(frozen=True)
class Partition:
    number: int
    name: str
    type_code: str  # sgdisk's short code
    type_guid: str
    first: int  # first LBA
    last: int  # last LBA, inclusive

    @property
    def sectors(self):
        return self.last - self.first + 1


@dataclass(frozen=True)
class Layout:
    total_sectors: int
    mbr_first: int  # the protective MBR partition
    mbr_sectors: int
    primary_header: int
    primary_entries: int  # first LBA of the entry array
    first_usable: int
    last_usable: int
    backup_entries: int
    backup_header: int
    partitions: tuple

    @property
    def bytes(self):
        return self.total_sectors * SECTOR

    def partition(self, type_code):
        return next(p for p in self.partitions if p.type_code == type_code)


def round_up(n, to):
    return (n + to - 1) // to * to


def esp_sectors(content_bytes):
    """Sectors of an ESP that holds content_bytes of files with room to
    spare: whole MiB, at least ESP_MIN_SECTORS."""
    content = (content_bytes + SECTOR - 1) // SECTOR
    want = content + content // 4 + ESP_SLACK_SECTORS
    return max(ESP_MIN_SECTORS, round_up(want, MIB))


def layout_plan(esp_content_bytes):
    """The disk layout for an ESP holding esp_content_bytes of files.
    Partitions start on whole MiB, lie between the GPTs and do not overlap;
    the backup GPT fills the disk's last 33 sectors. Raises ValueError for a
    size that is not a whole number of bytes >= 0."""
    if isinstance(esp_content_bytes, bool) or not isinstance(esp_content_bytes, int):
        raise ValueError("ESP content size must be a whole number of bytes, not %r"
                         % (esp_content_bytes,))
    if esp_content_bytes < 0:
        raise ValueError("ESP content size must not be negative (%d)" % esp_content_bytes)

    first_usable = 1 + 1 + GPT_ENTRY_SECTORS  # 34
    bios = Partition(1, "BIOS boot", "EF02", BIOS_BOOT_GUID, MIB,
                     MIB + BIOS_BOOT_SECTORS - 1)
    esp_first = round_up(bios.last + 1, MIB)
    esp = Partition(2, "EFI system", "EF00", ESP_GUID, esp_first,
                    esp_first + esp_sectors(esp_content_bytes) - 1)
    total = round_up(esp.last + 1 + GPT_ENTRY_SECTORS + 1, MIB)
    return Layout(
        total_sectors=total,
        mbr_first=1,
        mbr_sectors=min(total - 1, MBR_MAX_SECTORS),
        primary_header=1,
        primary_entries=2,
        first_usable=first_usable,
        last_usable=total - 1 - GPT_ENTRY_SECTORS - 1,
        backup_entries=total - 1 - GPT_ENTRY_SECTORS,
        backup_header=total - 1,
        partitions=(bios, esp),
    )


def layout_sgdisk_args(layout):
    """sgdisk arguments that write the plan's GPT and protective MBR onto
    an image file of layout.bytes bytes."""
    args = ["--clear"]
    for p in layout.partitions:
        args += ["--new=%d:%d:%d" % (p.number, p.first, p.last),
                 "--typecode=%d:%s" % (p.number, p.type_code),
                 "--change-name=%d:%s" % (p.number, p.name)]
    return args


def layout_describe(layout):
    """The plan as lines of text."""
    lines = ["%-20s %10s %10s %10s" % ("", "first LBA", "last LBA", "sectors"),
             "%-20s %10d %10d %10d" % ("protective MBR", 0, 0, 1),
             "%-20s %10d %10d %10d" % ("primary GPT header", 1, 1, 1),
             "%-20s %10d %10d %10d" % ("primary GPT entries", layout.primary_entries,
                                        layout.primary_entries + GPT_ENTRY_SECTORS - 1,
                                        GPT_ENTRY_SECTORS)]
    for p in layout.partitions:
        lines.append("%-20s %10d %10d %10d" % ("%d %s (%s)" % (p.number, p.name, p.type_code),
                                                p.first, p.last, p.sectors))
    lines.append("%-20s %10d %10d %10d" % ("backup GPT entries", layout.backup_entries,
                                            layout.backup_header - 1, GPT_ENTRY_SECTORS))
    lines.append("%-20s %10d %10d %10d" % ("backup GPT header", layout.backup_header,
                                            layout.backup_header, 1))
    lines.append("disk: %d sectors, %d bytes" % (layout.total_sectors, layout.bytes))
    return lines


def main(argv):
    if len(argv) != 1 or argv[0] in ("-h", "--help"):
        print("usage: tools/usb_layout.py ESP_CONTENT_BYTES", file=sys.stderr)
        return 0 if argv and argv[0] in ("-h", "--help") else 2
    try:
        try:
            size = int(argv[0], 0)
        except ValueError:
            raise ValueError("ESP content size must be a whole number of bytes, "
                             "not %r" % argv[0])
        layout = layout_plan(size)
    except ValueError as e:
        print("usb_layout: %s" % e, file=sys.stderr)
        return 2
    print("\n".join(layout_describe(layout)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
