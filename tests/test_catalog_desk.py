"""The catalog desk through the service: administrators propose, a second administrator
approves (four eyes), the candidate is checked with the files' own checks and messages,
every step is audited, an approved change is in force from its approval day (and not
before, in a replay), and the catalog is exported as the committed files."""

from __future__ import annotations

import datetime as dt
import difflib
import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from access.roles import Actor, PermissionDenied
from indicators.catalog import Area, Catalog, CatalogError, Indicator, load_catalog
from indicators.coverage import coverage
from kernel.clock import Clock
from kernel.settings import PACKAGE_CATALOG, load_settings
from service import DraftRefused, Service
from shihyo.cli import app

KANRI = Actor("kanri", "admin")
SECOND = Actor("kanri2", "admin")
OWNER = Actor("yamada", "owner", ("joho-kikaku",))
VIEWER = Actor("kanbu", "viewer")
APPROVAL_DAY = dt.date(2026, 12, 1)
FILES = ("plan.yaml", "initiatives.yaml", "indicators.yaml")


def hems(**changes: object) -> dict:
    """An output indicator for initiative 1 (HEMS 導入補助): an example, not the
    prefecture's; its baseline and target are marked so."""
    entry: dict = {
        "id": "hems_subsidies",
        "name": "HEMS導入補助件数（例示）",
        "name_en": "HEMS installation grants (example)",
        "unit": "件",
        "unit_en": "grants",
        "frequency": "fiscal_year",
        "kind": "flow",
        "direction": "higher",
        "owner": "joho-kikaku",
        "level": "output",
        "baseline": {
            "value": 0,
            "date": dt.date(2026, 3, 31),
            "source": "例示 (example)",
            "assumed": True,
            "note": "例示の基準値",
        },
        "targets": [
            {
                "id": "hems_subsidies-fy2027",
                "value": 120,
                "due": dt.date(2028, 3, 31),
                "window": "fiscal_year",
                "tolerance": 0.1,
                "illustrative": True,
            }
        ],
    }
    entry.update(changes)
    return entry


def later(service: Service, day: dt.date = APPROVAL_DAY) -> Service:
    """The same warehouse on a later day (10:00)."""
    return Service(service.settings, Clock.at(dt.datetime.combine(day, dt.time(10))))


def test_an_administrator_proposes_and_a_second_approves(service: Service) -> None:
    before = coverage(service.catalog())
    assert (before.initiatives_total, before.with_indicator) == (101, 13)
    assert "1" in {u.id for u in before.without_indicator}

    draft_id = service.propose_indicator(KANRI, "1", hems())
    assert "hems_subsidies" not in {i.id for i in service.catalog().indicators}  # a draft only
    [draft] = service.catalog_drafts(KANRI, "draft")
    assert (draft.id, draft.state, draft.proposed_by) == (draft_id, "draft", "kanri")
    assert draft.change.entry is not None and draft.change.entry["initiatives"] == ["1"]

    approver = later(service)
    version = approver.approve_draft(SECOND, draft_id)
    now = approver.catalog()
    added = next(i for i in now.indicators if i.id == "hems_subsidies")
    assert added.level == "output" and added.initiatives == ["1"]
    assert added.targets[0].illustrative and added.targets[0].tolerance == 0.1
    assert coverage(now).with_indicator == 14
    [done] = approver.catalog_drafts(KANRI, "approved")
    assert (done.decided_by, done.catalog_version_id) == ("kanri2", version)
    assert done.decided_at is not None and done.decided_at.date() == APPROVAL_DAY


def test_an_approved_change_is_in_force_from_its_approval_day_only(service: Service) -> None:
    draft_id = service.propose_indicator(KANRI, "1", hems())
    approver = later(service)
    approver.approve_draft(SECOND, draft_id)
    eve = APPROVAL_DAY - dt.timedelta(days=1)
    assert "hems_subsidies" not in {i.id for i in approver.catalog(eve).indicators}
    assert "hems_subsidies" in {i.id for i in approver.catalog(APPROVAL_DAY).indicators}
    assert coverage(approver.catalog(eve)).with_indicator == 13
    # The one evaluation replays the catalog of the day too.
    assert "hems_subsidies" not in approver.evaluation(eve).targets
    assert "hems_subsidies" in approver.evaluation(APPROVAL_DAY).targets


