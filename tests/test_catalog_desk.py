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
from indicators.catalog import CatalogError, load_catalog
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
