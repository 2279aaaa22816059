"""Whose list it is: the rule under which a standard open-data list may feed an indicator
(which kind of list, whose list by its publisher's 全国地方公共団体コード, and which rows count)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from intake.standard_lists import KIND_BY_KEY, ListKind

WIFI_INDICATOR_ID = "wifi_access_points"


def _code(text: str) -> str:
    """Return a 全国地方公共団体コード as its first five digits: the check digit (the sixth)
    is derived from them, and some publishers write the code without it."""
    digits = "".join(ch for ch in unicodedata.normalize("NFKC", text) if ch.isdigit())
    return digits[:5]


def clean(text: str) -> str:
    """Return `text` NFKC-normalised with runs of blanks collapsed, for keys and names."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


@dataclass(frozen=True)
class RowCondition:
    """Rows count only when `column` holds one of `values` (compared NFKC, blanks collapsed).
    `column` is the header as the standard names it in any layout (設置者 also finds the IMI
    column installer) or as the file names it."""

    column: str
    values: frozenset[str]

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", frozenset(clean(v) for v in self.values))
        if not self.values:
            raise ValueError(f"RowCondition({self.column!r}) needs at least one value")


@dataclass(frozen=True)
class ListRule:
    """A standard list of kind `list_kind` may feed `indicator_id`: counted per org unit, only
    when published by one of `publishers` (全国地方公共団体コード such as 140007 for 神奈川県;
    empty: any publisher), counting only the rows that meet every condition in `where`."""

    indicator_id: str
    list_kind: str
    publishers: frozenset[str] = frozenset()
    where: tuple[RowCondition, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if self.list_kind not in KIND_BY_KEY:
            known = ", ".join(sorted(KIND_BY_KEY))
            raise ValueError(f"unknown list kind {self.list_kind!r}; known kinds: {known}")
        codes = frozenset(self.publishers)
        for code in codes:
            if len(_code(code)) != 5 or len(clean(code)) not in (5, 6):
                raise ValueError(f"{code!r} is not a 全国地方公共団体コード (5 or 6 digits)")
        object.__setattr__(self, "publishers", codes)
        object.__setattr__(self, "where", tuple(self.where))

    @property
    def kind(self) -> ListKind:
        return KIND_BY_KEY[self.list_kind]

    def allows_publisher(self, code: str) -> bool:
        """Return True if a list published under `code` may feed the indicator."""
        return not self.publishers or _code(code) in {_code(c) for c in self.publishers}


# Today's behaviour: any publisher's public Wi-Fi list, every row, counted per municipality.
WIFI_LIST_RULE = ListRule(WIFI_INDICATOR_ID, "public_wifi")
DEFAULT_LIST_RULES: tuple[ListRule, ...] = (WIFI_LIST_RULE,)


def check_rules(rules: Iterable[ListRule]) -> tuple[ListRule, ...]:
    """Return the rules as a tuple, refusing two rules for one kind of list."""
    chosen = tuple(rules)
    kinds = [rule.list_kind for rule in chosen]
    twice = sorted({k for k in kinds if kinds.count(k) > 1})
    if twice:
        raise ValueError(f"one rule per kind of list; {', '.join(twice)} has several")
    return chosen
