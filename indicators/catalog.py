"""The catalog: the plan, its policies, areas and initiatives, the owners, and the
indicators with baselines and targets, read from reviewable YAML files and
checked on load. No database, orchestration or UI imports here."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

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


class Catalog(_Model):
    """The whole catalog, cross-checked."""

    plan: Plan
    policies: list[Policy]
    initiatives: list[Initiative]
    owners: list[Owner]
    indicators: list[Indicator]

    def areas(self) -> list[tuple[Policy, Area]]:
        return [(policy, area) for policy in self.policies for area in policy.areas]

    def fingerprint(self) -> str:
        """A hash of the catalog's content, to tell whether a sync has anything to do."""
        return hashlib.sha256(self.model_dump_json().encode()).hexdigest()

    def to_document(self) -> dict:
        """The catalog as plain JSON data: what the warehouse keeps of each version."""
        return self.model_dump(mode="json")

    @classmethod
    def from_document(cls, document: dict) -> Catalog:
        """The catalog from a document `to_document` wrote (checked like the files are)."""
        return cls.model_validate(document)


def _read_yaml(path: Path) -> object:
    if not path.is_file():
        raise CatalogError([f"{path.name}: file not found in {path.parent}"])
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CatalogError([f"{path.name}: not valid YAML: {exc}"]) from exc


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
    """The checked catalog from the three files in `folder`; CatalogError lists every problem."""
    return catalog_from_parts(
        _read_yaml(folder / PLAN_FILE),
        _read_yaml(folder / INITIATIVES_FILE),
        _read_yaml(folder / INDICATORS_FILE),
    )


def catalog_parts(document: dict) -> tuple[dict, list, dict]:
    """A catalog document (`Catalog.to_document`) cut into what the three files hold: the
    plan file's mapping, the initiatives' list and the indicators file's mapping."""
    return (
        {"plan": document["plan"], "policies": document["policies"]},
        document["initiatives"],
        {"owners": document["owners"], "indicators": document["indicators"]},
    )


def catalog_from_parts(
    plan_raw: object, initiatives_raw: object, indicators_raw: object
) -> Catalog:
    """The checked catalog from the three files' contents as YAML reads them: every entry on
    its own, then the checks across entries; CatalogError lists every problem. The files and
    a change made in the dashboard are checked here alike, with the same messages."""
    problems: list[str] = []

    if not isinstance(plan_raw, dict):
        raise CatalogError([f"{PLAN_FILE}: expected a mapping with 'plan' and 'policies'"])
    try:
        plan = Plan.model_validate(plan_raw.get("plan"))
    except ValidationError as exc:
        raise CatalogError(_describe(exc, PLAN_FILE, "plan")) from exc
    policies, found = _validate_list(Policy, plan_raw.get("policies"), PLAN_FILE, "policy")
    problems += found
    initiatives, found = _validate_list(Initiative, initiatives_raw, INITIATIVES_FILE, "initiative")
    problems += found
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

    catalog = Catalog(
        plan=plan, policies=policies, initiatives=initiatives, owners=owners, indicators=indicators
    )
    problems = cross_check(catalog)
    if problems:
        raise CatalogError(problems)
    return catalog


def _duplicates(ids: list[str]) -> list[str]:
    return sorted(key for key, count in Counter(ids).items() if count > 1)


_PERIODS_PER_YEAR = {"monthly": 12, "quarterly": 4, "fiscal_year": 1}


def _profile_problems(where: str, ind: Indicator) -> list[str]:
    """A profile belongs to a flow, with one positive share per period of its year."""
    if ind.kind != "flow":
        return [f"{where}: a profile shares a flow's year out; this indicator is a {ind.kind}"]
    if isinstance(ind.profile, list):
        wanted = _PERIODS_PER_YEAR[ind.frequency]
        if len(ind.profile) != wanted or min(ind.profile) < 0 or sum(ind.profile) <= 0:
            return [
                f"{where}: profile needs {wanted} shares (April first), none negative, "
                f"got {ind.profile}"
            ]
    return []


def cross_check(catalog: Catalog) -> list[str]:
    """Problems that span entries or files: duplicates, dangling references, dates out of order."""
    problems: list[str] = []
    area_ids = [area.id for _, area in catalog.areas()]
    initiative_ids = [item.id for item in catalog.initiatives]
    owner_ids = {owner.id for owner in catalog.owners}
    checks = [
        (PLAN_FILE, "policy", [policy.id for policy in catalog.policies]),
        (PLAN_FILE, "area", area_ids),
        (INITIATIVES_FILE, "initiative", initiative_ids),
        (INDICATORS_FILE, "owner", [owner.id for owner in catalog.owners]),
        (INDICATORS_FILE, "indicator", [ind.id for ind in catalog.indicators]),
        (INDICATORS_FILE, "target", [t.id for ind in catalog.indicators for t in ind.targets]),
    ]
    for file, what, ids in checks:
        problems += [f"{file}: duplicate {what} id {dup!r}" for dup in _duplicates(ids)]

    if catalog.plan.admin_owner not in owner_ids:
        problems.append(
            f"{PLAN_FILE}: plan admin_owner {catalog.plan.admin_owner!r} is not an owner"
        )
    known_areas = set(area_ids)
    for item in catalog.initiatives:
        if item.area not in known_areas:
            problems.append(
                f"{INITIATIVES_FILE}: initiative {item.id!r}: unknown area {item.area!r}"
            )

    known_initiatives = set(initiative_ids)
    for ind in catalog.indicators:
        where = f"{INDICATORS_FILE}: indicator {ind.id!r}"
        if ind.owner not in owner_ids:
            problems.append(f"{where}: unknown owner {ind.owner!r}")
        for ref in ind.initiatives:
            if ref not in known_initiatives:
                problems.append(f"{where}: unknown initiative {ref!r}")
        for target in ind.targets:
            if target.due <= ind.baseline.date:
                problems.append(
                    f"{where}: target {target.id!r} is due {target.due}, "
                    f"not after its baseline of {ind.baseline.date}"
                )
            if target.window and ind.kind != "flow":
                problems.append(
                    f"{where}: target {target.id!r} has a window but the indicator is a {ind.kind}"
                )
        if (
            ind.min_value is not None
            and ind.max_value is not None
            and ind.min_value > ind.max_value
        ):
            problems.append(f"{where}: min_value is above max_value")
        if ind.profile is not None:
            problems += _profile_problems(where, ind)
    return problems + _outcome_problems(catalog)


def _outcome_problems(catalog: Catalog) -> list[str]:
    """A goal's explicit outcomes name known indicators of level outcome, each once: an
    output there would read as a result the activity only stands for."""
    levels = {ind.id: ind.level for ind in catalog.indicators}
    problems: list[str] = []
    entries = [("policy", p.id, p.outcomes) for p in catalog.policies]
    entries += [("area", a.id, a.outcomes) for _, a in catalog.areas()]
    for what, entry_id, outcomes in entries:
        where = f"{PLAN_FILE}: {what} {entry_id!r}"
        problems += [f"{where}: outcome {dup!r} is listed twice" for dup in _duplicates(outcomes)]
        for ref in dict.fromkeys(outcomes):
            if ref not in levels:
                problems.append(f"{where}: unknown outcome indicator {ref!r}")
            elif levels[ref] != "outcome":
                problems.append(
                    f"{where}: outcome {ref!r} is an {levels[ref]} indicator, not an outcome"
                )
    return problems
