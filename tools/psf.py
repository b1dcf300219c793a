"""PC Screen Font (PSF1 and PSF2) files, as the Linux console uses them.

The framebuffer console's font is read from one at build time
(tools/psf2c) and the boot tests read the screen back with the same one
(tools/screen-text). A file that is not a well-formed PSF font raises
PsfError with a message that says what is wrong; nothing is guessed.

PSF1: 4-byte header (magic 36 04, mode, bytes per glyph = height), width
8, 256 or 512 glyphs, then, with mode bit 1 or 2, a Unicode table of
16-bit little-endian code points, each glyph's list ended by 0xFFFF
(0xFFFE starts a sequence of combining characters).
PSF2: 32-byte header (magic 72 b5 4a 86, version 0, header size, flags,
glyph count, bytes per glyph, height, width), then, with flag bit 0, a
Unicode table in UTF-8, each glyph's list ended by 0xFF (0xFE starts a
sequence).
"""

import gzip
import os
import struct
import zlib

# The font the hypervisor's framebuffer console is built with (Makefile
# FB_FONT), from Debian's console-setup-linux.
DEFAULT_FONT = "/usr/share/consolefonts/Lat15-VGA16.psf.gz"

PSF1_MAGIC = b"\x36\x04"
PSF1_MODE512 = 0x01
PSF1_MODEHASTAB = 0x02
PSF1_MODESEQ = 0x04
PSF1_SEPARATOR = 0xFFFF
PSF1_STARTSEQ = 0xFFFE

PSF2_MAGIC = b"\x72\xb5\x4a\x86"
PSF2_HEADER = struct.Struct("<4sIIIIIII")
PSF2_HAS_UNICODE_TABLE = 0x01
PSF2_SEPARATOR = 0xFF
PSF2_STARTSEQ = 0xFE

MAX_SIDE = 64          # pixels: anything larger is not a console font
MAX_GLYPHS = 65536


class PsfError(Exception):
    pass


class Font:
    """width x height glyphs; glyphs[i] is a tuple of height rows, each an
    int whose bit (width - 1 - x) is pixel x (the leftmost pixel is the
    most significant bit, as in the file). unicode maps a code point to the
    first glyph that lists it (sequences are left out)."""

    def __init__(self, version, width, height, glyphs, unicode):
        self.version = version
        self.width = width
        self.height = height
        self.glyphs = glyphs
        self.unicode = unicode

    def glyph_for(self, codepoint):
        return self.unicode.get(codepoint)


def _rows(data, offset, count, height, row_bytes):
    glyphs = []
    size = height * row_bytes
    for g in range(count):
        base = offset + g * size
        glyphs.append(tuple(
            int.from_bytes(data[base + r * row_bytes:base + (r + 1) * row_bytes], "big")
            for r in range(height)))
    return glyphs


