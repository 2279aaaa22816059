"""Hostile uploads generated in the tests: workbooks whose parts decompress to hundreds of
megabytes or more from a few hundred kilobytes, written directly as a zip of deflate blocks
(the same compressed block repeated: a valid deflate stream, built in milliseconds)."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

_PKG = b"http://schemas.openxmlformats.org/package/2006/"
_DOC = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_SML = b"application/vnd.openxmlformats-officedocument.spreadsheetml."
_XML = b'<?xml version="1.0" encoding="UTF-8"?>'


def _override(part: bytes, kind: bytes) -> bytes:
    return b'<Override PartName="' + part + b'" ContentType="' + _SML + kind + b'+xml"/>'


def _relationship(rid: bytes, kind: bytes, target: bytes) -> bytes:
    return (
        b'<Relationship Id="' + rid + b'" Type="' + _DOC + b"/" + kind + b'" Target="'
        + target + b'"/>'
    )  # fmt: skip


_CONTENT_TYPES = (
    _XML + b'<Types xmlns="' + _PKG + b'content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    + _override(b"/xl/workbook.xml", b"sheet.main")
    + _override(b"/xl/worksheets/sheet1.xml", b"worksheet")
    + _override(b"/xl/sharedStrings.xml", b"sharedStrings")
    + b"</Types>"
)  # fmt: skip
_RELS = (
    _XML + b'<Relationships xmlns="' + _PKG + b'relationships">'
    + _relationship(b"rId1", b"officeDocument", b"xl/workbook.xml")
    + b"</Relationships>"
)  # fmt: skip
_WORKBOOK = (
    _XML + b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="' + _DOC + b'"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets>'
    b"</workbook>"
)  # fmt: skip
_WORKBOOK_RELS = (
    _XML + b'<Relationships xmlns="' + _PKG + b'relationships">'
    + _relationship(b"rId1", b"worksheet", b"worksheets/sheet1.xml")
    + _relationship(b"rId2", b"sharedStrings", b"sharedStrings.xml")
    + b"</Relationships>"
)  # fmt: skip
_NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
SHEET_HEAD = b'<?xml version="1.0" encoding="UTF-8"?><worksheet ' + _NS + b"><sheetData>"
SHEET_TAIL = b"</sheetData></worksheet>"


@dataclass(frozen=True)
class Repeated:
    """A part made of `head`, `block` repeated `times`, then `tail`."""

    head: bytes
    block: bytes
    times: int
    tail: bytes

    @property
    def size(self) -> int:
        return len(self.head) + len(self.block) * self.times + len(self.tail)


def _deflate(part: bytes | Repeated) -> tuple[bytes, int, int]:
    """Return (raw deflate data, uncompressed size, CRC-32) of a part."""
    if isinstance(part, bytes):
        packer = zlib.compressobj(6, zlib.DEFLATED, -15)
        return packer.compress(part) + packer.flush(), len(part), zlib.crc32(part)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = packer.compress(part.head) + packer.flush(zlib.Z_FULL_FLUSH)
    # After a full flush the compressor starts afresh: the same input gives the same bytes.
    block = packer.compress(part.block) + packer.flush(zlib.Z_FULL_FLUSH)
    tail = packer.compress(part.tail) + packer.flush()
    crc = zlib.crc32(part.head)
    for _ in range(part.times):
        crc = zlib.crc32(part.block, crc)
    crc = zlib.crc32(part.tail, crc)
    return head + block * part.times + tail, part.size, crc


def workbook(sheet: bytes | Repeated, shared: bytes | Repeated | None = None) -> bytes:
    """Return an .xlsx with one sheet (and a shared strings part), written as a raw zip."""
    shared = shared or (
        b'<?xml version="1.0" encoding="UTF-8"?><sst ' + _NS + b' count="0" uniqueCount="0"/>'
    )
    parts = {
        "[Content_Types].xml": _CONTENT_TYPES,
        "_rels/.rels": _RELS,
        "xl/workbook.xml": _WORKBOOK,
        "xl/_rels/workbook.xml.rels": _WORKBOOK_RELS,
        "xl/worksheets/sheet1.xml": sheet,
        "xl/sharedStrings.xml": shared,
    }
    out, central = bytearray(), bytearray()
    for name, part in parts.items():
        raw, size, crc = _deflate(part)
        encoded = name.encode()
        offset = len(out)
        header = struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(raw), size, len(encoded), 0
        )
        out += header + encoded + raw
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(raw), size, len(encoded), 0, 0, 0, 0, 0,
            offset,
        ) + encoded  # fmt: skip
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(parts), len(parts), len(central), len(out), 0
    )
    return bytes(out + central + end)


def rows_sheet(rows: list[list[str]]) -> bytes:
    """Return a small sheet's XML with inline-string cells (for ordinary test workbooks)."""
    body = b"".join(
        b"<row>"
        + b"".join(b'<c t="inlineStr"><is><t>' + c.encode() + b"</t></is></c>" for c in row)
        + b"</row>"
        for row in rows
    )
    return SHEET_HEAD + body + SHEET_TAIL


HEADER_ROW = (
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>indicator_id</t></is></c>'
    b'<c r="B1" t="inlineStr"><is><t>period</t></is></c>'
    b'<c r="C1" t="inlineStr"><is><t>value</t></is></c></row>'
)


def shared_strings_bomb(megabytes: int) -> bytes:
    """A workbook whose shared-strings part decompresses to `megabytes` MB."""
    head = (
        b'<?xml version="1.0" encoding="UTF-8"?><sst ' + _NS + b' count="1" uniqueCount="1"><si><t>'
    )
    shared = Repeated(head, b"a" * (1 << 20), megabytes, b"</t></si></sst>")
    sheet = SHEET_HEAD + HEADER_ROW + b'<row r="2"><c r="A2" t="s"><v>0</v></c></row>' + SHEET_TAIL
    return workbook(sheet, shared)


def long_cell_bomb(megabytes: int) -> bytes:
    """A workbook holding one inline-string cell of `megabytes` MB in row 2."""
    head = SHEET_HEAD + HEADER_ROW + b'<row r="2"><c r="A2" t="inlineStr"><is><t>'
    return workbook(
        Repeated(head, b"a" * (1 << 20), megabytes, b"</t></is></c></row>" + SHEET_TAIL)
    )


def identical_rows_bomb(rows: int, cells: int = 50) -> bytes:
    """A workbook of `rows` rows of `cells` identical shared-string cells (no r attributes,
    so every row is the same bytes): a few hundred kilobytes for a million rows."""
    row = b"<row>" + b'<c t="s"><v>0</v></c>' * cells + b"</row>"
    per_block = max(1, (1 << 20) // len(row))
    blocks, rest = divmod(rows, per_block)
    shared = (
        b'<?xml version="1.0" encoding="UTF-8"?><sst ' + _NS + b' count="1" uniqueCount="1">'
        b"<si><t>x</t></si></sst>"
    )
    return workbook(Repeated(SHEET_HEAD, row * per_block, blocks, row * rest + SHEET_TAIL), shared)
