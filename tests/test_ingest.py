"""Loading files end to end through the real parser, the real Great Expectations
suite and a DuckDB file on disk: accepted rows, quarantine, revisions, duplicates,
whole-file rejections, crashes, and two processes loading at once."""

from __future__ import annotations

import csv
import datetime as dt
import multiprocessing
import shutil
from pathlib import Path

import pandas as pd
import pytest

from indicators.catalog import Catalog
from intake import read_upload
from kernel.settings import Settings, load_settings
from pipeline import (
    WARM_UP_BYTES,
    IngestOptions,
    filesystem_now,
    fingerprint,
    inbox_files,
)
from pipeline.checking import check_upload, first_periods
from service import Service
from tests.clock import today
from tests.conftest import REALDATA, loader_for, open_warehouse, ready_service
from warehouse import Warehouse

# The results depend on what day it is: run again under a shifted machine clock.
pytestmark = pytest.mark.clock

TODAY = dt.date(2026, 11, 20)  # the tests' day (tests/conftest.py)
HEADER = "indicator_id,period,value,org_unit,note\n"


@pytest.fixture
def settings(home: Path, catalog: Catalog) -> Settings:
    settings = load_settings()
    ready_service(settings)
    settings.inbox.mkdir(parents=True)
    return settings


@pytest.fixture
def warehouse(settings: Settings) -> Warehouse:
    return open_warehouse(settings)


