"""The upload template a section downloads: comment lines that say what each indicator is
and how to fill the file in, the header of the upload format, and one row per indicator
it owns for the latest period due. The note and comment columns are left empty: a note is
stored as the figure's note (備考), a comment as the owner's commentary on the period
(状況・要因), shown beside the figure."""

from __future__ import annotations

import csv
import datetime as dt
import io

from indicators.catalog import Catalog, Indicator
from indicators.periods import Period, format_period
from indicators.status import latest_reportable_period
from kernel.exports import neutralise

TEMPLATE_COLUMNS = ("indicator_id", "period", "value", "org_unit", "note", "comment")
_GRANULARITY = {"monthly": "month", "quarterly": "quarter", "fiscal_year": "fiscal_year"}


def template_rows(
    catalog: Catalog,
    owner: str | None = None,
    indicator: str | None = None,
    *,
    as_of: dt.date,
) -> list[list[str]]:
    """One row per chosen indicator, the value left for the sender to fill in."""
    day = as_of
    rows = []
    for ind in _chosen(catalog, owner, indicator):
        due = latest_reportable_period(ind, day)
        period = format_period(Period(due, _GRANULARITY[ind.frequency])) if due else ""
        rows.append([ind.id, period, "", "", "", ""])
    return rows


def _chosen(catalog: Catalog, owner: str | None, indicator: str | None) -> list[Indicator]:
    return [
        ind
        for ind in catalog.indicators
        if not (owner and ind.owner != owner) and not (indicator and ind.id != indicator)
    ]


# The reader skips lines starting with # above the header, so the help travels in the file.
_HELP = (
    "# shihyo 取込テンプレート (upload template): value 欄に値を入れて送ってください。",
    "# org_unit は内訳（市町村など）がある場合のみ。note は任意の備考で、そのまま記録されます。",
    "# comment は任意のコメント（状況・要因: 数値が動いた理由）で、指標ページに表示されます。",
    "# period の書き方: 月 2026-10 / 四半期 FY2026Q2 / 年度 FY2025。",
    "# この # の行は読み飛ばされます。",
)


def _help_lines(indicators: list[Indicator]) -> list[str]:
    lines = list(_HELP)
    for ind in indicators:
        lines.append(f"# {ind.id}: {ind.name}（単位: {ind.unit}）")
    return lines


def template_csv(
    catalog: Catalog,
    owner: str | None = None,
    indicator: str | None = None,
    *,
    as_of: dt.date,
) -> bytes:
    """The template as CSV bytes, UTF-8 with BOM so that Excel shows the Japanese."""
    buffer = io.StringIO(newline="")
    for line in _help_lines(_chosen(catalog, owner, indicator)):
        # A comment is one raw line: commas and quotes in a name must not split it.
        buffer.write(line.replace('"', "'").replace(",", "、") + "\r\n")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(TEMPLATE_COLUMNS)
    for row in template_rows(catalog, owner, indicator, as_of=as_of):
        writer.writerow([neutralise(cell) for cell in row])
    return buffer.getvalue().encode("utf-8-sig")
