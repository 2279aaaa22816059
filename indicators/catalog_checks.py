"""The catalog's checks across entries and files: duplicates, dangling references, dates out of
order, each plan checked as a one-plan catalog was (with the same messages, a further plan's
naming its folder), and what spans plans (plan ids, initiative ids, alignment links). Every
problem names its file and entry. No database or UI here."""

from __future__ import annotations

from collections import Counter

from indicators.catalog import (
    INDICATORS_FILE,
    INITIATIVES_FILE,
    PLAN_FILE,
    PLANS_FOLDER,
    Catalog,
    Indicator,
    PlanBook,
)


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


def _files(where: str) -> tuple[str, str]:
    """A plan's two file names as its messages write them (a further plan's under its folder)."""
    if not where:
        return PLAN_FILE, INITIATIVES_FILE
    return f"{where}/{PLAN_FILE}", f"{where}/{INITIATIVES_FILE}"


def _where(catalog: Catalog, book: PlanBook) -> str:
    return "" if book.plan.id == catalog.plan.id else f"{PLANS_FOLDER}/{book.plan.id}"


def cross_check(catalog: Catalog) -> list[str]:
    """Problems that span entries or files: duplicates, dangling references, dates out of order.
    Each plan is checked as a one-plan catalog was, with the same messages (a further plan's
    naming its folder); then what spans plans: plan ids, initiative ids across the instance,
    alignment links."""
    problems: list[str] = []
    owner_ids = {owner.id for owner in catalog.owners}
    for book in catalog.plans:
        problems += _plan_problems(book, owner_ids, _where(catalog, book))
    checks = [
        (INDICATORS_FILE, "owner", [owner.id for owner in catalog.owners]),
        (INDICATORS_FILE, "indicator", [ind.id for ind in catalog.indicators]),
        (INDICATORS_FILE, "target", [t.id for ind in catalog.indicators for t in ind.targets]),
    ]
    for file, what, ids in checks:
        problems += [f"{file}: duplicate {what} id {dup!r}" for dup in _duplicates(ids)]
    problems += _across_plans(catalog)

    known_initiatives = {item.id for book in catalog.plans for item in book.initiatives}
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
    for book in catalog.plans:
        problems += _outcome_problems(catalog, book, _where(catalog, book))
    return problems


def _plan_problems(book: PlanBook, owner_ids: set[str], where: str) -> list[str]:
    """One plan's own checks: its ids, its admin owner, its initiatives' areas."""
    plan_file, initiatives_file = _files(where)
    problems: list[str] = []
    area_ids = [area.id for _, area in book.areas()]
    checks = [
        (plan_file, "policy", [policy.id for policy in book.policies]),
        (plan_file, "area", area_ids),
        (initiatives_file, "initiative", [item.id for item in book.initiatives]),
    ]
    for file, what, ids in checks:
        problems += [f"{file}: duplicate {what} id {dup!r}" for dup in _duplicates(ids)]
    if book.plan.admin_owner not in owner_ids:
        problems.append(f"{plan_file}: plan admin_owner {book.plan.admin_owner!r} is not an owner")
    known_areas = set(area_ids)
    for item in book.initiatives:
        if item.area not in known_areas:
            problems.append(
                f"{initiatives_file}: initiative {item.id!r}: unknown area {item.area!r}"
            )
    return problems


def _items(book: PlanBook) -> set[str]:
    """The ids an alignment link may name in a plan: its policies, areas and initiatives."""
    return (
        {p.id for p in book.policies}
        | {a.id for _, a in book.areas()}
        | {i.id for i in book.initiatives}
    )


def _across_plans(catalog: Catalog) -> list[str]:
    """Plan ids are unique; an initiative id names one initiative in the whole instance (an
    indicator's `initiatives` and a status decision name it without its plan); an alignment
    link names another plan of the instance and one of its items."""
    problems: list[str] = []
    plans = catalog.plans
    problems += [
        f"{PLANS_FOLDER}/{dup}/{PLAN_FILE}: duplicate plan id {dup!r}"
        for dup in _duplicates([book.plan.id for book in plans])
    ]
    first_seen: dict[str, str] = {}
    for book in plans:
        _, initiatives_file = _files(_where(catalog, book))
        for item in dict.fromkeys(i.id for i in book.initiatives):
            if item in first_seen and first_seen[item] != book.plan.id:
                problems.append(
                    f"{initiatives_file}: initiative {item!r} is an initiative of plan "
                    f"{first_seen[item]!r} already; initiative ids are unique across the "
                    "plans of an instance"
                )
            first_seen.setdefault(item, book.plan.id)
    items = {book.plan.id: _items(book) for book in plans}
    for book in plans:
        _, initiatives_file = _files(_where(catalog, book))
        for initiative in book.initiatives:
            where = f"{initiatives_file}: initiative {initiative.id!r}"
            for link in initiative.serves:
                if link.plan == book.plan.id:
                    problems.append(f"{where}: serves {link.item!r} of its own plan")
                elif link.plan not in items:
                    problems.append(f"{where}: serves an unknown plan {link.plan!r}")
                elif link.item not in items[link.plan]:
                    problems.append(
                        f"{where}: serves an unknown item {link.item!r} of plan {link.plan!r}"
                    )
    return problems


def _outcome_problems(catalog: Catalog, book: PlanBook, where_plan: str) -> list[str]:
    """A goal's explicit outcomes name known indicators of level outcome, each once: an
    output there would read as a result the activity only stands for."""
    plan_file, _ = _files(where_plan)
    levels = {ind.id: ind.level for ind in catalog.indicators}
    problems: list[str] = []
    entries = [("policy", p.id, p.outcomes) for p in book.policies]
    entries += [("area", a.id, a.outcomes) for _, a in book.areas()]
    for what, entry_id, outcomes in entries:
        where = f"{plan_file}: {what} {entry_id!r}"
        problems += [f"{where}: outcome {dup!r} is listed twice" for dup in _duplicates(outcomes)]
        for ref in dict.fromkeys(outcomes):
            if ref not in levels:
                problems.append(f"{where}: unknown outcome indicator {ref!r}")
            elif levels[ref] != "outcome":
                problems.append(
                    f"{where}: outcome {ref!r} is an {levels[ref]} indicator, not an outcome"
                )
    return problems
