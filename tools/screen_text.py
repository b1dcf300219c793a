#!/usr/bin/env python3
"""Read the text of a screen picture back, cell by cell, with a PSF font.

usage: tools/screen_text.py [--font FONT] SHOT.ppm

The hypervisor's framebuffer console (arch/x86/fb_text.c) draws 8x16
cells from the top-left pixel, light foreground on a black background,
with the font the build used (tools/psf.py DEFAULT_FONT). This reads a
picture of such a screen (binary PPM, as QEMU's screendump writes it)
and matches each whole cell against every glyph of the font: a pixel is
lit when any of its colours is at least 0x40, and a cell is the character
whose glyph lights exactly those pixels (an unknown cell reads as U+FFFD).
Rows are printed with trailing blanks removed.

Used by tools/run --screen-dump and tools/boot-test --screen, so that a
machine without a serial port is judged by what its screen shows.
"""

import argparse
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import psf  # noqa: E402

UNKNOWN = "\ufffd"
LIT = 0x40  # a channel at least this bright lights the pixel


class PpmError(Exception):
    pass


def read_ppm(data):
    """(width, height, rgb bytes) of a binary PPM (P6, maxval 255)."""
    fields, pos = [], 0
    while len(fields) < 4:
        while pos < len(data) and data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            while pos < len(data) and data[pos:pos + 1] != b"\n":
                pos += 1
            continue
        start = pos
        while pos < len(data) and not data[pos:pos + 1].isspace():
            pos += 1
        if start == pos:
            raise PpmError("PPM header cut short")
        fields.append(data[start:pos])
    if fields[0] != b"P6":
        raise PpmError("not a binary PPM (magic %r)" % fields[0])
    try:
        width, height, maxval = (int(f) for f in fields[1:])
    except ValueError:
        raise PpmError("bad PPM header %r" % b" ".join(fields))
    if maxval != 255:
        raise PpmError("PPM maxval %d (only 255 is read)" % maxval)
    pixels = data[pos + 1:]
    if len(pixels) < width * height * 3:
        raise PpmError("PPM of %dx%d has %d bytes of pixels, not %d"
                       % (width, height, len(pixels), width * height * 3))
    return width, height, pixels


# Lit pixels as bytes 0/1, one per pixel.
_LIT_TABLE = bytes(1 if v >= LIT else 0 for v in range(256))


def _lit_row(rgb_row, width):
    r = int.from_bytes(rgb_row[0::3].translate(_LIT_TABLE), "big")
    g = int.from_bytes(rgb_row[1::3].translate(_LIT_TABLE), "big")
    b = int.from_bytes(rgb_row[2::3].translate(_LIT_TABLE), "big")
    return (r | g | b).to_bytes(width, "big")


def glyph_keys(font):
    """The lit pattern of each character's glyph -> the character; ASCII
    first, so that a Latin-1 look-alike never replaces it."""
    table = psf.byte_glyphs(font)
    order = list(range(0x20, 0x7F)) + [b for b in range(256) if not 0x20 <= b < 0x7F]
    keys = {}
    for b in order:
        rows = font.glyphs[table[b]]
        key = b"".join(bytes((row >> (font.width - 1 - x)) & 1 for x in range(font.width))
                       for row in rows)
        keys.setdefault(key, chr(b) if 0x20 <= b < 0x7F or b >= 0xA0 else UNKNOWN)
    return keys


def read_text(ppm_bytes, font):
    """The rows of text of the picture, trailing blanks removed."""
    width, height, pixels = read_ppm(ppm_bytes)
    keys = glyph_keys(font)
    cw, ch = font.width, font.height
    columns, rows = width // cw, height // ch
    lines = []
    for r in range(rows):
        lit = [_lit_row(pixels[(r * ch + y) * width * 3:(r * ch + y + 1) * width * 3], width)
               for y in range(ch)]
        out = []
        for c in range(columns):
            key = b"".join(row[c * cw:(c + 1) * cw] for row in lit)
            out.append(keys.get(key, UNKNOWN))
        lines.append("".join(out).rstrip())
    return lines


# The console draws light grey (FB_TEXT_FG, 0xaa) on black: a channel of
# a lit pixel may be off by the rounding of a 5- or 6-bit colour.
FG_RANGE = range(0xA0, 0xB5)


def check_colours(ppm_bytes):
    """None when every lit pixel of the picture is the console's grey, all
    three channels of it: else what is wrong (a colour drawn in the wrong
    place of a pixel, or a channel left out, shows here)."""
    _, _, pixels = read_ppm(ppm_bytes)
    other = bytes(1 if v >= LIT and v not in FG_RANGE else 0 for v in range(256))
    grey = bytes(1 if v in FG_RANGE else 0 for v in range(256))
    stray = pixels.translate(other).count(1)
    if stray:
        return "%d colour bytes of lit pixels are not the console's grey (0x%02x-0x%02x)" % (
            stray, FG_RANGE[0], FG_RANGE[-1])
    counts = [pixels[i::3].translate(grey).count(1) for i in range(3)]
    if len(set(counts)) != 1:
        return "lit pixels do not have all three colours: red, green, blue lit %d, %d, %d times" % tuple(counts)
    return None


# The start of every line the hypervisor logs: "[    0.123456] cpu3 ".
LOG_PREFIX = re.compile(r"^\[[ 0-9.]+\] cpu[0-9]+ ")


def join_log_lines(rows, columns):
    """The log's lines from the rows of a screen `columns` wide: a row
    that does not start with a log prefix continues the line before it,
    which filled its rows (blanks at its end were dropped: they are put
    back). Blank rows end a line. What comes before the first prefix is
    kept as it is."""
    lines = []
    joinable = False
    for row in rows:
        if LOG_PREFIX.match(row) or not joinable:
            lines.append(row)
            joinable = bool(LOG_PREFIX.match(row))
        elif not row:
            joinable = False
        else:
            last = lines[-1]
            pad = (-len(last)) % columns if last else 0
            lines[-1] = last + " " * pad + row
    return [line for line in lines if line]


def read_file(path, font_path=psf.DEFAULT_FONT):
    with open(path, "rb") as f:
        data = f.read()
    return read_text(data, psf.load(font_path))


def read_log_file(path, font_path=psf.DEFAULT_FONT):
    """The log's lines on the picture at path, wrapped rows joined."""
    font = psf.load(font_path)
    with open(path, "rb") as f:
        data = f.read()
    width = read_ppm(data)[0]
    return join_log_lines(read_text(data, font), width // font.width)


def main(argv):
    p = argparse.ArgumentParser(prog="tools/screen_text.py", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--font", default=psf.DEFAULT_FONT,
                   help="PSF font (default: %(default)s)")
    p.add_argument("picture", help="binary PPM (QEMU screendump)")
    args = p.parse_args(argv)
    try:
        lines = read_file(args.picture, args.font)
    except (OSError, PpmError, psf.PsfError) as e:
        print("screen_text: %s" % e, file=sys.stderr)
        return 1
    while lines and not lines[-1]:
        lines.pop()
    sys.stdout.write("".join(line + "\n" for line in lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
