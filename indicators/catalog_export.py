"""The catalog written back as the reviewable YAML files, in their format and order: what a
file already says of an entry is kept as written (comments included); only the entries that
differ, and new ones, are written afresh, in the file's style. So an export of an unchanged
catalog is the committed files byte for byte, and the export of an approved change is a
diff a reviewer reads in git. No database or UI here."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import shutil
import tempfile
from pathlib import Path

import yaml

from indicators.catalog import (
    INDICATORS_FILE,
    INITIATIVES_FILE,
    PLAN_FILE,
    PLANS_FOLDER,
    Area,
    Catalog,
    CatalogError,
    Indicator,
    Initiative,
    Owner,
    PlanBook,
    Policy,
    Target,
    catalog_parts,
    load_catalog,
    more_parts,
)

FILES = (PLAN_FILE, INITIATIVES_FILE, INDICATORS_FILE)
_BLOCK = "  - id: "  # how an indicator's entry starts in the indicators file
# The order the indicators file writes an entry's fields in (the rest follow, in the model's).
_FIELD_ORDER = (
    "id",
    "name",
    "name_en",
    "unit",
    "unit_en",
    "unit_en_scale",
    "decimals",
    "frequency",
    "kind",
    "direction",
    "owner",
    "level",
    "min_value",
    "max_value",
    "initiatives",
)
_LAST = ("report_figures", "baseline", "targets")
_FREE_TEXT = re.compile(r"[\s()（）「」、。;；]")


def _scalar(value: object, nested: bool = False) -> str:
    """One value as the files write it: strings plain where YAML reads them back alike (in a
    flow mapping only words without spaces; list items always quoted), else in double quotes
    (JSON's, which YAML reads alike); dates plain; whole numbers without a decimal point."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        return str(int(value))
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        plain = _plain_reads_back(value) and not (nested and _FREE_TEXT.search(value))
        return value if plain else json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_listed(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_scalar(v, nested=True)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot write {value!r}")


def _listed(value: object) -> str:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else _scalar(value, True)


def _plain_reads_back(text: str) -> bool:
    """Whether `text` may stand unquoted, in a flow too, and read back as the same string."""
    if not text or text != text.strip() or any(c in text for c in ",[]{}#&*!|>'\"%@`\n"):
        return False
    if ": " in text or text[0] in "-?:":
        return False
    try:
        return yaml.safe_load(text) == text
    except yaml.YAMLError:
        return False


def _ordered(fields: dict) -> list[str]:
    first = [k for k in _FIELD_ORDER if k in fields]
    last = [k for k in _LAST if k in fields]
    return first + [k for k in fields if k not in first and k not in last] + last


def indicator_block(indicator: Indicator) -> str:
    """A new entry of the indicators file, in its style: one field a line, figures and
    targets in flow mappings, the fields left at their defaults left out."""
    fields = indicator.model_dump(exclude_defaults=True)
    fields["initiatives"] = indicator.initiatives
    fields["baseline"] = indicator.baseline.model_dump(exclude_defaults=True)
    lines = [f"{_BLOCK}{_scalar(indicator.id)}"]
    for key in _ordered(fields):
        if key == "id":
            continue
        value = fields[key]
        if key in ("targets", "report_figures"):
            models = indicator.targets if key == "targets" else indicator.report_figures
            lines.append(f"    {key}:" + ("" if models else " []"))
            lines += [f"      - {_scalar(m.model_dump(exclude_defaults=True))}" for m in models]
        else:
            lines.append(f"    {key}: {_scalar(value)}")
    return "\n".join(lines) + "\n"


def _patched(block: str, was: Indicator, now: Indicator) -> str:
    """`block` (the file's entry for `was`) with the one-line fields that changed written
    anew, its comments and other lines kept; "" when that does not make `now` (a field
    that spans lines, or is missing): the entry is then written afresh."""
    lines = block.splitlines(keepends=True)
    before, after = was.model_dump(), now.model_dump(exclude_defaults=True)
    for key in (k for k in Indicator.model_fields if before.get(k) != now.model_dump().get(k)):
        at = [n for n, line in enumerate(lines) if line.startswith(f"    {key}:")]
        if key == "targets" and len(at) == 1:
            if not _patch_targets(lines, at[0], was, now):
                return ""
            continue
        if len(at) != 1 or key not in after or key in ("baseline", "targets", "report_figures"):
            return ""
        follows = lines[at[0] + 1] if at[0] + 1 < len(lines) else ""
        if follows.startswith("     "):  # a value continued on the next lines
            return ""
        lines[at[0]] = f"    {key}: {_scalar(after[key])}\n"
    patched = "".join(lines)
    entries = yaml.safe_load("indicators:\n" + patched).get("indicators") or [None]
    return patched if Indicator.model_validate(entries[0]) == now else ""


def _target_line(target: Target) -> str:
    return f"      - {_scalar(target.model_dump(exclude_defaults=True))}\n"


def _patch_targets(lines: list[str], at: int, was: Indicator, now: Indicator) -> bool:
    """`lines` (an entry whose `targets:` is at `at`) with its targets list written for
    `now`: a target that did not change keeps its line as written, a changed or new one is
    written in the file's style (one flow mapping a line), a removed one's line goes. False
    where the file does not write one target a line: the entry is then written afresh."""
    end = at + 1
    while end < len(lines) and lines[end].startswith("      - {"):
        end += 1
    header = lines[at].rstrip("\n")
    one_a_line = all(line.rstrip().endswith("}") for line in lines[at + 1 : end])
    if not one_a_line or end - at - 1 != len(was.targets):
        return False
    if end - at - 1 == 0 and header not in ("    targets:", "    targets: []"):
        return False
    if end < len(lines) and lines[end].startswith("       "):  # a mapping continued
        return False
    kept = {t.id: lines[at + 1 + n] for n, t in enumerate(was.targets) if t in now.targets}
    written = [kept.get(t.id) or _target_line(t) for t in now.targets]
    lines[at:end] = ["    targets:" + ("\n" if written else " []\n"), *written]
    return True


def _owner_line(owner: Owner) -> str:
    return f"  - {_scalar(owner.model_dump(exclude_defaults=True))}"


def _indicators_text(catalog: Catalog, committed: str) -> str:
    """The indicators file for `catalog`, keeping `committed`'s text where it says the same."""
    lines = committed.splitlines(keepends=True)
    start = next(n for n, line in enumerate(lines) if line.startswith("indicators:"))
    head, body = lines[: start + 1], lines[start + 1 :]
    raw = yaml.safe_load(committed)
    owners_raw = raw.get("owners") or []
    if [Owner.model_validate(o) for o in owners_raw] != catalog.owners:
        first = next(n for n, line in enumerate(head) if line.startswith("owners:"))
        blank = next(n for n in range(first + 1, len(head)) if not head[n].startswith("  "))
        head[first + 1 : blank] = [_owner_line(o) + "\n" for o in catalog.owners]
    starts = [n for n, line in enumerate(body) if line.startswith(_BLOCK)]
    written = raw.get("indicators") or []
    kept: dict[str, str] = {}
    if len(starts) == len(written):  # else the file is in a style of its own: write afresh
        preamble = body[: starts[0]] if starts else body
        for n, entry in enumerate(written):
            end = starts[n + 1] if n + 1 < len(starts) else len(body)
            indicator = Indicator.model_validate(entry)
            block = "".join(body[starts[n] : end])
            now = next((i for i in catalog.indicators if i.id == indicator.id), None)
            if now is not None and now != indicator:
                block = _patched(block, indicator, now)
            if now is not None and block:
                kept[indicator.id] = block
    else:
        preamble = []
    out = "".join(head + preamble)
    for n, indicator in enumerate(catalog.indicators):
        block = kept.get(indicator.id)
        if block is None:
            block = ("\n" if n and not out.endswith("\n\n") else "") + indicator_block(indicator)
        elif n == len(catalog.indicators) - 1 and not block.endswith("\n"):
            block += "\n"
        out += block
    return out


def _fresh(document: object, comment: str) -> str:
    return comment + yaml.safe_dump(
        document, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False
    )


# A policy's or area's goal fields, in the order the plan file writes them after `name_en`.
GOAL_FIELDS = ("goal", "goal_en", "outcomes")


def _goal_lines(entry: Policy | Area, indent: str) -> list[str]:
    """The goal fields of a policy or area as the plan file writes them, one a line, those
    left at their defaults (no goal written, no explicit outcomes) left out."""
    fields = entry.model_dump(include=set(GOAL_FIELDS), exclude_defaults=True)
    return [f"{indent}{key}: {_scalar(fields[key])}\n" for key in GOAL_FIELDS if key in fields]


def _entry_span(lines: list[str], start: int, indent: str) -> int:
    """The end (exclusive) of the entry starting at `start` whose fields are at `indent`."""
    end = start + 1
    while end < len(lines) and lines[end].startswith(indent):
        end += 1
    return end


def _patch_goals(lines: list[str], entry: Policy | Area, indent: str) -> bool:
    """`lines` with the goal fields of `entry` (a block entry whose fields are at `indent`)
    written anew where they stood (after its `name_en` and the comment below it where none
    did), the other lines and comments kept; an area written as a flow mapping is written out
    (`_unfold`). False where the entry is found in neither form: the file is written afresh."""
    head = f"{indent[:-2]}- id: {entry.id}\n"
    if head not in lines:
        return _unfold(lines, entry, indent)
    start = lines.index(head)
    end = _entry_span(lines, start, indent)
    keys = tuple(f"{indent}{key}:" for key in GOAL_FIELDS)
    at: int | None = None
    n = start + 1
    while n < end:
        if lines[n].startswith(keys):  # a goal field, with its continued lines
            stop = n + 1
            while stop < end and lines[stop].startswith(indent + " "):
                stop += 1
            del lines[n:stop]
            end -= stop - n
            at = n if at is None else at
        else:
            n += 1
    if at is None:
        named = [n for n in range(start, end) if lines[n].startswith(f"{indent}name_en:")]
        if len(named) != 1:
            return False
        at = named[0] + 1
        while at < end and lines[at].startswith(indent + " "):  # name_en continued
            at += 1
        while at < end and lines[at].startswith(indent + "#"):  # a goal's comment stays above
            at += 1
    lines[at:at] = _goal_lines(entry, indent)
    return True


def _unfold(lines: list[str], entry: Policy | Area, indent: str) -> bool:
    """`lines` with the entry written as a flow mapping (`- {id: p1-01, …}`, an area without
    a goal) written out one field a line, as the file writes an area with a goal or a note;
    False where there is no such entry."""
    head = f"{indent[:-2]}- {{id: {entry.id},"
    found = [n for n, line in enumerate(lines) if line.startswith(head)]
    if len(found) != 1 or isinstance(entry, Policy):
        return False
    start = end = found[0]
    end += 1
    while end < len(lines) and lines[end].startswith(indent + " "):  # the mapping continued
        end += 1
    # the fields set, each whole (a `reported` of 0 changed keeps its 0, as the file writes it)
    shown, whole = entry.model_dump(exclude_defaults=True), entry.model_dump()
    block = [f"{indent[:-2]}- id: {_scalar(entry.id)}\n"]
    block += [f"{indent}{key}: {_scalar(whole[key])}\n" for key in shown if key != "id"]
    lines[start:end] = block
    return True


def _plan_text(catalog: Catalog, in_source: Catalog, committed: str) -> str | None:
    """The plan file for `catalog`, kept as written but for the goal fields of the policies
    and areas whose goal changed; None when more than goals changed, or an entry to patch is
    written in a style of its own."""
    goalless = set(GOAL_FIELDS)
    if in_source.plan != catalog.plan or len(in_source.policies) != len(catalog.policies):
        return None
    lines = committed.splitlines(keepends=True)
    for was, now in zip(in_source.policies, catalog.policies, strict=True):
        if len(was.areas) != len(now.areas):
            return None
        pairs = [(was, now, "    ")] + [
            (a, b, "        ") for a, b in zip(was.areas, now.areas, strict=True)
        ]
        for old, new, indent in pairs:
            if old.model_dump(exclude=goalless | {"areas"}) != new.model_dump(
                exclude=goalless | {"areas"}
            ):
                return None
            changed = old.model_dump(include=goalless) != new.model_dump(include=goalless)
            if changed and not _patch_goals(lines, new, indent):
                return None
    text = "".join(lines)
    raw = yaml.safe_load(text)
    policies = [Policy.model_validate(p) for p in raw.get("policies") or []]
    return text if policies == catalog.policies else None


def _without_defaults(plan_raw: dict) -> dict:
    """The plan file's mapping without the goal fields left at their defaults, as the file
    leaves them out."""
    entries = [*plan_raw["policies"], *(a for p in plan_raw["policies"] for a in p["areas"])]
    for entry in entries:
        for key in GOAL_FIELDS:
            if entry.get(key) in (None, []):
                entry.pop(key, None)
    return plan_raw


def catalog_texts(catalog: Catalog, source: Path) -> dict[str, str]:
    """The three files' text for `catalog`, keeping the files in `source` where they agree.
    A plan whose goals changed keeps its text but for the goal fields, and one that differs
    otherwise (the desk never changes it) is written whole; the initiatives file keeps each
    unchanged entry as written (see initiatives_text), and is written whole only when it is
    not in that file's style."""
    committed = {name: (source / name).read_text(encoding="utf-8") for name in FILES}
    in_source = load_catalog(source)
    plan_raw, initiatives_raw, _ = catalog_parts(catalog.to_document())
    same_plan = (in_source.plan, in_source.policies) == (catalog.plan, catalog.policies)
    note = "# Written by `shihyo catalog export` from the catalog in force.\n"
    try:
        initiatives = initiatives_text(
            catalog.initiatives, committed[INITIATIVES_FILE], catalog.policies
        )
    except (yaml.YAMLError, ValueError, IndexError):  # entries not one a block: a style of its own
        initiatives = _fresh(initiatives_raw, note)
    plan_text = (
        committed[PLAN_FILE] if same_plan else _plan_text(catalog, in_source, committed[PLAN_FILE])
    )
    return {
        PLAN_FILE: plan_text or _fresh(_without_defaults(plan_raw), note),
        INITIATIVES_FILE: initiatives,
        INDICATORS_FILE: _indicators_text(catalog, committed[INDICATORS_FILE]),
    }


def more_plan_texts(catalog: Catalog, source: Path) -> dict[str, str]:
    """The further plans' files for `catalog`, by path under the catalog folder
    (`plans/<id>/plan.yaml`, `…/initiatives.yaml`): a plan's files in `source` as written
    where they read as the plan (the desk changes indicators, never a further plan), else
    written whole."""
    note = "# Written by `shihyo catalog export` from the catalog in force.\n"
    texts: dict[str, str] = {}
    for (where, plan_raw, initiatives_raw), book in zip(
        more_parts(catalog.to_document()), catalog.more_plans, strict=True
    ):
        kept = {name: source / where / name for name in (PLAN_FILE, INITIATIVES_FILE)}
        if all(path.is_file() for path in kept.values()):
            written = {name: path.read_text(encoding="utf-8") for name, path in kept.items()}
            try:
                plan_read = yaml.safe_load(written[PLAN_FILE]) or {}
                as_written = PlanBook.model_validate(
                    {**plan_read, "initiatives": yaml.safe_load(written[INITIATIVES_FILE])}
                )
            except (yaml.YAMLError, ValueError, TypeError):
                as_written = None
            if as_written == book:
                texts |= {f"{where}/{name}": text for name, text in written.items()}
                continue
        texts[f"{where}/{PLAN_FILE}"] = _fresh(_without_defaults(plan_raw), note)  # type: ignore[arg-type]
        texts[f"{where}/{INITIATIVES_FILE}"] = _fresh(initiatives_raw, note)
    return texts


def export_catalog(catalog: Catalog, source: Path, out: Path) -> list[Path]:
    """Write `catalog` as the three files into `out` (made if missing), in the format and
    order of those in `source`, and its further plans' files under `out/plans/`. The files
    are written to a temporary folder first and read back: unless they load as exactly
    `catalog`, nothing in `out` is touched (CatalogError)."""
    texts = catalog_texts(catalog, source) | more_plan_texts(catalog, source)
    with tempfile.TemporaryDirectory(prefix="catalog-export-") as scratch:
        folder = Path(scratch)
        for name, text in texts.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text, encoding="utf-8")
        if load_catalog(folder) != catalog:
            raise CatalogError(["the exported files do not read back as the catalog in force"])
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for name in texts:
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(folder / name, out / name)
            written.append(out / name)
    return written


# ── the initiatives file ─────────────────────────────────────────────────────

_ENTRY = "- "  # how an initiative's entry starts in the initiatives file
_FLOW_FIELDS = ("id", "number", "area", "subitem", "status")  # on an entry's first line
_BLOCK_FIELDS = (*_FLOW_FIELDS, "group", "text", "reason", "reconstructed", "note", "serves")


def _initiative_scalar(value: object) -> str:
    """A value as the initiatives file writes it: ids and numbers that start with a digit
    quoted ("3-1"), words and Japanese text plain where a flow mapping reads them back
    alike, anything else in double quotes."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if _plain_reads_back(text) and text[0] not in "0123456789":
        return text
    return json.dumps(text, ensure_ascii=False)


def initiative_block(item: Initiative) -> str:
    """A new entry of the initiatives file, in its style: a flow mapping whose first line
    places the row (id, number, area, 小項目, status) and whose group, text and reason follow
    one a line; an entry with a note is written one field a line, as the file does."""
    fields = item.model_dump(exclude_defaults=True)
    fields["number"] = item.number  # null is written: "no number printed" is said
    if "note" in fields or "reconstructed" in fields or "serves" in fields:
        order = [k for k in _BLOCK_FIELDS if k in fields and k != "id"]
        lines = [f"{_ENTRY}id: {_initiative_scalar(item.id)}"]
        lines += [
            f"  {k}: {json.dumps(fields[k], ensure_ascii=False)}"  # a list: JSON reads as YAML
            if k == "serves"
            else f"  {k}: {_initiative_scalar(fields[k])}"
            for k in order
        ]
        return "\n".join(lines) + "\n"
    head = [f"{k}: {_initiative_scalar(fields[k])}" for k in _FLOW_FIELDS if k in fields]
    rest = [f"{k}: {_initiative_scalar(fields[k])}" for k in ("group", "text", "reason")
            if k in fields]  # fmt: skip
    return "- {" + ", ".join(head) + ",\n" + ",\n".join(f"   {r}" for r in rest) + "}\n"


def _entries(text: str) -> tuple[str, list[str], list[str], str]:
    """The initiatives file cut into its head (before the first entry), each entry's lines,
    the lines between consecutive entries (blank lines, section comments) and its tail."""
    lines = text.splitlines(keepends=True)
    starts = [n for n, line in enumerate(lines) if line.startswith(_ENTRY)]
    if not starts:
        return text, [], [], ""
    blocks, gaps = [], []
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(lines)
        cut = end
        while cut > start + 1 and (not lines[cut - 1].strip() or lines[cut - 1].startswith("#")):
            cut -= 1
        blocks.append("".join(lines[start:cut]))
        gaps.append("".join(lines[cut:end]))
    return "".join(lines[: starts[0]]), blocks, gaps[:-1], gaps[-1]


def initiatives_text(initiatives: list[Initiative], committed: str, policies: list[Policy]) -> str:
    """The initiatives file for `initiatives`, in their order, keeping `committed`'s text
    where it says the same: each unchanged entry as written (comments included), the lines
    between two entries that follow each other there too. Elsewhere an area's entries are
    set apart by a blank line and a policy's by its heading comment (the committed one)."""
    head, blocks, gaps, tail = _entries(committed)
    was: dict[str, tuple[int, Initiative]] = {}
    for n, block in enumerate(blocks):
        entry = (yaml.safe_load(block) or [None])[0]
        item = Initiative.model_validate(entry)
        was[item.id] = (n, item)
    policy_of = {area.id: policy for policy in policies for area in policy.areas}
    heading: dict[str, str] = {}  # a policy's heading comment, from the gap before its first
    for n, (_, item) in enumerate(sorted(was.values(), key=lambda pair: pair[0])):
        policy = policy_of.get(item.area)
        if n and policy and policy.id not in heading and "#" in gaps[n - 1]:
            heading[policy.id] = gaps[n - 1]

    def gap(before: Initiative, after: Initiative) -> str:
        at_before, at_after = was.get(before.id), was.get(after.id)
        if at_before and at_after and at_after[0] == at_before[0] + 1:
            return gaps[at_before[0]]
        new_policy = policy_of.get(after.area)
        if new_policy and policy_of.get(before.area) != new_policy:
            return heading.get(new_policy.id, f"\n# ── {new_policy.name} ──\n")
        return "\n" if before.area != after.area else ""

    out = head
    for n, item in enumerate(initiatives):
        if n:
            out += gap(initiatives[n - 1], item)
        kept = was.get(item.id)
        out += blocks[kept[0]] if kept and kept[1] == item else initiative_block(item)
    return out + tail


def export_initiatives(initiatives: list[Initiative], source: Path, out: Path) -> list[Path]:
    """Write the catalog folder `source` into `out` with `initiatives` as its initiatives
    file (in the file's format, see initiatives_text) and the other files as they are. The
    files are read back in a temporary folder first: unless they load (every check of the
    catalog passing) with exactly `initiatives`, nothing in `out` is touched (CatalogError)."""
    catalog = load_catalog(source)
    committed = (source / INITIATIVES_FILE).read_text(encoding="utf-8")
    text = initiatives_text(initiatives, committed, catalog.policies)
    with tempfile.TemporaryDirectory(prefix="catalog-import-") as scratch:
        folder = Path(scratch)
        for name in FILES:
            if name == INITIATIVES_FILE:
                (folder / name).write_text(text, encoding="utf-8")
            else:
                shutil.copyfile(source / name, folder / name)
        if (source / PLANS_FOLDER).is_dir():  # the further plans, read as they are
            shutil.copytree(source / PLANS_FOLDER, folder / PLANS_FOLDER)
        if load_catalog(folder).initiatives != initiatives:
            raise CatalogError(["the initiatives file written does not read back as the list"])
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for name in FILES:
            if (out / name).resolve() != (source / name).resolve() or name == INITIATIVES_FILE:
                shutil.copyfile(folder / name, out / name)
            written.append(out / name)
        plans = source / PLANS_FOLDER
        if plans.is_dir() and (out / PLANS_FOLDER).resolve() != plans.resolve():
            shutil.copytree(plans, out / PLANS_FOLDER, dirs_exist_ok=True)
    return written
