"""A plan's initiative list as a prefecture keeps it — the table of the review report's 別紙
(計画上の位置づけ 大項目 / 中項目 / 小項目, 取組No, 取組内容, 取組の実施結果) — turned into the
catalog's initiatives, and compared with the catalog's own.

The rows come as text cells (intake reads the workbook, bounded, and fills merged ranges);
this module knows the table: which column is which, how offices write a status, how areas
are named, which rows are headings of a group, and how ids are given. Nothing is written
here: the result says what would change, and what cannot be placed, row by row.

Ids follow initiatives.yaml's rule (its header comment): the printed number where it is
unique, a letter suffix where several rows share one number, the area's id with a letter
where none is printed. An initiative already in the catalog keeps its id whatever the rule
would give now, because indicators and the warehouse's history refer to it by that id."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from indicators.catalog import (
    INITIATIVE_STATUSES,
    Area,
    Catalog,
    Initiative,
    InitiativeStatus,
    Policy,
)
from indicators.catalog_checks import cross_check
from kernel.vocabulary import Lang, word

Row = tuple[int, list[str]]
"""A sheet row: its number in the sheet (1-based) and its cells as text."""

# The columns of the 別紙, by the words a heading may use (compared without spaces, width
# or case, "No." as "no").
HEADINGS: dict[str, tuple[str, ...]] = {
    "policy": ("大項目",),
    "area": ("中項目",),
    "subitem": ("小項目",),
    "number": ("取組no", "取組番号", "no", "番号"),
    "text": ("取組内容", "取組の内容", "内容", "取組"),
    "status": ("取組の実施結果", "実施結果", "取組結果", "結果", "実施状況", "状況"),
    "reason": ("理由", "変更理由", "変更の理由", "変更した理由"),
}
REQUIRED = ("area", "number", "text", "status")
_HEADING_OF = {alias: column for column, aliases in HEADINGS.items() for alias in aliases}
_PLACE = ("policy", "area", "subitem")

# How offices write a status: the circled digit, the digit, or the phrase, alone or together.
_PHRASES: dict[str, InitiativeStatus] = {
    "取組内容を達成した": "achieved",
    "達成した": "achieved",
    "達成": "achieved",
    "取組内容を実施中である": "in_progress",
    "実施中である": "in_progress",
    "実施中": "in_progress",
    "取組内容を変更した": "changed",
    "変更した": "changed",
    "変更": "changed",
    "achieved": "achieved",
    "in_progress": "in_progress",
    "changed": "changed",
}
_DIGITS: dict[str, InitiativeStatus] = {"1": "achieved", "2": "in_progress", "3": "changed"}
# A layout with one column per status (達成 / 実施中 / 変更) marks the row's status in its
# column; these marks say "this one", the blanks-in-all-but-name say "not this one".
_MARKS = {"○", "◯", "〇", "●", "◎", "✓", "✔", "レ", "1"}
_UNMARKED = {"", "-", "×", "✕"}
_STATUS = re.compile(r"^\(?([123])\)?[.:、,]?(.*)$")

# Numbering a report prints before a name: 第1章, 第一章, 6, 6., (3), ア, …
_PREFIX = re.compile(
    r"^(?:第[0-9一二三四五六七八九十]+[章節部編項]|\(?[0-9]+\)|[0-9]+[.、]?|[①-⑳]|[ア-ン](?=\s))"
)
_KANJI = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十")
_CHAPTER = re.compile(r"^第\s*([0-9]+|[一二三四五六七八九十])\s*章$")
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_DASHES = dict.fromkeys(map(ord, "‐‑‒–—―−ｰー－"), "-")  # ー too: typed for a dash
_NO_NUMBER = {"", "-", "ー", "なし", "無"}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?: 00:00:00)?$")


def heading_key(cell: str) -> str:
    """A heading as compared: width-folded (NFKC), without spaces or dots, lower case."""
    text = unicodedata.normalize("NFKC", cell)
    return re.sub(r"[\s.・]", "", text).casefold()


def columns_of(cells: Sequence[str]) -> dict[str, int]:
    """The 別紙 columns a header row names, by their index: for each, the cell with the most
    specific heading (取組No before a running No), the first of equals."""
    found: dict[str, tuple[int, int]] = {}
    for index, cell in enumerate(cells):
        key = heading_key(cell)
        column = _HEADING_OF.get(key)
        if column is None:
            continue
        rank = HEADINGS[column].index(key)
        if column not in found or rank < found[column][0]:
            found[column] = (rank, index)
    return {column: index for column, (_, index) in found.items()}


def looks_like_initiative_header(cells: Sequence[str]) -> str | None:
    """Say "initiatives" when the cells are the 別紙's header (its first line names 取組No
    and 取組内容; a one-line header names 中項目 too), else None: how the sheet is chosen."""
    found = columns_of(cells)
    if {"number", "text"} <= found.keys() or {"area", "number"} <= found.keys():
        return "initiatives"
    return None


def mark_columns(cells: Sequence[str]) -> dict[InitiativeStatus, int]:
    """The columns a header row heads with a status (達成 / ② 実施中 / 取組内容を変更した …),
    by status, the first of each: the layout that marks a row's status with ○ in its
    column instead of writing it in one 取組の実施結果 column."""
    found: dict[InitiativeStatus, int] = {}
    for index, cell in enumerate(cells):
        if not cell.strip() or heading_key(cell) in _HEADING_OF:
            continue
        status = status_of(cell)
        if status is not None:
            found.setdefault(status, index)
    return found


def marked_status(
    marks: dict[InitiativeStatus, int], cells: Sequence[str]
) -> tuple[str, InitiativeStatus | None]:
    """What a row's mark cells say: ("", None) when none is marked, (what they say, status)
    when exactly one is, and (what they say, None) when they cannot be read: two marked, or
    a cell that is neither a mark nor blank. What they say names each filled cell's column
    (○（達成）・○（変更）), for the refusal."""
    said = {
        status: re.sub(r"\s", "", unicodedata.normalize("NFKC", cells[index])).casefold()
        for status, index in marks.items()
        if index < len(cells)
    }
    filled = {status: text for status, text in said.items() if text not in _UNMARKED}
    shown = "・".join(f"{text}（{word(status, Lang.ja)}）" for status, text in filled.items())
    marked = [status for status, text in filled.items() if text in _MARKS]
    if len(marked) != len(filled) or len(marked) > 1:
        return shown, None
    return shown, (marked[0] if marked else None)


_BREAK = re.compile(r"[ \t\u3000]*(?:\r\n|\r|\n)+[ \t\u3000]*")


def one_line(text: str) -> str:
    """A cell's text with the line breaks typed in it (Alt+Enter) taken out, as the catalog
    writes it: between Japanese characters nothing is put in their place (Japanese has no
    spaces between words), elsewhere one space."""

    def join(found: re.Match[str]) -> str:
        before = text[found.start() - 1] if found.start() else " "
        after = text[found.end()] if found.end() < len(text) else " "
        return "" if not before.isascii() and not after.isascii() else " "

    return _BREAK.sub(join, text).strip()


def name_key(name: str) -> str:
    """An area's or policy's name as compared: width-folded, without spaces."""
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", name)).casefold()


def _without_prefix(name: str) -> str:
    text = unicodedata.normalize("NFKC", name).strip()
    return _PREFIX.sub("", text, count=1).strip()


def number_of(cell: str) -> str | None:
    """A 取組No as the catalog writes it: full-width letters and digits as ASCII, dashes as
    "-", spaces dropped; circled digits kept (①, not 1). None where no number is printed."""
    text = re.sub(r"\s", "", cell.translate(_FULL_WIDTH).translate(_DASHES))
    return None if text in _NO_NUMBER else text


def status_of(cell: str) -> InitiativeStatus | None:
    """The status a cell says (① / 1 / 取組内容を達成した / ① 取組内容を達成した …), None when
    it says none of them or contradicts itself (① 取組内容を変更した)."""
    text = re.sub(r"\s", "", unicodedata.normalize("NFKC", cell)).casefold().rstrip("。.")
    match = _STATUS.match(text)
    if match:
        status = _DIGITS[match.group(1)]
        rest = match.group(2)
        return status if not rest or _PHRASES.get(rest) == status else None
    return _PHRASES.get(text)


@dataclass(frozen=True)
class Refusal:
    """Why one row (or, with row None, the list as a whole) cannot be taken: a word of the
    vocabulary and its values; a value given as (ja, en) is said in the reader's language."""

    row: int | None
    key: str
    values: dict = field(default_factory=dict)

    def reason(self, lang: Lang | str = Lang.ja) -> str:
        """Why, in `lang`, without the row."""
        english = Lang(lang) is Lang.en
        values = {
            k: (v[1] if english else v[0]) if isinstance(v, tuple) else v
            for k, v in self.values.items()
        }
        return word(self.key, lang, **values)

    def message(self, lang: Lang | str = Lang.ja) -> str:
        """Why, in `lang`, after the row it is about ("12 行目: …")."""
        text = self.reason(lang)
        return word("import_row", lang, row=self.row, reason=text) if self.row else text


