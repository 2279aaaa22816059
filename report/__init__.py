"""The review report (点検報告書) drafted from the data as of any day, in the structure of
the prefecture's own report: 1 趣旨・考え方, 2 取組項目ごとの点検結果, 3 全体総括 and
the 別紙, as a PDF for the briefing book, one self-contained HTML file, an Excel workbook or
Markdown.

    data = report.build(evaluation, warehouse, "ja")      # what the report says
    body = report.render(data, "html")                     # bytes to write or download
    body = report.draft(evaluation, warehouse, "en", "md") # both in one call
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

from indicators.evaluation import Evaluation
from kernel.vocabulary import Lang
from report.build import build
from report.model import ReportData
from warehouse import Warehouse

if TYPE_CHECKING:
    import pandas as pd

Format = Literal["pdf", "html", "xlsx", "md"]
# In the order a reader would choose them: the dashboard offers the first by default.
FORMATS: tuple[Format, ...] = ("pdf", "html", "xlsx", "md")
# What the formats are called where a reader chooses one (the same in both languages).
FORMAT_NAMES: dict[str, str] = {
    "pdf": "PDF (A4)",
    "html": "HTML",
    "xlsx": "Excel (A4)",
    "md": "Markdown",
}
MEDIA_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

__all__ = [
    "FORMATS",
    "FORMAT_NAMES",
    "MEDIA_TYPES",
    "Format",
    "ReportData",
    "build",
    "draft",
    "file_name",
    "render",
]


def _renderer(fmt: str) -> Callable[[ReportData], bytes]:
    # Imported on demand: the CLI asking for Markdown need not load WeasyPrint or openpyxl.
    if fmt == "pdf":
        from report.pdf import render_pdf

        return render_pdf
    if fmt == "md":
        from report.markdown import render_markdown

        return render_markdown
    if fmt == "html":
        from report.html import render_html

        return render_html
    if fmt == "xlsx":
        from report.xlsx import render_xlsx

        return render_xlsx
    raise ValueError(f"unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}")


def render(data: ReportData, fmt: Format | str = "md") -> bytes:
    """The report in `fmt` (pdf, html, xlsx or md) as bytes; ValueError for another format."""
    return _renderer(fmt)(data)


def draft(
    result: Evaluation,
    warehouse: Warehouse,
    lang: Lang | str = Lang.ja,
    fmt: Format | str = "md",
    totals: pd.DataFrame | None = None,
) -> bytes:
    """The report of `result`'s day, in `lang` and `fmt`, as bytes; `totals` as `build`
    takes them."""
    renderer = _renderer(fmt)  # an unknown format fails before the warehouse is read
    return renderer(build(result, warehouse, lang, totals))


def file_name(
    as_of: dt.date, fmt: Format | str, lang: Lang | str = Lang.ja, plan: str | None = None
) -> str:
    """A file name for the report, e.g. shihyo-report-2026-11-29.html (-en for English); a
    plan chosen by id is named in it (shihyo-report-rei-keikaku-2026-11-29.md), so that two
    plans' reports of one day do not overwrite each other."""
    _renderer(fmt)
    suffix = "-en" if Lang(lang) is Lang.en else ""
    named = f"{plan}-" if plan else ""
    return f"shihyo-report-{named}{as_of.isoformat()}{suffix}.{fmt}"
