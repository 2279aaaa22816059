"""The generated sentences of the report: section 1 (趣旨・考え方), which says how each
status is determined, and the summary sentences of section 3."""

from __future__ import annotations

import datetime as dt

from indicators.catalog import Catalog
from indicators.coverage import Coverage
from indicators.evaluation import Counts as TargetCounts
from indicators.evaluation import Evaluation
from kernel.vocabulary import Lang
from report.model import Counts, Part
from report.words import fiscal_span, long_date, named, percent, status_label, word

# The target statuses best to worst, then the two without a verdict; what each means is the
# vocabulary's meaning_<status>, which restates the rules of indicators.status.
_STATUSES = (
    "achieved",
    "on_track",
    "at_risk",
    "off_track",
    "missed",
    "late",
    "no_data",
    "no_target",
)


def _choice(values: set[str], lang: Lang) -> str:
    """One value where all indicators agree, else 'set per indicator'."""
    if len(values) == 1:
        return next(iter(values))
    return "指標ごとに設定" if lang is Lang.ja else "set per indicator"


def _status_lines(catalog: Catalog, lang: Lang) -> list[str]:
    """One line per target status: its icon and label, and what it means."""
    tolerances = {
        f"{(t.tolerance or ind.tolerance) * 100:g}%"
        for ind in catalog.indicators
        for t in ind.targets
    } or {f"{ind.tolerance * 100:g}%" for ind in catalog.indicators}
    due_days = {str(ind.due_day) for ind in catalog.indicators}
    tolerance, due_day = _choice(tolerances, lang), _choice(due_days, lang)
    ja = lang is Lang.ja
    lines = []
    for status in _STATUSES:
        meaning = word(f"meaning_{status}", lang, tolerance=tolerance, due_day=due_day)
        lines.append(f"{status_label(status, lang)}{'：' if ja else ': '}{meaning}")
    return lines


def intro(catalog: Catalog, as_of: dt.date, lang: Lang) -> list[Part]:
    """Section 1: the plan, the purpose of the report and how the review is made."""
    plan = catalog.plan
    name = named(plan.name, plan.name_en, lang)
    span = fiscal_span(plan.start_fy, plan.end_fy, lang)
    day = long_date(as_of, lang)
    n_items, n_policies = len(catalog.initiatives), len(catalog.policies)
    n_areas, n_indicators = len(catalog.areas()), len(catalog.indicators)
    targets = [t for ind in catalog.indicators for t in ind.targets]
    illustrative = sum(t.illustrative for t in targets)
    mark = word("illustrative_mark", lang)  # as the targets are marked in the tables
    steps = any(t.path == "step" for t in targets)
    if lang is Lang.ja:
        about = [
            f"「{plan.name}」（以下、「行動計画」という。）の計画期間は、{span}です。",
            f"行動計画は{n_policies}つの方針と{n_areas}の取組項目からなり、"
            f"別紙に掲げる{n_items}の取組が位置付けられています。",
        ]
        purpose = [
            f"本報告書は、行動計画に位置付けられた取組の実施結果と、各取組に設定した"
            f"指標{n_indicators}件の実績を、{day}（基準日）時点で点検し、"
            "今後の一層のICT化の推進につなげることを目的として作成します。",
            "指標の実績は、基準日の終わりまでに登録された数値のみを用いています。"
            "基準日より後に登録・修正された数値は含みません。",
            word("draft_note", lang),
        ]
        method = [
            "取組は、行動計画に位置付けた際に予定していた取組内容を達成できたかどうか"
            "という視点から、「① 取組内容を達成した」、「② 取組内容を実施中である」及び"
            "「③ 取組内容を変更した」の三つの区分に整理しています。"
            "変更した取組には、その理由を付しています。",
            "指標の目標は、基準値から目標値までを期限に向けて直線で結んだ経路"
            + ("（段階的な目標は、期限までは基準値）" if steps else "")
            + "の上の想定値と、直近の実績とを比べ、次の区分で判定します。",
        ]
        after = [
            "年度計の目標は、報告済みの期間に応じて按分した値と比べます。",
            "一つの指標に複数の目標がある場合は、期限が基準日以降で最も近い目標"
            "（全て期限を過ぎている場合は最後の目標）の判定を、その指標の状況とします。"
            "取組の「指標の状況」は、その取組に設定された指標のうち最も厳しい状況です。",
            f"目標{len(targets)}件のうち「{mark}」と記した{illustrative}件は説明用の仮の値"
            "であり、県が定めた目標ではありません。",
        ]
    else:
        about = [
            f"The {name} runs from FY{plan.start_fy} to FY{plan.end_fy}.",
            f"It has {n_policies} policies and {n_areas} areas, under which the appendix "
            f"lists {n_items} initiatives.",
        ]
        purpose = [
            f"This report reviews the results of the plan's initiatives and the figures of the "
            f"{n_indicators} indicators set for them, as of {day} (the as-of date).",
            "Only figures recorded by the end of the as-of date are used; figures recorded or "
            "corrected later are not.",
            word("draft_note", lang),
        ]
        method = [
            "Each initiative is classed by whether the content planned for it was achieved: "
            "① achieved, ② in progress, or ③ changed; a changed initiative carries the reason.",
            "Each target is judged by comparing the latest figure with the value expected on a "
            "straight path from the baseline to the target by its due date"
            + (" (a step target expects the baseline until its due date)" if steps else "")
            + ", and classed as follows.",
        ]
        after = [
            "A fiscal-year target is compared pro rata to the periods reported so far.",
            "Where an indicator has several targets, the nearest one due on or after the as-of "
            "date (else the last one) gives the indicator's status. An initiative's indicator "
            "status is the most severe status among its indicators.",
            f"{illustrative} of the {len(targets)} targets, marked {mark.strip()}, are "
            "placeholders for demonstration, not targets set by the prefecture.",
        ]
    return [
        Part(word("s1_plan", lang).format(plan=plan.name if lang is Lang.ja else name), about),
        Part(word("s1_purpose", lang), purpose),
        Part(word("s1_method", lang), method, _status_lines(catalog, lang)),
        Part("", after),
    ]