class SheetRefused(ValueError):
    """The sheet is not a 別紙 that can be read (no header, a required column missing)."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.message(Lang.en))
        self.refusal = refusal


@dataclass
class _Line:
    """A row of the table once placed: a status row (an initiative) or a group heading."""

    row: int
    area: str
    subitem: str | None
    number: str | None
    text: str
    status: InitiativeStatus | None
    reason: str | None
    group: str | None = None


@dataclass(frozen=True)
class Changed:
    """An initiative that is in the catalog and in the list, with the fields that differ."""

    before: Initiative
    after: Initiative
    fields: tuple[str, ...]


@dataclass(frozen=True)
class InitiativeImport:
    """What a list would make of the catalog's initiatives: the new list in the table's order,
    the rows refused, and the difference from the catalog's (added, removed, changed)."""

    initiatives: list[Initiative]
    refusals: list[Refusal]
    added: list[Initiative]
    removed: list[Initiative]
    changed: list[Changed]
    before: dict[str, int]
    after: dict[str, int]
    rows_read: int
    sheet: str = ""
    notes: tuple[tuple[str, str], ...] = ()  # (ja, en): the sheets passed over, and why

    @property
    def unchanged(self) -> bool:
        return not (self.added or self.removed or self.changed)

    @property
    def status_changed(self) -> list[Changed]:
        return [c for c in self.changed if "status" in c.fields]

    @property
    def text_changed(self) -> list[Changed]:
        return [c for c in self.changed if "text" in c.fields]

    @property
    def other_changed(self) -> list[Changed]:
        """The changes with fields besides status and text (小項目, group, number, note …)."""
        return [c for c in self.changed if set(c.fields) - {"status", "text"}]


