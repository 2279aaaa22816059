"""The alert rules: which conditions hold now. Each condition has a key; the engine
opens an alert when a key appears and resolves it when the key is gone."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from indicators import display
from indicators.catalog import Catalog, Indicator
from indicators.coverage import covered_initiatives
from indicators.evaluation import Evaluation
from indicators.status import TargetStatus
from kernel.vocabulary import Lang, rule_label, word

TARGET_RULES = ("missed", "off_track", "at_risk")
RULES = (*TARGET_RULES, "late", "validation_failed", "no_indicator")


@dataclass(frozen=True)
class Condition:
    """A condition that holds now, addressed to one section."""

    key: str
    rule: str
    recipient: str
    summary: str
    summary_en: str
    indicator_id: str | None = None
    target_id: str | None = None
    initiative_id: str | None = None
    load_id: int | None = None
    details: dict = field(default_factory=dict, compare=False)


def _target_condition(rule: str, ind: Indicator, status: TargetStatus) -> Condition:
    def text(lang: Lang) -> tuple[str, str, str, str]:
        goal = display.target(ind, status.target_id, lang)
        by = display.day(status.target_date, lang)
        return (
            goal,
            by,
            display.figure(ind, status.actual, lang),
            display.figure(ind, status.expected, lang),
        )

    goal, by, actual, expected = text(Lang.ja)
    goal_en, by_en, actual_en, expected_en = text(Lang.en)
    words = (rule_label(rule, Lang.ja, icon=False), rule_label(rule, Lang.en, icon=False))
    return Condition(
        key=f"{rule}|{ind.id}|{status.target_id}",
        rule=rule,
        recipient=ind.owner,
        indicator_id=ind.id,
        target_id=status.target_id,
        summary=f"{ind.name}: {words[0]}。目標 {goal}（{by}まで）、"
        f"実績 {actual}（想定 {expected}）",
        summary_en=f"{ind.name_en}: {words[1]}. Target {goal_en} by {by_en}, "
        f"actual {actual_en} (expected {expected_en})",
        details={
            "actual": status.actual,
            "expected": status.expected,
            "target_value": status.target_value,
            "target_date": str(status.target_date),
            "gap": status.gap,
        },
    )


def target_conditions(evaluation: Evaluation, at_risk: bool) -> list[Condition]:
    """missed / off_track / at_risk (opt-in) per target, and late per indicator."""
    found: list[Condition] = []
    for ind in evaluation.catalog.indicators:
        statuses = evaluation.targets[ind.id]
        for status in statuses:
            rule = status.status  # lateness is a rule of its own, below
            if rule in TARGET_RULES and (rule != "at_risk" or at_risk):
                found.append(_target_condition(rule, ind, status))
        late = evaluation.headlines[ind.id]
        if late.late:
            found.append(_late_condition(ind, late))
    return found


# A message names this many missing periods, then says how many more.
MISSING_NAMED = 3


def _late_condition(ind: Indicator, status: TargetStatus) -> Condition:
    """The figures overdue for an indicator, naming the missing periods."""
    shown = status.missing[:MISSING_NAMED]
    more = len(status.missing) - len(shown)
    ja = "、".join(display.period(ind, p, Lang.ja) for p in shown)
    ja += f" ほか{more}期間" if more else ""
    en = ", ".join(display.period(ind, p, Lang.en) for p in shown)
    en += f" and {more} more" if more else ""
    due, due_en = display.day(status.next_due, Lang.ja), display.day(status.next_due, Lang.en)
    return Condition(
        key=f"late|{ind.id}|",
        rule="late",
        recipient=ind.owner,
        indicator_id=ind.id,
        summary=f"{ind.name}: {ja} の実績が届いていません（報告期限 {due}）",
        summary_en=f"{ind.name_en}: the figures for {en} have not arrived (due {due_en})",
        details={
            "next_due": str(status.next_due),
            "missing_periods": [p.isoformat() for p in status.missing],
        },
    )


def _put_right(loads: pd.DataFrame, keys: pd.DataFrame | None) -> set[int]:
    """The failed loads whose every rejected figure (indicator and period, where the rows
    said them) a later clean load of the same section has since brought in."""
    if keys is None or keys.empty or loads.empty:
        return set()
    section = {int(r.id): r.section or "" for r in loads.itertuples()}
    clean = {int(r.id) for r in loads.itertuples() if r.rows_rejected == 0 and r.status == "loaded"}
    brought: dict[tuple[str, str, object], list[int]] = {}
    for row in keys[keys["kind"] == "written"].itertuples():
        load_id = int(row.load_id)
        if load_id in clean:
            key = (section.get(load_id, ""), row.indicator_id, pd.Timestamp(row.period))
            brought.setdefault(key, []).append(load_id)
    refused = keys[keys["kind"] == "refused"]
    put_right = set()
    for load_id, rows in refused.groupby("load_id"):
        failed = int(load_id)
        wanted = [
            (section.get(failed, ""), r.indicator_id, pd.Timestamp(r.period))
            for r in rows.itertuples()
        ]
        if all(any(later > failed for later in brought.get(k, [])) for k in wanted):
            put_right.add(failed)
    return put_right


def validation_conditions(loads: pd.DataFrame, keys: pd.DataFrame | None = None) -> list[Condition]:
    """A load with rejected rows, until the section puts it right: a later load of the same
    file name from the same section comes in clean, or the section's later clean files bring
    every figure (indicator and period) the rejected rows meant (`keys`:
    Warehouse.validation_keys)."""
    if loads.empty:
        return []
    found: list[Condition] = []
    ordered = loads.sort_values("id")
    clean_after: dict[tuple[str, str], int] = {}
    for row in ordered.itertuples():
        key = (row.file_name, row.section or "")
        if row.rows_rejected == 0 and row.status == "loaded":
            clean_after[key] = row.id
    put_right = _put_right(ordered, keys)
    for row in ordered.itertuples():
        if row.rows_rejected == 0 or int(row.id) in put_right:
            continue
        key = (row.file_name, row.section or "")
        if clean_after.get(key, -1) > row.id:
            continue
        found.append(
            Condition(
                key=f"validation_failed|load:{row.id}",
                rule="validation_failed",
                recipient=row.section or "",
                load_id=int(row.id),
                summary=f"{row.file_name}: {row.rows_rejected}行を受け付けませんでした"
                f"（{row.status}）。理由は取込履歴で確認できます",
                summary_en=f"{row.file_name}: {row.rows_rejected} rows rejected ({row.status}); "
                "the reasons are on the Loads page",
                details={"file_name": row.file_name, "rows_rejected": int(row.rows_rejected)},
            )
        )
    return found


TITLE_CHARS = 40  # an initiative's title beside its number, cut to this many characters


def _short(title: str) -> str:
    return title if len(title) <= TITLE_CHARS else title[: TITLE_CHARS - 1] + "…"


def coverage_conditions(catalog: Catalog) -> list[Condition]:
    """Each initiative of every plan that still has no indicator, for its plan's
    administrator."""
    covered = covered_initiatives(catalog)
    return [
        Condition(
            key=f"no_indicator|{item.id}",
            rule="no_indicator",
            recipient=book.plan.admin_owner,
            initiative_id=item.id,
            summary=f"取組 {item.number or item.id}（{_short(item.title)}）: "
            "指標が設定されていません"
            + (word("reconstructed_mark", Lang.ja) if item.reconstructed else ""),
            summary_en=f"initiative {item.number or item.id} ({_short(item.title)}) "
            "has no indicator"
            + (f" {word('reconstructed_mark', Lang.en)}" if item.reconstructed else ""),
        )
        for book in catalog.plans
        for item in book.initiatives
        if item.id not in covered
    ]
