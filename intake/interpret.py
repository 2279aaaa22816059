"""Rows read from a CSV or a sheet, interpreted: the header found (the template's, or a
standard list's below a title row or on an IMI #property row), then the template's figures
or the list counted under its rule."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from intake import list_messages as lmsg
from intake import messages as msg
from intake import xlsx_messages as xmsg
from intake.canonical import ParsedUpload, header_key, is_blank, template_columns
from intake.columns import template_frame, text_cells
from intake.list_counts import count_list
from intake.list_rule import ListRule
from intake.messages import CellProblems, FileRejected, RowError
from intake.rows import records_frame
from intake.standard_lists import OTHER_KIND, layout_of, looks_like_header, recognise
from intake.totals import Notice, check_totals

Rows = Iterable[tuple[int, list[str]]]
_TITLE_ROWS = 5  # non-blank rows above a list's header that may be titles


@dataclass
class Table:
    """Rows as read, with what the reader noticed about their cells."""

    rows: Rows
    encoding: str
    problems: CellProblems = field(default_factory=CellProblems)  # (row, col0)
    filled: dict[tuple[int, int], str] = field(default_factory=dict)  # merge fills: range
    property_row: tuple[int, list[str]] | None = None
    notes: list[tuple[str, str]] = field(default_factory=list)
    sheet: str | None = None


def interpret(
    table: Table, period: str | None, rules: Sequence[ListRule]
) -> tuple[ParsedUpload, int]:
    """Return the upload read from `table`, and the row number of its header; raise
    FileRejected (with `header_row` set when the header was found) for the whole file."""
    iterator = iter(table.rows)
    ahead: list[tuple[int, list[str]]] = []
    for number, cells in iterator:
        if is_blank(cells) and not _marked(table, number):
            continue
        ahead.append((number, cells))
        if len(ahead) > _TITLE_ROWS:
            break
    if not ahead:
        raise msg.empty_file()
    at, header = 0, ahead[0]
    if looks_like_header(header[1]) is None:
        property_kind = table.property_row and recognise(_keys(table.property_row[1]))
        if property_kind:
            at, header = -1, table.property_row  # type: ignore[assignment]
        else:
            found = next(
                (i for i, (_, c) in enumerate(ahead) if looks_like_header(c) == "list"), None
            )
            if found is not None:
                at, header = found, ahead[found]
    rest = itertools.chain(ahead[at + 1 :], iterator)
    data = ((n, c) for n, c in rest if not is_blank(c) or _marked(table, n))
    number, cells = header
    keys = _keys(cells)
    try:
        kind = recognise(keys)
        if kind is not None and looks_like_header(cells) == "list":
            parsed = _list(table, number, cells, keys, data, period, rules)
        else:
            parsed = _template(table, number, cells, keys, data)
    except FileRejected as exc:
        # Rows below the header are the file's data rows; with no header found at all,
        # every row is (the one in the header's place too).
        found = looks_like_header(cells) is not None or at != 0
        exc.header_row = number if found else number - 1  # type: ignore[attr-defined]
        raise
    parsed.sheet = table.sheet
    parsed.notices[:0] = [Notice(None, "", "", ja, en, "sheet") for ja, en in table.notes]
    return parsed, number


def _keys(cells: Sequence[str]) -> list[str]:
    return [header_key(c) for c in cells]


def _marked(table: Table, number: int) -> bool:
    """Return True if a cell of row `number` has a problem (a formula without its value
    leaves a row looking blank, yet it is not)."""
    return number in table.problems.by_row


def _check_unheaded(number: int, cells: list[str], keys: list[str]) -> None:
    """Raise if a data cell sits in a column that has no header (a shifted or wider table)."""
    for i, cell in enumerate(cells):
        if cell.strip() and (i >= len(keys) or not keys[i]):
            from openpyxl.utils import get_column_letter

            raise msg.unheaded_cell(number, get_column_letter(i + 1), cell)


def _template(
    table: Table, number: int, cells: list[str], keys: list[str], data: Iterator
) -> ParsedUpload:
    cols = template_columns(number, cells)
    numbers: list[int] = []
    raw: dict[str, list[str]] = {name: [] for name in cols}
    for n, c in data:
        _check_unheaded(n, c, keys)
        numbers.append(n)
        for name, i in cols.items():
            raw[name].append(c[i] if i < len(c) else "")
    if not numbers:
        raise msg.no_data_rows()
    codes: dict = {}
    frame, errors = template_frame(
        np.array(numbers, dtype=np.int64),
        {name: text_cells(cells) for name, cells in raw.items()},
        codes,
    )
    errors, notices = _cell_problems(table, cols, set(numbers), errors)
    return finish_template(frame, errors, table.encoding, notices, codes)


def finish_template(
    frame,
    errors: list[RowError],
    encoding: str,
    notices: list[Notice] | None = None,
    codes: dict | None = None,
) -> ParsedUpload:
    """Return the template's ParsedUpload once total rows are checked."""
    rows = len(frame)
    frame, refused, set_aside = check_totals(frame, errors, codes)
    if refused:
        taken = {(e.row, e.column) for e in refused}
        errors = [e for e in errors if (e.row, e.column) not in taken] + refused
        errors.sort(key=lambda e: (e.row, _ORDER.get(e.column, 9)))
    return ParsedUpload(
        frame, encoding, "template", errors, rows, set_aside=set_aside, notices=notices or []
    )


