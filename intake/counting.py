"""How many data rows a rejected file had, as far as they can be read, so that a file
rejected whole still accounts for its rows (accepted + rejected = the rows of the file)."""

from __future__ import annotations

import re

import numpy as np

_QUOTE, _NEWLINE, _CR = ord('"'), ord("\n"), ord("\r")
_NOT_CONTENT = np.frombuffer(b', \t\r\n"', dtype=np.uint8)
_CONTROL = np.frombuffer(bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)]), np.uint8)
_LINE = re.compile(rb"\r\n|\r|\n")
_BOM = b"\xef\xbb\xbf"


def _preamble_lines(data: bytes) -> tuple[int, int]:
    """Return (lines, offset) of the leading `#` and blank lines, as the reader skips them."""
    lines, pos = 0, 0
    while pos < len(data):
        match = _LINE.search(data, pos)
        end, nxt = (match.start(), match.end()) if match else (len(data), len(data))
        line = data[pos:end].strip()
        if not (line.lstrip(b'"').startswith(b"#") or not line.strip(b", \t")):
            break
        lines, pos = lines + 1, nxt
    return lines, pos


def count_csv_rows(data: bytes, header_row: int | None) -> tuple[int | None, bool]:
    """Return (data rows, exact) of CSV bytes: the non-blank records after the header (the
    row `header_row`, or the first non-blank record), counting quoted line breaks as part
    of their record as the reader does. None for bytes that are not text at all."""
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    octets = np.frombuffer(data, dtype=np.uint8)
    if octets.size and np.isin(octets, _CONTROL).sum() > octets.size // 100:
        return None, False  # not a table: no rows to speak of
    skipped, pos = _preamble_lines(data)
    body = octets[pos:]
    if not body.size:
        return 0, True
    # A record ends at a line break outside quotes (an even number of quotes before it);
    # CR LF counts once, a lone CR as a break, as the csv module reads them.
    quotes = np.cumsum(body == _QUOTE)
    is_break = (body == _NEWLINE) | ((body == _CR) & (np.append(body[1:], 0) != _NEWLINE))
    ends = np.flatnonzero(is_break & (quotes % 2 == 0))
    starts = np.concatenate(([0], ends + 1))
    stops = np.concatenate((ends, [body.size]))
    keep = starts < stops
    content = (~np.isin(body, _NOT_CONTENT)).astype(np.int64)
    filled = np.zeros(len(starts), dtype=bool)
    if content.size:
        sums = np.add.reduceat(content, np.minimum(starts[keep], content.size - 1))
        filled[keep] = sums > 0
        # reduceat sums up to the next start; a record's own stop bounds it already
    numbers = skipped + 1 + np.arange(len(starts))
    if not np.any(filled):
        return 0, True
    if header_row is None:
        header_row = int(numbers[np.flatnonzero(filled)[0]])
    return int(np.count_nonzero(filled & (numbers > header_row))), True
