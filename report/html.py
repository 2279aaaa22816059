"""The report as one self-contained HTML file from the Jinja template, autoescaped, with
the trend charts inlined as SVG."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from report.charts import svg_sparkline
from report.model import IndicatorRow, ReportData, appendix_lines
from report.words import num, percent

TEMPLATE = "report.html.j2"


@cache
def _environment() -> Environment:
    """The template environment: autoescape on for every template, undefined names fail."""
    env = Environment(
        loader=PackageLoader("report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
    )
    env.filters["num"] = num
    env.filters["pct"] = percent
    env.globals["spark"] = _spark
    env.globals["appendix_rows"] = appendix_lines
    return env


def _spark(ind: IndicatorRow) -> Markup:
    # Safe to mark: the SVG is built from numbers, and its title is escaped where it is made.
    return Markup(svg_sparkline(ind.series, ind.name))


def render_html(data: ReportData) -> bytes:
    """The whole report as UTF-8 HTML."""
    return _environment().get_template(TEMPLATE).render(data=data).encode("utf-8")
