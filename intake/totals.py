"""Totals rows (合計, 計, 県計, 総数, 総計, 全体, 県全体 …) beside the org-unit rows of a
template: never stored as an org unit. A total that equals the sum of the org-unit rows of
its indicator and period is set aside as the check it is; one that disagrees is refused,
naming both numbers; a row whose value is the sum of three or more others is refused as a
total in disguise (a prefecture beside its municipalities, a city beside its wards)."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from intake.messages import RowError

# Names that mean "all of the rows above", after NFKC, without blanks and bracketed notes.
_TOTAL_NAME = re.compile(
    r"(?:(?:総|合|小)計|総数|計|全体|(?:全|総)(?:県|市|町|村|区|都|府|道|域)"
    r"|(?:.{0,8}(?:都|道|府|県|市|区|町|村|内))(?:計|合計|総計|全体|総数)"
    r"|grandtotal|subtotal|total|sum|all)",
    re.IGNORECASE,
)
_NOTE = re.compile(r"[(\[（【].*?[)\]）】]")
_MIN_PARTS_FOR_EQUALITY = 3  # others a nameless row must add up to before it counts as one


def is_total_name(org_unit: str) -> bool:
    """Return True if an org unit's name says the row is a total of the others."""
    text = unicodedata.normalize("NFKC", org_unit)
    text = "".join(_NOTE.sub("", text).split())
    return bool(text) and _TOTAL_NAME.fullmatch(text) is not None


@dataclass(frozen=True)
class Notice:
    """Something the sender should know that refuses nothing: a total row kept as a check,
    a merged range filled down, which sheet of a workbook was read (row None)."""

    row: int | None
    column: str
    value: str
    reason_ja: str
    reason_en: str
    rule: str


