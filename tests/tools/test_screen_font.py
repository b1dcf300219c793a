#!/usr/bin/env python3
"""Host test of the framebuffer console's font tools: tools/psf.py (PSF1 and
PSF2 parsing and every refusal), tools/psf2c (the C table, and a bad font
stopping the build with the reason), and tools/screen_text.py (reading the
text back from a picture drawn with the font, wrapped log lines joined).

Run as `python3 tests/tools/test_screen_font.py`; exits non-zero on any
failure.
"""

import gzip
import os
import struct
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(ROOT, "tools"))
import psf  # noqa: E402
import screen_text  # noqa: E402

# 'A' of the VGA font, rows of 8 pixels.
GLYPH_A = (0x00, 0x00, 0x10, 0x38, 0x6c, 0xc6, 0xc6, 0xfe,
           0xc6, 0xc6, 0xc6, 0xc6, 0x00, 0x00, 0x00, 0x00)


def psf1(glyphs, height=16, table=None, mode=None):
    """A PSF1 file: glyphs is a list of `height`-byte strings; table a list
    (one per glyph) of lists of code points, or None."""
    if mode is None:
        mode = (0x01 if len(glyphs) == 512 else 0) | (0x02 if table is not None else 0)
    data = b"\x36\x04" + bytes([mode, height]) + b"".join(glyphs)
    if table is not None:
        for cps in table:
            data += b"".join(struct.pack("<H", cp) for cp in cps) + b"\xff\xff"
    return data


def psf2(glyphs, width, height, table=None, version=0, headersize=32,
         charsize=None, count=None):
    row_bytes = (width + 7) // 8
    charsize = height * row_bytes if charsize is None else charsize
    count = len(glyphs) if count is None else count
    header = struct.pack("<4sIIIIIII", b"\x72\xb5\x4a\x86", version, headersize,
                         1 if table is not None else 0, count, charsize, height, width)
    data = header + b"\0" * (headersize - 32) + b"".join(glyphs)
    if table is not None:
        for entry in table:
            data += entry + b"\xff"
    return data


def blank_glyphs(n, size=16):
    return [bytes(size) for _ in range(n)]


