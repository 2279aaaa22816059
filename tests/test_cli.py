"""The command line: every command answers, with the JSON shapes the issues ask for."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from kernel.processes import python_module
from shihyo.cli import app
from tests.conftest import REPO

# The results depend on what day it is: run again under a shifted machine clock.
pytestmark = pytest.mark.clock

runner = CliRunner()


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


@pytest.fixture
def initialised(home: Path) -> Path:
    code, output = _run("init")
    assert code == 0, output
    return home


def test_init_twice_reports_nothing_to_do(home: Path) -> None:
    code, first = _run("init")
    assert code == 0 and "catalog synced" in first and "101 initiatives" in first
    code, second = _run("init")
    assert code == 0
    assert "none (schema up to date)" in second and "catalog unchanged" in second
    assert (home / "shihyo.duckdb").exists()


def test_plan_prints_the_reports_table(initialised: Path) -> None:
    code, output = _run("plan")
    assert code == 0
    for line in ("スマート神奈川の推進", "行政サービスのICT化の拡充", "スマート県庁の実現"):
        assert line in output
    assert "61 / 35 / 5 / 101" in output
    assert "一致しています" in output


def test_plan_in_english(initialised: Path) -> None:
    code, output = _run("plan", "--lang", "en")
    assert code == 0 and "Achieved" in output and "agrees with the reported counts" in output


def test_plan_json_shape(initialised: Path) -> None:
    code, output = _run("plan", "--json")
    assert code == 0
    data = json.loads(output)
    assert set(data) >= {"policies", "total", "mismatches"}
    rows = {p["name"]: p for p in data["policies"]}
    expected = {
        "スマート神奈川の推進": (33, 23, 5, 61),
        "行政サービスのICT化の拡充": (16, 5, 0, 21),
        "スマート県庁の実現": (12, 7, 0, 19),
    }
    for name, counts in expected.items():
        row = rows[name]
        assert set(row) >= {"id", "name", "achieved", "in_progress", "changed", "total", "reported"}
        assert (row["achieved"], row["in_progress"], row["changed"], row["total"]) == counts
        assert row["reported"] == dict(
            zip(("achieved", "in_progress", "changed", "total"), counts, strict=True)
        )
    assert (data["total"]["achieved"], data["total"]["total"]) == (61, 101)
    assert data["mismatches"] == []


def test_coverage_json_shape(initialised: Path) -> None:
    code, output = _run("coverage", "--json")
    assert code == 0
    data = json.loads(output)
    assert data["initiatives_total"] == 101
    assert data["with_indicator"] + len(data["without_indicator"]) == 101
    first = data["without_indicator"][0]
    assert set(first) >= {"id", "number", "policy", "area", "text"}


def test_indicators_json_lists_baselines_and_targets(initialised: Path) -> None:
    code, output = _run("indicators", "--json")
    assert code == 0
    data = {item["id"]: item for item in json.loads(output)}
    assert data["wifi_access_points"]["baseline"]["value"] == 591
    assert data["wifi_access_points"]["targets"][0]["illustrative"] is True
    assert data["system_running_cost"]["direction"] == "lower"


def test_reporting_before_init_is_a_clean_error(home: Path) -> None:
    code, output = _run("plan")
    assert code == 1
    assert "shihyo init" in output and "Traceback" not in output


def test_a_broken_catalog_is_a_clean_error(
    home: Path, catalog_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (catalog_dir / "indicators.yaml").write_text("owners: []\nindicators: []\n", encoding="utf-8")
    monkeypatch.setenv("SHIHYO_CATALOG", str(catalog_dir))
    code, output = _run("init")
    assert code == 1
    assert "admin_owner" in output and "Traceback" not in output


def _commands(group: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command the app registers (a group's own commands within it), as the words
    typed to reach it."""
    found: list[tuple[str, ...]] = []
    for name, command in sorted(group.commands.items()):
        if hasattr(command, "commands"):
            found += _commands(command, (*prefix, name))
        else:
            found.append((*prefix, name))
    return found


COMMANDS = _commands(typer.main.get_command(app))


