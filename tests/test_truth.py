"""One truth: on the sample data, as of several days, `shihyo status --json`, the review
report and the Goals page give the same counts, because each renders the one evaluation."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from kernel.settings import load_settings
from kernel.vocabulary import Lang, status_label, word
from report.words import status_label as report_label
from service import Service
from shihyo.cli import app
from tests import test_app
from tests.test_app import signed_in

# The days to replay: a year into monitoring, just after the first targets' deadline, and
# the tests' own today (SHIHYO_NOW).
DAYS = ["2020-03-31", "2023-04-05", "2026-11-20"]

template_home = test_app.template_home


@pytest.fixture
def sample_home(template_home: Path, home: Path) -> Iterator[Path]:
    shutil.copytree(template_home, home)
    yield home


def _cli_counts(day: str) -> dict[str, int]:
    """Targets per status, and "late": the indicators with a figure overdue."""
    result = CliRunner().invoke(app, ["status", "--as-of", day, "--json"])
    assert result.exit_code == 0, result.output
    counts = json.loads(result.output)["counts"]
    targets = {k: v for k, v in counts["targets"].items() if k not in ("unit", "total", "late")}
    return {**targets, "late": counts["indicators"]["late"]}


def _report_counts(day: str) -> dict[str, int]:
    """The (2) table of the Markdown report: status label → targets."""
    text = Service(load_settings()).report(dt.date.fromisoformat(day), "ja", "md").decode()
    section = text.split(f"### {word('s3_indicators', Lang.ja, 'report')}")[1].split("###")[0]
    rows = re.findall(r"^\| (.+?) \| (\d+) \|$", section, re.M)
    # as the report words them: an indicator without a figure reads "baseline only"
    labels = {report_label(s, Lang.ja): s for s in _cli_counts(day) if s != "late"}
    counts = {labels[label]: int(n) for label, n in rows if label in labels}
    late = re.search(r"報告期限を過ぎても実績が届いていない期間のある指標は (\d+) 件です", section)
    assert late is not None
    return {**counts, "late": int(late[1])}


def _page_counts(day: str) -> dict[str, int]:
    at: AppTest = signed_in("kanri")
    at.query_params["as_of"] = day
    at.run()
    assert not at.exception
    tiles = {m.label: m.value for m in at.metric}
    counts = {s: int(tiles[status_label(s, Lang.ja)]) for s in _cli_counts(day) if s != "late"}
    return {**counts, "late": int(tiles[word("late_tile", Lang.ja)])}


@pytest.mark.parametrize("day", DAYS)
def test_the_cli_the_report_and_the_goals_page_count_alike(sample_home: Path, day: str) -> None:
    cli = _cli_counts(day)
    assert sum(v for k, v in cli.items() if k != "late") == 10  # the catalog's ten targets
    assert _report_counts(day) == cli
    assert _page_counts(day) == cli


def test_a_past_day_shows_what_was_known_then(sample_home: Path) -> None:
    """The samples were sent month by month: on 2020-03-31 the figures up to February 2020
    were in (March's was due in April), so no target is without data."""
    result = Service(load_settings()).evaluation(dt.date(2020, 3, 31))
    assert result.target_counts().by_status["no_data"] == 0
    wifi = result.headlines["wifi_access_points"]
    assert wifi.last_period is not None and wifi.last_period.isoformat() == "2020-02-01"
    assert not wifi.late