def counts(initiatives: Iterable[Initiative]) -> dict[str, int]:
    """Initiatives per status, in the report's order, and their total."""
    found = Counter(item.status for item in initiatives)
    out = {status: found.get(status, 0) for status in INITIATIVE_STATUSES}
    out["total"] = sum(found.values())
    return out


class _Places:
    """The plan's policies and areas by name, as a sheet may write them."""

    def __init__(self, policies: list[Policy]) -> None:
        self.policies = policies

    @staticmethod
    def _find(name: str, named: Sequence[Policy] | Sequence[Area]) -> Policy | Area | None:
        for key in (name_key(name), name_key(_without_prefix(name))):
            hit = next((n for n in named if name_key(n.name) == key), None)
            if hit is not None:
                return hit
        return None

    def policy(self, name: str) -> Policy | None:
        """The policy named, or numbered alone as the report prints it (第1章: the first)."""
        chapter = _CHAPTER.match(unicodedata.normalize("NFKC", name).strip())
        if chapter:
            digits = chapter.group(1)
            seq = int(digits) if digits.isascii() else _KANJI.index(digits) + 1
            return next((p for p in self.policies if p.seq == seq), None)
        found = self._find(name, self.policies)
        return found if isinstance(found, Policy) else None

    def area(self, name: str, policy: Policy | None) -> Area | None:
        areas = policy.areas if policy else [a for p in self.policies for a in p.areas]
        found = self._find(name, areas)
        return found if isinstance(found, Area) else None


