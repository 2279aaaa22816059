"""Who may send which figures, enforced in the ingestion itself; the upload size cap;
every load in the audit trail; and the parser fed hostile bytes."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from access.roles import Actor, PermissionDenied
from indicators.catalog import Catalog
from intake import FileRejected, read_upload
from kernel.settings import Settings, load_settings
from pipeline import IngestOptions
from service import Service, UploadTooLarge
from tests.conftest import REALDATA, loader_for, open_warehouse, ready_service

# The results depend on what day it is: run again under a shifted machine clock.
pytestmark = pytest.mark.clock

HEADER = "indicator_id,period,value,org_unit,note\n"
OWNER = Actor("yamada", "owner", ("joho-kikaku",))
VIEWER = Actor("suzuki", "viewer")
MIXED = HEADER + "wifi_access_points,2026-09,700,,\netax_payments,2026-09,50000,,\n"


@pytest.fixture
def settings(home: Path, catalog: Catalog) -> Settings:
    settings = load_settings()
    ready_service(settings)
    settings.inbox.mkdir(parents=True)
    return settings


def load(settings: Settings, path: Path, **options) -> object:
    return loader_for(settings).load(path, IngestOptions(**options))


def test_an_owners_row_for_another_sections_indicator_is_refused(settings: Settings) -> None:
    path = settings.home / "mixed.csv"
    path.write_text(MIXED, encoding="utf-8")
    result = load(settings, path, actor=OWNER, keep_source=True)
    assert (result.status, result.rows_accepted, result.rows_rejected) == ("partial", 1, 1)
    [error] = result.errors
    assert (error.row, error.rule) == (3, "not_your_indicator")
    assert "担当外" in error.reason and "not your indicator" in error.reason_en
    record = open_warehouse(settings).loads().iloc[0]
    assert (record["uploaded_by"], record["section"]) == ("yamada", "joho-kikaku")


def test_the_preview_says_the_same_before_anything_is_written(settings: Settings) -> None:
    checked = Service(settings).preview_upload(MIXED.encode(), "mixed.csv", OWNER)
    assert [(e.row, e.rule) for e in checked.errors] == [(3, "not_your_indicator")]
    assert open_warehouse(settings).loads().empty


def test_a_viewer_cannot_upload(settings: Settings) -> None:
    with pytest.raises(PermissionDenied, match="閲覧者"):
        Service(settings).upload(MIXED.encode(), "mixed.csv", VIEWER)
    with pytest.raises(PermissionDenied):
        Service(settings).preview_upload(MIXED.encode(), "mixed.csv", VIEWER)
    path = settings.home / "mixed.csv"
    path.write_text(MIXED, encoding="utf-8")
    result = load(settings, path, actor=VIEWER, keep_source=True)
    assert result.status == "rejected" and "viewer" in result.message
    assert open_warehouse(settings).figures().empty


def test_a_file_in_a_sections_inbox_folder_acts_as_that_section(settings: Settings) -> None:
    folder = settings.inbox / "zeimu-shido"
    folder.mkdir()
    path = folder / "figures.csv"
    path.write_text(MIXED, encoding="utf-8")
    result = load(settings, path)
    assert [(e.row, e.rule) for e in result.errors] == [(2, "not_your_indicator")]
    assert result.rows_accepted == 1  # its own e-tax figure
    record = open_warehouse(settings).loads().iloc[0]
    assert (record["uploaded_by"], record["section"]) == ("inbox:zeimu-shido", "zeimu-shido")


def test_an_unknown_inbox_folder_is_refused(settings: Settings) -> None:
    folder = settings.inbox / "nobody"
    folder.mkdir()
    (folder / "figures.csv").write_text(MIXED, encoding="utf-8")
    result = load(settings, folder / "figures.csv")
    assert result.status == "rejected" and "nobody" in result.message


def test_a_file_over_the_size_cap_is_rejected_unread(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHIHYO_MAX_UPLOAD_MB", "0.0001")  # about 100 bytes
    small = load_settings()
    path = small.inbox / "big.csv"
    path.write_text(MIXED * 3, encoding="utf-8")
    result = load(small, path)
    assert result.status == "rejected" and "大きすぎます" in result.message
    assert (small.rejected / f"{result.sha256}.csv").read_bytes() == (MIXED * 3).encode()
    with pytest.raises(UploadTooLarge, match="larger than"):
        Service(small).preview_upload((MIXED * 3).encode(), "big.csv", OWNER)


def test_every_load_is_in_the_audit_trail(settings: Settings) -> None:
    path = settings.home / "mixed.csv"
    path.write_text(MIXED, encoding="utf-8")
    result = load(settings, path, actor=OWNER, keep_source=True)
    trail = open_warehouse(settings).audit_trail(entity="load")
    row = trail.iloc[0]
    assert (row["actor"], row["action"], row["entity_id"]) == (
        "yamada",
        "load",
        str(result.load_id),
    )
    assert '"rows_rejected": 1' in row["after"]


# ── hostile bytes ────────────────────────────────────────────────────────────

REAL_FILES = sorted(REALDATA.glob("*.csv")) if REALDATA.is_dir() else []
SEEDS = [p.read_bytes() for p in REAL_FILES] + [MIXED.encode(), MIXED.encode("cp932")]


def _mutate(data: bytes, rnd: random.Random, edits: int) -> bytes:
    buffer = bytearray(data)
    for _ in range(edits):
        action = rnd.randrange(4)
        at = rnd.randrange(len(buffer) + 1)
        if action == 0 and buffer:
            del buffer[min(at, len(buffer) - 1)]
        elif action == 1:
            buffer[at:at] = bytes([rnd.randrange(256)])
        elif action == 2 and buffer:
            buffer[min(at, len(buffer) - 1)] = rnd.choice(b',"\r\n\t#=\x00\xe3\x81\x82')
        else:
            piece = buffer[at : at + rnd.randrange(1, 40)]
            buffer[at:at] = piece
    return bytes(buffer)


@hsettings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.sampled_from(range(len(SEEDS))),
    salt=st.integers(0, 2**32 - 1),
    edits=st.integers(1, 30),
    encoding=st.sampled_from(["utf-8", "cp932", "utf-16", "latin-1"]),
    name=st.sampled_from(["x.csv", "x.xlsx", "x.txt"]),
)
def test_mutated_files_are_read_or_rejected_cleanly(seed, salt, edits, encoding, name) -> None:
    data = _mutate(SEEDS[seed], random.Random(salt), edits)
    data = data.decode("utf-8", errors="ignore").encode(encoding, errors="ignore")
    try:
        parsed = read_upload(data, name, period="2019-03")
    except FileRejected as exc:
        assert exc.message_ja and exc.message_en
        return
    assert set(parsed.frame.columns) >= {"row_number", "indicator_id", "period", "value"}