class Psf(unittest.TestCase):
    def refused(self, data, message):
        with self.assertRaises(psf.PsfError) as cm:
            psf.parse(data, "f")
        self.assertIn(message, str(cm.exception))

    def test_the_console_font(self):
        font = psf.load(psf.DEFAULT_FONT)
        self.assertEqual((font.version, font.width, font.height), (1, 8, 16))
        self.assertEqual(len(font.glyphs), 256)
        self.assertEqual(font.glyphs[font.glyph_for(ord("A"))], GLYPH_A)
        table = psf.byte_glyphs(font)
        self.assertEqual(table[ord("A")], font.glyph_for(ord("A")))
        # Control bytes and bytes without a glyph show the replacement.
        self.assertEqual(table[0x1b], font.glyph_for(0xFFFD))
        self.assertEqual(table[0x00], table[0x9f])

    def test_psf1_unicode_table(self):
        glyphs = blank_glyphs(256)
        glyphs[5] = bytes(GLYPH_A)
        table = [[] for _ in range(256)]
        table[5] = [0x41, 0x391]             # A and Greek Alpha
        table[6] = [0x42, 0xFFFE, 0x43, 0x301]  # B, then a sequence
        table[7] = [0x41]                     # a second A: the first wins
        font = psf.parse(psf1(glyphs, table=table))
        self.assertEqual(font.glyph_for(0x41), 5)
        self.assertEqual(font.glyph_for(0x391), 5)
        self.assertEqual(font.glyph_for(0x42), 6)
        self.assertIsNone(font.glyph_for(0x43))  # only in a sequence
        self.assertEqual(font.glyphs[5], GLYPH_A)

    def test_psf1_512_glyphs_gzip(self):
        data = gzip.compress(psf1(blank_glyphs(512, 14), height=14))
        font = psf.parse(data)
        self.assertEqual((len(font.glyphs), font.width, font.height), (512, 8, 14))
        self.assertEqual(font.unicode, {})

    def test_psf2_wide_glyphs_and_utf8_table(self):
        # 12 pixels wide: two bytes a row, the leftmost pixel the top bit.
        glyph = bytes([0x80, 0x10] + [0] * 30)
        table = ["A".encode(), "é".encode() + b"\xfe" + "e\u0301".encode(), b""]
        font = psf.parse(psf2([glyph, bytes(32), bytes(32)], 12, 16, table))
        self.assertEqual((font.version, font.width, font.height), (2, 12, 16))
        self.assertEqual(font.glyphs[0][0], 0x8010)
        self.assertEqual(font.glyph_for(0x41), 0)
        self.assertEqual(font.glyph_for(0xE9), 1)
        self.assertIsNone(font.glyph_for(0x65))  # only in a sequence
        # A larger header is skipped.
        font = psf.parse(psf2([glyph], 12, 16, headersize=40))
        self.assertEqual(font.glyphs[0][0], 0x8010)

    def test_refusals(self):
        good1 = psf1(blank_glyphs(256), table=[[] for _ in range(256)])
        self.refused(b"", "not a PSF font (magic missing")
        self.refused(b"hello world", "not a PSF font (magic 68 65 6c 6c")
        self.refused(b"\x36\x04\x00", "PSF1 header cut short")
        self.refused(good1[:1000], "256 glyphs of 16 bytes need 4100 bytes, the file has 1000")
        self.refused(psf1(blank_glyphs(256), mode=0x08), "PSF1 mode 0x08 has unknown bits")
        self.refused(b"\x36\x04\x00\x00", "PSF1 glyph height 0 is not 1..64")
        self.refused(good1[:-2], "PSF1 Unicode table ends after 255 of 256 glyphs")
        self.refused(good1 + b"\xff\xff", "PSF1 Unicode table lists more than 256 glyphs")
        self.refused(good1 + b"\x41", "PSF1 Unicode table has an odd length")
        self.refused(psf1(blank_glyphs(256)) + b"xx", "2 bytes after the glyphs, and no Unicode table")
        g = [bytes(16)]
        self.refused(psf2(g, 8, 16)[:20], "PSF2 header cut short")
        self.refused(psf2(g, 8, 16, version=1), "PSF2 version 1")
        self.refused(psf2(g, 8, 16, headersize=16), "PSF2 header size 16 is not 32..")
        self.refused(psf2(g, 8, 16, charsize=15), "PSF2 says 15 bytes per glyph, but 8x16 takes 16")
        self.refused(psf2(g, 0, 16), "PSF2 glyphs of 0x16")
        self.refused(psf2(g, 8, 16, count=0), "PSF2 glyph count 0")
        self.refused(psf2(g, 8, 16, count=2), "2 glyphs of 16 bytes need 64 bytes, the file has 48")
        self.refused(psf2(g, 8, 16, table=[b"A", b"B"]), "PSF2 Unicode table lists more than 1 glyphs")
        self.refused(psf2(g, 8, 16, table=[b"A"])[:-1], "ends inside glyph 0's list")
        self.refused(psf2(g, 8, 16, table=[b"\xc3"]), "PSF2 Unicode table is not UTF-8")
        self.refused(b"\x1f\x8b" + b"garbage", "bad gzip data")

    def test_not_latin(self):
        glyphs = blank_glyphs(256)
        table = [[] for _ in range(256)]
        for b in range(0x20, 0x7F):
            table[b] = [b]
        table[ord("Q")] = [0x51F]
        font = psf.parse(psf1(glyphs, table=table))
        with self.assertRaises(psf.PsfError) as cm:
            psf.byte_glyphs(font, "f")
        self.assertIn("no glyph for U+0051 'Q': not a Latin font", str(cm.exception))


