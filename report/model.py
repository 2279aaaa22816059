"""What the review report says, as plain data: built once from the warehouse in one
language, then rendered as Markdown, HTML or Excel without further questions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from kernel.vocabulary import Lang
from report.words import word


@dataclass(frozen=True)
class Counts:
    """Initiatives by status (取組内容を達成 / 取組を実施中 / 取組内容を変更) and in total."""

    achieved: int
    in_progress: int
    changed: int
    total: int
    # since when the counts hold: "2019年3月時点", or with the statuses decided since the
    # report by fiscal year ("…、うち1件は2026年度に更新")
    dated: str = ""


@dataclass(frozen=True)
class InitiativeRow:
    """One initiative (取組) with its result and the state of its indicators."""

    id: str
    number: str | None
    chapter: str  # 大項目: 第1章 スマート神奈川の推進
    area_id: str
    area: str  # 中項目
    subitem: str | None  # 小項目
    group: str | None  # the grouping row printed above it in the 別紙
    text: str
    status: str  # achieved | in_progress | changed
    result: str  # ① 取組内容を達成した …
    reason: str | None
    indicator_status: str  # the rollup of its indicators; no_indicator when it has none
    indicator_label: str
    inconsistent: bool


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a drafted block: drafted from the data and the owners' words, or
    written by a person (the officer's edit)."""

    text: str
    by_person: bool = False


@dataclass(frozen=True)
class Block:
    """A part of the report the officer may edit (an area's 主な取組, 成果 or
    課題・今後の予定等; the 3(2) 成果): the drafted paragraphs, or the edit in force for this
    edition (as-of day and language), whose paragraphs not found in the draft are marked as
    written by a person."""

    key: str  # area|p1-08|results, summary|results
    heading: str
    paragraphs: list[Paragraph]
    draft: str  # the drafted text, one paragraph a line: what an edit starts from
    author: str | None = None  # who wrote the edit in force (None: the draft as drafted)
    edited_at: dt.datetime | None = None
    revision: int | None = None

    @property
    def edited(self) -> bool:
        return self.author is not None

    @property
    def text(self) -> str:
        """The block as it stands, one paragraph a line."""
        return "\n".join(p.text for p in self.paragraphs)


@dataclass(frozen=True)
class CitedFigure:
    """A figure the prefecture's report gives (its 3(2) 成果), with where it says so, beside
    the latest figure known on the as-of day."""

    indicator_id: str
    indicator: str
    cited: str  # 591台, 約72億円
    when: str  # 2019年3月, 2019年2月18日, 2018年度
    source: str
    note: str | None  # what was assumed where the report states no date
    latest: str  # "—" when no figure has been recorded since
    latest_period: str


@dataclass(frozen=True)
class TargetRow:
    """One target of an indicator, judged as of the report's date."""

    target_id: str | None
    value: float | None
    due: dt.date | None
    illustrative: bool
    note: str | None
    actual: float | None
    actual_period: str | None
    expected: float | None
    status: str
    status_label: str
    late: bool
    forecast: dt.date | None
    headline: bool
    # As the indicator's readers write them (indicators.display): at the unit's precision,
    # in the unit read in the report's language, the target marked where it is illustrative.
    value_text: str = "—"
    due_text: str = "—"
    actual_text: str = "—"
    expected_text: str = "—"
    forecast_text: str = "—"


@dataclass(frozen=True)
class GradeRow:
    """An indicator's progress grade against one of its targets (or why it has none), as a
    plan review prints it: 策定時, 現状値, 目標値 and the grade, in the report's language."""

    target_id: str | None
    letter: str | None  # A | B | C | D; None: no grade
    label: str  # A 達成, or 評価なし（目標なし）
    baseline_text: str  # 591台（2019年3月）
    current_text: str  # 720台（2026年10月）; a flow: its latest whole fiscal year's total
    target_text: str  # 900台（仮）（2028/03/31）
    progress_text: str  # 41.7%: the share of the baseline-to-target distance covered
    # the same as numbers, in the unit read in the report's language (for the workbook)
    baseline: float | None = None
    current: float | None = None
    current_when: str | None = None
    target: float | None = None
    due: dt.date | None = None
    progress: float | None = None


