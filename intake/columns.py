"""Template rows read a column at a time into the canonical frame, with their cell errors."""

from __future__ import annotations

import unicodedata
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from intake.canonical import FRAME_COLUMNS
from intake.messages import RowError
from intake.periods import PeriodError, parse_period
from intake.values import ValueParseError, parse_value

# ── template rows, a column at a time ────────────────────────────────────────
# A million-row upload holds a few dozen distinct indicators, periods and org units, so
# each cell rule runs once per distinct text and is spread back to the rows by index.

_TEXT = pd.StringDtype(na_value=np.nan)  # the dtype pandas gives a column of str
TEXT_CELL = pa.large_string()  # how pandas holds that dtype's text: no copy to hand it over
# Plain ASCII figures (12345, 12,345, 12345.5), read by Arrow exactly as parse_value
# would read them; every other spelling goes through parse_value itself.
_PLAIN_NUMBER = r"^(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?$"
_PLAIN_NUMBER_MAX_BYTES = 64  # far from float overflow, which parse_value reports
# Cells of ASCII and full-width digits, commas and points only: NFKC maps each of these
# characters to its ASCII form, so such a cell reads as its normalised plain figure.
_WIDE_NUMBER = "^[0-9０-９,，.．]+$"
_COLUMN_ORDER = {"indicator_id": 0, "period": 1, "value": 2}


def text_cells(texts: list[str]) -> pa.ChunkedArray:
    return pa.chunked_array([pa.array(texts, type=TEXT_CELL)])


def empty_cells(count: int) -> pa.ChunkedArray:
    """`count` empty cells: a column the file does not have (no list of a million "" to
    build and convert, as text_cells would)."""
    return pa.chunked_array([pa.repeat(pa.scalar("", type=TEXT_CELL), count)])


def distinct_cells(cells: pa.ChunkedArray) -> tuple[list[str], np.ndarray]:
    """Return the distinct texts of `cells` and, per cell, its index among them."""
    encoded = pc.dictionary_encode(cells).unify_dictionaries()
    if not encoded.num_chunks:
        return [], np.zeros(0, dtype=np.int64)
    index = [chunk.indices.to_numpy(zero_copy_only=False) for chunk in encoded.chunks]
    return encoded.chunk(0).dictionary.to_pylist(), np.concatenate(index)


