"""The catalog: the plan, its policies, areas and initiatives, the owners, and the
indicators with baselines and targets, read from reviewable YAML files and
checked on load. No database, orchestration or UI imports here."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from kernel.errors import BilingualError

InitiativeStatus = Literal["achieved", "in_progress", "changed"]
INITIATIVE_STATUSES: tuple[InitiativeStatus, ...] = ("achieved", "in_progress", "changed")
Frequency = Literal["monthly", "quarterly", "fiscal_year"]
Kind = Literal["stock", "flow", "cumulative"]
Direction = Literal["higher", "lower"]
Level = Literal["output", "outcome"]
"""What an indicator shows, as 行政事業レビュー and EBPM practice type it: an output
(活動・アウトプット, what the prefecture's measures do) or an outcome (中間・最終アウトカム,
the result they should bring, often moved by other actors too)."""
LEVELS: tuple[Level, ...] = ("output", "outcome")

PLAN_FILE = "plan.yaml"
INITIATIVES_FILE = "initiatives.yaml"
INDICATORS_FILE = "indicators.yaml"
PLANS_FOLDER = "plans"
"""Further plans of the instance, one folder each: `plans/<plan id>/plan.yaml` and
`initiatives.yaml`, in the format of the first plan's two files. The three files at the top
hold the first (default) plan, the owners and the indicators, which serve every plan."""


class CatalogError(ValueError):
    """The catalog files are wrong; the message names each file and entry."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("catalog is invalid:\n" + "\n".join(f"  - {p}" for p in problems))


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StatusCounts(_Model):
    """Initiative counts by status (取組数: 達成 / 実施中 / 変更)."""

    achieved: int = Field(0, ge=0)
    in_progress: int = Field(0, ge=0)
    changed: int = Field(0, ge=0)

    @property
    def total(self) -> int:
        return self.achieved + self.in_progress + self.changed


class Area(_Model):
    """A 取組項目 of a policy, with the counts its table in the report gives, and its goal
    (目指すべき姿) where one is written: what its initiatives are for, in words, and the outcome
    indicators that show it beyond those of its initiatives (`outcomes`)."""

    id: str
    seq: int
    name: str
    name_en: str
    goal: str | None = None
    goal_en: str | None = None
    outcomes: list[str] = []
    reported: StatusCounts | None = None
    note: str | None = None


class Policy(_Model):
    """A 方針 of the plan, with its goal (目指すべき姿) where one is written, and the outcome
    indicators that show it beyond those of its initiatives (`outcomes`)."""

    id: str
    seq: int
    name: str
    name_en: str
    goal: str | None = None
    goal_en: str | None = None
    outcomes: list[str] = []
    reported: StatusCounts
    areas: list[Area]


class Report(_Model):
    title: str
    title_en: str
    published: str
    publisher: str


class GradeScheme(_Model):
    """How a plan grades its indicators' progress as Japanese plan reviews write it (A 達成,
    B 前進, C 横ばい, D 後退): the band around the baseline within which a figure has not
    moved (横ばい), as a share of the baseline-to-target distance (`basis: distance`, the
    default) or of the baseline's value (`basis: baseline`)."""

    threshold: float = Field(0.03, ge=0, lt=1)
    basis: Literal["distance", "baseline"] = "distance"


class Plan(_Model):
    """The action plan itself and the review report it was transcribed from."""

    id: str
    name: str
    name_en: str
    start_fy: int
    end_fy: int
    report: Report
    admin_owner: str
    grades: GradeScheme = GradeScheme()


class Alignment(_Model):
    """An item of another plan of the instance that an initiative serves (e.g. a 総合計画
    policy or a 行政改革大綱 area): the plan's id and the id of its policy, area or
    initiative. A link, not evidence: it moves no count of either plan."""

    plan: str
    item: str


class Initiative(_Model):
    """A status-bearing row (取組) of the report's 別紙."""

    id: str
    number: str | None
    area: str
    status: InitiativeStatus
    text: str
    subitem: str | None = None
    group: str | None = None
    reason: str | None = None
    note: str | None = None
    reconstructed: bool = False
    serves: list[Alignment] = []

    @property
    def title(self) -> str:
        """The row in one line a reader can place: rows of a group that name only their
        object, "(人事給与システム)", are read under the group's text."""
        text = self.text.strip()
        if self.group and text[:1] in "(（" and text[-1:] in ")）":
            return f"{self.group}（{text[1:-1]}）"
        return text

    @model_validator(mode="after")
    def _reason_only_for_changed(self) -> Initiative:
        if self.status == "changed" and not self.reason:
            raise ValueError("a changed initiative needs the reason the report gives")
        if self.status != "changed" and self.reason:
            raise ValueError("only a changed initiative carries a reason")
        return self


