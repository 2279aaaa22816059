"""A long Japanese file name (issue 12, Low): 94 characters are 282 bytes in UTF-8, past the
255 bytes one name may take, and the commit crashed with `OSError: File name too long`.
Every name that becomes a path is cut by bytes, keeping its extension; the load record keeps
the name as sent."""

from __future__ import annotations

from pathlib import Path

import pytest

from access.roles import Actor
from kernel.names import NAME_MAX, fit_name, numbered
from pipeline.inbox import InboxRun
from service import Service
from tests.conftest import open_warehouse

pytestmark = pytest.mark.clock

HEADER = "indicator_id,period,value,org_unit,note\n"
TITLE = "令和八年度情報企画課公衆無線ＬＡＮアクセスポイント設置状況報告書（確定版）"
LONG = (TITLE * 3)[:90] + ".csv"  # 94 characters, as in the review
OWNER = Actor("yamada", "owner", ("joho-kikaku",))


def test_the_name_is_long_enough_to_have_crashed() -> None:
    assert len(LONG) == 94 and len(LONG.encode("utf-8")) > NAME_MAX


@pytest.mark.parametrize(
    ("name", "limit"),
    [(LONG, 255), ("報告" * 200 + ".xlsx", 255), ("あ" * 100, 255), ("a" * 300 + ".csv", 100)],
)
def test_a_name_is_cut_by_bytes_between_characters_keeping_the_extension(
    name: str, limit: int
) -> None:
    cut = fit_name(name, limit)
    assert len(cut.encode("utf-8")) <= limit
    assert Path(cut).suffix == Path(name).suffix
    assert name.startswith(cut.removesuffix(Path(name).suffix))  # a prefix, no broken character


def test_a_short_name_is_left_as_it_is() -> None:
    assert fit_name("april.csv") == "april.csv" and fit_name(LONG[-20:]) == LONG[-20:]


def test_an_upload_with_a_long_japanese_name_loads_and_is_recorded_as_sent(
    service: Service,
) -> None:
    data = (HEADER + "wifi_access_points,2026-09,700,,\n").encode()
    [result] = service.upload(data, LONG, OWNER).files
    assert (result.status, result.name) == ("loaded", LONG)
    record = open_warehouse(service.settings).loads().iloc[0]
    assert record["file_name"] == LONG
    # the preview and a refused upload too
    assert not service.preview_upload(data, LONG, OWNER).errors
    [refused] = service.upload(b"not,the,template\n1,2,3\n", LONG, OWNER).files
    assert (refused.status, refused.name) == ("rejected", LONG)
    assert (service.settings.rejected / f"{refused.sha256}.csv").exists()


def test_claims_given_back_beside_namesakes_fit_the_file_system(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    name = fit_name("報告" * 200 + ".csv")  # as long as a name can be
    for _ in range(3):
        (inbox / name).write_text(HEADER)
        with InboxRun(inbox, 0, 3600, lambda _claim: False) as run:
            assert list(run.claims())
            (inbox / name).write_text(HEADER)  # the same name sent again meanwhile
    back = sorted(p.name for p in inbox.iterdir() if not p.name.startswith("."))
    assert len(back) == 4 and all(len(n.encode()) <= NAME_MAX for n in back)
    assert name in back and all(any(n.endswith(f" ({k}).csv") for n in back) for k in (2, 3, 4))


def test_a_numbered_name_keeps_its_number_and_extension() -> None:
    assert numbered("april.csv", 2) == "april (2).csv"
    long = numbered("報告" * 200 + ".csv", 12)
    assert long.endswith(" (12).csv") and len(long.encode()) <= NAME_MAX
