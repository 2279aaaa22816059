"""More than one plan in an instance: the committed catalog (the default plan) and the
EXAMPLE plan of tests/data/example_plan (例示, not the prefecture's), with one indicator,
wifi_access_points, shared by both. Counts are checked against arithmetic written here."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from indicators.catalog import Catalog, CatalogError, UnknownPlan, load_catalog
from indicators.catalog_export import export_catalog
from indicators.coverage import coverage
from indicators.evaluation import judge
from kernel.settings import PACKAGE_CATALOG
from shihyo.cli import app
from tests.plans import EXAMPLE_PLAN, SHARED, example_catalog

DEFAULT = "denshika-zenkai"
AS_OF = dt.date(2026, 11, 20)

# The example plan by hand (tests/data/example_plan/rei-keikaku):
#   initiatives rei-1 … rei-5: 1 achieved (rei-1) + 3 in progress (rei-2, 3, 4) + 1 changed
#   (rei-5) = 5; rei-2 is evidenced by the shared wifi_access_points (2 targets), rei-3 by
#   rei_datasets (no target): with an indicator 1 + 1 = 2, with a target 1; its indicators
#   2, its targets 2 + 0 = 2.
EXAMPLE_COUNTS = {"initiatives": 5, "with_indicator": 2, "with_target": 1}
EXAMPLE_STATUSES = {"achieved": 1, "in_progress": 3, "changed": 1, "total": 5}
# The default plan as the committed catalog has it, unchanged by a second plan: the shared
# indicator still evidences 28, and rei_datasets evidences nothing of it.
DEFAULT_COUNTS = {"initiatives": 101, "with_indicator": 13, "with_target": 10}
DEFAULT_STATUSES = {"achieved": 61, "in_progress": 35, "changed": 5, "total": 101}


@pytest.fixture
def two_plans(tmp_path: Path) -> Path:
    return example_catalog(tmp_path / "catalog")


@pytest.fixture
def both(two_plans: Path) -> Catalog:
    return load_catalog(two_plans)


def _coverage(catalog: Catalog) -> dict[str, int]:
    found = coverage(catalog)
    return {
        "initiatives": found.initiatives_total,
        "with_indicator": found.with_indicator,
        "with_target": found.with_target,
    }


# ── loading ──────────────────────────────────────────────────────────────────


def test_a_catalog_folder_holds_a_further_plan(both: Catalog) -> None:
    assert both.plan_ids == [DEFAULT, EXAMPLE_PLAN]  # the default (the seed's) first
    assert both.plan.id == DEFAULT and len(both.initiatives) == 101
    example = both.for_plan(EXAMPLE_PLAN)
    assert "例示" in example.plan.name
    assert [p.id for p in example.policies] == ["rei-p1", "rei-p2"]
    assert len(example.areas()) == 3 and len(example.initiatives) == 5
    link = next(i for i in example.initiatives if i.id == "rei-1").serves[0]
    assert (link.plan, link.item) == (DEFAULT, "p3")


def test_the_committed_catalog_is_one_plan_as_before(catalog: Catalog) -> None:
    assert catalog.plan_ids == [DEFAULT] and catalog.more_plans == []
    assert catalog.for_plan(None) is catalog and catalog.for_plan(DEFAULT) is catalog
    assert _coverage(catalog) == DEFAULT_COUNTS
    document = catalog.to_document()
    # Its document (what the warehouse keeps, and the fingerprint) is the one-plan document.
    assert "more_plans" not in document
    assert not any("serves" in item for item in document["initiatives"])
    assert Catalog.from_document(document) == catalog


def test_a_document_with_two_plans_reads_back(both: Catalog) -> None:
    document = both.to_document()
    assert [b["plan"]["id"] for b in document["more_plans"]] == [EXAMPLE_PLAN]
    assert Catalog.from_document(document) == both
    assert both.fingerprint() != load_catalog(PACKAGE_CATALOG).fingerprint()


def test_the_export_writes_the_further_plan_as_it_is(both: Catalog, two_plans: Path) -> None:
    out = two_plans.parent / "out"
    export_catalog(both, two_plans, out)
    for name in ("plan.yaml", "initiatives.yaml"):
        path = Path("plans") / EXAMPLE_PLAN / name
        assert (out / path).read_bytes() == (two_plans / path).read_bytes()
    for name in ("plan.yaml", "initiatives.yaml", "indicators.yaml"):
        assert (out / name).read_bytes() == (two_plans / name).read_bytes()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


EXAMPLE_FILES = Path("plans") / EXAMPLE_PLAN


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        (  # an initiative id of the default plan again: ids name one initiative
            EXAMPLE_FILES / "initiatives.yaml",
            "{id: rei-4,",
            '{id: "28",',
            "plans/rei-keikaku/initiatives.yaml: initiative '28' is an initiative of plan "
            "'denshika-zenkai' already; initiative ids are unique across the plans",
        ),
        (
            EXAMPLE_FILES / "initiatives.yaml",
            "serves: [{plan: denshika-zenkai, item: p3}]",
            "serves: [{plan: sogo-keikaku, item: p3}]",
            "plans/rei-keikaku/initiatives.yaml: initiative 'rei-1': serves an unknown plan "
            "'sogo-keikaku'",
        ),
        (
            EXAMPLE_FILES / "initiatives.yaml",
            "item: p3}",
            "item: p9}",
            "plans/rei-keikaku/initiatives.yaml: initiative 'rei-1': serves an unknown item "
            "'p9' of plan 'denshika-zenkai'",
        ),
        (
            EXAMPLE_FILES / "initiatives.yaml",
            "plan: denshika-zenkai, item: p3",
            "plan: rei-keikaku, item: rei-p2",
            "plans/rei-keikaku/initiatives.yaml: initiative 'rei-1': serves 'rei-p2' of its "
            "own plan",
        ),
        (  # today's checks, per plan, with the same messages under the plan's folder
            EXAMPLE_FILES / "initiatives.yaml",
            "area: rei-p2-01, status: in_progress",
            "area: p1-01, status: in_progress",
            "plans/rei-keikaku/initiatives.yaml: initiative 'rei-4': unknown area 'p1-01'",
        ),
        (
            EXAMPLE_FILES / "plan.yaml",
            "admin_owner: joho-kikaku",
            "admin_owner: nobody",
            "plans/rei-keikaku/plan.yaml: plan admin_owner 'nobody' is not an owner",
        ),
        (
            EXAMPLE_FILES / "plan.yaml",
            "{id: rei-p1-02,",
            "{id: rei-p1-01,",
            "plans/rei-keikaku/plan.yaml: duplicate area id 'rei-p1-01'",
        ),
        (
            EXAMPLE_FILES / "plan.yaml",
            "  id: rei-keikaku",
            "  id: rei-other",
            "plans/rei-keikaku/plan.yaml: plan id 'rei-other' is not its folder's name",
        ),
        (
            Path("indicators.yaml"),
            "initiatives: [rei-3]",
            "initiatives: [rei-9]",
            "indicators.yaml: indicator 'rei_datasets': unknown initiative 'rei-9'",
        ),
    ],
)
def test_each_refusal_names_the_file_and_entry(
    two_plans: Path, file: Path, old: str, new: str, message: str
) -> None:
    _edit(two_plans / file, old, new)
    with pytest.raises(CatalogError) as caught:
        load_catalog(two_plans)
    assert any(p.startswith(message) for p in caught.value.problems), caught.value.problems


def test_a_plan_with_the_default_plans_id_is_refused(two_plans: Path) -> None:
    shutil.move(two_plans / EXAMPLE_FILES, two_plans / "plans" / DEFAULT)
    _edit(two_plans / "plans" / DEFAULT / "plan.yaml", "  id: rei-keikaku", f"  id: {DEFAULT}")
    with pytest.raises(CatalogError) as caught:
        load_catalog(two_plans)
    assert f"plans/{DEFAULT}/plan.yaml: duplicate plan id '{DEFAULT}'" in caught.value.problems


def test_a_further_plan_missing_a_file_is_named(two_plans: Path) -> None:
    (two_plans / EXAMPLE_FILES / "initiatives.yaml").unlink()
    with pytest.raises(CatalogError, match=r"plans/rei-keikaku/initiatives\.yaml: file not found"):
        load_catalog(two_plans)


def test_an_unknown_plan_is_refused_naming_those_held(both: Catalog) -> None:
    with pytest.raises(UnknownPlan) as caught:
        both.for_plan("sogo-keikaku")
    assert caught.value.message_en == (
        "unknown plan 'sogo-keikaku'; the catalog holds: denshika-zenkai, rei-keikaku"
    )
    assert "sogo-keikaku" in caught.value.message_ja


# ── one evaluation, seen per plan ────────────────────────────────────────────


def test_coverage_per_plan_by_hand(both: Catalog) -> None:
    assert _coverage(both.for_plan(DEFAULT)) == DEFAULT_COUNTS
    assert _coverage(both.for_plan(EXAMPLE_PLAN)) == EXAMPLE_COUNTS
    example = coverage(both.for_plan(EXAMPLE_PLAN))
    # per policy: rei-p1 holds rei-1, rei-2 (evidenced, with a target), rei-3 (evidenced):
    # 3 / 2 / 1; rei-p2 holds rei-4, rei-5, neither evidenced: 2 / 0 / 0
    assert [(g.id, g.initiatives, g.with_indicator, g.with_target) for g in example.policies] == [
        ("rei-p1", 3, 2, 1),
        ("rei-p2", 2, 0, 0),
    ]
    assert [u.id for u in example.without_indicator] == ["rei-1", "rei-4", "rei-5"]


def test_the_shared_indicator_has_one_history_judged_once(both: Catalog) -> None:
    totals = pd.DataFrame(
        {
            "indicator_id": [SHARED, SHARED],
            "period": [pd.Timestamp("2026-08-31"), pd.Timestamp("2026-09-30")],
            "value": [640.0, 650.0],
        }
    )
    result = judge(both, totals, AS_OF)
    assert result.plan_id == DEFAULT and result.plan_ids == [DEFAULT, EXAMPLE_PLAN]
    example = result.for_plan(EXAMPLE_PLAN)
    default = result.for_plan(DEFAULT)
    assert default is result  # the default plan's view is what judge returns
    # one judgement of the shared indicator, the same object in both plans' views
    assert example.headlines[SHARED] is result.headlines[SHARED]
    assert example.targets[SHARED] is result.targets[SHARED]
    assert example.headlines[SHARED].actual == 650.0
    # the shared indicator evidences 28 in the one plan and rei-2 in the other
    assert next(i for i in example.catalog.indicators if i.id == SHARED).initiatives == ["rei-2"]
    assert next(i for i in default.catalog.indicators if i.id == SHARED).initiatives == ["28"]
    # coverage and counts per plan
    for view, counts, statuses in (
        (default, DEFAULT_COUNTS, DEFAULT_STATUSES),
        (example, EXAMPLE_COUNTS, EXAMPLE_STATUSES),
    ):
        assert view.as_dict()["coverage"] == counts
        total = view.plan_summary.total
        assert {s: getattr(total, s) for s in statuses} == statuses
    # the example's indicators: the shared one and rei_datasets; targets 2 + 0
    assert [i.id for i in example.catalog.indicators] == [SHARED, "rei_datasets"]
    assert example.target_counts().total == 2 and example.indicator_counts.total == 2
    assert example.initiative_counts.total == 5
    assert example.initiative_counts.by_status["no_indicator"] == 3  # rei-1, rei-4, rei-5
    assert default.initiative_counts.total == 101
    # the default plan's indicators are the committed catalog's nine
    assert len(default.catalog.indicators) == len(load_catalog(PACKAGE_CATALOG).indicators)
    assert example.plan_statuses.reported_on == dt.date(2025, 3, 31)  # its report's month


def test_the_goal_tree_per_plan(both: Catalog) -> None:
    from indicators.goals import goal_tree

    result = judge(both, pd.DataFrame(columns=["indicator_id", "period", "value"]), AS_OF)
    example = goal_tree(result.for_plan(EXAMPLE_PLAN))
    assert [p.policy.id for p in example] == ["rei-p1", "rei-p2"]
    areas = {a.area.id: a for p in example for a in p.areas}
    # rei-p1-01: rei-1 (none) and rei-2 (the shared indicator); rei-p1-02: rei-3 (rei_datasets);
    # rei-p2-01: rei-4 and rei-5, neither evidenced
    assert [(a.initiatives, a.without_indicator) for a in areas.values()] == [
        (2, 1),
        (1, 0),
        (2, 2),
    ]
    assert [x.initiative.id for x in areas["rei-p1-01"].activities] == ["rei-2"]
    assert [m.indicator.id for m in areas["rei-p1-01"].activities[0].outputs] == [SHARED]
    assert len(goal_tree(result)) == 3  # the default plan's three policies


def test_the_committed_catalog_judges_as_before(catalog: Catalog) -> None:
    result = judge(catalog, pd.DataFrame(columns=["indicator_id", "period", "value"]), AS_OF)
    assert result.whole is None and result.for_plan(DEFAULT) is result
    assert result.as_dict()["coverage"] == DEFAULT_COUNTS
    assert result.as_dict()["plan_id"] == DEFAULT and result.as_dict()["plans"] == [DEFAULT]


# ── the command line ─────────────────────────────────────────────────────────

runner = CliRunner()


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


@pytest.fixture
def two_plan_home(home: Path, two_plans: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SHIHYO_CATALOG", str(two_plans))
    code, output = _run("init")
    assert code == 0, output
    figures = home.parent / "wifi.csv"
    figures.write_text(
        "indicator_id,period,value,org_unit,note\n"
        f"{SHARED},2026-08,640,,\n{SHARED},2026-09,650,,\n",
        encoding="utf-8",
    )
    code, output = _run("ingest", str(figures))
    assert code == 0, output
    return home


def _json(*args: str) -> dict:
    code, output = _run(*args, "--json")
    assert code == 0, output
    return json.loads(output)


def test_plan_and_status_json_per_plan(two_plan_home: Path) -> None:
    for plan_id, counts, statuses in (
        (None, DEFAULT_COUNTS, DEFAULT_STATUSES),
        (DEFAULT, DEFAULT_COUNTS, DEFAULT_STATUSES),
        (EXAMPLE_PLAN, EXAMPLE_COUNTS, EXAMPLE_STATUSES),
    ):
        chosen = ("--plan", plan_id) if plan_id else ()
        plan = _json("plan", *chosen)
        assert plan["plan_id"] == (plan_id or DEFAULT)
        assert plan["plans"] == [DEFAULT, EXAMPLE_PLAN]
        assert plan["coverage"] == counts
        assert {s: plan["total"][s] for s in statuses} == statuses
        status = _json("status", *chosen)
        assert status["plan_id"] == (plan_id or DEFAULT)
        assert status["coverage"] == counts
        assert status["counts"]["initiatives"]["total"] == counts["initiatives"]
        assert {s: status["plan"][s]["count"] for s in ("achieved", "in_progress")} == {
            s: statuses[s] for s in ("achieved", "in_progress")
        }
    example = _json("status", "--plan", EXAMPLE_PLAN)
    shared = [r for r in example["indicators"] if r["id"] == SHARED and r["headline"]]
    assert shared[0]["actual"] == 650.0  # one history, whichever plan shows it
    assert {r["id"] for r in example["indicators"]} == {SHARED, "rei_datasets"}
    assert example["counts"]["targets"]["total"] == 2


def test_a_decision_on_an_example_initiative_moves_its_plans_counts(
    two_plan_home: Path,
) -> None:
    code, output = _run("initiatives", "status", "rei-4", "achieved", "--on", "2026-11-02")
    assert code == 0, output
    example = _json("plan", "--plan", EXAMPLE_PLAN)
    # rei-4 in progress → achieved: 1 + 1 = 2 achieved, 3 - 1 = 2 in progress, 1 changed
    assert {s: example["total"][s] for s in EXAMPLE_STATUSES} == {
        "achieved": 2,
        "in_progress": 2,
        "changed": 1,
        "total": 5,
    }
    # dated: one achieved since the example's report (2025-03-31), one since the decision
    assert example["counts"]["achieved"]["since"] == {"2025-03-31": 1, "2026-11-02": 1}
    default = _json("plan")
    assert {s: default["total"][s] for s in DEFAULT_STATUSES} == DEFAULT_STATUSES
    # a decision dated before the example's own report is refused by that report's day
    code, output = _run("initiatives", "status", "rei-3", "achieved", "--on", "2024-06-01")
    assert code == 2 and "2025年3月31日" in output


def test_an_unknown_plan_is_a_clean_error(two_plan_home: Path) -> None:
    for command in (("plan",), ("status",), ("coverage",), ("report", "--format", "md")):
        code, output = _run(*command, "--plan", "sogo-keikaku")
        assert code == 2, (command, output)
        assert "unknown plan 'sogo-keikaku'" in output and "Traceback" not in output


def test_the_report_of_each_plan(two_plan_home: Path, tmp_path: Path) -> None:
    default, example = tmp_path / "default.md", tmp_path / "example.md"
    code, output = _run("report", "--as-of", "2026-11-20", "--out", str(default))
    assert code == 0, output
    code, output = _run(
        "report", "--as-of", "2026-11-20", "--plan", EXAMPLE_PLAN, "--out", str(example)
    )
    assert code == 0, output
    default_text = default.read_text(encoding="utf-8")
    example_text = example.read_text(encoding="utf-8")
    assert "| 計 | 61 | 35 | 5 | 101 |" in default_text
    assert "| 計 | 1 | 3 | 1 | 5 |" in example_text
    assert "例示データ活用計画" in example_text and "例示データ活用計画" not in default_text
    assert "電子化全開宣言行動計画" not in example_text.split("\n", 3)[0]


def test_coverage_command_per_plan(two_plan_home: Path) -> None:
    data = _json("coverage", "--plan", EXAMPLE_PLAN)
    assert (data["initiatives_total"], data["with_indicator"], data["with_target"]) == (5, 2, 1)


def test_the_example_plan_is_marked_as_an_example() -> None:
    from tests.plans import EXAMPLE

    for path in (EXAMPLE / EXAMPLE_PLAN).iterdir():
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# EXAMPLE ONLY（例示）")
    plan = yaml.safe_load((EXAMPLE / EXAMPLE_PLAN / "plan.yaml").read_text(encoding="utf-8"))
    assert "例示" in plan["plan"]["name"] and "example" in plan["plan"]["name_en"]


# ── the dashboard ────────────────────────────────────────────────────────────


@pytest.fixture
def dashboard_two_plans(home: Path, two_plans: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from tests.conftest import ready_service
    from tests.test_app import USERS, add_users

    monkeypatch.setenv("SHIHYO_CATALOG", str(two_plans))
    ready_service()
    add_users(home, {"kanri": USERS["kanri"]})
    return home


def _tiles(at: object) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}  # type: ignore[attr-defined]


def test_the_goals_page_shows_the_chosen_plans_counts(dashboard_two_plans: Path) -> None:
    from tests.test_app import run_page

    at = run_page("views/goals.py")
    assert at.selectbox(key="plan").value == DEFAULT  # the chooser, the default plan first
    assert at.selectbox(key="plan").options == [
        "電子化全開宣言行動計画",
        "例示データ活用計画（例示・県の計画ではない）",
    ]
    tiles = _tiles(at)
    assert (tiles["達成"], tiles["実施中"], tiles["変更"], tiles["計"]) == ("61", "35", "5", "101")
    assert "13 / 101" in tiles.values()
    at = run_page("views/goals.py", plan=EXAMPLE_PLAN)
    assert at.selectbox(key="plan").value == EXAMPLE_PLAN
    tiles = _tiles(at)
    # the example by hand: 1 achieved + 3 in progress + 1 changed = 5; 2 of 5 with an indicator
    assert (tiles["達成"], tiles["実施中"], tiles["変更"], tiles["計"]) == ("1", "3", "1", "5")
    assert "2 / 5" in tiles.values()
    assert at.query_params["plan"] == EXAMPLE_PLAN  # kept in the URL, as the other choices
    at.selectbox(key="plan").set_value(DEFAULT).run()
    assert "plan" not in at.query_params  # the default is not written
    assert _tiles(at)["計"] == "101"


def test_the_tree_and_initiatives_pages_follow_the_chosen_plan(dashboard_two_plans: Path) -> None:
    from tests.test_app import run_page

    at = run_page("views/initiatives.py", plan=EXAMPLE_PLAN)
    tiles = _tiles(at)
    assert (tiles["取組数"], tiles["指標あり"], tiles["指標なし"]) == ("5", "2", "3")
    listed = pd.concat([d.value for d in at.dataframe if "取組" in d.value.columns])
    assert sorted(listed["取組"]) == sorted(
        i.title
        for i in load_catalog(Path(os.environ["SHIHYO_CATALOG"])).for_plan(EXAMPLE_PLAN).initiatives
    )
    at = run_page("views/tree.py", plan=EXAMPLE_PLAN)
    assert any("例示データ活用計画" in c.value for c in at.caption)
    # the example's two policies to choose from, after "all"
    assert at.selectbox(key="tree_policy_ja").options[1:] == [
        "例示方針1 データの公開（例示）",
        "例示方針2 庁内の仕事（例示）",
    ]


def test_the_catalog_desk_offers_the_chosen_plans_uncovered_initiatives(
    dashboard_two_plans: Path,
) -> None:
    from tests.test_app import run_page

    at = run_page("views/catalog.py", plan=EXAMPLE_PLAN)
    # rei-1, rei-4 and rei-5 have no indicator (5 initiatives − 2 evidenced)
    assert "指標のない取組（3件）" in [h.value for h in at.subheader]
    default = run_page("views/catalog.py")
    assert "指標のない取組（88件）" in [h.value for h in default.subheader]  # 101 − 13


def test_the_indicator_page_shows_the_shared_indicators_initiatives_in_both_plans(
    dashboard_two_plans: Path,
) -> None:
    from tests.test_app import run_page

    at = run_page("views/indicator.py", id=SHARED, plan=EXAMPLE_PLAN)
    evidenced = next(d.value for d in at.dataframe if "計画" in d.value.columns)
    assert list(zip(evidenced["計画"], evidenced["取組"], strict=True)) == [
        ("電子化全開宣言行動計画", "28"),
        ("例示データ活用計画（例示・県の計画ではない）", "2"),
    ]
    # an indicator of the example plan only opens under the default plan too
    at = run_page("views/indicator.py", id="rei_datasets")
    assert at.title[0].value == "例示指標 公開データセット数（例示）"


def test_an_initiatives_alignment_link_is_shown_by_name(dashboard_two_plans: Path) -> None:
    from tests.test_app import run_page

    at = run_page("views/initiatives.py", plan=EXAMPLE_PLAN, id="rei-1")
    captions = [c.value.replace("\\", "") for c in at.caption]  # md_escape's backslashes
    assert "他の計画での位置付け: 電子化全開宣言行動計画 › スマート県庁の実現" in captions
    english = run_page("views/initiatives.py", plan=EXAMPLE_PLAN, id="rei-1", lang="en")
    assert any(
        c.value.replace("\\", "").startswith(
            "Serves in other plans: Full Digitalisation Declaration Action Plan › "
        )
        for c in english.caption
    )


def test_one_plan_draws_no_chooser(home: Path) -> None:
    from tests.conftest import ready_service
    from tests.test_app import USERS, add_users, run_page

    ready_service()
    add_users(home, {"kanri": USERS["kanri"]})
    at = run_page("views/goals.py", plan="rei-keikaku")  # a stale link: the one plan shows
    assert not [s for s in at.selectbox if s.key == "plan"]
    assert _tiles(at)["計"] == "101"


def test_an_alignment_link_is_written_in_the_initiatives_files_style() -> None:
    from indicators.catalog import Initiative
    from indicators.catalog_export import initiative_block

    item = Initiative.model_validate(
        {
            "id": "rei-9",
            "number": "9",
            "area": "rei-p1-01",
            "status": "in_progress",
            "text": "例示取組（例示）",
            "serves": [{"plan": DEFAULT, "item": "p3-05"}],
        }
    )
    block = initiative_block(item)
    assert '  serves: [{"plan": "denshika-zenkai", "item": "p3-05"}]' in block
    assert Initiative.model_validate(yaml.safe_load(block)[0]) == item


def test_a_further_plan_added_is_in_the_audit_trail(two_plan_home: Path) -> None:
    from access.roles import Actor
    from service import Service

    trail = Service.from_environment().audit_trail(Actor("kanri", "admin"), entity="plan")
    assert trail["entity_id"].tolist() == [EXAMPLE_PLAN]
    assert trail["action"].tolist() == ["add"]


def test_each_plans_report_keeps_its_own_edits(two_plan_home: Path) -> None:
    from access.roles import Actor
    from report.drafting import RESULTS_KEY
    from service import Service

    service, admin = Service.from_environment(), Actor("kanri", "admin")

    def results(plan: str | None) -> list[str]:
        block = service.report_data(AS_OF, "ja", plan).summary.results
        return [p.text for p in block.paragraphs if p.by_person]

    written = "例示計画の成果を記入（例示）"
    assert service.edit_report(admin, AS_OF, "ja", RESULTS_KEY, written, plan=EXAMPLE_PLAN)
    assert results(EXAMPLE_PLAN) == [written]
    assert results(None) == []  # the default plan's 3(2) is its own edition
    history = service.report_edit_history(AS_OF, "ja", EXAMPLE_PLAN)
    assert history["block"].tolist() == [RESULTS_KEY]
    assert service.report_edit_history(AS_OF, "ja").empty
    # an area block of the example plan is the example's to edit, not the default's
    area = "area|rei-p1-01|results"
    assert service.edit_report(admin, AS_OF, "ja", area, "例示（例示）", plan=EXAMPLE_PLAN)
    with pytest.raises(ValueError, match="rei-p1-01"):
        service.edit_report(admin, AS_OF, "ja", area, "例示（例示）")


def test_an_example_indicators_action_and_the_unactioned_list_span_the_plans(
    two_plan_home: Path,
) -> None:
    from access.roles import Actor
    from service import Service

    service, admin = Service.from_environment(), Actor("kanri", "admin")
    due = AS_OF + dt.timedelta(days=30)
    assert service.record_action(admin, "rei_datasets", "例示（例示）", "例示", "例示課", due) > 0
    # the shared indicator is judged once: listed once, whichever plan it evidences
    assert service.unactioned(AS_OF).count(SHARED) <= 1


def test_plans_lists_each_plan_with_its_coverage(two_plan_home: Path) -> None:
    data = _json("plans")
    assert [(p["id"], p["default"], p["coverage"]) for p in data["plans"]] == [
        (DEFAULT, True, DEFAULT_COUNTS),
        (EXAMPLE_PLAN, False, EXAMPLE_COUNTS),
    ]
    assert (data["plans"][1]["start_fy"], data["plans"][1]["end_fy"]) == (2024, 2026)
    code, output = _run("plans")
    assert code == 0 and "rei-keikaku" in output and "既定の計画: denshika-zenkai" in output
    code, output = _run("plans", "--help")
    assert code == 0 and "Example:" in output


def test_plans_of_the_committed_catalog_is_one(home: Path) -> None:
    code, output = _run("init")
    assert code == 0, output
    assert [p["id"] for p in _json("plans")["plans"]] == [DEFAULT]