def test_the_proposer_cannot_approve_their_own_change(service: Service) -> None:
    draft_id = service.propose_indicator(KANRI, "1", hems())
    with pytest.raises(PermissionDenied) as refused:
        service.approve_draft(KANRI, draft_id)
    assert "別の管理者" in refused.value.message_ja
    assert "second administrator" in refused.value.message_en
    assert [d.state for d in service.catalog_drafts(KANRI)] == ["draft"]
    assert "hems_subsidies" not in {i.id for i in service.catalog().indicators}


@pytest.mark.parametrize("actor", [OWNER, VIEWER], ids=["owner", "viewer"])
def test_owners_and_viewers_change_nothing(service: Service, actor: Actor) -> None:
    with pytest.raises(PermissionDenied):
        service.propose_indicator(actor, "1", hems())
    with pytest.raises(PermissionDenied):
        service.propose_link(actor, "1", "wifi_access_points")
    draft_id = service.propose_indicator(KANRI, "1", hems())
    for attempt in (
        lambda: service.approve_draft(actor, draft_id),
        lambda: service.reject_draft(actor, draft_id, "no"),
        lambda: service.catalog_drafts(actor),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    assert [d.state for d in service.catalog_drafts(KANRI)] == ["draft"]


def _file_problems(catalog_dir: Path, entry: dict) -> list[str]:
    """The problems `shihyo init` finds in the catalog files with `entry` appended."""
    path = catalog_dir / "indicators.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["indicators"].append(entry)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load_catalog(catalog_dir)
    return caught.value.problems


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"owner": "nobody"},
            "indicators.yaml: indicator 'hems_subsidies': unknown owner 'nobody'",
        ),
        (
            {"unit": ""},
            "indicators.yaml: indicator 'hems_subsidies': unit: String should have at least 1",
        ),
        ({"id": "etax_payments"}, "indicators.yaml: duplicate indicator id 'etax_payments'"),
        (
            {"initiatives": ["999"]},
            "indicators.yaml: indicator 'hems_subsidies': unknown initiative '999'",
        ),
        (
            {"targets": [{"id": "hems_subsidies-early", "value": 5, "due": dt.date(2025, 3, 31)}]},
            "indicators.yaml: indicator 'hems_subsidies': target 'hems_subsidies-early' "
            "is due 2025-03-31, not after its baseline of 2026-03-31",
        ),
        (
            {
                "targets": [
                    {"id": "wifi_facilities-fy2027", "value": 5, "due": dt.date(2027, 3, 31)}
                ]
            },
            "indicators.yaml: duplicate target id 'wifi_facilities-fy2027'",
        ),
    ],
)
def test_the_desk_checks_a_change_as_the_files_are_checked(
    service: Service, catalog_dir: Path, change: dict, expected: str
) -> None:
    entry = hems(**change)
    with pytest.raises(CatalogError) as caught:
        service.propose_indicator(KANRI, "1", entry)
    assert any(expected in problem for problem in caught.value.problems), caught.value.problems
    # The same words as the files give for the same entry (the desk puts initiative 1 first).
    as_filed = {**entry, "initiatives": ["1", *(entry.get("initiatives") or [])]}
    as_filed = json.loads(json.dumps(as_filed, default=str))
    assert caught.value.problems == _file_problems(catalog_dir, as_filed)
    assert service.catalog_drafts(KANRI) == []  # nothing kept


def test_link_an_existing_indicator_to_an_initiative(service: Service) -> None:
    draft_id = service.propose_link(KANRI, "29", "wifi_access_points")
    later(service).approve_draft(SECOND, draft_id)
    linked = next(i for i in service.catalog().indicators if i.id == "wifi_access_points")
    assert linked.initiatives == ["28", "29"]
    with pytest.raises(CatalogError, match="already evidences initiative '29'"):
        service.propose_link(KANRI, "29", "wifi_access_points")
    with pytest.raises(CatalogError, match="unknown indicator"):
        service.propose_link(KANRI, "29", "no_such_indicator")
    with pytest.raises(CatalogError, match="unknown initiative '9999'"):
        service.propose_link(KANRI, "9999", "wifi_access_points")


