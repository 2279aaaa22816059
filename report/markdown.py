"""The report as Markdown: headings and pipe tables, every data text escaped so that it
reads as text (no HTML, no table breaks) wherever the Markdown is rendered."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from report.charts import text_sparkline
from report.model import (
    AreaSection,
    Block,
    Counts,
    IndicatorRow,
    OutcomeRow,
    ReportData,
    appendix_lines,
)
from report.words import percent

_ENTITY = re.compile(r"&(?=#?\w+;)")
_MARKUP = re.compile(r"([\\`*_\[\]|])")


def md(text: object) -> str:
    """Data text made inert in Markdown: HTML, emphasis and table pipes escaped, one line."""
    if text is None:
        return ""
    value = _ENTITY.sub("&amp;", str(text)).replace("<", "&lt;").replace(">", "&gt;")
    return " ".join(_MARKUP.sub(r"\\\1", value).split())


def table(
    header: Sequence[str], rows: Iterable[Sequence[object]], right: int = 0, numbers: str = ""
) -> list[str]:
    """A pipe table; the last `right` columns, and those marked 'r' in `numbers`, right-aligned."""
    marks = numbers.ljust(len(header), "l")[: len(header)]
    align = ["---:" if m == "r" or n >= len(header) - right else "---" for n, m in enumerate(marks)]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return [*lines, ""]


def _counts(c: Counts) -> list[int]:
    return [c.achieved, c.in_progress, c.changed, c.total]


def _count_header(data: ReportData) -> list[str]:
    return [data.t(k) for k in ("col_achieved", "col_in_progress", "col_changed", "total")]


def render_markdown(data: ReportData) -> bytes:
    """The whole report as UTF-8 Markdown."""
    out = [f"# {md(data.title)}", "", data.t("paren", x=data.period), ""]
    out += [f"{data.t('as_of')}: {data.as_of.isoformat()} · {md(data.publisher)}", ""]
    out += [f"## {data.t('contents')}", ""]
    out += [f"- {data.t(k)}" for k in ("s1", "s2", "s3", "s4")] + [""]
    out += _intro(data) + _results(data) + _summary(data) + _appendix(data)
    return "\n".join(out).rstrip("\n").encode("utf-8") + b"\n"


def _intro(data: ReportData) -> list[str]:
    out = [f"## {data.t('s1')}", ""]
    for part in data.intro:
        if part.heading:
            out += [f"### {md(part.heading)}", ""]
        out += [f"- {md(p)}" for p in part.paragraphs]
        out += [f"  - {md(b)}" for b in part.bullets] + [""]
    out += [data.t("s1_areas"), ""]
    rows = [
        (md(p.name), data.t("list_sep").join(f"{i} {md(a.name)}" for i, a in enumerate(p.areas, 1)))
        for p in data.policies
    ]
    return out + table([data.t("policy"), data.t("area")], rows)


def _block(data: ReportData, block: Block, heading: bool = True) -> list[str]:
    """A drafted (or edited) block: its heading, each paragraph with its mark, who edited."""
    out = [f"**{md(block.heading)}**", ""] if heading else []
    out += [f"- {md(p.text)}{data.mark(p)}" for p in block.paragraphs]
    note = data.edited_note(block)
    return [*out, *([f"  {md(note)}"] if note else []), ""]


def _results(data: ReportData) -> list[str]:
    out = [f"## {data.t('s2')}", "", f"*{data.t('marks_note')}*", ""]
    for policy in data.policies:
        out += [f"### {policy.mark} {md(policy.name)}", ""]
        out += _goal(data, policy.goal, policy.outcomes)
        for area in policy.areas:
            out += [f"#### {area.mark} {md(area.name)}", "", *_area(data, area)]
    return out


def _goal(data: ReportData, goal: str, outcomes: list[OutcomeRow]) -> list[str]:
    """A section's goal (目指すべき姿, or that it is not yet written), then the outcome
    indicators that show it with their status."""
    out = [f"**{md(goal)}**", "", f"**{data.t('area_outcomes')}**", ""]
    out += [f"- {md(o.text)}" for o in outcomes] or [f"- {md(data.t('outcomes_none'))}"]
    return [*out, ""]


def _area(data: ReportData, area: AreaSection) -> list[str]:
    """An area as the HTML's card: its goal and the outcome indicators that show it, its
    counts, where its initiatives are listed (the 別紙), its changed initiatives with their
    reasons, those still without an indicator, and then its indicators."""
    out = [*_goal(data, area.goal, area.outcomes), f"**{data.t('initiatives_count')}**", ""]
    if area.counts is None or not area.initiatives:
        out += [data.t("no_items"), ""]
        return [*out, *(line for block in area.blocks for line in _block(data, block))]
    out += table(_count_header(data), [_counts(area.counts)], right=4)
    if area.counts.dated:
        out += [md(data.t("paren", x=area.counts.dated)), ""]
    for block in area.blocks:
        out += _block(data, block)
    out += [f"**{data.t('area_initiatives')}**", "", md(data.area_listed(area)), ""]
    out += [f"**{data.t('changed_items')}**", ""]
    if not area.changed:
        out += [f"- {data.t('none')}"]
    for item in area.changed:
        out += [f"- {md(item.number or '—')} {md(item.text)}"]
        out += [f"  {data.t('reason')} {md(item.reason)}"]
    out += [""]
    if not area.indicators:
        return [*out, f"**{data.t('area_indicators')}**", "", data.t("no_area_indicators"), ""]
    out += [f"**{data.t('without_indicator')}**", "", md(data.area_gaps(area)), ""]
    return [*out, f"**{data.t('area_indicators')}**", "", *_indicators(data, area.indicators)]


def _indicators(data: ReportData, indicators: list[IndicatorRow]) -> list[str]:
    header = [
        data.t(k)
        for k in ("indicator", "target", "due", "actual", "last_period", "status", "trend", "note")
    ]
    rows = []
    for ind in indicators:
        for n, t in enumerate(ind.targets):
            first = n == 0
            rows.append(
                (
                    _name_cell(data, ind) if first else "",
                    t.value_text,
                    t.due_text,
                    t.actual_text,
                    t.actual_period or "—",
                    t.status_label,
                    text_sparkline(ind.series) if first else "",
                    "; ".join(md(x) for x in [*ind.notes, t.note] if x) if first else md(t.note),
                )
            )
    out = table(header, rows, numbers="lrlrl")
    if any(t.illustrative for ind in indicators for t in ind.targets):
        out += [md(data.illustrative_note), ""]
    return out + _grades(data, indicators)


def _grades(data: ReportData, indicators: list[IndicatorRow]) -> list[str]:
    """Each indicator's progress grade against each target, as plan reviews print it:
    策定時, 現状値, 目標値, the share of the way covered, and the grade."""
    keys = ("indicator", "grade_baseline", "grade_current", "grade_target", "grade_progress")
    header = [data.t(k) for k in keys] + [data.t("grade")]
    rows = [
        (
            md(ind.name) if n == 0 else "",
            md(g.baseline_text) if n == 0 else "",
            md(g.current_text),
            md(g.target_text),
            g.progress_text,
            md(g.label),
        )
        for ind in indicators
        for n, g in enumerate(ind.grades)
    ]
    if not rows:
        return []
    out = [f"**{data.t('grades_table')}**", "", *table(header, rows, numbers="lrrrrl")]
    return [*out, md(data.grade_note), ""]


def _name_cell(data: ReportData, ind: IndicatorRow) -> str:
    """The indicator's name and unit, and its baseline (printed whether or not a figure
    came since)."""
    name = f"{md(ind.name)}{_gap(data)}{data.t('paren', x=md(ind.unit))}"
    return f"{name} · {md(data.t('baseline_of', value=ind.baseline, when=ind.baseline_when))}"


def _gap(data: ReportData) -> str:
    """Between a name and its parenthesis: none in Japanese, a space in English."""
    return "" if data.lang == "ja" else " "


def _summary(data: ReportData) -> list[str]:
    s = data.summary
    out = [f"## {data.t('s3')}", "", f"### {data.t('s3_status')}", "", s.sentence, ""]
    rows = [(md(name), *_counts(c)) for name, c in s.policies]
    rows.append((data.t("total"), *_counts(s.total)))
    out += table([data.t("policy"), *_count_header(data)], rows, right=4)
    out += [data.t("appendix_ref"), "", *_cited(data)]
    out += [
        f"### {data.t('s3_indicators')}",
        "",
        s.indicator_sentence,
        "",
    ]
    rows = [(lbl, n) for _, lbl, n in s.target_counts]
    out += table(
        [data.t("status"), data.t("targets_count")],
        [*rows, (data.t("total"), s.targets_total)],
        right=1,
    )
    out += [f"### {data.t('s3_coverage')}", "", s.coverage_sentence, ""]
    keys = ("policy", "initiatives_count", "with_indicator", "with_target_col", "share")
    rows = [
        (md(c.name), c.initiatives, c.with_indicator, c.with_target, percent(c.ratio))
        for c in [*s.coverage, s.coverage_total]
    ]
    out += table([data.t(k) for k in keys], rows, right=4)
    out += [f"### {data.t('s3_alerts')}", "", *_attention(data)]
    out += [f"### {data.t('s3_check')}", ""]
    if not s.mismatches:
        return [*out, s.agreement, ""]
    header = [data.t(k) for k in ("level", "name", "status", "counted", "reported")]
    rows = [(m.level, md(m.name), m.status, m.counted, m.reported) for m in s.mismatches]
    return out + table(header, rows, right=2)


def _cited(data: ReportData) -> list[str]:
    """3(2) 成果: the figures the prefecture's report cites beside the latest, then the
    drafted (or edited) words."""
    s = data.summary
    out = [f"### {data.t('s3_results')}", "", data.t("cited_intro"), ""]
    keys = ("indicator", "cited_figure", "cited_when", "source", "latest_figure", "last_period")
    rows = [
        (md(c.indicator), md(c.cited), md(c.when), md(c.source), md(c.latest), md(c.latest_period))
        for c in s.cited
    ]
    out += table([data.t(k) for k in keys], rows)
    notes = [c for c in s.cited if c.note]
    out += [f"{data.t('assumed_mark')} {md(c.indicator)}: {md(c.note)}  " for c in notes]
    out += [""] if notes else []
    if s.results is not None:
        out += [f"*{data.t('marks_note')}*", "", *_block(data, s.results, heading=False)]
    return out


def _attention(data: ReportData) -> list[str]:
    """What needs action on the day, from the evaluation; then the alerts recorded."""
    s = data.summary
    out: list[str] = []
    if not s.attention:
        out += [data.t("attention_none"), ""]
    else:
        header = [data.t(k) for k in ("status", "indicator", "owner", "attention_detail")]
        rows = [(a.status_label, md(a.indicator), md(a.owner), md(a.detail)) for a in s.attention]
        out += table(header, rows)
    return [*out, s.alerts_recorded, ""]


def _appendix(data: ReportData) -> list[str]:
    """The 別紙: the one full list of the initiatives, with their results and indicators."""
    out = [f"## {data.t('s4')}", ""]
    keys = ("chapter", "section", "subsection", "number", "content", "result", "indicator_status")
    rows = [
        (md(x.chapter), md(x.area), md(x.subitem), md(x.number), md(x.text), x.result, x.indicator)
        for x in appendix_lines(data)
    ]
    out += table([data.t(k) for k in keys], rows)
    if any(i.inconsistent for i in data.initiatives):
        out += [data.t("inconsistent"), ""]
    if data.appendix_note:
        out += [md(data.appendix_note), ""]
    return out