def test_the_commands_are_found() -> None:
    assert ("init",) in COMMANDS and ("catalog", "import") in COMMANDS
    assert ("initiatives", "status") in COMMANDS and len(COMMANDS) > 20


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_an_example(command: tuple[str, ...]) -> None:
    code, output = _run(*command, "--help")
    assert code == 0 and "Example:" in output


def test_report_writes_each_format(initialised: Path, tmp_path: Path) -> None:
    for fmt in ("md", "html", "xlsx"):
        out = tmp_path / f"report.{fmt}"
        code, output = _run("report", "--format", fmt, "--as-of", "2026-11-29", "--out", str(out))
        assert code == 0, output
        assert out.stat().st_size > 1000
    assert "| 計 | 61 | 35 | 5 | 101 |" in (tmp_path / "report.md").read_text(encoding="utf-8")
    code, output = _run("report", "--format", "docx")
    assert code == 2 and "unknown format" in output


def test_the_script_imports_out_of_the_collectors_sight(monkeypatch: pytest.MonkeyPatch) -> None:
    # The `shihyo` script is shihyo.command:main: the command line imported with the collector
    # paused and then frozen out of its sight, the collector as it was while the command
    # runs, and what is alive at its end left to the process's end (bench/cli.py measures it).
    import gc
    import tomllib

    from shihyo import command

    repo = Path(__file__).resolve().parents[1]
    scripts = tomllib.loads((repo / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["shihyo"] == "shihyo.command:main"
    monkeypatch.setattr("sys.argv", ["shihyo", "--help"])
    thresholds = gc.get_threshold()
    gc.unfreeze()
    try:
        with pytest.raises(SystemExit) as ended:
            command.main()
        assert ended.value.code == 0
        assert gc.isenabled() and gc.get_threshold() == thresholds
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


@pytest.mark.parametrize(
    ("args", "files"),
    [
        (["ingest", "a.csv"], True),
        (["ingest", "--strict", "a.csv", "b.xlsx"], True),
        (["ingest", "--period", "2019-03", "wifi.csv"], True),
        (["ingest", "--as", "sato", "--", "-odd-name.csv"], True),
        (["ingest"], False),  # the inbox: maybe nothing to parse
        (["ingest", "--inbox", "/srv/inbox"], False),
        (["ingest", "--period", "2019-03"], False),
        (["ingest", "--help"], False),
        (["ingest", "--"], False),
        (["status", "a.csv"], False),
        ([], False),
    ],
)
def test_the_parse_server_starts_first_only_when_files_are_named(
    args: list[str], files: bool
) -> None:
    # The script starts the parse server before the command's imports only for a run that
    # will hand it files; any other command leaves it unstarted.
    from shihyo.command import names_files_to_ingest

    assert names_files_to_ingest(args) is files


def test_the_script_starts_the_parse_server_before_importing_pandas() -> None:
    # What the script imports to start the server is all it waits for: pandas (half a
    # second) is imported by the server and by the command meanwhile, not before.
    probe = "import sys, intake.isolation; print(sorted({'pandas', 'numpy'} & set(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout.strip() == "[]"


def test_a_service_runs_this_code_whatever_folder_it_is_started_from(tmp_path: Path) -> None:
    # `shihyo up` starts the scheduler, the dashboard and Prefect as `python -m …` processes;
    # started from a folder holding packages of those names (an older checkout of shihyo,
    # say), each still runs the installed code.
    for package in ("shihyo", "streamlit", "prefect"):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("raise SystemExit('not this code')\n")
    for module in ("shihyo.cli", "streamlit", "prefect"):
        done = subprocess.run(
            python_module(module, "--help"),
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0 and "not this code" not in done.stderr, (module, done.stderr)
        assert "Usage" in done.stdout


def test_the_scripts_guess_knows_every_option_of_ingest_that_takes_a_value() -> None:
    # Should `ingest` gain an option with a value, the guess must skip that value too.
    import typer.main

    from shihyo.command import INGEST_VALUE_OPTIONS

    ingest = typer.main.get_command(app).commands["ingest"]  # type: ignore[attr-defined]
    taking_values = {
        opt
        for param in ingest.params
        if param.param_type_name == "option" and not param.is_flag
        for opt in param.opts
    }
    assert taking_values == INGEST_VALUE_OPTIONS