class Owner(_Model):
    """A section that owns indicators and sends their figures."""

    id: str
    name: str
    name_en: str
    assumed: bool = False


class Figure(_Model):
    """A figure the report gives, with where it says so. `assumed` marks a date or period
    the report does not state (say which in `note`)."""

    value: float
    date: dt.date
    source: str
    window: Literal["fiscal_year"] | None = None
    approximate: bool = False
    assumed: bool = False
    note: str | None = None


class Target(_Model):
    """A value to reach by a date; `window` makes a flow target a fiscal-year sum."""

    id: str
    value: float
    due: dt.date
    window: Literal["fiscal_year"] | None = None
    path: Literal["linear", "step"] = "linear"
    tolerance: float | None = Field(None, gt=0, lt=1)
    illustrative: bool = False
    note: str | None = None


class RowsThatCount(_Model):
    """Rows of a list count only when `column` holds one of `values`."""

    column: str
    values: list[str] = Field(min_length=1)


class OpenDataSource(_Model):
    """A standard open-data list that feeds an indicator, counted per org unit: which kind
    of list (intake's list kinds, e.g. public_wifi), whose (the publishers'
    全国地方公共団体コード, e.g. 140007 for 神奈川県; none: any), and which rows count."""

    list_kind: str
    publishers: list[str] = []
    where: list[RowsThatCount] = []


class Indicator(_Model):
    """Something measured (指標), owned by a section, evidencing initiatives."""

    id: str
    name: str
    name_en: str
    unit: str = Field(min_length=1)
    unit_en: str
    unit_en_scale: float = Field(1.0, gt=0)
    """How many `unit_en` one `unit` is, where English counts in a larger unit: 億円 (10^8
    yen) is 0.1 billion yen. Stored figures are always in `unit`."""
    decimals: int = Field(0, ge=0, le=4)
    """Decimal places figures and expectations are written with in `unit` (a count: 0)."""
    frequency: Frequency
    kind: Kind
    direction: Direction
    owner: str = Field(min_length=1)
    level: Level = "output"
    initiatives: list[str] = Field(min_length=1)
    baseline: Figure
    targets: list[Target] = []
    report_figures: list[Figure] = []
    min_value: float | None = None
    max_value: float | None = None
    tolerance: float = Field(0.10, gt=0, lt=1)
    due_day: int = Field(10, ge=1, le=28)
    description: str | None = None
    measured: Literal["period_end", "first_month"] = "period_end"
    """When in its period a figure is taken: at the period's end, or by the end of its first
    month (a fiscal year's count "as of April", 各年度4月時点). A figure is judged against
    the glide path on that day, and is due `due_day` days after it."""
    open_data: OpenDataSource | None = None
    """The standard open-data list that may feed it (see OpenDataSource); None: none."""
    profile: list[float] | Literal["learn"] | None = None
    """How a flow's year is shared out over its periods, April first (12 shares for monthly,
    4 for quarterly): a fiscal-year target expects, part way through the year, the shares
    of the periods in. "learn": from the indicator's own complete past years. None: even."""

    @field_validator("id")
    @classmethod
    def _id_is_a_slug(cls, value: str) -> str:
        if not value.replace("_", "").isalnum() or not value.isascii():
            raise ValueError("indicator ids are ASCII letters, digits and underscores")
        return value


class PlanBook(_Model):
    """One further plan of the instance: the plan, its policies with their areas, and its
    initiatives (the first plan's are the catalog's own `plan`, `policies`, `initiatives`)."""

    plan: Plan
    policies: list[Policy]
    initiatives: list[Initiative]

    def areas(self) -> list[tuple[Policy, Area]]:
        return [(policy, area) for policy in self.policies for area in policy.areas]


class UnknownPlan(BilingualError, LookupError):
    """A plan id the catalog does not hold; the message names those it does."""

    def __init__(self, plan_id: str, known: list[str]):
        self.plan_id = plan_id
        self.known = known
        names = ", ".join(known)
        super().__init__(
            f"計画「{plan_id}」は目録にありません（目録の計画: {names}）",
            f"unknown plan {plan_id!r}; the catalog holds: {names}",
        )


