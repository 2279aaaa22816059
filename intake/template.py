"""The upload template a section downloads: the header of the upload format and one
row per indicator it owns, for the latest period due, with the indicator's name and
unit in the note column as a guide."""

from __future__ import annotations

import csv
import datetime as dt
import io

from indicators.catalog import Catalog
from indicators.periods import Period, format_period
from indicators.status import latest_reportable_period
from kernel.exports import neutralise

TEMPLATE_COLUMNS = ("indicator_id", "period", "value", "org_unit", "note")
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
    for ind in catalog.indicators:
        if (owner and ind.owner != owner) or (indicator and ind.id != indicator):
            continue
        due = latest_reportable_period(ind, day)
        period = format_period(Period(due, _GRANULARITY[ind.frequency])) if due else ""
        rows.append([ind.id, period, "", "", f"{ind.name}（{ind.unit}）"])
    return rows


def template_csv(
    catalog: Catalog,
    owner: str | None = None,
    indicator: str | None = None,
    *,
    as_of: dt.date,
) -> bytes:
    """The template as CSV bytes, UTF-8 with BOM so that Excel shows the Japanese."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(TEMPLATE_COLUMNS)
    for row in template_rows(catalog, owner, indicator, as_of=as_of):
        writer.writerow([neutralise(cell) for cell in row])
    return buffer.getvalue().encode("utf-8-sig")