def _header(rows: Sequence[Row]) -> tuple[int, dict[str, int], dict[InitiativeStatus, int]]:
    """Where the data starts (an index into rows), the columns and the status mark columns,
    from the header: its first line, and the line under it when that names 大項目 / 中項目 /
    小項目 or the statuses (the two-line header of the 別紙, 計画上の位置づけ or 取組の実施結果
    spanning the columns below it). With two or more mark columns the status is read from
    the marks, and a 取組の実施結果 heading above them is only their title."""
    at = next((n for n, (_, c) in enumerate(rows) if looks_like_initiative_header(c)), None)
    if at is None:
        raise SheetRefused(Refusal(None, "import_no_header"))
    columns = columns_of(rows[at][1])
    marks = mark_columns(rows[at][1])
    start = at + 1
    if start < len(rows):
        under = columns_of(rows[start][1])
        under_marks = mark_columns(rows[start][1])
        if under.keys() & set(_PLACE) or len(under_marks) >= 2:
            columns.update(under)
            marks = {**marks, **under_marks}
            start += 1
    if len(marks) >= 2:
        columns.pop("status", None)
    else:
        marks = {}
    missing = [c for c in REQUIRED if c not in columns and not (c == "status" and marks)]
    if missing:
        names = "、".join(HEADINGS[c][0] for c in missing)
        names_en = ", ".join(HEADINGS[c][0] for c in missing)
        raise SheetRefused(Refusal(None, "import_missing_columns", {"columns": (names, names_en)}))
    return start, columns, marks


def _is_branch(group: str, number: str | None) -> bool:
    """Whether `number` is a branch of a group numbered `group` (38 → 38①, 45 → 45①-2), not
    the plan's next item (38-1) nor another number (380)."""
    if number is None or not number.startswith(group) or len(number) == len(group):
        return False
    follows = number[len(group)]
    return follows not in "0123456789-"  # ① is a digit to str.isdigit, not here


def _belongs(group: _Line, line: _Line) -> bool:
    if line.area != group.area or line.status is None:
        return False
    if group.number is not None:
        return _is_branch(group.number, line.number)
    return line.subitem == group.subitem


def read_lines(
    rows: Sequence[Row], catalog: Catalog, problems: dict[tuple[int, int], tuple[str, str]]
) -> tuple[list[_Line], list[Refusal], bool, int]:
    """The table's rows placed: status rows and group headings, the rows refused, whether the
    sheet has a 理由 column, and how many rows were read below the header."""
    start, columns, marks = _header(rows)
    places = _Places(catalog.policies)
    lines: list[_Line] = []
    refusals: list[Refusal] = []
    policy_cell = area_cell = ""
    read = 0

    def cell(cells: list[str], column: str) -> str:
        index = columns.get(column)
        return one_line(cells[index]) if index is not None and index < len(cells) else ""

    for number, cells in rows[start:]:
        if (
            looks_like_initiative_header(cells)
            or columns_of(cells).keys() & set(_PLACE)
            or (marks and len(mark_columns(cells)) >= 2)
        ):
            continue  # the header again, as a printed page repeats it
        wanted = [cell(cells, c) for c in columns] + [
            cells[i] for i in marks.values() if i < len(cells) and cells[i].strip()
        ]
        if not any(wanted):
            continue  # a spacer row, or notes in columns the table does not have
        read += 1
        problem = next(
            (
                problems[(number, i)]
                for i in sorted([*columns.values(), *marks.values()])
                if (number, i) in problems
            ),
            None,
        )
        if problem is not None:
            refusals.append(Refusal(number, "import_cell_problem", {"reason": problem}))
            continue
        policy = cell(cells, "policy")
        if policy and policy != policy_cell:
            policy_cell, area_cell = policy, ""  # a new 大項目: its 中項目 is not the last one's
        area_cell = cell(cells, "area") or area_cell
        raw_number, text, status_text = (cell(cells, c) for c in ("number", "text", "status"))
        marked: InitiativeStatus | None = None
        if marks:
            status_text, marked = marked_status(marks, cells)
        if not (raw_number or text or status_text):
            continue  # a heading row: only where the rows below it are placed
        # No 大項目 at all: the 中項目 is looked for in the whole plan (its names are unique).
        found_policy = places.policy(policy_cell) if policy_cell else None
        if policy_cell and found_policy is None:
            refusals.append(Refusal(number, "import_unknown_policy", {"name": _cut(policy_cell)}))
            continue
        area = places.area(area_cell, found_policy) if area_cell else None
        if area is None:
            key = "import_no_area" if not area_cell else "import_unknown_area"
            where = found_policy.name if found_policy else catalog.plan.name
            refusals.append(Refusal(number, key, {"name": _cut(area_cell), "policy": where}))
            continue
        printed = number_of(raw_number)
        if printed is not None and _DATE.match(printed):
            refusals.append(Refusal(number, "import_number_is_date", {"value": raw_number}))
            continue
        if not text:
            refusals.append(Refusal(number, "import_no_text", {"number": printed or "—"}))
            continue
        status = (marked if marks else status_of(status_text)) if status_text else None
        if status_text and status is None:
            key = "import_bad_marks" if marks else "import_bad_status"
            refusals.append(Refusal(number, key, {"value": _cut(status_text)}))
            continue
        reason = cell(cells, "reason") or None
        subitem = cell(cells, "subitem") or None
        lines.append(_Line(number, area.id, subitem, printed, text, status, reason))
    return lines, refusals, "reason" in columns, read


