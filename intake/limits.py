"""How much work an upload may cost: caps on what a file becomes once read (rows, columns,
cell length, the decompressed parts of a workbook), not on its size on disk."""

from __future__ import annotations

from dataclasses import dataclass

# What is echoed back to people (errors files, JSON, quarantine) is cut to this length.
ECHO_CHARS = 200
ELLIPSIS = "…"


@dataclass(frozen=True)
class ReadLimits:
    """Caps on reading one upload; past any of them the file (or the row) is refused."""

    # Data rows read below the header (blank rows not counted).
    max_rows: int = 1_000_000
    # Columns that may hold data; wider rows are refused unless the extra cells are blank.
    max_columns: int = 50
    # A row wider than this is refused even when its extra cells are blank (Excel's own
    # maximum is 16,384 columns): splitting a million empty cells costs seconds and GBs.
    max_blank_columns: int = 16_384
    # Characters in one cell; Excel itself holds at most 32,767.
    max_cell_chars: int = 32_767
    # .xlsx: cells (empty ones too) on the sheet that is read; 1M rows of the template's
    # five columns are 5M ...
    max_cells: int = 10_000_000
    # ... the declared uncompressed size of one worksheet (read as a stream) ...
    max_sheet_bytes: int = 512 << 20
    # ... of any other part (shared strings and styles are read whole into memory) ...
    max_part_bytes: int = 64 << 20
    # ... and of the whole workbook, and how many parts it may have.
    max_workbook_bytes: int = 2 << 30
    max_parts: int = 10_000
    # Merged ranges on the sheet that is read.
    max_merged_ranges: int = 10_000

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"ReadLimits.{name} must be a positive integer, not {value!r}")


DEFAULT_LIMITS = ReadLimits()


def shorten(text: str, limit: int = ECHO_CHARS) -> str:
    """Return `text` cut to `limit` characters (the last one "…") for echoing it back."""
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS
