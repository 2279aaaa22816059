"""Totals rows beside org-unit rows: never stored as an org unit. A total equal to the sum
is set aside as the check it is; one that differs is refused naming both numbers."""

from __future__ import annotations

import pytest

import intake.read as intake_read
from intake import ParsedUpload, read_upload
from intake.totals import is_total_name

HEADER = "indicator_id,period,value,org_unit"


def read(*rows: str, fast: bool = True) -> ParsedUpload:
    data = "\n".join([HEADER, *rows, ""]).encode()
    if fast:
        return read_upload(data, "up.csv")
    with pytest.MonkeyPatch.context() as patch:  # the row-by-row reader must agree
        patch.setattr(intake_read, "simple_csv_upload", lambda *_: None)
        return read_upload(data, "up.csv")


@pytest.mark.parametrize(
    "name",
    ["合計", "計", "県計", "総数", "総計", "全体", "県全体", "小計", "市町村計", "全県",
     "神奈川県計", "合 計", "合計（県全体）", "ＴＯＴＡＬ", "Total"],
)  # fmt: skip
def test_total_names(name: str) -> None:
    assert is_total_name(name)


@pytest.mark.parametrize(
    "name", ["横浜市", "神奈川県", "会計課", "統計課", "", "計画課", "川崎市中原区", "全"]
)
def test_org_unit_names_are_not_totals(name: str) -> None:
    assert not is_total_name(name)


@pytest.mark.parametrize("fast", [True, False])
@pytest.mark.parametrize("total", ["合計", "県計", "総数", "県全体", "全体"])
def test_a_total_equal_to_the_sum_is_set_aside_not_stored(total: str, fast: bool) -> None:
    up = read(
        "wifi,2019-04,300,横浜市",
        "wifi,2019-04,200,川崎市",
        "wifi,2019-04,500,相模原市",
        f'wifi,2019-04,"1,000",{total}',
        fast=fast,
    )
    assert up.errors == []
    assert up.frame["org_unit"].tolist() == ["横浜市", "川崎市", "相模原市"]
    assert up.frame["value"].sum() == 1000  # not 2000
    [notice] = up.set_aside
    assert (notice.row, notice.rule, notice.value) == (5, "total_row_checked", total)
    assert "1,000 は組織ごとの行（3行）の合計と一致しました" in notice.reason_ja
    assert up.rows_in_file == 4
    counts = up.file_row_counts()
    assert (counts.rows, counts.accepted, counts.rejected, counts.set_aside) == (4, 3, 0, 1)


@pytest.mark.parametrize("fast", [True, False])
def test_a_total_that_differs_is_refused_naming_both_numbers(fast: bool) -> None:
    up = read(
        "wifi,2019-04,300,横浜市",
        "wifi,2019-04,200,川崎市",
        "wifi,2019-04,500,相模原市",
        "wifi,2019-04,1100,合計",
        fast=fast,
    )
    [error] = up.errors
    assert (error.row, error.column, error.value, error.rule) == (5, "value", "1100", "total_row")
    assert "値 1,100 が同じ指標・期間の組織ごとの行（3行）の合計 1,000 と一致しません" in (
        error.reason_ja
    )
    assert "1,100 differs from the sum of the 3 org-unit rows" in error.reason_en
    assert len(up.frame) == 4  # the row stays for the caller to quarantine
    assert up.file_row_counts().rejected == 1


def test_totals_are_checked_per_indicator_and_period() -> None:
    up = read(
        "wifi,2019-04,300,横浜市",
        "wifi,2019-04,200,川崎市",
        "wifi,2019-04,500,合計",
        "wifi,2019-05,310,横浜市",
        "wifi,2019-05,205,川崎市",
        "wifi,2019-05,500,合計",
        "etax,2019-04,7,横浜市",
        "etax,2019-04,7,計",
    )
    assert [(e.row, e.rule) for e in up.errors] == [(7, "total_row")]
    assert [n.row for n in up.set_aside] == [4, 9]


def test_a_total_alone_is_not_an_org_unit() -> None:
    up = read("wifi,2019-04,591,合計")
    [error] = up.errors
    assert (error.row, error.column, error.rule) == (2, "org_unit", "total_row")
    assert "組織（org_unit）を空欄にしてください" in error.reason_ja


def test_a_row_equal_to_the_sum_of_three_others_is_a_total_in_disguise() -> None:
    up = read(
        "wifi,2019-04,300,横浜市",
        "wifi,2019-04,200,川崎市",
        "wifi,2019-04,500,相模原市",
        "wifi,2019-04,1000,神奈川県",
    )
    [error] = up.errors
    assert (error.row, error.column, error.value) == (5, "org_unit", "神奈川県")
    assert "他の組織の行（3行）の合計と同じです" in error.reason_ja


def test_two_parts_that_happen_to_add_up_are_left_alone() -> None:
    # 10 = 5 + 5 among three municipalities is too likely to be chance.
    up = read("wifi,2019-04,5,横浜市", "wifi,2019-04,5,川崎市", "wifi,2019-04,10,相模原市")
    assert up.errors == [] and len(up.frame) == 3


def test_the_indicators_own_row_beside_org_units_is_not_a_total_row() -> None:
    # A row without org unit is the indicator's figure (README): never summed with the rest.
    up = read("wifi,2019-04,591,", "wifi,2019-04,300,横浜市", "wifi,2019-04,291,川崎市")
    assert up.errors == [] and up.set_aside == [] and len(up.frame) == 3


def test_a_total_beside_a_part_that_does_not_read_cannot_be_checked() -> None:
    up = read("wifi,2019-04,300,横浜市", "wifi,2019-04,x,川崎市", "wifi,2019-04,300,合計")
    assert [(e.row, e.column, e.rule) for e in up.errors] == [
        (3, "value", "value_numeric"),
        (4, "value", "total_row"),
    ]
    assert "照らし合わせられません" in up.errors[1].reason_ja
    assert up.set_aside == []
