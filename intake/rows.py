"""The row-by-row CSV reader, bounded by the read limits, and the canonical frame of records."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pandas as pd

from intake import messages as msg
from intake.canonical import FRAME_COLUMNS, is_blank
from intake.limits import DEFAULT_LIMITS, ReadLimits, shorten
from intake.messages import CellProblems

Problems = CellProblems

# Kept for callers of the old names; the limits now come from ReadLimits.
XLSX_MAX_ROWS = DEFAULT_LIMITS.max_rows
XLSX_MAX_COLUMNS = DEFAULT_LIMITS.max_columns


def csv_rows(
    text: str, row: int, pos: int, limits: ReadLimits, problems: Problems
) -> Iterator[tuple[int, list[str]]]:
    """Yield (Excel row number, cells) from `pos` (the header), after `row` skipped lines;
    a cell over the length cap is cut and its row marked in `problems`."""
    # The csv module's own cap (128 KiB) would refuse the whole file at a long cell; the
    # length cap below refuses that cell's row instead. (The setting is process-wide; it
    # only ever grows, to the length of an upload already in memory.)
    if csv.field_size_limit() <= len(text):
        csv.field_size_limit(len(text) + 1)
    reader = csv.reader(io.StringIO(text[pos:], newline=""), strict=True)
    filled = 0  # non-blank records: the header, then the data rows
    try:
        # One CSV record is one Excel row, even when a quoted cell spans several lines.
        for cells in reader:
            row += 1
            if len(cells) > limits.max_blank_columns:
                raise msg.too_large("列数", "columns", limits.max_columns)
            if len(cells) > limits.max_columns:
                if not is_blank(cells[limits.max_columns :]):
                    raise msg.too_large("列数", "columns", limits.max_columns)
                cells = cells[: limits.max_columns]
            if not is_blank(cells):
                filled += 1
                if filled - 1 > limits.max_rows:
                    raise msg.too_large("行数", "rows", limits.max_rows)
            for i, cell in enumerate(cells):
                if len(cell) > limits.max_cell_chars:
                    problems[(row, i)] = msg.cell_too_long(cell, limits.max_cell_chars)
                    cells[i] = shorten(cell)
            yield row, cells
    except csv.Error as exc:
        raise msg.bad_csv(row + 1, str(exc)) from None


def records_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    """Return the canonical frame; typed columns stay object so failed cells hold None."""
    frame = pd.DataFrame.from_records(records, columns=list(FRAME_COLUMNS))
    frame["row_number"] = frame["row_number"].astype("int64")
    for name in ("period", "granularity", "value", "note", "comment"):
        frame[name] = pd.Series([r.get(name) for r in records], dtype=object, index=frame.index)
    return frame