def test_every_step_is_audited_with_before_and_after(service: Service) -> None:
    kept = service.propose_indicator(KANRI, "1", hems())
    dropped = service.propose_link(KANRI, "29", "wifi_access_points")
    approver = later(service)
    approver.reject_draft(SECOND, dropped, "取組29は別の指標で測る")
    approver.approve_draft(SECOND, kept)
    trail = approver.audit_trail(KANRI)
    steps = trail[trail["entity"] == "catalog_draft"].iloc[::-1]  # oldest first
    assert list(zip(steps["actor"], steps["action"], steps["entity_id"], strict=True)) == [
        ("kanri", "propose", str(kept)),
        ("kanri", "propose", str(dropped)),
        ("kanri2", "reject", str(dropped)),
        ("kanri2", "approve", str(kept)),
    ]
    approve = steps.iloc[-1]
    assert json.loads(approve["before"])["state"] == "draft"
    after = json.loads(approve["after"])
    assert (after["state"], after["decided_by"]) == ("approved", "kanri2")
    reject = json.loads(steps.iloc[2]["after"])
    assert (reject["state"], reject["decision_note"]) == ("rejected", "取組29は別の指標で測る")
    assert steps.iloc[0]["before"] is None or steps.iloc[0]["before"] != steps.iloc[0]["before"]
    # The catalog's own entries, as `shihyo init` audits a changed file.
    added = trail[(trail["actor"] == "kanri2") & (trail["action"] == "add")]
    assert set(zip(added["entity"], added["entity_id"], strict=True)) == {
        ("indicator", "hems_subsidies"),
        ("target", "hems_subsidies-fy2027"),
    }
    assert approver.verify_audit(KANRI).ok


def test_a_decided_draft_stays_decided(service: Service) -> None:
    draft_id = service.propose_indicator(KANRI, "1", hems())
    with pytest.raises(DraftRefused, match="reason"):
        service.reject_draft(SECOND, draft_id, "  ")
    service.reject_draft(KANRI, draft_id, "取り下げ")  # the proposer withdraws their own
    with pytest.raises(DraftRefused, match="decided already"):
        service.approve_draft(SECOND, draft_id)
    with pytest.raises(DraftRefused, match="no draft"):
        service.approve_draft(SECOND, 999)


def test_a_draft_the_catalog_no_longer_admits_stays_a_draft(service: Service) -> None:
    first = service.propose_indicator(KANRI, "1", hems())
    second = service.propose_indicator(KANRI, "2", hems())  # the same id, for initiative 2
    approver = later(service)
    approver.approve_draft(SECOND, first)
    with pytest.raises(CatalogError) as caught:
        approver.approve_draft(SECOND, second)
    assert "indicators.yaml: duplicate indicator id 'hems_subsidies'" in caught.value.problems
    assert [d.state for d in approver.catalog_drafts(KANRI) if d.id == second] == ["draft"]


# ── the files stay the source ────────────────────────────────────────────────


def test_an_export_of_the_unchanged_catalog_is_the_committed_files(
    service: Service, tmp_path: Path
) -> None:
    written = service.export_catalog(tmp_path / "out")
    assert [p.name for p in written] == list(FILES)
    for name in FILES:
        assert (tmp_path / "out" / name).read_bytes() == (PACKAGE_CATALOG / name).read_bytes()