class Psf2c(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()

    def tearDown(self):
        subprocess.call(["rm", "-rf", self.tmp])

    def psf2c(self, font):
        out = os.path.join(self.tmp, "font.c")
        p = subprocess.run([os.path.join(ROOT, "tools", "psf2c"), font, "-o", out],
                           capture_output=True, text=True)
        return p.returncode, p.stderr, out

    def test_table(self):
        status, err, out = self.psf2c(psf.DEFAULT_FONT)
        self.assertEqual((status, err), (0, ""))
        with open(out) as f:
            text = f.read()
        self.assertIn('.name = "Lat15-VGA16"', text)
        self.assertIn("[0x41] = { %s }, /* A */" % ", ".join("0x%02x" % r for r in GLYPH_A),
                      text)
        self.assertEqual(text.count("\t\t[0x"), 256)

    def test_bad_font_stops_the_build(self):
        bad = os.path.join(self.tmp, "bad.psf")
        with open(bad, "wb") as f:
            f.write(psf1(blank_glyphs(256))[:100])
        status, err, out = self.psf2c(bad)
        self.assertEqual(status, 1)
        self.assertIn("psf2c: bad.psf: 256 glyphs of 16 bytes need 4100 bytes", err)
        self.assertFalse(os.path.exists(out))

    def test_wide_font_refused(self):
        wide = os.path.join(self.tmp, "wide.psf")
        with open(wide, "wb") as f:
            f.write(psf2(blank_glyphs(256, 32), 16, 16))
        status, err, out = self.psf2c(wide)
        self.assertEqual(status, 1)
        self.assertIn("glyphs 16 pixels wide; the console takes at most 8", err)


def picture(rows, font, columns, fg=(0xaa, 0xaa, 0xaa), extra_rows=1):
    """A PPM of text rows drawn as the console draws them (cells from the
    top left), `columns` cells wide."""
    table = psf.byte_glyphs(font)
    width = columns * font.width + 5  # a partial cell at the right
    height = (len(rows) + extra_rows) * font.height
    px = bytearray(width * height * 3)
    for r, text in enumerate(rows):
        for c, ch in enumerate(text):
            glyph = font.glyphs[table[ord(ch)]]
            for y in range(font.height):
                for x in range(font.width):
                    if glyph[y] >> (font.width - 1 - x) & 1:
                        o = ((r * font.height + y) * width + c * font.width + x) * 3
                        px[o:o + 3] = bytes(fg)
    return b"P6\n# made by a test\n%d %d\n255\n" % (width, height) + bytes(px)


class ScreenText(unittest.TestCase):
    font = psf.load(psf.DEFAULT_FONT)

    def test_reads_what_was_drawn(self):
        rows = ["[    0.1] cpu0 hv: done: PASS", "0O1lI|{}~`'\"@#$%^&*()_+-=",
                "", "    indented   "]
        lines = screen_text.read_text(picture(rows, self.font, 32), self.font)
        self.assertEqual(lines, [r.rstrip() for r in rows] + [""])

    def test_dim_or_coloured_text(self):
        # A 16 bpp screen's grey, or one colour alone, still lights a pixel.
        for fg in ((0xad, 0xaa, 0xad), (0x00, 0x50, 0x00), (0xff, 0, 0)):
            lines = screen_text.read_text(picture(["Mixed 42"], self.font, 10, fg),
                                          self.font)
            self.assertEqual(lines[0], "Mixed 42", fg)
        lines = screen_text.read_text(picture(["dark"], self.font, 10, (0x3f, 0x3f, 0x3f)),
                                      self.font)
        self.assertEqual(lines[0], "")

    def test_colours(self):
        for fg in ((0xaa, 0xaa, 0xaa), (0xad, 0xa8, 0xad)):
            self.assertIsNone(screen_text.check_colours(picture(["ok"], self.font, 4, fg)))
        wrong = screen_text.check_colours(picture(["ok"], self.font, 4, (0, 0xaa, 0xaa)))
        self.assertRegex(wrong, r"red, green, blue lit 0, (\d+), \1 times")
        wrong = screen_text.check_colours(picture(["ok"], self.font, 4, (0xff, 0xaa, 0xaa)))
        self.assertRegex(wrong, r"^\d+ colour bytes of lit pixels are not the console's grey")

    def test_unknown_cell(self):
        data = bytearray(picture(["ab"], self.font, 4))
        header = len(data) - (4 * 8 + 5) * 32 * 3
        data[header + 3 * 7] = 0xff  # a stray pixel in the first cell
        lines = screen_text.read_text(bytes(data), self.font)
        self.assertEqual(lines[0], screen_text.UNKNOWN + "b")

    def test_bad_pictures(self):
        for data, message in ((b"P5\n1 1\n255\n\0", "not a binary PPM"),
                              (b"P6\n2 2\n255\n\0\0\0", "has 3 bytes of pixels, not 12"),
                              (b"P6\n2 2\n65535\n", "maxval 65535"),
                              (b"P6\n2", "header cut short")):
            with self.assertRaises(screen_text.PpmError) as cm:
                screen_text.read_text(data, self.font)
            self.assertIn(message, str(cm.exception))

    def test_join_wrapped_log_lines(self):
        rows = ["GRUB leftovers",
                "[    0.100000] cpu0 hv: summary a=1 b=2 c=3",
                "d=4 e=5",  # continues the row above, which ended in a blank
                "[    0.200000] cpu1 hv: done: PASS",
                "", "", "stray"]
        lines = screen_text.join_log_lines(rows, 44)
        self.assertEqual(lines, ["GRUB leftovers",
                                 "[    0.100000] cpu0 hv: summary a=1 b=2 c=3 d=4 e=5",
                                 "[    0.200000] cpu1 hv: done: PASS", "stray"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
