"""The catalog as transcribed from the report: counts, ids, and the checks on load."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from indicators.catalog import Catalog, CatalogError, load_catalog
from indicators.coverage import coverage
from indicators.plan import plan_summary

POLICY_COUNTS = {
    "スマート神奈川の推進": (33, 23, 5, 61),
    "行政サービスのICT化の拡充": (16, 5, 0, 21),
    "スマート県庁の実現": (12, 7, 0, 19),
}

AREA_COUNTS = {  # 取組数 of each area table in section 2 of the report
    "エネルギーのスマート化": (3, 2, 0),
    "環境施策のスマート化": (2, 3, 0),
    "防災のスマート化": (0, 3, 0),
    "観光のスマート化": (3, 6, 0),
    "農林水産業のスマート化": (2, 5, 2),
    "医療&ヘルスケアのスマート化": (9, 0, 3),
    "教育のスマート化": (12, 0, 0),
    "公衆無線LANアクセスポイントの設置": (0, 1, 0),
    "公共インフラの管理分野におけるスマート化": (1, 0, 0),
    "ICTの活用による産業振興": (1, 3, 0),
    "行政手続の電子化の拡充": (0, 3, 0),
    "オープンガバメントの導入": (7, 0, 0),
    "社会保障・税番号制度の導入": (9, 2, 0),
    "スマート県庁の取組": (0, 0, 0),
    "ICTガバナンスの確立": (0, 0, 0),
    "BPRの推進によるコスト削減と仕事の効率化": (4, 3, 0),
    "情報システムの見直し": (7, 4, 0),
    "通信サービスの見直し": (1, 0, 0),
}


def test_plan_has_three_policies_and_eighteen_areas(catalog: Catalog) -> None:
    assert [p.name for p in catalog.policies] == list(POLICY_COUNTS)
    assert [len(p.areas) for p in catalog.policies] == [10, 3, 5]
    assert catalog.plan.start_fy == 2014 and catalog.plan.end_fy == 2018


def test_exactly_101_initiatives_with_unique_ids(catalog: Catalog) -> None:
    ids = [item.id for item in catalog.initiatives]
    assert len(ids) == 101
    assert len(set(ids)) == 101


def test_printed_numbers_are_kept(catalog: Catalog) -> None:
    numbers = Counter(item.number for item in catalog.initiatives)
    for printed in ("3-1", "11-2①", "38⑤", "45①-2", "13a", "36g"):
        assert numbers[printed] == 1
    assert numbers["25-1"] == 3 and numbers["26"] == 3 and numbers["27"] == 3
    # grouping rows carry no status and are not initiatives
    assert numbers["38"] == 0 and numbers["45"] == 0
    unnumbered = [item for item in catalog.initiatives if item.number is None]
    assert {item.area for item in unnumbered} == {"p3-05", "p1-07"}


def test_policy_counts_match_the_report(catalog: Catalog) -> None:
    summary = plan_summary(catalog)
    for row in summary.policies:
        assert (row.achieved, row.in_progress, row.changed, row.total) == POLICY_COUNTS[row.name]
    total = summary.total
    assert (total.achieved, total.in_progress, total.changed, total.total) == (61, 35, 5, 101)
    assert summary.mismatches == []


def test_area_counts_match_the_report(catalog: Catalog) -> None:
    summary = plan_summary(catalog)
    counted = {
        area.name: (area.achieved, area.in_progress, area.changed)
        for policy in summary.policies
        for area in policy.areas
    }
    assert counted == AREA_COUNTS


def test_changed_initiatives_carry_the_reports_reason(catalog: Catalog) -> None:
    changed = {item.id: item.reason for item in catalog.initiatives if item.status == "changed"}
    assert set(changed) == {"15", "19", "21", "22", "24"}
    assert all(reason and reason.endswith("。") for reason in changed.values())


def test_extraction_decisions_are_recorded(catalog: Catalog) -> None:
    by_id = {item.id: item for item in catalog.initiatives}
    assert by_id["7"].status == "achieved" and by_id["7"].note
    assert by_id["p1-07-lost"].reconstructed and by_id["p1-07-lost"].note
    assert by_id["21"].area == "p1-06" and by_id["21"].note


def test_report_figures_are_indicators(catalog: Catalog) -> None:
    baselines = {ind.id: ind.baseline.value for ind in catalog.indicators}
    assert baselines["wifi_access_points"] == 591
    assert baselines["wifi_facilities"] == 513
    assert baselines["etax_payments"] == 560_000
    assert baselines["mebyo_registrations"] == 1_200_000
    assert baselines["opendata_private_services"] == 5
    assert baselines["tablets_deployed"] == 2_200
    cost = next(ind for ind in catalog.indicators if ind.id == "system_running_cost")
    assert [f.value for f in cost.report_figures] == [72, 60] and cost.direction == "lower"
    systems = next(ind for ind in catalog.indicators if ind.id == "system_count")
    assert [f.value for f in systems.report_figures] == [162, 110]


def test_every_target_is_marked_illustrative(catalog: Catalog) -> None:
    targets = [t for ind in catalog.indicators for t in ind.targets]
    assert targets and all(t.illustrative for t in targets)


def test_coverage_lists_initiatives_without_indicator(catalog: Catalog) -> None:
    result = coverage(catalog)
    assert result.initiatives_total == 101
    covered = {ref for ind in catalog.indicators for ref in ind.initiatives}
    assert result.with_indicator == len(covered)
    assert len(result.without_indicator) == 101 - len(covered)
    assert "28" not in {u.id for u in result.without_indicator}
    assert sum(g.initiatives for g in result.policies) == 101


# ── validation errors ────────────────────────────────────────────────────────


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _indicator(data: dict, indicator_id: str) -> dict:
    return next(ind for ind in data["indicators"] if ind["id"] == indicator_id)


@pytest.mark.parametrize(
    ("file", "change", "expected"),
    [
        (
            "indicators.yaml",
            lambda d: _indicator(d, "etax_payments")["initiatives"].append("999"),
            "indicators.yaml: indicator 'etax_payments': unknown initiative '999'",
        ),
        (
            "initiatives.yaml",
            lambda d: d.append(dict(d[0])),
            "initiatives.yaml: duplicate initiative id '1'",
        ),
        (
            "indicators.yaml",
            lambda d: _indicator(d, "wifi_facilities").pop("owner"),
            "indicators.yaml: indicator 'wifi_facilities': owner: Field required",
        ),
        (
            "indicators.yaml",
            lambda d: _indicator(d, "wifi_facilities").update(unit=""),
            "indicators.yaml: indicator 'wifi_facilities': unit: String should have at least 1",
        ),
        (
            "indicators.yaml",
            lambda d: _indicator(d, "wifi_facilities")["targets"][0].update(due="2018-01-31"),
            "indicators.yaml: indicator 'wifi_facilities': target 'wifi_facilities-fy2027' "
            "is due 2018-01-31, not after its baseline of 2019-03-31",
        ),
        (
            "indicators.yaml",
            lambda d: _indicator(d, "system_count").update(owner="nobody"),
            "indicators.yaml: indicator 'system_count': unknown owner 'nobody'",
        ),
        (
            "initiatives.yaml",
            lambda d: d[3].update(area="p9-99"),
            "initiatives.yaml: initiative '3-1': unknown area 'p9-99'",
        ),
        (
            "initiatives.yaml",
            lambda d: d[0].update(status="changed"),
            "initiatives.yaml: initiative '1': a changed initiative needs the reason",
        ),
        (
            "plan.yaml",
            lambda d: d["policies"][0]["areas"].append(dict(d["policies"][0]["areas"][0])),
            "plan.yaml: duplicate area id 'p1-01'",
        ),
    ],
)
def test_catalog_errors_name_the_file_and_entry(catalog_dir: Path, file, change, expected) -> None:
    _edit(catalog_dir / file, change)
    with pytest.raises(CatalogError) as caught:
        load_catalog(catalog_dir)
    assert any(expected in problem for problem in caught.value.problems), caught.value.problems


def test_all_problems_are_reported_at_once(catalog_dir: Path) -> None:
    def two_problems(data: dict) -> None:
        _indicator(data, "etax_payments")["initiatives"].append("999")
        _indicator(data, "system_count")["owner"] = "nobody"

    _edit(catalog_dir / "indicators.yaml", two_problems)
    with pytest.raises(CatalogError) as caught:
        load_catalog(catalog_dir)
    assert len(caught.value.problems) == 2


def test_missing_file_and_bad_yaml_are_clear(catalog_dir: Path) -> None:
    (catalog_dir / "plan.yaml").write_text("plan: [unclosed", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"plan\.yaml: not valid YAML"):
        load_catalog(catalog_dir)
    (catalog_dir / "plan.yaml").unlink()
    with pytest.raises(CatalogError, match=r"plan\.yaml: file not found"):
        load_catalog(catalog_dir)