@dataclass(frozen=True)
class IndicatorRow:
    """An indicator with its targets, its figures in period order and the latest notes."""

    id: str
    name: str
    unit: str
    owner: str
    status: str  # its headline status
    status_label: str
    targets: list[TargetRow]
    series: list[tuple[dt.date, float]]
    last_period: str | None
    last_period_start: dt.date | None
    latest: float | None
    notes: list[str]  # the senders' notes on the latest figures, as sent
    scale: float = 1.0  # from stored figures to the unit read in the report's language
    decimals: int = 0  # the decimals its figures are written with in the report's language
    baseline: str = "—"  # the baseline with its unit (約 where approximate): 591台
    baseline_when: str = "—"  # when the baseline was taken: 2019年3月
    change: str = "—"  # baseline → latest: 591 → 720台 (the baseline alone without a figure)
    comment: str | None = None  # the owner's latest commentary known on the day
    comment_period: str | None = None
    grades: list[GradeRow] = field(default_factory=list)  # one per target, in its order


@dataclass(frozen=True)
class OutcomeRow:
    """An outcome indicator that shows a goal, with the status that speaks for it."""

    indicator_id: str
    status: str
    text: str  # ○ 順調 電子納税件数（目標 800,000件（仮）、2027/03/31）


@dataclass(frozen=True)
class AreaSection:
    """A 取組項目: its goal and the outcome indicators that show it, then its counts table,
    initiatives, changes, indicators and gaps."""

    id: str
    mark: str  # ア, イ, ウ …
    name: str
    counts: Counts | None  # None where the report has neither items nor a table
    initiatives: list[InitiativeRow]
    indicators: list[IndicatorRow]
    # 主な取組, 成果, 課題・今後の予定等: drafted, or as the officer edited them
    blocks: list[Block] = field(default_factory=list)
    goal: str = ""  # 目指すべき姿：…, or 目指すべき姿：未設定
    outcomes: list[OutcomeRow] = field(default_factory=list)
    goal_text: str = ""  # the goal alone (or 未設定), for a row already named 目指すべき姿

    @property
    def changed(self) -> list[InitiativeRow]:
        return [i for i in self.initiatives if i.status == "changed"]

    @property
    def uncovered(self) -> list[InitiativeRow]:
        return [i for i in self.initiatives if i.indicator_status == "no_indicator"]

    @property
    def numbers(self) -> list[str]:
        """The initiatives' numbers in the 別紙's order, each once (several share one)."""
        return list(dict.fromkeys(i.number for i in self.initiatives if i.number))


@dataclass(frozen=True)
class PolicySection:
    """A 方針 with its areas, in the report's order."""

    id: str
    mark: str  # (1), (2), (3)
    name: str
    counts: Counts
    areas: list[AreaSection]
    goal: str = ""  # 目指すべき姿：…, or 目指すべき姿：未設定
    outcomes: list[OutcomeRow] = field(default_factory=list)
    goal_text: str = ""  # the goal alone (or 未設定), for a row already named 目指すべき姿


@dataclass(frozen=True)
class Part:
    """A numbered subsection of section 1: a heading and its paragraphs."""

    heading: str
    paragraphs: list[str]
    bullets: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class AttentionRow:
    """A target or an indicator that needs action on the as-of date, as the evaluation has
    it: a target missed, off track or incomplete, or figures overdue."""

    status: str  # the target's status, or "late"
    status_label: str
    indicator: str
    owner: str
    detail: str


@dataclass(frozen=True)
class AlertRow:
    """An alert opened on or before the as-of date, in the state it had then."""

    id: int
    rule: str
    rule_label: str
    state: str  # open | resolved, as of the report's date
    state_label: str
    recipient: str
    indicator: str | None
    initiative_id: str | None
    summary: str
    opened_at: dt.datetime
    resolved_at: dt.datetime | None


@dataclass(frozen=True)
class MismatchRow:
    """A count from the item list that differs from the report's own figure."""

    level: str
    name: str
    status: str
    counted: int
    reported: int


@dataclass(frozen=True)
class CoverageRow:
    """Initiatives with an indicator, per policy."""

    name: str
    initiatives: int
    with_indicator: int
    with_target: int
    ratio: float


@dataclass(frozen=True)
class Summary:
    """Section 3 (全体総括): the status table, indicators, coverage, alerts, checks."""

    policies: list[tuple[str, Counts]]
    total: Counts
    sentence: str
    target_counts: list[tuple[str, str, int]]  # status, label, targets: the evaluation's
    targets_total: int
    late_total: int  # indicators with a figure overdue
    indicator_sentence: str
    coverage: list[CoverageRow]
    coverage_total: CoverageRow
    coverage_sentence: str
    attention: list[AttentionRow]  # what needs action on the day, from the same evaluation
    alerts_recorded: str  # how many alerts were recorded by the day (the history is elsewhere)
    mismatches: list[MismatchRow]
    agreement: str  # the sentence saying the counts agree (and what it rests on)
    # 3(2) 成果: the figures the prefecture's report cites, and the drafted (or edited) text
    cited: list[CitedFigure] = field(default_factory=list)
    results: Block | None = None