def status_sentence(total: Counts, lang: Lang) -> str:
    """The sentence under the status table (3 全体総括 (1))."""
    if lang is Lang.ja:
        return (
            f"行動計画に位置付けられた{total.total}の取組のうち、{total.achieved}の取組については"
            f"その内容を達成し、{total.in_progress}の取組については現在も実施中であり、"
            f"{total.changed}の取組については内容を変更して取組を進めています。"
        )
    return (
        f"Of the plan's {total.total} initiatives, {total.achieved} achieved their planned "
        f"content, {total.in_progress} are in progress and {total.changed} were changed."
    )


def indicator_sentence(counts: TargetCounts, result: Evaluation, as_of: dt.date, lang: Lang) -> str:
    """The sentence under the targets' status counts (counts of targets; late, of indicators)."""
    day = long_date(as_of, lang)
    with_target = len(result.catalog.indicators) - len(result.without_target())
    late = word("late_sentence", lang, n=result.indicator_counts.late)
    if lang is Lang.ja:
        parts = "、".join(f"{word(s, lang)}{n}件" for s, n in counts.by_status.items() if n)
        return (
            f"{day}時点で、目標のある指標{with_target}件の目標{counts.total}件の状況は、"
            f"{parts or 'なし'}です。{late}"
        )
    parts = ", ".join(f"{n} {word(s, lang).lower()}" for s, n in counts.by_status.items() if n)
    return (
        f"As of {day}, of the {counts.total} targets of the {with_target} indicators that "
        f"have one: {parts or 'none'}. {late}"
    )


def coverage_sentence(cov: Coverage, lang: Lang) -> str:
    """The sentence on how many initiatives have an indicator, and one with a target."""
    total, covered, targeted = cov.initiatives_total, cov.with_indicator, cov.with_target
    share = percent(covered / total if total else 0.0)
    target_share = percent(targeted / total if total else 0.0)
    if lang is Lang.ja:
        return (
            f"{total}の取組のうち、指標が設定されている取組は{covered}（{share}）、"
            f"そのうち目標のある指標が設定されている取組は{targeted}（{target_share}）、"
            f"指標が未設定の取組は{total - covered}です。"
        )
    return (
        f"Of the {total} initiatives, {covered} ({share}) have an indicator, {targeted} "
        f"({target_share}) one with a target, and {total - covered} have none yet."
    )