def _grouped(lines: list[_Line]) -> tuple[list[_Line], list[Refusal]]:
    """The status rows with the text of the group heading above them; a row without a status
    that heads no rows is refused."""
    out: list[_Line] = []
    refusals: list[Refusal] = []
    group: _Line | None = None
    for n, line in enumerate(lines):
        if line.status is None:
            follows = lines[n + 1] if n + 1 < len(lines) else None
            if follows is not None and _belongs(line, follows):
                group = line
            else:
                refusals.append(
                    Refusal(line.row, "import_no_status", {"number": line.number or "—"})
                )
            continue
        if group is not None and _belongs(group, line):
            line.group = group.text
        else:
            group = None
        out.append(line)
    return out, refusals


def _pair(lines: list[_Line], current: list[Initiative]) -> dict[int, Initiative]:
    """Which line is which initiative of the catalog (by index into lines): the same row
    (area, number, text); then the same number; then the same text in the same area
    (renumbered); then rows without a number, in order, within their area."""
    free = list(current)
    pairs: dict[int, Initiative] = {}
    tests = (
        lambda ln, it: (ln.area, ln.number, ln.text) == (it.area, it.number, it.text),
        lambda ln, it: ln.number is not None and ln.number == it.number,
        lambda ln, it: (ln.area, ln.text) == (it.area, it.text),
        lambda ln, it: ln.number is None and it.number is None and ln.area == it.area,
    )
    for test in tests:
        for n, line in enumerate(lines):
            if n in pairs:
                continue
            hit = next((item for item in free if test(line, item)), None)
            if hit is not None:
                pairs[n] = hit
                free.remove(hit)
    return pairs


def _new_ids(lines: list[_Line], pairs: dict[int, Initiative]) -> dict[int, str]:
    """Ids for the lines that are new, by the rule, never one already given."""
    taken = {item.id for item in pairs.values()}
    shared = Counter(line.number for line in lines if line.number is not None)
    ids: dict[int, str] = {}
    for n, line in enumerate(lines):
        if n in pairs:
            continue
        if line.number is not None and shared[line.number] == 1 and line.number not in taken:
            new = line.number
        else:
            stem = line.number if line.number is not None else line.area
            new = next(
                f"{stem}-{letter}" for letter in _letters() if f"{stem}-{letter}" not in taken
            )
        taken.add(new)
        ids[n] = new
    return ids


