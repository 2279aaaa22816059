"""The synthetic sample files: reproducible from their generator, anchored on the report."""

from __future__ import annotations

import csv
import importlib.util
import io
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "data" / "sample"


def _generator():
    spec = importlib.util.spec_from_file_location("make_samples", SAMPLES / "make_samples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _rows(name: str, encoding: str = "utf-8") -> list[list[str]]:
    text = (SAMPLES / name).read_bytes().decode(encoding)
    return list(csv.reader(io.StringIO(text)))


def test_committed_samples_are_what_the_generator_writes() -> None:
    generator = _generator()
    files = {**generator.build_files(), generator.SENDS_FILE: generator.sends_csv()}
    on_disk = {path.name: path.read_bytes() for path in SAMPLES.glob("synthetic_*.csv")}
    assert on_disk == files


def test_the_schedule_sends_each_figure_once_after_it_is_over() -> None:
    """Every figure of the yearly files is in the schedule once (plus the one correction),
    sent after the day it describes: history on the day monitoring began, the rest around
    the 5th of the following month, a few on the 20th (late)."""
    rows = list(csv.DictReader(io.StringIO((SAMPLES / "synthetic_sends.csv").read_text())))
    yearly = sum(len(_rows(p.name, _encoding(p.name))) - 1 for p in SAMPLES.glob("*_FY*.csv"))
    assert len(rows) == yearly + 1
    corrections = [r for r in rows if r["note"].startswith("訂正")]
    assert [(r["indicator_id"], r["period"]) for r in corrections] == [
        ("wifi_access_points", "2024-06")
    ]
    days = {r["sent_at"][8:10] for r in rows if "history" not in r["file_name"]}
    assert days == {"05", "16", "20"}  # on time, the correction, the late ones
    history = {r["file_name"] for r in rows if r["sent_at"].startswith("2019-04-26")}
    assert history == {
        f"{s}_history_to_2019-03.csv"
        for s in ("data-suishin", "healthcare-ict", "joho-kikaku", "zeimu-shido")
    }


def _encoding(name: str) -> str:
    return "cp932" if "zeimu-shido" in name else "utf-8"


def test_samples_are_anchored_on_the_report() -> None:
    wifi = {
        r[1]: int(r[2])
        for r in _rows("synthetic_FY2018_joho-kikaku.csv")
        if r[0] == "wifi_access_points"
    }
    assert wifi["2019-03"] == 591
    etax = [int(r[2]) for r in _rows("synthetic_FY2018_zeimu-shido.csv", "cp932")[1:]]
    assert len(etax) == 12 and 530_000 <= sum(etax) <= 590_000
    regs = {
        r[1]: int(r[2])
        for r in _rows("synthetic_FY2018_healthcare-ict.csv")
        if r[0] == "mebyo_registrations"
    }
    assert 1_150_000 <= regs["2019-02"] <= 1_250_000


def test_sample_names_say_synthetic() -> None:
    names = [p.name for p in SAMPLES.glob("*.csv")]  # the yearly files and the schedule
    assert names and all(name.startswith("synthetic_") for name in names)