def test_an_approved_change_exports_as_one_new_entry(service: Service, tmp_path: Path) -> None:
    approver = later(service)
    approver.approve_draft(SECOND, service.propose_indicator(KANRI, "1", hems()))
    approver.approve_draft(SECOND, service.propose_link(KANRI, "29", "wifi_access_points"))
    out = tmp_path / "out"
    approver.export_catalog(out)
    assert load_catalog(out) == approver.catalog()
    for name in ("plan.yaml", "initiatives.yaml"):
        assert (out / name).read_bytes() == (PACKAGE_CATALOG / name).read_bytes()
    committed = (PACKAGE_CATALOG / "indicators.yaml").read_text(encoding="utf-8").splitlines()
    exported = (out / "indicators.yaml").read_text(encoding="utf-8").splitlines()
    changed = [
        line
        for line in difflib.unified_diff(committed, exported, lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    # The linked entry's one line rewritten, its comments kept; the new entry appended.
    assert changed[:2] == ['-    initiatives: ["28"]', '+    initiatives: ["28", "29"]']
    assert all(line.startswith("+") for line in changed[2:])
    new = exported.index("  - id: hems_subsidies")
    assert exported[new - 1] == "" and exported[new + 1] == "    name: HEMS導入補助件数（例示）"
    assert "illustrative: true" in exported[-1]
    # Read back from the export, the files give the catalog in force, and a replay of the
    # day before the approval exports the committed files again.
    back = tmp_path / "eve"
    approver.export_catalog(back, APPROVAL_DAY - dt.timedelta(days=1))
    assert (back / "indicators.yaml").read_bytes() == (
        PACKAGE_CATALOG / "indicators.yaml"
    ).read_bytes()


def test_the_command_line_exports_the_catalog(service: Service, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["catalog", "export", "--out", str(tmp_path / "cli")])
    assert result.exit_code == 0, result.output
    assert "indicators.yaml" in result.output
    assert load_catalog(tmp_path / "cli") == load_catalog(load_settings().catalog)


# ── an indicator in force edited: its owner and targets ─────────────────────

WIFI = "wifi_access_points"
KEPT = {"id": "wifi_access_points-fy2022", "value": 700, "due": "2023-03-31", "illustrative": True}


def wifi_edit(**changes: object) -> dict:
    """The Wi-Fi indicator handed to 情報企画課's neighbour, its fy2027 target raised and a
    fy2030 one added (examples, marked illustrative: not the prefecture's)."""
    fields: dict = {
        "owner": "data-suishin",
        "targets": [
            KEPT,
            {"id": f"{WIFI}-fy2027", "value": 950, "due": dt.date(2028, 3, 31),
             "illustrative": True},
            {"id": f"{WIFI}-fy2030", "value": 1000, "due": dt.date(2031, 3, 31),
             "tolerance": 0.05, "illustrative": True},
        ],
    }  # fmt: skip
    fields.update(changes)
    return fields


def _wifi(service: Service, day: dt.date | None = None) -> Indicator:
    return next(i for i in service.catalog(day).indicators if i.id == WIFI)


def test_an_administrator_edits_owner_and_targets_a_second_approves(service: Service) -> None:
    draft_id = service.propose_edit(KANRI, WIFI, wifi_edit())
    assert _wifi(service).owner == "joho-kikaku"  # a draft only
    [draft] = service.catalog_drafts(KANRI, "draft")
    assert (draft.change.kind, draft.change.subject) == ("edit", WIFI)
    assert draft.change.before is not None and draft.change.before["owner"] == "joho-kikaku"
    assert [t["value"] for t in draft.change.before["targets"]] == [700, 900]
    with pytest.raises(PermissionDenied):
        service.approve_draft(KANRI, draft_id)  # four eyes

    approver = later(service)
    approver.approve_draft(SECOND, draft_id)
    edited = _wifi(approver)
    assert edited.owner == "data-suishin"
    assert [(t.id, t.value) for t in edited.targets] == [
        (f"{WIFI}-fy2022", 700),
        (f"{WIFI}-fy2027", 950),
        (f"{WIFI}-fy2030", 1000),
    ]
    assert edited.targets[2].tolerance == 0.05
    # In force from the approval day: a replay of the day before reads the old owner/targets.
    eve = _wifi(approver, APPROVAL_DAY - dt.timedelta(days=1))
    assert eve.owner == "joho-kikaku"
    assert [t.value for t in eve.targets] == [700, 900]
    assert _wifi(approver, APPROVAL_DAY).owner == "data-suishin"


def test_an_edit_is_audited_with_the_changed_fields_before_and_after(service: Service) -> None:
    draft_id = service.propose_edit(KANRI, WIFI, wifi_edit())
    approver = later(service)
    approver.approve_draft(SECOND, draft_id)
    trail = approver.audit_trail(KANRI)
    proposed = trail[(trail["entity"] == "catalog_draft") & (trail["action"] == "propose")]
    payload = json.loads(proposed.iloc[0]["after"])["payload"]
    assert payload["before"]["owner"] == "joho-kikaku"
    assert payload["indicator"]["owner"] == "data-suishin"
    by = trail[trail["actor"] == "kanri2"]
    rows = {(r.entity, r.entity_id, r.action): r for r in by.itertuples()}
    indicator = rows[("indicator", WIFI, "change")]
    assert json.loads(indicator.before)["owner"] == "joho-kikaku"
    assert json.loads(indicator.after)["owner"] == "data-suishin"
    raised = rows[("target", f"{WIFI}-fy2027", "change")]
    assert (json.loads(raised.before)["value"], json.loads(raised.after)["value"]) == (900, 950)
    assert ("target", f"{WIFI}-fy2030", "add") in rows
    assert ("target", f"{WIFI}-fy2022", "change") not in rows  # unchanged: not in the trail
    assert approver.verify_audit(KANRI).ok


def test_a_target_removed_at_the_desk(service: Service) -> None:
    approver = later(service)
    approver.approve_draft(SECOND, service.propose_edit(KANRI, WIFI, {"targets": [KEPT]}))
    assert [t.id for t in _wifi(approver).targets] == [f"{WIFI}-fy2022"]
    trail = approver.audit_trail(KANRI)
    assert ((trail["entity"] == "target") & (trail["action"] == "remove")).sum() == 1


@pytest.mark.parametrize(
    "actor",
    [OWNER, Actor("sato", "owner", ("data-suishin",)), VIEWER],
    ids=["own-section", "other-section", "viewer"],
)
def test_only_administrators_propose_edits(service: Service, actor: Actor) -> None:
    # Decided (README): an owner section does not propose even its own indicators' targets;
    # it asks the plan's administrator. OWNER is 情報企画課, which owns the Wi-Fi indicator.
    with pytest.raises(PermissionDenied):
        service.propose_edit(actor, WIFI, wifi_edit())
    with pytest.raises(PermissionDenied):
        service.propose_goal(actor, "p1", {"goal": "x"})
    assert service.catalog_drafts(KANRI) == []


def _edited_file_problems(catalog_dir: Path, fields: dict) -> list[str]:
    """The problems `shihyo init` finds in the files with the Wi-Fi entry so edited."""
    path = catalog_dir / "indicators.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    entry = next(i for i in data["indicators"] if i["id"] == WIFI)
    entry.update(json.loads(json.dumps(fields, default=str)))
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load_catalog(catalog_dir)
    return caught.value.problems


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"owner": "nobody"}, "indicators.yaml: indicator 'wifi_access_points': unknown owner"),
        (
            {"targets": [{"id": "w-early", "value": 5, "due": dt.date(2019, 3, 31)}]},
            "indicators.yaml: indicator 'wifi_access_points': target 'w-early' is due "
            "2019-03-31, not after its baseline of 2019-03-31",
        ),
        (
            {"targets": [{"id": "wifi_facilities-fy2027", "value": 5, "due": "2027-03-31"}]},
            "indicators.yaml: duplicate target id 'wifi_facilities-fy2027'",
        ),
        (
            {"targets": [{"id": "w-tol", "value": 5, "due": "2027-03-31", "tolerance": 1.5}]},
            "indicators.yaml: indicator 'wifi_access_points': targets.0.tolerance: Input should",
        ),
    ],
)
def test_an_edit_is_checked_as_the_files_are(
    service: Service, catalog_dir: Path, fields: dict, expected: str
) -> None:
    with pytest.raises(CatalogError) as caught:
        service.propose_edit(KANRI, WIFI, fields)
    assert any(expected in p for p in caught.value.problems), caught.value.problems
    assert caught.value.problems == _edited_file_problems(catalog_dir, fields)
    assert service.catalog_drafts(KANRI) == []


