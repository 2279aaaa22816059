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


def check_totals(
    frame: pd.DataFrame, errors: list[RowError]
) -> tuple[pd.DataFrame, list[RowError], list[Notice]]:
    """Return the frame without the total rows that check out, the refusals of the others,
    and a notice per total row set aside."""
    orgs = frame["org_unit"]
    names = pd.unique(orgs.dropna())
    named = {n for n in names if isinstance(n, str) and n and is_total_name(n)}
    if len(names) < 2 and not named:
        return frame, [], []
    failed = {e.row for e in errors}
    values = pd.to_numeric(frame["value"], errors="coerce").to_numpy(dtype=float)
    usable = (
        (frame["indicator_id"].fillna("").astype(str).str.len().to_numpy() > 0)
        & frame["period"].notna().to_numpy()
        & ~np.isnan(values)
    )
    usable &= ~frame["row_number"].isin(failed).to_numpy()
    org_text = orgs.fillna("").astype(str).to_numpy(dtype=object)
    is_named = np.array([o in named for o in org_text], dtype=bool)
    is_part = usable & ~is_named & (org_text != "")
    keys = frame[["indicator_id", "period", "granularity"]].astype(str)
    group = keys.groupby(list(keys.columns), sort=False).ngroup().to_numpy()
    part_sum = pd.Series(np.where(is_part, values, 0.0)).groupby(group).sum()
    part_count = pd.Series(is_part.astype(int)).groupby(group).sum()
    # Groups where an org-unit row did not parse: their totals cannot be checked.
    broken = set(group[~usable & ~is_named & (org_text != "")].tolist())

    refused: list[RowError] = []
    notices: list[Notice] = []
    drop: list[int] = []
    rows = frame["row_number"].to_numpy()
    texts = frame["value_text"].fillna("").astype(str).to_numpy(dtype=object)
    for i in np.flatnonzero(is_named & usable):
        g, org = group[i], org_text[i]
        n, total = int(part_count[g]), float(part_sum[g])
        if g in broken:
            refused.append(_unchecked(int(rows[i]), org, texts[i]))
        elif n == 0:
            refused.append(_alone(int(rows[i]), org))
        elif math.isclose(values[i], total, rel_tol=1e-9, abs_tol=1e-9):
            notices.append(_checked(int(rows[i]), org, texts[i], total, n))
            drop.append(i)
        else:
            refused.append(_mismatch(int(rows[i]), org, texts[i], values[i], total, n))
    groups_with_named = set(group[is_named & usable].tolist())
    refused += _disguised(frame, values, group, is_part, groups_with_named, org_text, texts)
    if drop:
        frame = frame.drop(index=frame.index[drop]).reset_index(drop=True)
    return frame, refused, notices


def _disguised(
    frame: pd.DataFrame,
    values: np.ndarray,
    group: np.ndarray,
    is_part: np.ndarray,
    skip: set[int],
    org_text: np.ndarray,
    texts: np.ndarray,
) -> list[RowError]:
    """Refuse, in each group of positive org-unit rows, one whose value is the sum of the
    others (at least _MIN_PARTS_FOR_EQUALITY of them)."""
    found: list[RowError] = []
    parts = pd.DataFrame({"g": group[is_part], "v": values[is_part], "i": np.flatnonzero(is_part)})
    if parts.empty:
        return found
    stats = parts.groupby("g").agg(
        n=("v", "size"), low=("v", "min"), high=("v", "max"), s=("v", "sum")
    )
    candidates = stats[(stats.n > _MIN_PARTS_FOR_EQUALITY) & (stats.low > 0)]
    for g, row in candidates.iterrows():
        if g in skip:
            continue
        rest = float(row.s - row.high)
        if not math.isclose(float(row.high), rest, rel_tol=1e-9, abs_tol=1e-9):
            continue
        members = parts[(parts.g == g) & (parts.v == row.high)]
        i = int(members.i.iloc[0])
        number = int(frame["row_number"].iloc[i])
        found.append(_disguise(number, org_text[i], texts[i], float(row.high), int(row.n) - 1))
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
