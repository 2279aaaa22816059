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
from report.model import AreaSection, Counts, PolicySection, ReportData

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=13)
_HEAD_FILL = PatternFill("solid", fgColor="E6EDF5")
_WRAP = Alignment(wrap_text=True, vertical="top")
_HEAD = Alignment(wrap_text=True, vertical="center")
_TOP = Alignment(vertical="top")
_MAX_WIDTH = 50  # wider text wraps instead, unless the table says otherwise for a column
# Column widths that still read when a sheet is fitted to the width of A4: past about 100
# columns of width a portrait page shrinks its print, past about 150 a landscape one.
_PORTRAIT_WIDTH = 100
_LINE = 15  # points a line of 11-point text takes


def _width(value: object) -> int:
    """Columns a value needs: full-width characters count two."""
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 11
    text = value if isinstance(value, str) else f"{value:,}" if value is not None else ""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


class _Sheet:
    """Rows written top to bottom, remembering how wide each column needs to be, then laid
    out for print: A4, fitted to the page's width, the main table's header on every page."""

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self.row = 1
        self.widths: dict[int, int] = {}
        self.caps: dict[int, int] = {}  # the widest a column may grow; longer text wraps
        self.header_row: int | None = None
        self.notes: list[int] = []  # rows of running text, laid across the sheet's width

    def write(
        self, cells: Sequence[object], font: Font | None = None, measure: bool = True
    ) -> None:
        for col, value in enumerate(cells, 1):
            cell = self.ws.cell(self.row, col, neutralise(value))
            cap = self.caps.get(col, _MAX_WIDTH)
            if isinstance(value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            # A table's text wraps within its column; a title runs across the columns.
            if measure and isinstance(value, str) and _width(value) + 2 > cap:
                cell.alignment = _WRAP
            else:  # beside a wrapped cell, a row's other cells start at its top too
                cell.alignment = _TOP
            if font:
                cell.font = font
            if measure:
                self.widths[col] = max(self.widths.get(col, 8), min(_width(value) + 2, cap))
        self.row += 1

    def title(self, text: str) -> None:
        self.write([text], _TITLE, measure=False)

    def note(self, text: str) -> None:
        self.notes.append(self.row)
        self.write([text], measure=False)

    def table(
        self,
        header: Sequence[str],
        rows: Iterable[Sequence[object]],
        caps: Sequence[int] = (),
        repeat: bool = False,
    ) -> None:
        """A table under a bold header; `caps` the widest each column may grow (longer text
        wraps); `repeat`: its header is printed at the top of every page."""
        self.caps = {col: cap for col, cap in enumerate(caps, 1)}
        # A header wraps within its column rather than widening it.
        self.write(header, _BOLD, measure=False)
        for col in range(1, len(header) + 1):
            cell = self.ws.cell(self.row - 1, col)
            cell.fill, cell.alignment = _HEAD_FILL, _HEAD
            self.widths[col] = max(self.widths.get(col, 8), min(_width(header[col - 1]) + 2, 12))
        if repeat:
            self.header_row = self.row - 1
        for row in rows:
            self.write(row)
        self.caps = {}
        self.row += 1

    def finish(self) -> None:
        for col, width in self.widths.items():
            self.ws.column_dimensions[self.ws.cell(1, col).column_letter].width = width
        # A sentence would run past the printed columns: it wraps across all of them, in
        # a row as tall as its lines (Excel does not fit merged cells by itself).
        last = max(self.widths, default=1)
        across = sum(self.widths.values()) or _MAX_WIDTH
        for row in self.notes:
            cell = self.ws.cell(row, 1)
            cell.alignment = _WRAP
            if last > 1:
                self.ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)
            lines = -(-_width(cell.value) // across)
            self.ws.row_dimensions[row].height = _LINE * max(lines, 1) + 2
        self._fit_rows()
        setup = self.ws.page_setup
        setup.paperSize = self.ws.PAPERSIZE_A4
        wide = sum(self.widths.values()) > _PORTRAIT_WIDTH
        setup.orientation = "landscape" if wide else "portrait"
        # As wide as the page, as many pages long as it takes.
        self.ws.sheet_properties.pageSetUpPr.fitToPage = True
        setup.fitToWidth, setup.fitToHeight = 1, 0
        self.ws.print_options.horizontalCentered = True
        self.ws.page_margins.left = self.ws.page_margins.right = 0.5
        self.ws.oddFooter.center.text = "&P / &N"
        if self.header_row:
            self.ws.print_title_rows = f"{self.header_row}:{self.header_row}"

    def _fit_rows(self) -> None:
        """Each row with wrapped text as tall as its most wrapped cell (notes set their own)."""
        notes = set(self.notes)
        for cells in self.ws.iter_rows(min_row=1, max_row=self.ws.max_row):
            row = cells[0].row
            if row in notes:
                continue
            lines = 1
            for cell in cells:
                if not (isinstance(cell.value, str) and cell.alignment.wrap_text):
                    continue
                width = max(self.widths.get(cell.column, 8) - 1, 1)
                parts = cell.value.split("\n")
                lines = max(lines, sum(-(-_width(part) // width) or 1 for part in parts))
            if lines > 1:
                self.ws.row_dimensions[row].height = _LINE * lines + 2


def _counts(c: Counts | None) -> list[int | None]:
    return [None] * 4 if c is None else [c.achieved, c.in_progress, c.changed, c.total]


def render_xlsx(data: ReportData) -> bytes:
    """The whole report as an .xlsx workbook, each sheet laid out for A4."""
    book = Workbook()
    sheets = []
    parts = (
        ("sheet_s1", _intro),
        ("sheet_s2", _results),
        ("sheet_s2_indicators", _indicators),
        ("sheet_grades", _grades),
        ("sheet_s3", _summary),
        ("sheet_s4", _appendix),
    )
    for n, (name, fill) in enumerate(parts):
        ws = book.active if n == 0 else book.create_sheet()
        ws.title = data.t(name)
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
    sheet.caps = {1: 24, 2: 70}
    for part in data.intro:
        if part.heading:
            sheet.write([part.heading], _BOLD, measure=False)
        for text in part.paragraphs:
            sheet.write(["", text])
        for bullet in part.bullets:
            sheet.write(["", f"　{bullet}"])
    sheet.caps = {}
    sheet.row += 1
    sheet.note(data.t("s1_areas"))
    rows = [(p.name, f"{n} {a.name}") for p in data.policies for n, a in enumerate(p.areas, 1)]
    sheet.table([data.t("policy"), data.t("area")], rows, caps=(24, 70))


def _results(data: ReportData, sheet: _Sheet) -> None:
    """Section 2 without repeating the 別紙: each area's counts and gaps, the changes."""
    sheet.title(data.t("s2"))
    where = [data.t("policy"), data.t("area")]
    # The goals first (目指すべき姿, or that none is written), each with its outcomes' status,
    # laid out as the blocks below are (a part, then its words), so the columns stay narrow.
    sheet.write([data.t("goals_table")], _BOLD, measure=False)
    rows = _goal_rows(data)
    sheet.table([*where, data.t("part"), data.t("content")], rows, caps=(22, 28, 16, 70))
    counts = [data.t(k) for k in ("col_achieved", "col_in_progress", "col_changed", "total")]
    sheet.write([data.t("initiatives_count")], _BOLD, measure=False)
    areas = [(p, a) for p in data.policies for a in p.areas]
    rows = [
        (
            p.name,
            a.name,
            *_counts(a.counts),
            a.counts.dated if a.counts else None,
            len(a.uncovered) if a.initiatives else None,
        )
        for p, a in areas
    ]
    header = [*where, *counts, data.t("plan_since_col"), data.t("without_indicator")]
    sheet.table(header, rows, caps=(22, 28))
    sheet.note(data.t("appendix_ref"))
    sheet.row += 1

    sheet.write([data.t("changed_items")], _BOLD, measure=False)
    header = [*where, *(data.t(k) for k in ("number", "content", "reason_col"))]
    rows = [(p.name, a.name, i.number, i.text, i.reason) for p, a in areas for i in a.changed]
    sheet.table(header, rows, caps=(22, 28, 10, 40, 40))
    sheet.row += 1

    # 主な取組, 成果, 課題・今後の予定等: one row a paragraph, each marked drafted or written
    sheet.note(data.t("marks_note"))
    header = [*where, data.t("part"), data.t("content"), ""]
    rows = [
        (p.name, a.name, b.heading, para.text, data.mark(para).strip())
        for p, a in areas
        for b in a.blocks
        for para in b.paragraphs
    ]
    sheet.table(header, rows, caps=(22, 28, 16, 70, 8))


def _goal_rows(data: ReportData) -> list[tuple[str, str, str, str]]:
    """Each policy's and area's goal and outcomes, two rows each: (policy, area, part, words)."""
    rows = []
    for p in data.policies:
        entries = [("", p.goal_text, p.outcomes)]
        entries += [(a.name, a.goal_text, a.outcomes) for a in p.areas]
        for area, goal, outcomes in entries:
            shown = "\n".join(o.text for o in outcomes) or data.t("outcomes_none")
            rows.append((p.name, area, data.t("area_goal"), goal))
            rows.append((p.name, area, data.t("area_outcomes"), shown))
    return rows


def _indicators(data: ReportData, sheet: _Sheet) -> None:
    """Each area's indicators with their targets as judged on the day: one row a target."""
    sheet.title(data.t("sheet_s2_indicators"))
    keys = ("policy", "area", "indicator", "unit", "owner", "target", "illustrative", "due")
    keys += ("actual", "last_period", "expected", "status", "forecast", "trend", "note")
    mark = data.t("illustrative_mark").strip()
    rows = []
    formats: list[str] = []  # each row's number format, from its indicator's precision
    for p, a in _areas(data):
        for ind in a.indicators:
            for t in ind.targets:
                rows.append(
                    (
                        p.name,
                        a.name,
                        ind.name,
                        ind.unit,
                        ind.owner,
                        _scaled(t.value, ind.scale),
                        mark if t.illustrative else "",
                        t.due,
                        _scaled(t.actual, ind.scale),
                        t.actual_period,
                        _scaled(t.expected, ind.scale),
                        t.status_label,
                        t.forecast_text,
                        text_sparkline(ind.series),
                        "; ".join(x for x in [*ind.notes, t.note] if x),
                    )
                )
                formats.append("#,##0" + ("." + "0" * ind.decimals if ind.decimals else ""))
    caps = (16, 18, 28, 8, 14, 12, 8, 11, 12, 12, 12, 12, 11, 14, 24)
    start = sheet.row + 1
    sheet.table([data.t(k) for k in keys], rows, caps=caps, repeat=True)
    for row, number_format in enumerate(formats, start):
        for col in (6, 9, 11):  # target, actual, expected
            sheet.ws.cell(row, col).number_format = number_format
    sheet.note(data.illustrative_note)


def _grades(data: ReportData, sheet: _Sheet) -> None:
    """Each indicator's progress grade against each target, as plan reviews print it:
    策定時, 現状値 (with its period), 目標値 (with its due day), the share covered, the grade;
    numbers as numbers."""
    sheet.title(data.t("grades_table"))
    keys = ("policy", "area", "indicator", "unit", "grade_baseline", "grade_current")
    keys += ("last_period", "grade_target", "illustrative", "due", "grade_progress", "grade")
    mark = data.t("illustrative_mark").strip()
    rows = []
    formats: list[str] = []
    seen: set[str] = set()  # an indicator evidencing areas of two policies is listed once
    for p, a in _areas(data):
        for ind in a.indicators:
            if ind.id in seen:
                continue
            seen.add(ind.id)
            illustrative = {t.target_id: t.illustrative for t in ind.targets}
            for g in ind.grades:
                rows.append(
                    (
                        p.name,
                        a.name,
                        ind.name,
                        ind.unit,
                        g.baseline,
                        g.current,
                        g.current_when,
                        g.target,
                        mark if illustrative.get(g.target_id) else "",
                        g.due,
                        g.progress,
                        g.label,
                    )
                )
                formats.append("#,##0" + ("." + "0" * ind.decimals if ind.decimals else ""))
    caps = (16, 18, 28, 8, 12, 12, 12, 12, 8, 11, 10, 20)
    start = sheet.row + 1
    sheet.table([data.t(k) for k in keys], rows, caps=caps, repeat=True)
    for row, number_format in enumerate(formats, start):
        for col in (5, 6, 8):  # baseline, latest, target
            sheet.ws.cell(row, col).number_format = number_format
        sheet.ws.cell(row, 11).number_format = "0.0%"
    sheet.note(data.grade_note)
    sheet.note(data.illustrative_note)


def _scaled(value: float | None, scale: float) -> float | None:
    """A stored figure in the unit read in the report's language."""
    return None if value is None else value * scale


def _areas(data: ReportData) -> list[tuple[PolicySection, AreaSection]]:
    """Every area with its policy, in the report's order."""
    return [(p, a) for p in data.policies for a in p.areas]


def _summary(data: ReportData, sheet: _Sheet) -> None:
    s = data.summary
    sheet.title(data.t("s3"))
    sheet.write([data.t("s3_status")], _BOLD, measure=False)
    sheet.note(s.sentence)
    counts = [data.t(k) for k in ("col_achieved", "col_in_progress", "col_changed", "total")]
    sheet.table([data.t("policy"), *counts], [(n, *_counts(c)) for n, c in s.policies], caps=(30,))
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
        sheet.table([data.t(k) for k in keys], rows, caps=(30, 30, 16, 40))
    sheet.note(s.alerts_recorded)
    sheet.row += 1

    sheet.write([data.t("s3_check")], _BOLD, measure=False)
    if not s.mismatches:
        sheet.note(s.agreement)
        return
    header = [data.t(k) for k in ("level", "name", "status", "counted", "reported")]
    rows = [(m.level, m.name, m.status, m.counted, m.reported) for m in s.mismatches]
    sheet.table(header, rows, caps=(30, 30))


def _appendix(data: ReportData, sheet: _Sheet) -> None:
    """The 別紙: the one full list of the initiatives, with results and indicator status."""
    sheet.title(data.t("s4"))
    keys = ("chapter", "section", "subsection", "group", "number", "content", "result")
    rows = [
        (
            i.chapter,
            i.area,
            i.subitem,
            i.group,
            i.number,
            i.text,
            i.result,
            i.indicator_label + (" ※" if i.inconsistent else ""),
        )
        for i in data.initiatives
    ]
    caps = (16, 18, 18, 16, 8, 46, 26, 12)
    header = [*(data.t(k) for k in keys), data.t("indicator_status")]
    sheet.table(header, rows, caps=caps, repeat=True)
    if any(i.inconsistent for i in data.initiatives):
        sheet.note(data.t("inconsistent"))
    if data.appendix_note:
        sheet.note(data.appendix_note)
    sheet.ws.freeze_panes = "A3"
    sheet.ws.auto_filter.ref = f"A2:H{len(rows) + 2}"
