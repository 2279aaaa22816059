"""The fast path: CSV files that Arrow reads exactly as the csv module would, read column-wise."""

from __future__ import annotations

import io

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv as arrow_csv

from intake import messages as msg
from intake.canonical import ParsedUpload, header_key, is_blank, template_columns
from intake.columns import TEXT_CELL, distinct_cells, template_frame
from intake.interpret import finish_template
from intake.limits import DEFAULT_LIMITS, ReadLimits
from intake.standard_lists import looks_like_header

# ── CSV files that Arrow reads exactly as the csv module would ───────────────

_FIELD_ENDS = np.frombuffer(b",\n\r", dtype=np.uint8)
_ARROW_BLOCK = 8 << 20  # a few blocks read in parallel, few chunks to join after


def _quotes_agree(buf: bytes) -> bool:
    """Return True if every double quote in `buf` opens a cell, closes one, or is doubled
    inside one: the shapes Arrow's reader and Python's strict csv reader read alike."""
    octets = np.frombuffer(buf, dtype=np.uint8)
    quotes = np.flatnonzero(octets == ord('"'))
    if not quotes.size:
        return True
    if quotes.size % 2:
        return False  # a quoted cell left open
    opening, closing = quotes[0::2], quotes[1::2]
    doubled = closing[:-1] + 1 == opening[1:]  # "" inside a quoted cell
    before = octets[np.maximum(opening - 1, 0)]
    opens = (opening == 0) | np.isin(before, _FIELD_ENDS)
    opens[1:] |= doubled
    after = octets[np.minimum(closing + 1, octets.size - 1)]
    closes = (closing + 1 == octets.size) | np.isin(after, _FIELD_ENDS)
    closes[:-1] |= doubled
    return bool(opens.all() and closes.all())


def _simple_csv_columns(
    buf: bytes, limits: ReadLimits = DEFAULT_LIMITS
) -> list[pa.ChunkedArray] | None:
    """Return the columns of the CSV in `buf` read by Arrow, or None when Python's csv
    module might read it otherwise (odd quoting, rows of differing widths) or when a limit
    is near (many columns, long cells, many rows): the row-by-row reader applies them."""
    if not buf or not _quotes_agree(buf):
        return None
    first_line = buf[: buf.find(b"\n") if b"\n" in buf else len(buf)]
    if first_line.count(b",") >= limits.max_columns:
        return None
    try:
        table = arrow_csv.read_csv(
            io.BytesIO(buf),
            read_options=arrow_csv.ReadOptions(
                autogenerate_column_names=True, block_size=_ARROW_BLOCK
            ),
            parse_options=arrow_csv.ParseOptions(
                delimiter=",",
                quote_char='"',
                double_quote=True,
                escape_char=False,
                newlines_in_values=b'"' in buf,
                ignore_empty_lines=False,
            ),
            convert_options=arrow_csv.ConvertOptions(
                column_types={f"f{i}": TEXT_CELL for i in range(1024)},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                null_values=[],
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None  # e.g. a row wider or narrower than the first: the csv module decides
    columns = table.columns
    if not table.num_rows or any(c.type != TEXT_CELL for c in columns):
        return None
    if table.num_rows - 1 > limits.max_rows:  # the header, then the data rows
        return None
    limit = limits.max_cell_chars
    for column in columns:  # bytes bound characters: count these only when bytes exceed
        if (pc.max(pc.binary_length(column)).as_py() or 0) > limit and (
            pc.max(pc.utf8_length(column)).as_py() or 0
        ) > limit:
            return None  # the row reader refuses such a cell's row; let it say so
    return columns


def _blank(cells: pa.ChunkedArray) -> np.ndarray:
    """Return, per cell, whether it is empty or blank."""
    texts, index = distinct_cells(cells)
    return np.array([not text.strip() for text in texts], dtype=bool)[index]


def simple_csv_upload(
    buf: bytes, skipped: int, encoding: str, limits: ReadLimits = DEFAULT_LIMITS
) -> ParsedUpload | None:
    """Return the upload read column-wise through Arrow, or None to read it row by row:
    when Arrow might not read it as the csv module would, or when it is not the template
    (a standard list, or something to refuse: the row reader says why)."""
    columns = _simple_csv_columns(buf, limits)
    if columns is None:
        return None
    header = [c[0].as_py() for c in columns]
    if is_blank(header):
        return None  # a blank first record before the header: rare, read it row by row
    keys = [header_key(c) for c in header]
    if looks_like_header(header) != "template":
        return None
    number = skipped + 1
    cols = template_columns(number, header)
    # Records after the header, less the blank ones (every cell blank).
    rows = np.arange(1, len(columns[0]), dtype=np.int64)
    blank = _blank(columns[0].slice(1))
    for column in columns[1:]:
        candidates = np.flatnonzero(blank)
        if not candidates.size:
            break
        blank[candidates] = _blank(column.take(rows[candidates]))
    every_row = not blank.any()
    rows = rows[~blank]
    # A filled cell under a blank header cell rejects the file at its first such row.
    first: tuple[int, int] | None = None
    for i, key in enumerate(keys):
        if key:
            continue
        filled = np.flatnonzero(~_blank(columns[i].take(rows)))
        if filled.size and (first is None or filled[0] < first[0]):
            first = (int(filled[0]), i)
    if first is not None:
        from openpyxl.utils import get_column_letter

        p, i = first
        cell = columns[i][int(rows[p])].as_py()
        raise msg.unheaded_cell(int(skipped + 1 + rows[p]), get_column_letter(i + 1), cell)
    if not rows.size:
        raise msg.no_data_rows()
    codes: dict = {}
    frame, errors = template_frame(
        skipped + 1 + rows,
        {
            name: columns[i].slice(1) if every_row else columns[i].take(rows)
            for name, i in cols.items()
        },
        codes,
    )
    return finish_template(frame, errors, encoding, None, codes)