def test_an_edit_must_change_something_and_only_owner_or_targets(service: Service) -> None:
    with pytest.raises(CatalogError, match="changes nothing"):
        service.propose_edit(KANRI, WIFI, {"owner": "joho-kikaku"})
    with pytest.raises(CatalogError, match="not edited at the desk: unit"):
        service.propose_edit(KANRI, WIFI, {"unit": "基"})
    with pytest.raises(CatalogError, match="unknown indicator"):
        service.propose_edit(KANRI, "no_such", {"owner": "joho-kikaku"})


def _changed_lines(name: str, out: Path) -> list[str]:
    committed = (PACKAGE_CATALOG / name).read_text(encoding="utf-8").splitlines()
    exported = (out / name).read_text(encoding="utf-8").splitlines()
    return [
        line
        for line in difflib.unified_diff(committed, exported, lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def test_an_approved_edit_exports_as_the_changed_lines(service: Service, tmp_path: Path) -> None:
    approver = later(service)
    approver.approve_draft(SECOND, service.propose_edit(KANRI, WIFI, wifi_edit()))
    out = tmp_path / "out"
    approver.export_catalog(out)
    assert load_catalog(out) == approver.catalog()
    assert _changed_lines("indicators.yaml", out) == [
        "-    owner: joho-kikaku",
        "+    owner: data-suishin",
        "-      - {id: wifi_access_points-fy2027, value: 900, due: 2028-03-31, illustrative: true}",
        "+      - {id: wifi_access_points-fy2027, value: 950, due: 2028-03-31, illustrative: true}",
        "+      - {id: wifi_access_points-fy2030, value: 1000, due: 2031-03-31, tolerance: 0.05,"
        " illustrative: true}",
    ]
    for name in ("plan.yaml", "initiatives.yaml"):
        assert (out / name).read_bytes() == (PACKAGE_CATALOG / name).read_bytes()
    # a replay of the day before the approval exports the committed files again
    eve = tmp_path / "eve"
    approver.export_catalog(eve, APPROVAL_DAY - dt.timedelta(days=1))
    assert (eve / "indicators.yaml").read_bytes() == (
        PACKAGE_CATALOG / "indicators.yaml"
    ).read_bytes()


# ── goals of policies and areas ─────────────────────────────────────────────

GOAL = {
    "goal": "家庭のエネルギー利用が見える化されている（例示）",
    "goal_en": "Households see their energy use (example)",
    "outcomes": [],
}


def _area(catalog: Catalog, area_id: str) -> Area:
    return next(area for _, area in catalog.areas() if area.id == area_id)


def test_a_goal_is_proposed_approved_and_replayed(service: Service, tmp_path: Path) -> None:
    draft_id = service.propose_goal(KANRI, "p1-01", GOAL)
    [draft] = service.catalog_drafts(KANRI, "draft")
    assert (draft.change.kind, draft.change.subject) == ("goal", "p1-01")
    assert draft.change.before == {"goal": None, "goal_en": None, "outcomes": []}
    assert _area(service.catalog(), "p1-01").goal is None  # a draft only
    with pytest.raises(PermissionDenied):
        service.approve_draft(KANRI, draft_id)
    approver = later(service)
    approver.approve_draft(SECOND, draft_id)
    assert _area(approver.catalog(), "p1-01").goal == GOAL["goal"]
    assert _area(approver.catalog(APPROVAL_DAY - dt.timedelta(days=1)), "p1-01").goal is None
    trail = approver.audit_trail(KANRI)
    [goal] = trail[(trail["entity"] == "goal") & (trail["actor"] == "kanri2")].itertuples()
    assert (goal.action, goal.entity_id) == ("add", "p1-01")
    assert json.loads(goal.after) == GOAL
    # exported as the area written out one field a line, the rest of the plan as it was
    out = tmp_path / "out"
    approver.export_catalog(out)
    assert load_catalog(out) == approver.catalog()
    changed = _changed_lines("plan.yaml", out)
    assert f"+        goal: {GOAL['goal']}" in changed
    removed = [line for line in changed if line.startswith("-")]
    assert len(removed) == 2 and "{id: p1-01," in removed[0], changed  # its flow mapping
    assert all(line.startswith(("+      - id: p1-01", "+        ")) for line in changed[2:])


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"outcomes": ["wifi_access_points"]},
            "plan.yaml: area 'p1-01': outcome 'wifi_access_points' is an output indicator, "
            "not an outcome",
        ),
        ({"outcomes": ["nothing_such"]}, "plan.yaml: area 'p1-01': unknown outcome indicator"),
    ],
)
def test_a_goal_is_checked_as_the_plan_file_is(
    service: Service, catalog_dir: Path, fields: dict, expected: str
) -> None:
    with pytest.raises(CatalogError) as caught:
        service.propose_goal(KANRI, "p1-01", {**GOAL, **fields})
    assert any(expected in p for p in caught.value.problems), caught.value.problems
    path = catalog_dir / "plan.yaml"
    plan = yaml.safe_load(path.read_text(encoding="utf-8"))
    area = next(a for p in plan["policies"] for a in p["areas"] if a["id"] == "p1-01")
    area.update({**GOAL, **fields})
    path.write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(CatalogError) as filed:
        load_catalog(catalog_dir)
    assert caught.value.problems == filed.value.problems
    with pytest.raises(CatalogError, match="unknown policy or area 'p9'"):
        service.propose_goal(KANRI, "p9", GOAL)
    assert service.catalog_drafts(KANRI) == []