class Catalog(_Model):
    """The whole catalog, cross-checked. `plan`, `policies` and `initiatives` are the first
    (default) plan's, as they were when an instance held one plan; `more_plans` the others.
    Owners and indicators serve every plan: an indicator may evidence initiatives of several
    plans and keeps one history."""

    plan: Plan
    policies: list[Policy]
    initiatives: list[Initiative]
    owners: list[Owner]
    indicators: list[Indicator]
    more_plans: list[PlanBook] = []

    def areas(self) -> list[tuple[Policy, Area]]:
        return [(policy, area) for policy in self.policies for area in policy.areas]

    @property
    def plans(self) -> list[PlanBook]:
        """Every plan of the instance, the default (first) plan first."""
        first = PlanBook.model_construct(
            plan=self.plan, policies=self.policies, initiatives=self.initiatives
        )
        return [first, *self.more_plans]

    @property
    def plan_ids(self) -> list[str]:
        return [book.plan.id for book in self.plans]

    def plan_of(self, initiative_id: str) -> str | None:
        """The id of the plan that holds an initiative (None: no plan holds it)."""
        return next(
            (b.plan.id for b in self.plans if any(i.id == initiative_id for i in b.initiatives)),
            None,
        )

    def aligned(self, link: Alignment) -> tuple[Plan, Policy | Area | Initiative] | None:
        """The plan and the item (policy, area or initiative) an alignment link names; None
        when this catalog does not hold them (a plan's view holds no other plan)."""
        book = next((b for b in self.plans if b.plan.id == link.plan), None)
        if book is None:
            return None
        items: list[Policy | Area | Initiative] = [*_goal_entries(book.policies)]
        items += book.initiatives
        found = next((i for i in items if i.id == link.item), None)
        return None if found is None else (book.plan, found)

    def for_plan(self, plan_id: str | None) -> Catalog:
        """The catalog as one plan sees it: that plan's policies and initiatives, and the
        indicators that evidence one of them or show one of its goals, each naming only
        that plan's initiatives (so that every count and page of one plan reads as the
        single-plan catalog did). The catalog itself for its only plan; None: the default.
        UnknownPlan for an id it does not hold."""
        plan_id = plan_id or self.plan.id
        if plan_id == self.plan.id and not self.more_plans:
            return self
        book = next((b for b in self.plans if b.plan.id == plan_id), None)
        if book is None:
            raise UnknownPlan(plan_id, self.plan_ids)
        own = {item.id for item in book.initiatives}
        goals = {ref for entry in _goal_entries(book.policies) for ref in entry.outcomes}
        indicators = [
            ind.model_copy(update={"initiatives": [r for r in ind.initiatives if r in own]})
            for ind in self.indicators
            if own.intersection(ind.initiatives) or ind.id in goals
        ]
        return Catalog.model_construct(
            plan=book.plan,
            policies=book.policies,
            initiatives=book.initiatives,
            owners=self.owners,
            indicators=indicators,
            more_plans=[],
        )

    def _lean(self) -> dict:
        """What to leave out of the document: the fields of more than one plan while they
        are empty, so that a one-plan catalog's document (and fingerprint) is the one it
        was before instances held several plans."""
        exclude: dict = {}
        if not self.more_plans:
            exclude["more_plans"] = True
        bare = {n: {"serves"} for n, item in enumerate(self.initiatives) if not item.serves}
        if bare:
            exclude["initiatives"] = bare
        return exclude

    def fingerprint(self) -> str:
        """A hash of the catalog's content, to tell whether a sync has anything to do."""
        return hashlib.sha256(self.model_dump_json(exclude=self._lean()).encode()).hexdigest()

    def to_document(self) -> dict:
        """The catalog as plain JSON data: what the warehouse keeps of each version."""
        return self.model_dump(mode="json", exclude=self._lean())

    @classmethod
    def from_document(cls, document: dict) -> Catalog:
        """The catalog from a document `to_document` wrote (checked like the files are)."""
        return cls.model_validate(document)


def _read_yaml(path: Path, where: str = "") -> object:
    name = f"{where}/{path.name}" if where else path.name
    if not path.is_file():
        raise CatalogError([f"{name}: file not found in {path.parent}"])
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CatalogError([f"{name}: not valid YAML: {exc}"]) from exc


def _describe(error: ValidationError, file: str, where: str) -> list[str]:
    """Turn pydantic's errors into lines naming the file, the entry and the field."""
    lines = []
    for err in error.errors():
        field = ".".join(str(part) for part in err["loc"])
        message = err["msg"].removeprefix("Value error, ")
        lines.append(f"{file}: {where}{': ' + field if field else ''}: {message}")
    return lines


def _entry_name(what: str, entry: object, index: int) -> str:
    entry_id = entry.get("id") if isinstance(entry, dict) else None
    return f"{what} {entry_id!r}" if entry_id else f"{what} #{index + 1}"


def _validate_list(
    model: type[_Model], raw: object, file: str, what: str
) -> tuple[list, list[str]]:
    """Validate each entry of a list on its own, so that every bad entry is reported."""
    if not isinstance(raw, list):
        return [], [f"{file}: {what} entries must be a list"]
    items, problems = [], []
    for index, entry in enumerate(raw):
        try:
            items.append(model.model_validate(entry))
        except ValidationError as exc:
            problems += _describe(exc, file, _entry_name(what, entry, index))
    return items, problems