def drop(settings: Settings, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = settings.inbox / name
    path.write_bytes(text.encode(encoding))
    return path


def load(settings: Settings, path: Path, **options) -> object:
    return loader_for(settings).load(path, IngestOptions(**options))


def test_a_clean_file_is_loaded_archived_and_taken_out_of_the_inbox(
    settings: Settings, warehouse: Warehouse
) -> None:
    text = HEADER + "wifi_access_points,2019-04,600,,\nwifi_access_points,2019-05,605,,\n"
    path = drop(settings, "april.csv", text)
    result = load(settings, path, uploaded_by="情報企画課 山田")
    assert (result.status, result.rows_accepted, result.rows_new) == ("loaded", 2, 2)
    assert not path.exists()
    assert (settings.archive / fingerprint(text.encode())).read_bytes() == text.encode()
    figures = warehouse.figures("wifi_access_points")
    assert figures["value"].tolist() == [600.0, 605.0]
    record = warehouse.loads().iloc[0]
    assert (record["file_name"], record["status"], record["rows_accepted"]) == (
        "april.csv",
        "loaded",
        2,
    )
    assert record["uploaded_by"] == "情報企画課 山田"


BAD_ROWS = [
    ("no_such_indicator,2019-04,1,,", "indicator_id", "目録にありません"),
    ("wifi_access_points,2030-04,1,,", "period", "未来"),
    ("wifi_access_points,FY2019,1,,", "period", "月次"),
    ("wifi_access_points,2019-06,-5,,", "value", "下限"),
    ("wifi_access_points,2019年13月,1,,", "period", "解釈できません"),
    ("wifi_access_points,2019-07,abc,,", "value", "数値"),
]


@pytest.mark.parametrize(("row", "column", "reason"), BAD_ROWS)
def test_each_bad_row_is_quarantined_with_its_reason(
    settings: Settings, warehouse: Warehouse, row: str, column: str, reason: str
) -> None:
    good = "wifi_access_points,2018-04,600,,\n"
    path = drop(settings, "mixed.csv", HEADER + good + row + "\n")
    result = load(settings, path)
    assert (result.status, result.rows_accepted, result.rows_rejected) == ("partial", 1, 1)
    [error] = result.errors
    assert (error.row, error.column) == (3, column)
    assert reason in error.reason, error.reason
    quarantined = warehouse.quarantine(result.load_id)
    assert quarantined["row_number"].tolist() == [3]
    assert reason in quarantined["reason"].iloc[0]
    errors_file = settings.archive / f"{result.sha256}.errors.csv"
    with errors_file.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["row"] == "3" and reason in rows[0]["reason"]


def test_duplicate_keys_and_a_falling_running_total_are_rejected(
    settings: Settings, warehouse: Warehouse
) -> None:
    text = HEADER + (
        "mebyo_registrations,2019-04,1200000,,\n"
        "mebyo_registrations,2019-05,1100000,,\n"  # a running total cannot fall
        "wifi_access_points,2019-04,600,,\n"
        "wifi_access_points,2019-04,601,,\n"  # the same key twice
    )
    result = load(settings, drop(settings, "dup.csv", text))
    rules = {(e.row, e.rule) for e in result.errors}
    assert (3, "cumulative_not_falling") in rules
    assert {(4, "key_unique"), (5, "key_unique")} <= rules
    assert result.rows_accepted == 1


def test_a_resent_file_is_a_duplicate_and_changes_nothing(
    settings: Settings, warehouse: Warehouse
) -> None:
    text = HEADER + "wifi_access_points,2019-04,600,,\n"
    first = load(settings, drop(settings, "a.csv", text))
    again = load(settings, drop(settings, "a (copy).csv", text))
    assert (first.status, again.status) == ("loaded", "duplicate")
    assert len(warehouse.loads()) == 1
    assert len(warehouse.revisions("wifi_access_points")) == 1
    assert not (settings.inbox / "a (copy).csv").exists()


def test_a_corrected_file_makes_one_new_revision_and_keeps_the_old(
    settings: Settings, warehouse: Warehouse
) -> None:
    load(
        settings,
        drop(
            settings,
            "v1.csv",
            HEADER + "wifi_access_points,2019-04,600,,\nwifi_access_points,2019-05,605,,\n",
        ),
    )
    fixed = load(
        settings,
        drop(
            settings,
            "v2.csv",
            HEADER + "wifi_access_points,2019-04,600,,\nwifi_access_points,2019-05,607,,\n",
        ),
    )
    assert (fixed.rows_new, fixed.rows_revised, fixed.rows_unchanged) == (0, 1, 1)
    history = warehouse.revisions("wifi_access_points")
    may = history[history["period"] == dt.datetime(2019, 5, 1)]
    assert may["value"].tolist() == [605.0, 607.0]
    assert may["revision"].tolist() == [1, 2]
    assert may["superseded_at"].notna().tolist() == [True, False]
    assert may["file_name"].tolist() == ["v1.csv", "v2.csv"]
    assert warehouse.figures("wifi_access_points")["value"].tolist() == [600.0, 607.0]


def test_as_of_replay_ignores_revisions_recorded_later(
    settings: Settings, warehouse: Warehouse
) -> None:
    load(settings, drop(settings, "v1.csv", HEADER + "wifi_access_points,2019-04,600,,\n"))
    load(settings, drop(settings, "v2.csv", HEADER + "wifi_access_points,2019-04,650,,\n"))
    yesterday = today() - dt.timedelta(days=1)
    assert warehouse.figures("wifi_access_points", as_of=yesterday).empty
    assert warehouse.figures("wifi_access_points", as_of=today())["value"].tolist() == [650.0]


def test_strict_rejects_the_whole_file(settings: Settings, warehouse: Warehouse) -> None:
    text = HEADER + "wifi_access_points,2019-04,600,,\nwifi_access_points,2019-05,-1,,\n"
    result = load(settings, drop(settings, "strict.csv", text), strict=True)
    assert (result.status, result.rows_accepted, result.rows_rejected) == ("rejected", 0, 2)
    assert warehouse.figures().empty
    assert (settings.rejected / f"{result.sha256}.csv").exists()
    assert (settings.rejected / f"{result.sha256}.errors.csv").exists()


def test_a_crash_before_the_commit_leaves_everything_as_it_was(
    settings: Settings, warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = drop(settings, "crash.csv", HEADER + "wifi_access_points,2019-04,600,,\n")

    def crash(*_args, **_kwargs):
        raise RuntimeError("power cut")

    monkeypatch.setattr("warehouse.loads._write_observations", crash)
    with pytest.raises(RuntimeError, match="power cut"):
        load(settings, path)
    assert path.exists()
    assert warehouse.loads().empty  # the load record was rolled back with the rest
    assert warehouse.figures().empty
    assert not settings.archive.exists() or not any(settings.archive.iterdir())
    monkeypatch.undo()
    assert load(settings, path).status == "loaded"  # the next run picks it up


def test_a_sjis_excel_style_file_with_japanese_headers_loads(
    settings: Settings, warehouse: Warehouse
) -> None:
    text = '指標ID,年月,実績値,組織,備考\r\netax_payments,令和元年5月,"１５８，５９０",,\r\n'
    result = load(settings, drop(settings, "zeimu.csv", text, "cp932"))
    assert result.status == "loaded"
    figure = warehouse.figures("etax_payments").iloc[0]
    assert (figure["period"].date(), figure["value"]) == (dt.date(2019, 5, 1), 158590.0)


@pytest.mark.skipif(not REALDATA.is_dir(), reason="shared/realdata not present")
def test_only_the_prefectures_own_wifi_list_feeds_its_indicator(
    settings: Settings, warehouse: Warehouse
) -> None:
    # Yaizu's real list (publisher 222127) is another body's: refused, its 17 rows counted.
    path = settings.inbox / "wifi.csv"
    shutil.copy(REALDATA / "yaizu_222127_public_wireless_lan.csv", path)
    refused = load(settings, path, period="2019-03")
    assert (refused.status, refused.rows_rejected) == ("rejected", 17)
    assert "140007" in refused.message and warehouse.figures("wifi_access_points").empty
    # The same rows as the prefecture would publish them (140007), 5 installed by 神奈川県:
    # those 5 count for the municipality, the other 12 are refused with the reason.
    lines = (REALDATA / "yaizu_222127_public_wireless_lan.csv").read_text("utf-8").splitlines()
    rows = [line.replace("222127,", "140007,", 1) for line in lines[1:]]
    rows = [
        ",".join([*cells[:11], "神奈川県", *cells[12:]]) if n < 5 else ",".join(cells)
        for n, cells in enumerate(line.split(",") for line in rows)
    ]
    ours = settings.inbox / "kanagawa_wifi.csv"
    ours.write_text("\n".join([lines[0], *rows]) + "\n", encoding="utf-8")
    counted = load(settings, ours, period="2019-03")
    assert (counted.status, counted.rows_accepted, counted.rows_rejected) == ("partial", 5, 12)
    figures = warehouse.figures("wifi_access_points")
    assert figures[["org_unit", "value"]].values.tolist() == [["焼津市", 5.0]]


@pytest.mark.skipif(not REALDATA.is_dir(), reason="shared/realdata not present")
@pytest.mark.parametrize(
    ("name", "rows"),
    [
        # no template header to count below: every one of its 37 lines (a title, two header
        # rows, 33 municipalities and 県全体) counts as a row refused
        ("kanagawa_vaccine_by_municipality_R3-07-19_sjis.csv", 37),
        ("takamatsu_births_deaths_monthly_0091_2020.csv", 12),  # one a month
    ],
)
def test_real_files_that_are_not_the_template_are_rejected_whole(
    settings: Settings, warehouse: Warehouse, name: str, rows: int
) -> None:
    path = settings.inbox / name
    shutil.copy(REALDATA / name, path)
    result = load(settings, path)
    assert result.status == "rejected"
    # every data row is accounted for: none accepted, all rejected
    assert (result.rows_accepted, result.rows_rejected) == (0, rows)
    assert warehouse.loads().iloc[0][["rows_total", "rows_rejected"]].tolist() == [rows, rows]
    assert "indicator_id" in result.message or "指標ID" in result.message
    assert warehouse.figures().empty
    record = warehouse.loads().iloc[0]
    assert record["status"] == "rejected" and record["message"]
    stored = settings.rejected / f"{result.sha256}.csv"
    assert stored.read_bytes() == (REALDATA / name).read_bytes()
    with (settings.rejected / f"{result.sha256}.errors.csv").open(encoding="utf-8-sig") as f:
        assert "指標ID" in f.read()


def test_inbox_skips_hidden_partial_and_fresh_files(settings: Settings) -> None:
    inbox = settings.inbox
    (inbox / "section").mkdir()
    for name in ("ok.csv", "section/ok2.xlsx", ".hidden.csv", "upload.csv.part"):
        (inbox / name).write_text("x")
    now = filesystem_now(inbox)
    assert {p.name for p in inbox_files(inbox, 0, now + 1)} == {"ok.csv", "ok2.xlsx"}
    assert inbox_files(inbox, 60, now) == []  # still settling


def _ingest_in_process(home: str, names: list[str], out) -> None:
    import os

    os.environ["SHIHYO_HOME"] = home
    os.environ["SHIHYO_INBOX_SETTLE"] = "0"
    from pipeline import ingest_files

    loader = loader_for(load_settings())
    report = ingest_files(loader, [Path(n) for n in names], IngestOptions(keep_source=True))
    out.put([(f.name, f.status, f.rows_accepted) for f in report.files])


@pytest.mark.processes  # timed waits between processes: not under faketime (Makefile)
def test_two_processes_loading_at_once_lose_nothing(
    settings: Settings, warehouse: Warehouse
) -> None:
    first = drop(
        settings,
        "one.csv",
        HEADER
        + "".join(
            f"wifi_access_points,{2015 + m // 12}-{m % 12 + 1:02d},{100 + m},,\n" for m in range(48)
        ),
    )
    second = drop(
        settings,
        "two.csv",
        HEADER
        + "".join(
            f"mebyo_registrations,{2016 + m // 12}-{m % 12 + 1:02d},{1000 * (m + 1)},,\n"
            for m in range(48)
        ),
    )
    both = str(settings.inbox / "both.csv")
    shutil.copy(first, both)
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    workers = [
        ctx.Process(target=_ingest_in_process, args=(str(settings.home), [str(first), both], out)),
        ctx.Process(target=_ingest_in_process, args=(str(settings.home), [str(second), both], out)),
    ]
    for worker in workers:
        worker.start()
    results = [out.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    statuses = sorted(status for result in results for _, status, _ in result)
    # one.csv and both.csv have the same bytes: whichever came second is a duplicate
    assert statuses.count("loaded") == 2 and statuses.count("duplicate") == 2
    assert len(warehouse.figures("wifi_access_points")) == 48
    assert len(warehouse.figures("mebyo_registrations")) == 48
    assert len(warehouse.loads()) == 2


def test_an_indicators_figure_is_its_total_or_else_the_sum_of_its_org_units(
    settings: Settings, warehouse: Warehouse
) -> None:
    text = HEADER + (
        "wifi_access_points,2019-04,10,横浜市,\n"
        "wifi_access_points,2019-04,5,川崎市,\n"
        "wifi_access_points,2019-05,11,横浜市,\n"
        "wifi_access_points,2019-05,6,川崎市,\n"
        "wifi_access_points,2019-05,20,,\n"  # a total row wins over the parts
    )
    load(settings, drop(settings, "units.csv", text))
    totals = warehouse.indicator_totals()
    assert totals["value"].tolist() == [15.0, 20.0]


def test_template_round_trip(settings: Settings, catalog: Catalog) -> None:
    from intake.template import template_csv, template_rows

    rows = template_rows(catalog, owner="joho-kikaku", as_of=TODAY)
    assert [r[0] for r in rows] == [i.id for i in catalog.indicators if i.owner == "joho-kikaku"]
    # the newest period each can send: October; FY2026's count as of April; FY2025's total
    assert [r[1] for r in rows[:5]] == ["2026-10", "2026-10", "FY2026", "FY2026", "FY2025"]
    data = template_csv(catalog, owner="joho-kikaku", as_of=TODAY)
    assert data.startswith(b"\xef\xbb\xbf# ")  # help above the header, skipped by the reader
    lines = data.decode("utf-8-sig").splitlines()
    header = lines.index("indicator_id,period,value,org_unit,note,comment")
    assert all(line.startswith("# ") for line in lines[:header])
    assert any(line.startswith("# system_count: ") for line in lines[:header])
    assert all(line.endswith(",,,,") for line in lines[header + 1 :])  # notes, comments empty
    filled = data.decode("utf-8-sig").replace("2026-10,,", "2026-10,700,", 1)
    result = load(settings, drop(settings, "filled.csv", filled))
    assert result.rows_accepted == 1  # the one filled in; the empty ones say why
    assert all("空" in e.reason for e in result.errors)
    stored = open_warehouse(settings).figures(rows[0][0])
    assert stored["note"].fillna("").tolist() == [""]  # no indicator name as the note


def test_the_warehouse_is_asked_for_each_key_once_with_the_same_answer(
    settings: Settings, warehouse: Warehouse
) -> None:
    # validation_context hands the warehouse each (indicator, org unit) once with its
    # earliest period instead of every row: the figures found must be the same.
    stored = HEADER + "".join(
        f"wifi_access_points,2019-0{m},{600 + m},{org},\n"
        for m in (1, 2, 3)
        for org in ("", "横浜市", "川崎市")
    )
    assert load(settings, drop(settings, "q4.csv", stored)).status == "loaded"
    upload = HEADER + (
        "wifi_access_points,2019-05,610,,\n"
        "wifi_access_points,2019-04,605,,\n"
        "wifi_access_points,2019-04,606,横浜市,\n"
        "wifi_access_points,2019-02,599,川崎市,\n"
        "wifi_access_points,2019-13,1,相模原市,\n"  # no period: not asked about
        "wifi_facilities,2019-04,500,,\n"
        ",2019-04,1,,\n"
    )
    frame = read_upload(upload.encode(), "april.csv").frame
    reduced = first_periods(frame)
    assert len(reduced) == 5  # the empty indicator id is a key too, as in a groupby
    assert warehouse.previous_figures(reduced) == warehouse.previous_figures(frame)
    assert warehouse.previous_figures(reduced) == {
        ("wifi_access_points", ""): (dt.date(2019, 3, 1), 603.0),
        ("wifi_access_points", "横浜市"): (dt.date(2019, 3, 1), 603.0),
        ("wifi_access_points", "川崎市"): (dt.date(2019, 1, 1), 601.0),
    }


@pytest.mark.parametrize("distinct_orgs", [True, False])
def test_first_periods_are_each_keys_earliest_period(distinct_orgs: bool) -> None:
    # Few keys (indicators × org units) are reduced in one pass over the rows, many (a
    # distinct org unit per row here) by sorting: both give what a groupby gives.
    rows = 20_000
    frame = pd.DataFrame(
        {
            "indicator_id": pd.Series([f"k{i % 7}" for i in range(rows)], dtype="str"),
            "org_unit": pd.Series(
                [f"o{i if distinct_orgs else i % 13}" for i in range(rows)], dtype="str"
            ),
            "period": pd.Series(
                [dt.date(2019 + i % 3, 1 + (i * 5) % 12, 1) for i in range(rows)], dtype=object
            ),
        }
    )
    expected = frame.groupby(["indicator_id", "org_unit"], as_index=False)["period"].min()
    got = first_periods(frame)
    found = zip(got["indicator_id"], got["org_unit"], got["period"].dt.date, strict=True)
    assert len(got) == len(expected) >= 7 * 13
    assert sorted(found) == sorted(expected.itertuples(index=False, name=None))


def test_a_check_keeps_the_keys_it_asked_the_warehouse_about(
    settings: Settings, warehouse: Warehouse
) -> None:
    # The load checks the figures before again inside its turn; it asks for the keys the
    # check derived (first_periods of the frame), not for keys derived from the rows again.
    upload = HEADER + (
        "wifi_access_points,2019-05,610,,\n"
        "wifi_access_points,2019-04,605,,\n"
        "wifi_access_points,2019-13,1,横浜市,\n"
        "wifi_facilities,2019-04,abc,,\n"
    )
    loader = loader_for(settings)
    checked = check_upload(
        upload.encode(),
        "april.csv",
        warehouse,
        loader.catalog,
        settings,
        today=TODAY,
        isolated=False,
    )
    assert checked.keys is not None
    pd.testing.assert_frame_equal(checked.keys, first_periods(checked.frame))
    assert checked.previous == warehouse.previous_figures(checked.keys)


def test_a_large_file_loads_whole_with_its_one_bad_row_quarantined(
    settings: Settings, warehouse: Warehouse
) -> None:
    # Over WARM_UP_BYTES: GX is imported beside the parsing; the CSV takes the column-wise
    # path (quoted "1,234" figures and all).
    lines = [
        f'wifi_access_points,{2000 + m // 12}-{m % 12 + 1:02d},"{1000 + m:,}",団体{org:04d},'
        for org in range(1200)
        for m in range(24)
    ]
    lines[12345] = "wifi_access_points,2000-10,abc,団体0514,"  # its figure unreadable
    text = HEADER + "\n".join(lines) + "\n"
    assert len(text.encode()) >= WARM_UP_BYTES
    result = load(settings, drop(settings, "big.csv", text))
    assert (result.status, result.rows_accepted, result.rows_rejected) == (
        "partial", 28_799, 1,
    )  # fmt: skip
    assert [(e.row, e.column, e.value) for e in result.errors] == [(12347, "value", "abc")]
    figures = warehouse.figures("wifi_access_points")
    assert len(figures) == 28_799
    assert figures["value"].max() == 1023.0


def test_kept_files_of_a_load_are_found_by_its_hash(settings: Settings) -> None:
    from access.roles import SYSTEM, Actor, PermissionDenied

    service = Service(settings)
    partial = load(
        settings,
        drop(settings, "p.csv", HEADER + "wifi_access_points,2019-04,600,,\nnope,2019-04,1,,\n"),
    )
    kept = service.load_files(SYSTEM, partial.sha256)
    assert kept.raw == settings.archive / partial.sha256
    assert kept.errors == settings.archive / f"{partial.sha256}.errors.csv"
    refused = load(settings, drop(settings, "r.csv", "not,the,template\n1,2,3\n"))
    kept = service.load_files(SYSTEM, refused.sha256)
    assert kept.raw == settings.rejected / f"{refused.sha256}.csv"
    assert kept.errors == settings.rejected / f"{refused.sha256}.errors.csv"
    assert service.load_files(SYSTEM, "0" * 64) == type(kept)(None, None)
    # a load from no section of theirs: an owner may not have its files
    with pytest.raises(PermissionDenied):
        service.load_files(Actor("o", "owner", ("zeimu-shido",)), partial.sha256)


def _with_a_load_between(
    monkeypatch: pytest.MonkeyPatch, settings: Settings, between: Path
) -> list[str]:
    """Have `between` loaded once, after the next upload is judged and before its turn, as
    another process's load would be; the names of the files judged, in order."""
    import pipeline.loading

    judge, judged = pipeline.loading.check_upload, []

    def judging(data: bytes, name: str, *args, **kwargs):
        judged.append(name)
        checked = judge(data, name, *args, **kwargs)
        if len(judged) == 1:
            load(settings, between)
        return checked

    monkeypatch.setattr(pipeline.loading, "check_upload", judging)
    return judged


def test_an_upload_is_judged_again_when_a_load_between_changed_its_earlier_figure(
    settings: Settings, warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(settings, drop(settings, "april.csv", HEADER + "wifi_access_points,2019-04,600,,\n"))
    correction = drop(settings, "fix.csv", HEADER + "wifi_access_points,2019-04,40,,\n")
    judged = _with_a_load_between(monkeypatch, settings, correction)
    may = load(settings, drop(settings, "may.csv", HEADER + "wifi_access_points,2019-05,620,,\n"))
    assert judged == ["may.csv", "fix.csv", "may.csv"]
    # 620 after the corrected 40 is a jump of 15×; after the 600 it was judged against, none
    assert [(w.row, w.rule) for w in may.warnings] == [(2, "value_jump")]


def test_an_upload_is_not_judged_again_when_no_load_between_wrote_figures(
    settings: Settings, warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(settings, drop(settings, "april.csv", HEADER + "wifi_access_points,2019-04,600,,\n"))
    refused = drop(settings, "bad.csv", HEADER + "wifi_access_points,2019-04,-1,,\n")
    judged = _with_a_load_between(monkeypatch, settings, refused)
    asked = []
    monkeypatch.setattr(Warehouse, "previous_figures", _counted(Warehouse.previous_figures, asked))
    may = load(settings, drop(settings, "may.csv", HEADER + "wifi_access_points,2019-05,620,,\n"))
    assert judged == ["may.csv", "bad.csv"]
    assert (may.status, may.warnings) == ("loaded", [])
    # the figures were read once for each judging, and not again inside may.csv's turn
    assert len(asked) == 2
    assert warehouse.loads()["status"].tolist() == ["loaded", "rejected", "loaded"]


def _counted(method, calls: list):
    def counted(self, *args, **kwargs):
        calls.append(args)
        return method(self, *args, **kwargs)

    return counted