def _psf1(data, name):
    if len(data) < 4:
        raise PsfError("%s: PSF1 header cut short (%d bytes)" % (name, len(data)))
    mode, charsize = data[2], data[3]
    if mode & ~(PSF1_MODE512 | PSF1_MODEHASTAB | PSF1_MODESEQ):
        raise PsfError("%s: PSF1 mode 0x%02x has unknown bits" % (name, mode))
    if charsize == 0 or charsize > MAX_SIDE:
        raise PsfError("%s: PSF1 glyph height %d is not 1..%d" % (name, charsize, MAX_SIDE))
    count = 512 if mode & PSF1_MODE512 else 256
    end = 4 + count * charsize
    if len(data) < end:
        raise PsfError("%s: %d glyphs of %d bytes need %d bytes, the file has %d"
                       % (name, count, charsize, end, len(data)))
    glyphs = _rows(data, 4, count, charsize, 1)
    unicode = {}
    if mode & (PSF1_MODEHASTAB | PSF1_MODESEQ):
        table = data[end:]
        if len(table) % 2:
            raise PsfError("%s: PSF1 Unicode table has an odd length (%d bytes)"
                           % (name, len(table)))
        words = struct.unpack("<%dH" % (len(table) // 2), table)
        glyph, in_seq = 0, False
        for w in words:
            if glyph >= count:
                raise PsfError("%s: PSF1 Unicode table lists more than %d glyphs"
                               % (name, count))
            if w == PSF1_SEPARATOR:
                glyph, in_seq = glyph + 1, False
            elif w == PSF1_STARTSEQ:
                in_seq = True
            elif not in_seq:
                unicode.setdefault(w, glyph)
        if glyph != count:
            raise PsfError("%s: PSF1 Unicode table ends after %d of %d glyphs"
                           % (name, glyph, count))
    elif len(data) != end:
        raise PsfError("%s: %d bytes after the glyphs, and no Unicode table"
                       % (name, len(data) - end))
    return Font(1, 8, charsize, glyphs, unicode)


def _utf8_codepoints(chunk, name):
    try:
        return [ord(c) for c in chunk.decode("utf-8")]
    except UnicodeDecodeError as e:
        raise PsfError("%s: PSF2 Unicode table is not UTF-8 (%s)" % (name, e))


def _psf2(data, name):
    if len(data) < PSF2_HEADER.size:
        raise PsfError("%s: PSF2 header cut short (%d bytes)" % (name, len(data)))
    (_, version, headersize, flags, count, charsize, height,
     width) = PSF2_HEADER.unpack_from(data)
    if version != 0:
        raise PsfError("%s: PSF2 version %d (only 0 exists)" % (name, version))
    if headersize < PSF2_HEADER.size or headersize > len(data):
        raise PsfError("%s: PSF2 header size %d is not %d..%d"
                       % (name, headersize, PSF2_HEADER.size, len(data)))
    if flags & ~PSF2_HAS_UNICODE_TABLE:
        raise PsfError("%s: PSF2 flags 0x%x have unknown bits" % (name, flags))
    if not 0 < width <= MAX_SIDE or not 0 < height <= MAX_SIDE:
        raise PsfError("%s: PSF2 glyphs of %dx%d (each side must be 1..%d)"
                       % (name, width, height, MAX_SIDE))
    row_bytes = (width + 7) // 8
    if charsize != height * row_bytes:
        raise PsfError("%s: PSF2 says %d bytes per glyph, but %dx%d takes %d"
                       % (name, charsize, width, height, height * row_bytes))
    if not 0 < count <= MAX_GLYPHS:
        raise PsfError("%s: PSF2 glyph count %d is not 1..%d" % (name, count, MAX_GLYPHS))
    end = headersize + count * charsize
    if len(data) < end:
        raise PsfError("%s: %d glyphs of %d bytes need %d bytes, the file has %d"
                       % (name, count, charsize, end, len(data)))
    glyphs = _rows(data, headersize, count, height, row_bytes)
    unicode = {}
    if flags & PSF2_HAS_UNICODE_TABLE:
        table = data[end:]
        glyph, pos = 0, 0
        while pos < len(table):
            if glyph >= count:
                raise PsfError("%s: PSF2 Unicode table lists more than %d glyphs"
                               % (name, count))
            stop = table.find(bytes([PSF2_SEPARATOR]), pos)
            if stop < 0:
                raise PsfError("%s: PSF2 Unicode table ends inside glyph %d's list"
                               % (name, glyph))
            entry = table[pos:stop]
            seq = entry.find(bytes([PSF2_STARTSEQ]))
            singles = entry if seq < 0 else entry[:seq]
            for cp in _utf8_codepoints(singles, name):
                unicode.setdefault(cp, glyph)
            glyph, pos = glyph + 1, stop + 1
        if glyph != count:
            raise PsfError("%s: PSF2 Unicode table ends after %d of %d glyphs"
                           % (name, glyph, count))
    return Font(2, width, height, glyphs, unicode)


def parse(data, name="font"):
    """A Font from the bytes of a PSF1 or PSF2 file (gzip-compressed or
    not); PsfError when they are not one."""
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as e:
            raise PsfError("%s: bad gzip data (%s)" % (name, e))
    if data[:4] == PSF2_MAGIC:
        return _psf2(data, name)
    if data[:2] == PSF1_MAGIC:
        return _psf1(data, name)
    raise PsfError("%s: not a PSF font (magic %s; PSF1 is 36 04, PSF2 72 b5 4a 86)"
                   % (name, data[:4].hex(" ") or "missing"))


def load(path):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise PsfError("%s: %s" % (path, e.strerror or e))
    return parse(data, os.path.basename(path))


# The bytes the hypervisor prints are shown as Latin-1 (U+0000..U+00FF);
# those that are not printable characters there get the replacement glyph.
def _printable_latin1(b):
    return 0x20 <= b <= 0x7E or 0xA0 <= b <= 0xFF


def byte_glyphs(font, name="font"):
    """256 glyph indexes, one for each byte value the console may be given:
    the font's glyph for that Latin-1 character, else its replacement
    glyph (U+FFFD, else '?'). Raises PsfError when the font lacks a
    printable ASCII character. A font without a Unicode table is taken to
    be laid out in code order (glyph N for byte N)."""
    if font.unicode:
        lookup = font.glyph_for
    else:
        lookup = lambda cp: cp if cp < len(font.glyphs) else None
    for cp in range(0x20, 0x7F):
        if lookup(cp) is None:
            raise PsfError("%s: no glyph for U+%04X %r: not a Latin font" % (name, cp, chr(cp)))
    replacement = lookup(0xFFFD)
    if replacement is None:
        replacement = lookup(ord("?"))
    table = []
    for b in range(256):
        g = lookup(b) if _printable_latin1(b) else None
        table.append(replacement if g is None else g)
    return table


if __name__ == "__main__":
    import sys
    for path in sys.argv[1:]:
        try:
            f = load(path)
        except PsfError as e:
            print("error:", e)
            continue
        print("%s: PSF%d, %d glyphs of %dx%d, %d code points"
              % (path, f.version, len(f.glyphs), f.width, f.height, len(f.unicode)))