@dataclass(frozen=True)
class ReportData:
    """The whole 点検報告書 as of one day, in one language."""

    lang: Lang
    as_of: dt.date
    title: str
    plan_name: str
    period: str  # 平成26年度～30年度
    publisher: str
    intro: list[Part]
    policies: list[PolicySection]
    summary: Summary
    illustrative_note: str
    grade_note: str = ""  # how the plan grades progress (its scheme and threshold)
    # under the 別紙 when some status was decided after the report: the others are the report's
    appendix_note: str = ""

    def t(self, key: str, **values: object) -> str:
        """The report's wording for `key` in the report's language, filled with `values`."""
        text = word(key, self.lang)
        return text.format(**values) if values else text

    def number_range(self, area: AreaSection) -> str:
        """The span of an area's initiative numbers, e.g. 1～5 (one number alone)."""
        numbers = area.numbers
        if len(numbers) == 1:
            return numbers[0]
        return self.t("number_range", first=numbers[0], last=numbers[-1]) if numbers else ""

    def area_listed(self, area: AreaSection) -> str:
        """Section 2's pointer to the 別紙, where the area's initiatives are listed once."""
        n, span = len(area.initiatives), self.number_range(area)
        return self.t("area_listed", n=n, range=span) if span else self.t("area_listed_plain", n=n)

    def mark(self, paragraph: Paragraph) -> str:
        """The mark after a paragraph: drafted, or written by a person."""
        return self.t("written_mark" if paragraph.by_person else "drafted_mark")

    def edited_note(self, block: Block) -> str:
        """Who edited a block and when ("" for a draft left as drafted)."""
        if block.edited_at is None or block.author is None:
            return ""
        return self.t("edited_by", author=block.author, day=block.edited_at.strftime("%Y/%m/%d"))

    @property
    def blocks(self) -> list[Block]:
        """Every block the officer may edit, in the report's order."""
        found = [b for p in self.policies for a in p.areas for b in a.blocks]
        return [*found, self.summary.results] if self.summary.results else found

    def area_gaps(self, area: AreaSection) -> str:
        """Which of an area's initiatives have no indicator yet, by number."""
        gaps = area.uncovered
        if not gaps:
            return self.t("none")
        if len(gaps) == len(area.initiatives):
            return self.t("uncovered_all", n=len(gaps))
        numbers = dict.fromkeys(i.number or "—" for i in gaps)
        return self.t("uncovered_some", n=len(gaps), numbers=self.t("number_sep").join(numbers))

    @property
    def initiatives(self) -> list[InitiativeRow]:
        """Every initiative in the order of the 別紙."""
        return [i for p in self.policies for a in p.areas for i in a.initiatives]

    @property
    def indicators(self) -> list[IndicatorRow]:
        """Every indicator once, in the order first met by area."""
        seen: dict[str, IndicatorRow] = {}
        for policy in self.policies:
            for area in policy.areas:
                for ind in area.indicators:
                    seen.setdefault(ind.id, ind)
        return list(seen.values())


@dataclass(frozen=True)
class AppendixLine:
    """A printed line of the 別紙: an initiative, or the grouping row above some."""

    chapter: str
    area: str
    subitem: str
    number: str
    text: str
    result: str
    group: bool
    area_id: str = ""
    indicator: str = ""  # the indicator status' label, ※ where it contradicts the result
    indicator_status: str = ""


def appendix_lines(data: ReportData) -> list[AppendixLine]:
    """The 別紙 as printed: places shown where they change, grouping rows above their items."""
    # As merged cells would: a level is printed where it, or a level above it, changes; a
    # grouping row (e.g. 管理事務トータルシステムの再開発) heads the items under it.
    lines: list[AppendixLine] = []
    last: tuple[str | None, ...] = (None, None, None, None)
    for item in data.initiatives:
        place = (item.chapter, item.area, item.subitem, item.group)
        changed = next((n for n in range(4) if place[n] != last[n]), 4)
        shown = [(v or "") if n >= changed else "" for n, v in enumerate(place[:3])]
        if item.group and changed <= 3:
            lines.append(AppendixLine(*shown, "", item.group, "", True, item.area_id))
            shown = ["", "", ""]
        label = item.indicator_label + (" ※" if item.inconsistent else "")
        lines.append(
            AppendixLine(
                *shown,
                item.number or "—",
                item.text,
                item.result,
                False,
                item.area_id,
                label,
                item.indicator_status,
            )
        )
        last = place
    return lines