def _cut(text: str, limit: int = 40) -> str:
    """A cell echoed back in a message, cut to `limit` characters."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _letters() -> Iterable[str]:
    alphabet = "abcdefghijklmnopqrstuvwxyz"
    yield from alphabet
    yield from (a + b for a in alphabet for b in alphabet)


_COMPARED = ("number", "area", "subitem", "group", "status", "text", "reason")


def import_initiatives(
    rows: Sequence[Row],
    catalog: Catalog,
    problems: dict[tuple[int, int], tuple[str, str]] | None = None,
) -> InitiativeImport:
    """The catalog's initiatives as the 別紙 `rows` give them, beside the catalog's own.
    SheetRefused when the rows are not such a table; rows that cannot be placed are in
    `refusals` (the caller then writes nothing). `problems` are cells the reader could not
    take as read ((row, column) → (ja, en)), which refuse their rows."""
    lines, refusals, has_reason, read = read_lines(rows, catalog, problems or {})
    lines, more = _grouped(lines)
    refusals += more
    current = catalog.initiatives
    pairs = _pair(lines, current)
    ids = _new_ids(lines, pairs)
    made: list[Initiative] = []
    for n, line in enumerate(lines):
        was = pairs.get(n)
        reason = line.reason
        if has_reason and line.status == "changed" and not reason:
            refusals.append(Refusal(line.row, "import_no_reason", {"number": line.number or "—"}))
            continue
        if has_reason and line.status != "changed" and reason:
            refusals.append(
                Refusal(line.row, "import_reason_not_changed", {"reason": _cut(reason)})
            )
            continue
        if not has_reason and line.status == "changed":
            reason = was.reason if was is not None and was.status == "changed" else None
            if not reason:
                refusals.append(
                    Refusal(line.row, "import_no_reason_column", {"number": line.number or "—"})
                )
                continue
        fields = {
            "number": line.number,
            "area": line.area,
            "subitem": line.subitem,
            "group": line.group,
            "status": line.status,
            "text": line.text,
            "reason": reason,
        }
        if was is not None and all(getattr(was, k) == v for k, v in fields.items()):
            made.append(was)  # kept whole, its note and marks with it
        else:
            made.append(Initiative(id=was.id if was else ids[n], **fields))
    refusals.sort(key=lambda r: r.row or 0)
    return _compared(made, refusals, catalog, read)


def _compared(
    made: list[Initiative], refusals: list[Refusal], catalog: Catalog, read: int
) -> InitiativeImport:
    before = {item.id: item for item in catalog.initiatives}
    after = {item.id: item for item in made}
    changed = []
    for item in made:
        was = before.get(item.id)
        if was is not None and was != item:
            fields = tuple(
                k
                for k in (*_COMPARED, "note", "reconstructed")
                if getattr(was, k) != getattr(item, k)
            )
            changed.append(Changed(was, item, fields))
    removed = [item for item in catalog.initiatives if item.id not in after]
    if not refusals:
        refusals = _still_referred(removed, catalog) + _other_problems(made, catalog)
    return InitiativeImport(
        initiatives=made,
        refusals=refusals,
        added=[item for item in made if item.id not in before],
        removed=removed,
        changed=changed,
        before=counts(catalog.initiatives),
        after=counts(made),
        rows_read=read,
    )


def _still_referred(removed: list[Initiative], catalog: Catalog) -> list[Refusal]:
    """An initiative an indicator evidences cannot leave the list: the indicators file would
    then name an initiative that is not there."""
    out = []
    for item in removed:
        users = [ind.id for ind in catalog.indicators if item.id in ind.initiatives]
        if users:
            out.append(
                Refusal(
                    None,
                    "import_removed_in_use",
                    {"id": item.id, "indicators": ("、".join(users), ", ".join(users))},
                )
            )
    return out


def _other_problems(made: list[Initiative], catalog: Catalog) -> list[Refusal]:
    """The catalog's own checks on the result (as `shihyo init` would run them)."""
    candidate = catalog.model_copy(update={"initiatives": made})
    return [
        Refusal(None, "import_catalog_problem", {"problem": problem})
        for problem in cross_check(candidate)
        if "unknown initiative" not in problem  # said above, in the reader's words
    ]