def load_catalog(folder: Path) -> Catalog:
    """The checked catalog from the three files in `folder` and the further plans under its
    `plans/` folder (PLANS_FOLDER); CatalogError lists every problem."""
    more = []
    plans = folder / PLANS_FOLDER
    if plans.is_dir():
        for sub in sorted(p for p in plans.iterdir() if p.is_dir()):
            where = f"{PLANS_FOLDER}/{sub.name}"
            more.append(
                (
                    where,
                    _read_yaml(sub / PLAN_FILE, where),
                    _read_yaml(sub / INITIATIVES_FILE, where),
                )
            )
    return catalog_from_parts(
        _read_yaml(folder / PLAN_FILE),
        _read_yaml(folder / INITIATIVES_FILE),
        _read_yaml(folder / INDICATORS_FILE),
        more,
    )


def catalog_parts(document: dict) -> tuple[dict, list, dict]:
    """A catalog document (`Catalog.to_document`) cut into what the three files hold: the
    plan file's mapping, the initiatives' list and the indicators file's mapping (the
    further plans' parts: `more_parts`)."""
    return (
        {"plan": document["plan"], "policies": document["policies"]},
        document["initiatives"],
        {"owners": document["owners"], "indicators": document["indicators"]},
    )


MorePart = tuple[str, object, object]
"""A further plan as its files read: its folder (`plans/<id>`), its plan file's mapping and
its initiatives' list."""


def more_parts(document: dict) -> list[MorePart]:
    """A catalog document's further plans, cut as their files hold them."""
    return [
        (
            f"{PLANS_FOLDER}/{book['plan']['id']}",
            {"plan": book["plan"], "policies": book["policies"]},
            book["initiatives"],
        )
        for book in document.get("more_plans") or []
    ]


def _plan_parts(
    plan_raw: object, initiatives_raw: object, where: str = ""
) -> tuple[PlanBook | None, list[str]]:
    """One plan's two files checked entry by entry; the plan's problems, each naming its
    file (under `where`, a further plan's folder)."""
    plan_file = f"{where}/{PLAN_FILE}" if where else PLAN_FILE
    initiatives_file = f"{where}/{INITIATIVES_FILE}" if where else INITIATIVES_FILE
    if not isinstance(plan_raw, dict):
        return None, [f"{plan_file}: expected a mapping with 'plan' and 'policies'"]
    try:
        plan = Plan.model_validate(plan_raw.get("plan"))
    except ValidationError as exc:
        return None, _describe(exc, plan_file, "plan")
    policies, problems = _validate_list(Policy, plan_raw.get("policies"), plan_file, "policy")
    initiatives, found = _validate_list(Initiative, initiatives_raw, initiatives_file, "initiative")
    problems += found
    return PlanBook(plan=plan, policies=policies, initiatives=initiatives), problems


def catalog_from_parts(
    plan_raw: object,
    initiatives_raw: object,
    indicators_raw: object,
    more: list[MorePart] | tuple[()] = (),
) -> Catalog:
    """The checked catalog from the three files' contents as YAML reads them, and from the
    further plans' (`more`): every entry on its own, then the checks across entries;
    CatalogError lists every problem. The files and a change made in the dashboard are
    checked here alike, with the same messages."""
    first, problems = _plan_parts(plan_raw, initiatives_raw)
    if first is None:
        raise CatalogError(problems)
    books = []
    for where, more_plan, more_initiatives in more:
        book, found = _plan_parts(more_plan, more_initiatives, where)
        problems += found
        if book is not None:
            books.append(book)
            if where != f"{PLANS_FOLDER}/{book.plan.id}":
                problems.append(
                    f"{where}/{PLAN_FILE}: plan id {book.plan.id!r} is not its folder's "
                    f"name; a further plan lives in {PLANS_FOLDER}/<plan id>/"
                )
    if not isinstance(indicators_raw, dict):
        raise CatalogError(
            [f"{INDICATORS_FILE}: expected a mapping with 'owners' and 'indicators'"]
        )
    owners, found = _validate_list(Owner, indicators_raw.get("owners"), INDICATORS_FILE, "owner")
    problems += found
    indicators, found = _validate_list(
        Indicator, indicators_raw.get("indicators"), INDICATORS_FILE, "indicator"
    )
    problems += found
    if problems:
        raise CatalogError(problems)

    from indicators.catalog_checks import cross_check  # it reads the models defined here

    catalog = Catalog(
        plan=first.plan,
        policies=first.policies,
        initiatives=first.initiatives,
        owners=owners,
        indicators=indicators,
        more_plans=books,
    )
    problems = cross_check(catalog)
    if problems:
        raise CatalogError(problems)
    return catalog


def _goal_entries(policies: list[Policy]) -> list[Policy | Area]:
    return [*policies, *(area for policy in policies for area in policy.areas)]
