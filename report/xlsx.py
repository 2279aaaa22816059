"""The report as an Excel workbook: one sheet per section, numbers as numbers, dates as
dates, bold headers, set column widths, and no text cell that Excel could run."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Sequence
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from kernel.exports import neutralise
from report.charts import text_sparkline
from report.model import Counts, ReportData

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=13)
_HEAD_FILL = PatternFill("solid", fgColor="E6EDF5")
_WRAP = Alignment(wrap_text=True, vertical="top")
_MAX_WIDTH = 70  # wider text wraps instead


def _width(value: object) -> int:
    """Columns a value needs: full-width characters count two."""
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 11
    text = value if isinstance(value, str) else f"{value:,}" if value is not None else ""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


class _Sheet:
    """Rows written top to bottom, remembering how wide each column needs to be."""

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self.row = 1
        self.widths: dict[int, int] = {}

    def write(
        self, cells: Sequence[object], font: Font | None = None, measure: bool = True
    ) -> None:
        for col, value in enumerate(cells, 1):
            cell = self.ws.cell(self.row, col, neutralise(value))
            if isinstance(value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(value, str) and _width(value) > _MAX_WIDTH:
                cell.alignment = _WRAP
            if font:
                cell.font = font
            if measure:
                self.widths[col] = max(self.widths.get(col, 8), min(_width(value) + 2, _MAX_WIDTH))
        self.row += 1

    def title(self, text: str) -> None:
        self.write([text], _TITLE, measure=False)

    def note(self, text: str) -> None:
        self.write([text], measure=False)

    def table(self, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
        self.write(header, _BOLD)
        for col in range(1, len(header) + 1):
            self.ws.cell(self.row - 1, col).fill = _HEAD_FILL
        for row in rows:
            self.write(row)
        self.row += 1

    def finish(self) -> None:
        for col, width in self.widths.items():
            self.ws.column_dimensions[self.ws.cell(1, col).column_letter].width = width


def _counts(c: Counts | None) -> list[int | None]:
    return [None] * 4 if c is None else [c.achieved, c.in_progress, c.changed, c.total]


def render_xlsx(data: ReportData) -> bytes:
    """The whole report as an .xlsx workbook."""
    book = Workbook()
    sheets = []
    for n, fill in enumerate((_intro, _results, _summary, _appendix)):
        ws = book.active if n == 0 else book.create_sheet()
        ws.title = data.t(f"sheet_s{n + 1}")
        sheet = _Sheet(ws)
        fill(data, sheet)
        sheets.append(sheet)
    for sheet in sheets:
        sheet.finish()
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _intro(data: ReportData, sheet: _Sheet) -> None:
    sheet.title(data.title + data.t("paren", x=data.period))
    for key, value in (
        ("plan_name", data.plan_name),
        ("plan_period", data.period),
        ("as_of", data.as_of),
        ("publisher", data.publisher),
    ):
        sheet.write([data.t(key), value])
    sheet.row += 1
    sheet.title(data.t("s1"))
    for part in data.intro:
        if part.heading:
            sheet.write([part.heading], _BOLD, measure=False)
        for text in part.paragraphs:
            sheet.write(["", text])
        for bullet in part.bullets:
            sheet.write(["", f"　{bullet}"])
    sheet.row += 1
    sheet.note(data.t("s1_areas"))
    rows = [(p.name, f"{n} {a.name}") for p in data.policies for n, a in enumerate(p.areas, 1)]
    sheet.table([data.t("policy"), data.t("area")], rows)


def _results(data: ReportData, sheet: _Sheet) -> None:
    sheet.title(data.t("s2"))
    where = [data.t("policy"), data.t("area")]
    counts = [data.t(k) for k in ("col_achieved", "col_in_progress", "col_changed", "total")]
    sheet.write([data.t("initiatives_count")], _BOLD, measure=False)
    areas = [(p, a) for p in data.policies for a in p.areas]
    sheet.table([*where, *counts], [(p.name, a.name, *_counts(a.counts)) for p, a in areas])

    sheet.write([data.t("area_initiatives")], _BOLD, measure=False)
    header = [*where, *(data.t(k) for k in ("number", "content", "result", "reason_col"))]
    rows = [
        (p.name, a.name, i.number, i.text, i.result, i.reason, i.indicator_label)
        for p, a in areas
        for i in a.initiatives
    ]
    sheet.table([*header, data.t("indicator_status")], rows)

    sheet.write([data.t("area_indicators")], _BOLD, measure=False)
    keys = ("indicator", "unit", "owner", "target", "illustrative", "due", "actual")
    keys += ("last_period", "expected", "status", "forecast", "trend", "note")
    rows = [
        (
            p.name,
            a.name,
            ind.name,
            ind.unit,
            ind.owner,
            t.value,
            "*" if t.illustrative else "",
            t.due,
            t.actual,
            t.actual_period,
            t.expected,
            t.status_label,
            t.forecast,
            text_sparkline(ind.series),
            "; ".join(x for x in [*ind.notes, t.note] if x),
        )
        for p, a in areas
        for ind in a.indicators
        for t in ind.targets
    ]
    sheet.table([*where, *(data.t(k) for k in keys)], rows)
    sheet.note(data.illustrative_note)
    sheet.row += 1

    sheet.write([data.t("without_indicator")], _BOLD, measure=False)
    rows = [(p.name, a.name, i.number, i.text) for p, a in areas for i in a.uncovered]
    sheet.table([*where, data.t("number"), data.t("content")], rows)


def _summary(data: ReportData, sheet: _Sheet) -> None:
    s = data.summary
    sheet.title(data.t("s3"))
    sheet.write([data.t("s3_status")], _BOLD, measure=False)
    sheet.note(s.sentence)
    counts = [data.t(k) for k in ("col_achieved", "col_in_progress", "col_changed", "total")]
    sheet.table([data.t("policy"), *counts], [(n, *_counts(c)) for n, c in s.policies])
    sheet.row -= 1  # the total row belongs to the table, in bold
    sheet.write([data.t("total"), *_counts(s.total)], _BOLD)
    sheet.row += 1

    sheet.write([data.t("s3_indicators")], _BOLD, measure=False)
    sheet.note(s.indicator_sentence)
    rows = [(lbl, n) for _, lbl, n in s.target_counts]
    sheet.table(
        [data.t("status"), data.t("targets_count")], [*rows, (data.t("total"), s.targets_total)]
    )

    sheet.write([data.t("s3_coverage")], _BOLD, measure=False)
    sheet.note(s.coverage_sentence)
    keys = ("policy", "initiatives_count", "with_indicator", "with_target_col", "share")
    start = sheet.row + 1
    rows = [
        (c.name, c.initiatives, c.with_indicator, c.with_target, c.ratio)
        for c in [*s.coverage, s.coverage_total]
    ]
    sheet.table([data.t(k) for k in keys], rows)
    for row in range(start, sheet.row - 1):
        sheet.ws.cell(row, 5).number_format = "0.0%"

    sheet.write([data.t("s3_alerts")], _BOLD, measure=False)
    if not s.attention:
        sheet.note(data.t("attention_none"))
    else:
        keys = ("status", "indicator", "owner", "attention_detail")
        rows = [(a.status_label, a.indicator, a.owner, a.detail) for a in s.attention]
        sheet.table([data.t(k) for k in keys], rows)
    sheet.note(s.alerts_recorded)
    sheet.row += 1

    sheet.write([data.t("s3_check")], _BOLD, measure=False)
    if not s.mismatches:
        sheet.note(s.agreement)
        return
    header = [data.t(k) for k in ("level", "name", "status", "counted", "reported")]
    rows = [(m.level, m.name, m.status, m.counted, m.reported) for m in s.mismatches]
    sheet.table(header, rows)


def _appendix(data: ReportData, sheet: _Sheet) -> None:
    sheet.title(data.t("s4"))
    keys = ("chapter", "section", "subsection", "group", "number", "content", "result")
    rows = [
        (i.chapter, i.area, i.subitem, i.group, i.number, i.text, i.result)
        for i in data.initiatives
    ]
    sheet.table([data.t(k) for k in keys], rows)
    sheet.ws.freeze_panes = "A3"
    sheet.ws.auto_filter.ref = f"A2:G{sheet.row - 2}"
