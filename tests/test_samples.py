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
    files = _generator().build_files()
    on_disk = {path.name: path.read_bytes() for path in SAMPLES.glob("synthetic_*.csv")}
    assert on_disk == files


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
    names = [p.name for p in SAMPLES.glob("*.csv")]
    assert names and all(name.startswith("synthetic_") for name in names)