_ORDER = {"indicator_id": 0, "period": 1, "value": 2, "org_unit": 3, "note": 4, "comment": 5}


def _cell_problems(
    table: Table, cols: dict[str, int], rows: set[int], errors: list[RowError]
) -> tuple[list[RowError], list[Notice]]:
    """Return the errors with the reader's cell problems in place of what the parser made
    of those cells, and a notice per merged range filled down."""
    name_of = {i: name for name, i in cols.items()}
    problems = {
        (r, name_of[c]): p for (r, c), p in table.problems.items() if r in rows and c in name_of
    }
    notices: list[Notice] = []
    value_col = cols.get("value")
    seen: set[str] = set()
    for (r, c), ref in table.filled.items():
        if ref in seen:
            continue
        seen.add(ref)
        if c == value_col:
            from openpyxl.utils.cell import range_boundaries  # a workbook's merged range

            _, top, _, bottom = range_boundaries(ref)
            for row in range(int(top or 0), int(bottom or 0) + 1):  # type: ignore[arg-type]
                if row in rows:
                    problems[(row, "value")] = xmsg.merged_value(ref)
        elif c in name_of:
            notices.append(
                Notice(
                    r,
                    name_of[c],
                    ref,
                    f"結合セル {ref} の値を、結合された各行の{name_of[c]}として読みました。",
                    f"the merged range {ref} was read as {name_of[c]} of each of its rows.",
                    "merged_cell_filled",
                )
            )
    if not problems:
        return errors, notices
    kept = [e for e in errors if (e.row, e.column) not in problems]
    added = [
        RowError(r, c, p.shown, p.reason_ja, p.reason_en, p.rule) for (r, c), p in problems.items()
    ]
    merged = sorted(kept + added, key=lambda e: (e.row, _ORDER.get(e.column, 9)))
    return merged, notices


def _list(
    table: Table,
    number: int,
    cells: list[str],
    keys: list[str],
    data: Iterator,
    period: str | None,
    rules: Sequence[ListRule],
) -> ParsedUpload:
    kind = recognise(keys)
    assert kind is not None
    rule = next((r for r in rules if r.list_kind == kind.key), None)
    if rule is None or kind is OTHER_KIND:
        rows = sum(1 for _ in data)
        raise lmsg.not_this_list(kind, rules, number, rows)
    layout = layout_of(keys)
    if layout is None:
        raise lmsg.unsupported_layout(kind, number, cells)
    refused: list[RowError] = []
    read = 0

    def counted() -> Iterator[tuple[int, list[str]]]:
        nonlocal read
        for n, c in data:
            read += 1
            problem = table.problems.by_row.get(n)
            if problem is None:
                yield n, c
                continue
            i, p = problem
            if i < len(cells):
                column = cells[i]
            else:
                from openpyxl.utils import get_column_letter

                column = get_column_letter(i + 1)
            refused.append(RowError(n, column.strip(), p.shown, p.reason_ja, p.reason_en, p.rule))

    result = count_list(rule, layout, keys, counted(), period)
    if not result.records:
        if read:
            raise lmsg.nothing_counted(kind, read, (result.errors + refused)[0])
        raise msg.no_data_rows()
    errors = sorted(result.errors + refused, key=lambda e: e.row)
    source = "wifi_list" if kind.key == "public_wifi" else "open_data_list"
    return ParsedUpload(
        records_frame(result.records),
        table.encoding,
        source,
        errors,
        read,
        sources=result.sources,
        list_kind=kind.key,
        layout=layout.key,
    )
