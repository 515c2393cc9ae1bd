"""Builders shared by tests of several apps: hostile files (a decompression bomb, an XLSX that
unzips to far more than it weighs)."""

from __future__ import annotations

import functools
import io
import re
import struct
import zipfile
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


@functools.cache
def png_bomb_bytes(width: int = 12000, height: int = 12000) -> bytes:
    """A valid black RGB PNG of ``width`` × ``height`` pixels that weighs a few hundred KB (12000 ×
    12000: about 420 KB, as ``Image.new("RGB", (12000, 12000)).save(buf, "PNG", optimize=True)`` gives,
    but built in under a second: the rows are deflated once and the compressed block repeated)."""
    row = b"\x00" * (1 + 3 * width)  # filter byte 0, then black pixels
    per_block = 100
    block = row * per_block
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    repeated = deflate.compress(block) + deflate.flush(zlib.Z_FULL_FLUSH)
    full, rest = divmod(height, per_block)
    checksum = 1
    for _ in range(full):
        checksum = zlib.adler32(block, checksum)
    last = zlib.compressobj(9, zlib.DEFLATED, -15)
    tail = last.compress(row * rest) + last.flush()
    checksum = zlib.adler32(row * rest, checksum)
    stream = b"\x78\xda" + repeated * full + tail + struct.pack(">I", checksum)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", stream) + _chunk(b"IEND", b"")


def png_bomb(name: str = "foto.png", width: int = 12000, height: int = 12000) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bomb_bytes(width, height), content_type="image/png")


def _rewrite_xlsx(xlsx: bytes, change: dict[str, bytes], add: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            target.writestr(member.filename, change.get(member.filename, source.read(member.filename)))
        for name, data in (add or {}).items():
            target.writestr(name, data)
    return out.getvalue()


def xlsx_with_blank_rows(xlsx: bytes, count: int, *, sheet: str = "xl/worksheets/sheet1.xml") -> bytes:
    """The workbook with ``count`` empty rows (``<row r="n"><c r="An"/></row>``) after its data, as
    Excel writes rows that were only formatted."""
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source:
        xml = source.read(sheet).decode()
    last = max((int(n) for n in re.findall(r'<row r="(\d+)"', xml)), default=0)
    blank = "".join(f'<row r="{n}"><c r="A{n}"/></row>' for n in range(last + 1, last + 1 + count))
    xml = xml.replace("</sheetData>", blank + "</sheetData>")
    return _rewrite_xlsx(xlsx, {sheet: xml.encode()})


def xlsx_with_padding(xlsx: bytes, size: int) -> bytes:
    """The workbook with one more member of ``size`` bytes of spaces: it weighs about ``size / 1000``."""
    return _rewrite_xlsx(xlsx, {}, {"xl/padding.xml": b" " * size})


def xlsx_with_row_at(xlsx: bytes, number: int, *, sheet: str = "xl/worksheets/sheet1.xml") -> bytes:
    """The workbook with one more row, numbered ``number``: readers fill the gap with empty rows."""
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source:
        xml = source.read(sheet).decode()
    xml = xml.replace("</sheetData>", f'<row r="{number}"><c r="A{number}"/></row></sheetData>')
    return _rewrite_xlsx(xlsx, {sheet: xml.encode()})
