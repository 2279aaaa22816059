"""Goals and the logic model: each policy and area may state its goal (目指すべき姿) and the
outcome indicators that show it; the catalog refuses outcomes it does not know or that are
outputs; the goal tree (goal → outcomes → initiatives → outputs) reads every status from the
one evaluation, on its page as in the Goals table; the report opens each area with its goal
and outcomes; and the export keeps the plan file as written, goals included."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from indicators.catalog import Catalog, CatalogError, load_catalog
from indicators.catalog_export import catalog_texts, export_catalog
from indicators.goals import goal_tree, outcome_ids
from kernel.settings import PACKAGE_CATALOG
from kernel.vocabulary import Lang
from report.words import status_label as report_label
from service import Service
from tests import test_app
from tests.test_app import frames, run_page, texts

# The sample home with its users, as in test_app.
template_home = test_app.template_home
app_home = test_app.app_home

P2_GOAL = "利用者の利便性の向上や行政運営の効率化を実現する"  # 1(3) 点検方法, 内容 (p.1)


def _plan(folder: Path) -> dict:
    return yaml.safe_load((folder / "plan.yaml").read_text(encoding="utf-8"))


def _write_plan(folder: Path, raw: dict) -> None:
    (folder / "plan.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")


def _area(raw: dict, area_id: str) -> dict:
    return next(a for p in raw["policies"] for a in p["areas"] if a["id"] == area_id)


# ── the catalog ──────────────────────────────────────────────────────────────


def test_goals_come_from_the_report_and_are_left_unwritten_where_it_states_none(
    catalog: Catalog,
) -> None:
    goals = {p.id: p.goal for p in catalog.policies}
    assert (
        goals["p2"] == P2_GOAL and all(goals.values()) and all(p.goal_en for p in catalog.policies)
    )
    areas = {a.id: a for _, a in catalog.areas()}
    assert areas["p2-01"].goal == "納税者利便の一層の向上"
    # the report states no aim for energy, tourism or education: nothing is invented
    assert {areas[a].goal for a in ("p1-01", "p1-04", "p1-07")} == {None}
    assert all(bool(a.goal) == bool(a.goal_en) for a in areas.values())
    text = (PACKAGE_CATALOG / "plan.yaml").read_text(encoding="utf-8")
    before = text.splitlines()[text.splitlines().index(f"    goal: {P2_GOAL}") - 1]
    assert before.strip().startswith("# 1(3) 点検方法")  # where the words come from


def test_outcomes_are_derived_from_the_initiatives_and_listed_explicitly(
    catalog_dir: Path,
) -> None:
    catalog = load_catalog(catalog_dir)
    area = {a.id: a for _, a in catalog.areas()}
    policy = {p.id: p for p in catalog.policies}
    assert outcome_ids(catalog, area["p2-01"]) == ["etax_payments"]
    assert outcome_ids(catalog, area["p1-08"]) == []  # Wi-Fi: outputs only
    assert outcome_ids(catalog, policy["p2"]) == ["etax_payments", "opendata_private_services"]
    # an outcome no initiative of the area carries is listed on the area itself
    raw = _plan(catalog_dir)
    _area(raw, "p1-08")["outcomes"] = ["opendata_private_services"]
    _write_plan(catalog_dir, raw)
    listed = load_catalog(catalog_dir)
    wifi = next(a for _, a in listed.areas() if a.id == "p1-08")
    assert outcome_ids(listed, wifi) == ["opendata_private_services"]
    p1 = next(p for p in listed.policies if p.id == "p1")
    assert outcome_ids(listed, p1) == ["mebyo_registrations", "opendata_private_services"]


def test_unknown_and_output_outcomes_are_refused_naming_the_file_and_entry(
    catalog_dir: Path,
) -> None:
    raw = _plan(catalog_dir)
    _area(raw, "p1-08")["outcomes"] = ["wifi_access_points", "no_such_indicator"]
    raw["policies"][2]["outcomes"] = ["system_running_cost", "system_running_cost"]
    _write_plan(catalog_dir, raw)
    with pytest.raises(CatalogError) as refused:
        load_catalog(catalog_dir)
    assert refused.value.problems == [
        "plan.yaml: policy 'p3': outcome 'system_running_cost' is listed twice",
        "plan.yaml: area 'p1-08': outcome 'wifi_access_points' is an output indicator, "
        "not an outcome",
        "plan.yaml: area 'p1-08': unknown outcome indicator 'no_such_indicator'",
    ]


# ── the tree, from the one evaluation ────────────────────────────────────────


def test_the_tree_reads_its_statuses_from_the_evaluation(service: Service) -> None:
    result = service.evaluation()
    tree = {p.policy.id: p for p in goal_tree(result)}
    tax = next(a for a in tree["p2"].areas if a.area.id == "p2-01")
    assert [m.indicator.id for m in tax.outcomes] == ["etax_payments"]
    assert tax.outcomes[0].headline is result.headlines["etax_payments"]
    # 33 and 34 carry the outcome only (no output indicator); 35 has none at all
    assert [(a.initiative.id, a.outputs) for a in tax.activities] == [("33", []), ("34", [])]
    assert (tax.initiatives, tax.without_indicator) == (3, 1)
    wifi = next(a for a in tree["p1"].areas if a.area.id == "p1-08")
    assert [m.indicator.id for m in wifi.activities[0].outputs] == [
        "wifi_access_points",
        "wifi_facilities",
    ]
    assert tree["p1"].without_indicator == 61 - 3  # 28, 24-1 and 24-2 have one


# ── the page ─────────────────────────────────────────────────────────────────


def test_the_tree_page_shows_goals_outcomes_with_the_goals_tables_status_and_outputs(
    app_home: Path,
) -> None:
    at = run_page("views/tree.py")
    assert at.title[0].value == "目標体系"
    shown = texts(at)
    assert P2_GOAL in shown.replace("\\", "")
    # the outcome indicator with the status the Goals table gives its headline target
    goals = run_page("views/goals.py")
    urgent = next(f for f in frames(goals) if "状況" in f.columns)
    etax = next(line for line in shown.splitlines() if "電子納税件数" in line)
    assert "目標 800,000件（仮）" in etax  # the headline target, marked illustrative
    rows = urgent[
        (urgent["指標"] == "電子納税件数") & urgent["目標値（期限）"].str.contains("800,000")
    ]
    assert rows["状況"].iloc[0].split(" !")[0] in etax.replace("\\", "")
    # an output indicator under its initiative
    markdown = [m.value for m in at.markdown]
    wifi = next(n for n, m in enumerate(markdown) if "県有施設への公衆無線LAN" in m)
    assert "県有施設の公衆無線LANアクセスポイント設置台数" in markdown[wifi + 1]
    assert "指標のない取組: 1 / 3件" in shown  # per area: 33 and 34 have one, 35 none
    assert "目指すべき姿：未設定で" in shown.replace("\\", "")  # エネルギーのスマート化 …


def test_the_tree_page_filters_by_policy_and_reads_in_english(app_home: Path) -> None:
    at = run_page("views/tree.py", lang="en")
    assert at.title[0].value == "Goal tree"
    at.selectbox(key="tree_policy_en").set_value("p3").run()
    assert [s.value for s in at.subheader] == ["Smart prefectural government"]
    shown = texts(at).replace("\\", "")
    assert "Information system running cost" in shown and "(illustrative)" in shown
    assert "Goal: not yet written" in shown


# ── the report ───────────────────────────────────────────────────────────────


def test_each_area_of_the_report_opens_with_its_goal_and_outcomes(service: Service) -> None:
    result = service.evaluation()
    head = report_label(result.headlines["etax_payments"].status, Lang.ja)
    text = service.report(result.as_of, "ja", "md").decode("utf-8")
    area = text.split("#### ア 行政手続の電子化の拡充")[1].split("\n#### ")[0]
    goal, counts = area.index("**目指すべき姿：納税者利便の一層の向上**"), area.index("**取組数**")
    outcome = area.index("電子納税件数")
    assert goal < outcome < counts
    assert f"- {head} 電子納税件数（目標 " in area  # as the area's indicator table says
    energy = text.split("#### ア エネルギーのスマート化")[1].split("\n#### ")[0]
    assert energy.lstrip().startswith("**目指すべき姿：未設定**")
    html = service.report(result.as_of, "en", "html").decode("utf-8")
    assert '<td colspan="4" class="goal">Greater convenience for taxpayers</td>' in html
    assert '<td colspan="4" class="goal">Not yet written</td>' in html  # Smart energy
    assert "Goal: Make services more convenient" in html  # the policy, in running text


# ── the files ────────────────────────────────────────────────────────────────


def test_an_export_keeps_the_plan_file_and_writes_a_changed_goal_in_its_layout(
    catalog: Catalog, tmp_path: Path
) -> None:
    texts_now = catalog_texts(catalog, PACKAGE_CATALOG)
    committed = (PACKAGE_CATALOG / "plan.yaml").read_text(encoding="utf-8")
    assert texts_now["plan.yaml"] == committed
    policies = []
    for policy in catalog.policies:
        areas = [
            a.model_copy(update={"goal": "例示の目標", "goal_en": "An example goal"})
            if a.id == "p1-01"
            else a.model_copy(update={"goal": None, "goal_en": None})
            if a.id == "p2-01"
            else a
            for a in policy.areas
        ]
        update = {"areas": areas}
        if policy.id == "p3":
            update["outcomes"] = ["phone_line_savings"]
        policies.append(policy.model_copy(update=update))
    changed = catalog.model_copy(update={"policies": policies})
    out = tmp_path / "out"
    export_catalog(changed, PACKAGE_CATALOG, out)
    assert load_catalog(out) == changed
    exported = (out / "plan.yaml").read_text(encoding="utf-8")
    assert "Written by" not in exported  # kept, not written afresh
    lines = exported.splitlines()
    at = lines.index("      - id: p1-01")  # the flow mapping written out, one field a line
    assert lines[at + 1 : at + 7] == [
        "        seq: 1",
        "        name: エネルギーのスマート化",
        "        name_en: Smart energy",
        "        goal: 例示の目標",
        "        goal_en: An example goal",
        "        reported: {achieved: 3, in_progress: 2, changed: 0}",
    ]
    assert "        goal: 納税者利便の一層の向上" not in lines  # its comment stays
    assert '    outcomes: ["phone_line_savings"]' in lines
    # everything else as committed, comments included
    assert [x for x in lines if x.lstrip().startswith("#")] == [
        x for x in committed.splitlines() if x.lstrip().startswith("#")
    ]
    # and back: the goals as committed, each under its comment
    back = tmp_path / "back"
    export_catalog(catalog, out, back)
    assert load_catalog(back) == catalog
    restored = (back / "plan.yaml").read_text(encoding="utf-8").splitlines()
    at = restored.index("        goal: 納税者利便の一層の向上")
    assert restored[at - 1].strip().startswith("# 3(2)ア (p.14)")