def test_a_goal_changed_in_the_files_is_audited_by_init(
    service: Service, catalog_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = catalog_dir / "plan.yaml"
    text = path.read_text(encoding="utf-8")
    was = next(line for line in text.splitlines(keepends=True) if line.startswith("    goal: "))
    path.write_text(text.replace(was, "    goal: 県民の利便性を高める（例示）\n"), encoding="utf-8")
    monkeypatch.setenv("SHIHYO_CATALOG", str(catalog_dir))
    result = CliRunner().invoke(app, ["init"])
    assert result.exit_code == 0, result.output
    trail = service.audit_trail(KANRI)
    goals = trail[(trail["entity"] == "goal") & (trail["action"] == "change")]
    [goal] = goals.itertuples()
    assert goal.entity_id == "p1"
    assert json.loads(goal.before)["goal"] == was.split(": ", 1)[1].strip()
    assert json.loads(goal.after)["goal"] == "県民の利便性を高める（例示）"
    assert set(json.loads(goal.after)) == {"goal", "goal_en", "outcomes"}


def test_a_goal_field_not_given_is_kept(service: Service) -> None:
    policy = service.catalog().policies[0]
    draft_id = service.propose_goal(KANRI, policy.id, {"goal_en": "Convenience (example)"})
    [draft] = service.catalog_drafts(KANRI, "draft")
    assert draft.change.before == {"goal_en": policy.goal_en}
    later(service).approve_draft(SECOND, draft_id)
    now = service.catalog().policies[0]
    assert (now.goal, now.goal_en, now.outcomes) == (
        policy.goal,
        "Convenience (example)",
        policy.outcomes,
    )
    with pytest.raises(CatalogError, match="changes nothing"):
        service.propose_goal(KANRI, policy.id, {"goal_en": "Convenience (example)"})


def test_an_edit_overtaken_by_another_stays_a_draft(service: Service) -> None:
    first = service.propose_edit(KANRI, WIFI, wifi_edit())
    second = service.propose_edit(KANRI, WIFI, {"targets": [KEPT]})
    approver = later(service)
    approver.approve_draft(SECOND, first)
    # approving the second would silently drop the targets the first just put in force
    with pytest.raises(CatalogError) as caught:
        approver.approve_draft(SECOND, second)
    assert caught.value.problems == [
        "indicators.yaml: indicator 'wifi_access_points': changed since the draft was "
        "proposed (targets); propose again"
    ]
    assert [d.state for d in approver.catalog_drafts(KANRI) if d.id == second] == ["draft"]
    assert len(_wifi(approver).targets) == 3
