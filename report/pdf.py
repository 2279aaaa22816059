"""The report as PDF for the briefing book: the HTML report laid out on A4 by WeasyPrint
(Pango and HarfBuzz, the Noto CJK fonts), with page numbers, a table of contents with
page numbers and bookmarks, and table headers repeated on every page."""

from __future__ import annotations

from weasyprint import HTML, URLFetcher

from report.html import render_html
from report.model import ReportData


def render_pdf(data: ReportData) -> bytes:
    """The whole report as a PDF document."""
    # The same page as the HTML download: its print style sheet sets the page, the running
    # header and footer, and the page numbers of the contents (target-counter). The page is
    # self-contained, so nothing is fetched: no protocol is allowed, not even file:.
    page = HTML(
        string=render_html(data).decode("utf-8"),
        url_fetcher=URLFetcher(allowed_protocols=()),
    )
    pdf = page.write_pdf(pdf_identifier=_identifier(data))
    if pdf is None:  # pragma: no cover - write_pdf without a target returns the bytes
        raise RuntimeError("WeasyPrint wrote no PDF")
    return pdf


def _identifier(data: ReportData) -> bytes:
    """The same report of the same day in the same language has the same file identifier."""
    return f"shihyo-report-{data.as_of.isoformat()}-{data.lang}".encode()