def _objects(values: list[Any]) -> np.ndarray:
    """Return `values` as a 1-d object array (never broadcast into a 2-d one)."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _text_series(values: pa.ChunkedArray) -> pd.Series:
    return pd.Series(pd.array(values, dtype=_TEXT))


def _normalised(cells: pa.ChunkedArray) -> tuple[pa.ChunkedArray, list[str], list[str], np.ndarray]:
    """Return NFKC-normalised, stripped cells, with the distinct raw and clean texts."""
    raw, index = distinct_cells(cells)
    clean = [unicodedata.normalize("NFKC", text).strip() for text in raw]
    return pa.chunked_array([pa.array(clean, type=TEXT_CELL).take(index)]), raw, clean, index


def template_frame(
    numbers: np.ndarray, raw: dict[str, pa.ChunkedArray], codes: dict[str, Any] | None = None
) -> tuple[pd.DataFrame, list[RowError]]:
    """Return the canonical frame of the data rows (Excel `numbers`, cells per template
    column as sent) and a RowError per failed cell, in row then column order; `codes`, when
    given, receives per column the rows' codes among its distinct texts and what each text
    was read as (for the totals check, which then hashes nothing again)."""
    empty = empty_cells(len(numbers))
    found: list[tuple[int, int, RowError]] = []

    def fail(positions: Any, column: str, texts: Any, reasons: Any, rule: str) -> None:
        for p, text, (reason_ja, reason_en) in zip(positions, texts, reasons, strict=True):
            error = RowError(int(numbers[p]), column, text, reason_ja, reason_en, rule)
            found.append((int(p), _COLUMN_ORDER[column], error))

    ids, ids_raw, ids_clean, ids_index = _normalised(raw.get("indicator_id", empty))
    blank = np.array([not text for text in ids_clean], dtype=bool)
    missing = np.flatnonzero(blank[ids_index]) if blank.any() else []
    reason = ("指標IDが空です。", "The indicator_id is empty.")
    texts = [ids_raw[ids_index[p]] for p in missing]
    fail(missing, "indicator_id", texts, [reason] * len(texts), "indicator_id_present")

    period_cells = raw.get("period", empty)
    period_texts, period_index = distinct_cells(period_cells)
    starts: list[Any] = []
    granularities: list[Any] = []
    period_errors: dict[int, tuple[str, str]] = {}
    for k, text in enumerate(period_texts):
        try:
            parsed = parse_period(text)
        except PeriodError as exc:
            starts.append(None)
            granularities.append(None)
            period_errors[k] = (exc.reason_ja, exc.reason_en)
        else:
            starts.append(parsed.start)
            granularities.append(parsed.granularity)
    if period_errors:
        bad = np.zeros(len(period_texts), dtype=bool)
        bad[list(period_errors)] = True
        rows = np.flatnonzero(bad[period_index])
        fail(
            rows,
            "period",
            [period_texts[period_index[p]] for p in rows],
            [period_errors[period_index[p]] for p in rows],
            "period_parseable",
        )

    value_cells = raw.get("value", empty)
    values, value_errors = read_values(value_cells)
    if value_errors:
        rows = sorted(value_errors)
        fail(
            rows,
            "value",
            [value_errors[p][0] for p in rows],
            [value_errors[p][1:] for p in rows],
            "value_numeric",
        )
    value_objects = values.astype(object)
    if value_errors:
        value_objects[list(value_errors)] = None

    org_units, _, org_clean, org_index = _normalised(raw.get("org_unit", empty))
    if codes is not None:
        codes["indicator_id"] = (ids_index, ids_clean)
        codes["org_unit"] = (org_index, org_clean)
        codes["period"] = (period_index, starts, granularities)
    note_texts, note_index = distinct_cells(raw.get("note", empty))
    notes = _objects([text.strip() or None for text in note_texts])[note_index]
    comment_texts, comment_index = distinct_cells(raw.get("comment", empty))
    comments = _objects([text.strip() or None for text in comment_texts])[comment_index]

    frame = pd.DataFrame(
        {
            "row_number": pd.Series(numbers, dtype="int64"),
            "indicator_id": _text_series(ids),
            "period_text": _text_series(period_cells),
            "period": pd.Series(_objects(starts)[period_index], dtype=object),
            "granularity": pd.Series(_objects(granularities)[period_index], dtype=object),
            "value_text": _text_series(value_cells),
            "value": pd.Series(value_objects, dtype=object),
            "org_unit": _text_series(org_units),
            "note": pd.Series(notes, dtype=object),
            "comment": pd.Series(comments, dtype=object),
        },
        columns=list(FRAME_COLUMNS),
    )
    found.sort(key=lambda item: (item[0], item[1]))
    return frame, [error for _, _, error in found]


def read_values(cells: pa.ChunkedArray) -> tuple[np.ndarray, dict[int, tuple[str, str, str]]]:
    """Return the numbers in `cells` (NaN where unreadable) and, per unreadable cell's
    position, (text, reason_ja, reason_en)."""
    values = np.full(len(cells), np.nan)
    plain = _plain_numbers(cells)
    fast = np.flatnonzero(plain)
    if fast.size:
        chosen = cells if fast.size == len(cells) else cells.take(fast)
        values[fast] = _numbers(chosen)
    errors: dict[int, tuple[str, str, str]] = {}
    slow = np.flatnonzero(~plain)
    if slow.size:
        slow = _wide_numbers(cells, slow, values)
    if slow.size:
        texts, index = distinct_cells(cells.take(slow))
        numbers = np.full(len(texts), np.nan)
        refused: dict[int, tuple[str, str, str]] = {}
        for k, text in enumerate(texts):
            try:
                numbers[k] = parse_value(text)
            except ValueParseError as exc:
                refused[k] = (text, exc.reason_ja, exc.reason_en)
        values[slow] = numbers[index]
        if refused:
            bad = np.zeros(len(texts), dtype=bool)
            bad[list(refused)] = True
            at = np.flatnonzero(bad[index])
            errors = dict(
                zip(slow[at].tolist(), (refused[k] for k in index[at].tolist()), strict=True)
            )
    return values, errors


def _plain_numbers(cells: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """Per cell, whether it is a plain ASCII figure Arrow reads as parse_value would."""
    plain = pc.and_(
        pc.match_substring_regex(cells, _PLAIN_NUMBER),
        pc.less_equal(pc.binary_length(cells), _PLAIN_NUMBER_MAX_BYTES),
    )
    return plain.to_numpy(zero_copy_only=False)


def _numbers(plain: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """Plain ASCII figures as floats (their thousands separators dropped)."""
    digits = pc.replace_substring(plain, ",", "")
    return pc.cast(digits, pa.float64()).to_numpy(zero_copy_only=False)


def _wide_numbers(cells: pa.ChunkedArray, slow: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Read the figures among `slow` written in full-width digits, commas and points
    (１２，３４５: typed with the IME in full-width mode), which NFKC turns into plain ASCII
    figures character for character, as parse_value would; return the positions left."""
    candidates = cells.take(slow)
    wide = pc.match_substring_regex(candidates, _WIDE_NUMBER).to_numpy(zero_copy_only=False)
    if not wide.any():
        return slow
    at = np.flatnonzero(wide)
    normalised = pc.utf8_normalize(candidates.take(at), "NFKC")
    readable = _plain_numbers(normalised)
    done = at[readable]
    values[slow[done]] = _numbers(normalised.filter(readable))
    left = np.ones(len(slow), dtype=bool)
    left[done] = False
    return slow[left]