def _figure(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() and abs(value) < 1e15 else f"{value:,}"


def _codes(column: pd.Series) -> tuple[np.ndarray, list]:
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    return np.asarray(codes, dtype=np.int64), list(uniques)


def _merged(index: np.ndarray, texts: list[str]) -> tuple[np.ndarray, list[str]]:
    """Return per-row codes among the distinct `texts` (rows' codes `index` are among texts
    that may repeat once cleaned: ｋｐｉ and kpi)."""
    codes, uniques = pd.factorize(pd.Series(texts, dtype=object))
    table = np.append(np.asarray(codes, dtype=np.int64), -1)
    return table[index], list(uniques)


def _period_codes(
    frame: pd.DataFrame, known: tuple[np.ndarray, list, list] | None
) -> tuple[np.ndarray, int]:
    """Return per row a code of its period (first day and granularity; -1 when unread) and
    how many there are. Texts are few (2019-04, 令和元年5月 …): each is looked at once."""
    if known is not None:
        text_codes, starts, grans = known
    else:
        text_codes, _ = _codes(frame["period_text"])
        first_rows = np.full(int(text_codes.max(initial=-1)) + 1, -1, dtype=np.int64)
        first_rows[text_codes[::-1]] = np.arange(len(text_codes))[::-1]
        starts = frame["period"].to_numpy(dtype=object)[first_rows]
        grans = frame["granularity"].to_numpy(dtype=object)[first_rows]
    seen: dict[tuple, int] = {}
    per_text = np.array(
        [
            -1 if s is None else seen.setdefault((s, g), len(seen))
            for s, g in zip(starts, grans, strict=True)
        ]
        + [-1],
        dtype=np.int64,
    )
    return per_text[text_codes], len(seen)


def check_totals(
    frame: pd.DataFrame, errors: list[RowError], codes: dict[str, Any] | None = None
) -> tuple[pd.DataFrame, list[RowError], list[Notice]]:
    """Return the frame without the total rows that check out, the refusals of the others,
    and a notice per total row set aside. Vectorised, and given the parser's `codes` of the
    frame's texts it hashes nothing again; without org units it returns at once."""
    codes = codes or {}
    if "org_unit" in codes:
        org_codes, org_names = _merged(*codes["org_unit"])
    else:
        org_codes, org_names = _codes(frame["org_unit"])
    named_codes = [i for i, n in enumerate(org_names) if isinstance(n, str) and is_total_name(n)]
    real_orgs = [n for n in org_names if isinstance(n, str) and n]
    if len(real_orgs) < 2 and not named_codes:
        return frame, [], []
    if "indicator_id" in codes:
        id_codes, id_names = _merged(*codes["indicator_id"])
    else:
        id_codes, id_names = _codes(frame["indicator_id"])
    period_codes, period_count = _period_codes(frame, codes.get("period"))
    values = np.asarray(frame["value"].to_numpy(dtype=object), dtype=float)  # None is NaN
    rows = frame["row_number"].to_numpy()
    blank_id = np.array([not (isinstance(i, str) and i) for i in id_names] + [True])[id_codes]
    usable = ~blank_id & (period_codes >= 0) & ~np.isnan(values)
    if errors:
        usable &= ~np.isin(rows, np.fromiter({e.row for e in errors}, dtype=np.int64))
    is_named = np.isin(org_codes, named_codes)
    empty_org = np.array([not (isinstance(n, str) and n) for n in org_names] + [True])[org_codes]
    is_part = usable & ~is_named & ~empty_org
    group, _ = pd.factorize(id_codes * (period_count + 1) + period_codes + 1)
    part_sum = np.bincount(group, weights=np.where(is_part, values, 0.0))
    part_count = np.bincount(group, weights=is_part.astype(float)).astype(np.int64)
    # Groups where an org-unit row did not parse: their totals cannot be checked.
    broken = set(group[~usable & ~is_named & ~empty_org].tolist())

    refused: list[RowError] = []
    notices: list[Notice] = []
    drop: list[int] = []
    texts = frame["value_text"]
    for i in np.flatnonzero(is_named & usable).tolist():
        g, org, text = group[i], org_names[org_codes[i]], str(texts.iloc[i])
        n, total = int(part_count[g]), float(part_sum[g])
        if g in broken:
            refused.append(_unchecked(int(rows[i]), org, text))
        elif n == 0:
            refused.append(_alone(int(rows[i]), org))
        elif math.isclose(values[i], total, rel_tol=1e-9, abs_tol=1e-9):
            notices.append(_checked(int(rows[i]), org, text, total, n))
            drop.append(i)
        else:
            refused.append(_mismatch(int(rows[i]), org, text, values[i], total, n))
    skip = set(group[is_named & usable].tolist())
    refused += _disguised(frame, values, group, is_part, skip, org_codes, org_names)
    if drop:
        frame = frame.drop(index=frame.index[drop]).reset_index(drop=True)
    return frame, refused, notices


def _disguised(
    frame: pd.DataFrame,
    values: np.ndarray,
    group: np.ndarray,
    is_part: np.ndarray,
    skip: set[int],
    org_codes: np.ndarray,
    org_names: list,
) -> list[RowError]:
    """Refuse, in each group of positive org-unit rows, one whose value is the sum of the
    others (at least _MIN_PARTS_FOR_EQUALITY of them)."""
    at = np.flatnonzero(is_part)
    if not at.size:
        return []
    g, v = group[at], values[at]
    size = int(group.max()) + 1
    count = np.bincount(g, minlength=size)
    total = np.bincount(g, weights=v, minlength=size)
    high = np.full(size, -np.inf)
    np.maximum.at(high, g, v)
    low = np.full(size, np.inf)
    np.minimum.at(low, g, v)
    rest = total - high
    close = np.isclose(high, rest, rtol=1e-9, atol=1e-9)
    candidates = np.flatnonzero((count > _MIN_PARTS_FOR_EQUALITY) & (low > 0) & close)
    found: list[RowError] = []
    for c in candidates.tolist():
        if c in skip:
            continue
        i = int(at[np.flatnonzero((g == c) & (v == high[c]))[0]])
        number = int(frame["row_number"].iloc[i])
        text = str(frame["value_text"].iloc[i])
        org = org_names[org_codes[i]]
        found.append(_disguise(number, org, text, float(high[c]), int(count[c]) - 1))
    return found


def _alone(row: int, org: str) -> RowError:
    return RowError(
        row,
        "org_unit",
        org,
        f"「{org}」は組織名ではなく合計を表す語ですが、同じ指標・期間に組織ごとの行がありません。"
        "指標全体の値なら組織（org_unit）を空欄にしてください。",
        f"'{org}' names a total, not an org unit, and there are no org-unit rows for the same "
        "indicator and period; leave org_unit empty for the indicator's own figure.",
        "total_row",
    )


def _mismatch(row: int, org: str, text: str, value: float, total: float, n: int) -> RowError:
    return RowError(
        row,
        "value",
        text,
        f"「{org}」は合計の行ですが、値 {_figure(value)} が同じ指標・期間の組織ごとの行（{n}行）の"
        f"合計 {_figure(total)} と一致しません。合計は保存しません。各組織の値を確かめてください。",
        f"'{org}' is a total row, but its value {_figure(value)} differs from the sum of the "
        f"{n} org-unit rows of the same indicator and period, {_figure(total)}. Totals are not "
        "stored; check the org units' figures.",
        "total_row",
    )


def _unchecked(row: int, org: str, text: str) -> RowError:
    return RowError(
        row,
        "value",
        text,
        f"「{org}」は合計の行ですが、同じ指標・期間の組織ごとの行に読めない行があるため、合計と"
        "照らし合わせられません。合計は保存しません。",
        f"'{org}' is a total row, but an org-unit row of the same indicator and period could "
        "not be read, so the total cannot be checked. Totals are not stored.",
        "total_row",
    )


def _checked(row: int, org: str, text: str, total: float, n: int) -> Notice:
    return Notice(
        row,
        "org_unit",
        org,
        f"合計の行「{org}」の値 {_figure(total)} は組織ごとの行（{n}行）の合計と一致しました。"
        "確認に使い、組織としては保存しません。",
        f"the total row '{org}' ({_figure(total)}) equals the sum of the {n} org-unit rows; it "
        "served as a check and is not stored as an org unit.",
        "total_row_checked",
    )


def _disguise(row: int, org: str, text: str, value: float, n: int) -> RowError:
    return RowError(
        row,
        "org_unit",
        org,
        f"「{org}」の値 {_figure(value)} は同じ指標・期間の他の組織の行（{n}行）の合計と同じ"
        "です。合計（上位の団体）の行と思われるため保存しません。合計なら削除し、組織の値なら"
        "他の組織の行とは別のファイルで送ってください。",
        f"the value of '{org}', {_figure(value)}, equals the sum of the other {n} org-unit rows "
        "of the same indicator and period, so it looks like a total (a body above the others) "
        "and is not stored. Delete it if it is a total; if it is an org unit's own figure, "
        "send it in a separate file.",
        "total_row",
    )
