"""Standard open-data lists: each kind recognised by its defining columns and refused by
name unless a rule lets it feed an indicator; the layouts the standard has had (2017, the
2023 28-column layout, IMI #property headers); whose list it is (ListRule)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest

from intake import FileRejected, ListRule, ParsedUpload, RowCondition, read_upload
from intake.canonical import header_key
from intake.standard_lists import KINDS, recognise

DATA = Path(__file__).parent / "data"
REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"
needs_realdata = pytest.mark.skipif(not REALDATA.is_dir(), reason=f"{REALDATA} is absent")

OLD_WIFI = [
    "都道府県コード又は市区町村コード",
    "NO",
    "都道府県名",
    "市区町村名",
    "名称",
    "名称_カナ",
    "名称_英語",
    "住所",
    "方書",
    "緯度",
    "経度",
    "設置者",
    "電話番号",
    "内線番号",
    "SSID",
    "提供エリア",
    "URL",
    "備考",
]
# The 28-column layout of the 自治体標準オープンデータセット (synthetic rows below).
NEW_WIFI = [
    "全国地方公共団体コード",
    "ID",
    "地方公共団体名",
    "名称",
    "名称_カナ",
    "名称_英字",
    "所在地_全国地方公共団体コード",
    "所在地_連結表記",
    "所在地_都道府県",
    "所在地_市区町村",
    "所在地_町字",
    "所在地_番地以下",
    "建物名等(方書)",
    "緯度",
    "経度",
    "設置者",
    "電話番号",
    "内線番号",
    "連絡先メールアドレス",
    "連絡先FormURL",
    "連絡先備考（その他、SNSなど）",
    "郵便番号",
    "SSID",
    "提供エリア",
    "URL",
    "画像",
    "画像_ライセンス",
    "備考",
]


def csv_bytes(header: list[str], rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def refused(data: bytes, name: str = "list.csv", **kw: object) -> FileRejected:
    with pytest.raises(FileRejected) as info:
        read_upload(data, name, **kw)  # type: ignore[arg-type]
    return info.value


def new_wifi_row(ident: str, code: str, body: str, city: str, name: str, **extra: str) -> list[str]:
    row = dict.fromkeys(NEW_WIFI, "")
    row.update(
        {
            "全国地方公共団体コード": code,
            "ID": ident,
            "地方公共団体名": body,
            "名称": name,
            "所在地_連結表記": f"{city}{name}",
            "所在地_都道府県": "山口県",
            "所在地_市区町村": city,
            "SSID": "FREE",
        }
    )
    row.update(extra)
    return [row[c] for c in NEW_WIFI]


# ── 1. each kind by the columns that define it ──────────────────────────────


@pytest.mark.parametrize(
    ("file", "rows", "kind_ja", "kind_en"),
    [
        ("yaizu_222127_aed.csv", 82, "これはAED設置箇所一覧です", "the AED location list"),
        (
            "yaizu_222127_evacuation_space.csv",
            31,
            "これは指定緊急避難場所一覧です",
            "the designated emergency evacuation site list",
        ),
        (
            "yaizu_222127_tourism_rental_car.csv",
            1,
            "これは観光施設一覧です",
            "the tourist facility",
        ),
    ],
)
def test_real_standard_lists_are_refused_by_name(
    file: str, rows: int, kind_ja: str, kind_en: str
) -> None:
    exc = refused((DATA / file).read_bytes(), file, period="2019-03")
    assert exc.message_ja.startswith(kind_ja + "。公衆無線LANアクセスポイント一覧ではありません")
    assert f"データが{rows}行" in exc.message_ja
    assert kind_en in exc.message_en and "not the public Wi-Fi access point list" in exc.message_en
    assert exc.rows_in_file == rows and exc.rows_exact


def _header_of(kind_key: str) -> list[str]:
    """A 2017-layout header with the defining columns of one kind."""
    kind = next(k for k in KINDS if k.key == kind_key)
    return ["NO", "都道府県名", "市区町村名", "名称", "住所", "緯度", "経度", *kind.shown, "備考"]


@pytest.mark.parametrize("kind", [k for k in KINDS if k.key != "public_wifi"], ids=lambda k: k.key)
def test_every_other_kind_is_named(kind) -> None:
    header = _header_of(kind.key)
    assert recognise([header_key(c) for c in header]) is kind
    data = csv_bytes(
        header, [["1", "静岡県", "焼津市", "x", "y", "", "", *["z"] * len(kind.shown), ""]]
    )
    exc = refused(data, period="2019-03")
    assert exc.message_ja.startswith(f"これは{kind.name_ja}です。")
    assert exc.rows_in_file == 1


def test_a_list_of_no_known_kind_is_refused_as_such() -> None:
    header = ["NO", "都道府県名", "市区町村名", "名称", "住所", "緯度", "経度", "蔵書の特色"]
    data = csv_bytes(header, [["1", "静岡県", "焼津市", "図書館", "本町", "", "", "郷土"]] * 3)
    exc = refused(data, period="2019-03")
    assert "自治体標準オープンデータセットの形の一覧（種類は判別できません）" in exc.message_ja
    assert "SSID・提供エリア の列があります" in exc.message_ja
    assert exc.rows_in_file == 3


def test_the_wifi_list_needs_ssid_not_just_the_generic_columns() -> None:
    # 17 of the old Wi-Fi list's 18 columns, SSID dropped: once loaded as access points.
    header = [c for c in OLD_WIFI if c != "SSID"]
    assert recognise([header_key(c) for c in header]) is not next(k for k in KINDS)
    exc = refused(csv_bytes(header, [["222127", "1"] + [""] * 15]), period="2019-03")
    assert "公衆無線LANアクセスポイント一覧ではありません" in exc.message_ja


# ── 2. the layouts the standard has had ─────────────────────────────────────


def test_the_2023_layout_is_counted_per_municipality() -> None:
    rows = [
        new_wifi_row("352110-001", "352110", "山口県長門市", "長門市", "市役所"),
        new_wifi_row("352110-002", "352110", "山口県長門市", "長門市", "図書館"),
        new_wifi_row("352110-002", "352110", "山口県長門市", "長門市", "図書館"),  # twice
        new_wifi_row("", "352110", "山口県長門市", "長門市", "湯本温泉"),
    ]
    up = read_upload(csv_bytes(NEW_WIFI, rows), "nagato.csv", period="2024-03")
    assert len(NEW_WIFI) == 28
    assert (up.source_kind, up.list_kind, up.layout) == ("wifi_list", "public_wifi", "2023")
    assert up.frame[["org_unit", "value"]].values.tolist() == [["長門市", 3.0]]
    assert up.rows_in_file == 4 and up.errors == []
    assert up.sources == {2: (2, 3, 4, 5)}
    assert up.file_row_counts().accepted == 4


def test_the_2023_layout_in_a_workbook(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(NEW_WIFI)
    book.active.append(new_wifi_row("1", "432016", "熊本市", "熊本市", "市役所"))
    book.active.append(new_wifi_row("2", "432016", "熊本市", "熊本市", "動植物園"))
    book.save(tmp_path / "kumamoto.xlsx")
    up = read_upload((tmp_path / "kumamoto.xlsx").read_bytes(), "k.xlsx", period="2024-03")
    assert (up.layout, up.frame["value"].tolist()) == ("2023", [2.0])


def test_an_imi_property_header_is_read() -> None:
    up = read_upload(
        (DATA / "takamatsu_0064_public_wireless_lan.csv").read_bytes(),
        "0064.csv",
        period="2024-03",
    )
    assert (up.list_kind, up.layout, up.rows_in_file) == ("public_wifi", "imi", 25)
    assert up.frame[["org_unit", "value", "row_number"]].values.tolist() == [["高松市", 25.0, 2]]


def test_a_quoted_property_header_above_comment_rows_is_read() -> None:
    text = (
        '"#property","name","address","pref","city","ssid","area"\r\n'
        '"#lang","ja",,,,,\r\n'
        '"1","駅","高松市浜ノ町","香川県","高松市","KAGAWA-WiFi",""\r\n'
        '"2","港","高松市サンポート","香川県","高松市","KAGAWA-WiFi",""\r\n'
    )
    up = read_upload(text.encode(), "t.csv", period="2024-03")
    assert (up.layout, up.frame["value"].tolist(), up.frame["row_number"].tolist()) == (
        "imi", [2.0], [3],
    )  # fmt: skip


def test_a_title_row_above_a_list_header_is_passed_over() -> None:
    data = csv_bytes(["公衆無線LANアクセスポイント一覧（令和6年3月末）"], [])
    data += csv_bytes(OLD_WIFI, [["222127", "1", "静岡県", "焼津市", "庁舎"] + [""] * 13])
    up = read_upload(data, "t.csv", period="2024-03")
    assert (up.frame["row_number"].tolist(), up.frame["value"].tolist()) == ([3], [1.0])


def test_a_wifi_list_in_a_layout_that_is_not_read_says_which_are() -> None:
    header = ["SSID", "提供エリア", "場所", "メモ"]
    exc = refused(csv_bytes(header, [["FREE", "1階", "庁舎", ""]]), period="2024-03")
    assert exc.message_ja.startswith("公衆無線LANアクセスポイント一覧ですが、1行目の見出し")
    for layout in ("自治体標準オープンデータセット", "推奨データセット", "IMI の英語の列名"):
        assert layout in exc.message_ja
    assert "in none of the layouts read" in exc.message_en
    assert exc.rows_in_file == 1


def test_a_layout_without_the_columns_to_count_by_says_what_it_lacks() -> None:
    header = ["地方公共団体名", "SSID", "提供エリア", "所在地_連結表記"]  # the 2023 layout
    exc = refused(csv_bytes(header, [["", "FREE", "", "x"]]))
    assert "期間" in exc.message_ja  # the period is asked for first
    rows = [["", "", "FREE", "庁舎"]]
    exc = refused(
        csv_bytes(["所在地_連結表記", "備考", "SSID", "提供エリア"], rows), period="2024-03"
    )
    assert "数えるのに必要な列" in exc.message_ja and "地方公共団体名" in exc.message_ja


# ── 3. whose list it is ─────────────────────────────────────────────────────

KANAGAWA = ListRule("wifi_access_points", "public_wifi", publishers=frozenset({"140007"}))


def _old_wifi(code: str, pref: str, city: str, installer: str, n: int) -> list[list[str]]:
    cells = [code, "", pref, city, "", "", "", "", "", "", "", installer, "", "", "FREE"]
    return [
        [
            *cells[:1],
            str(i),
            *cells[2:4],
            f"施設{i}",
            *cells[5:7],
            f"住所{i}",
            *cells[8:],
            "",
            "",
            "",
        ]
        for i in range(1, n + 1)
    ]


def test_another_publishers_list_is_refused_naming_both() -> None:
    data = csv_bytes(OLD_WIFI, _old_wifi("130001", "東京都", "", "東京都", 737))
    exc = refused(data, period="2019-03", rules=[KANAGAWA])
    assert "この公衆無線LANアクセスポイント一覧の公開者は東京都（130001）です" in exc.message_ja
    assert "全国地方公共団体コード 140007 の団体が公開した一覧だけです" in exc.message_ja
    assert "published by 東京都 (130001)" in exc.message_en
    assert exc.rows_in_file == 737


def test_the_publishers_own_list_is_counted_and_others_rows_refused() -> None:
    rows = _old_wifi("140007", "神奈川県", "", "神奈川県", 3) + _old_wifi(
        "141003", "神奈川県", "横浜市", "横浜市", 2
    )
    up = read_upload(csv_bytes(OLD_WIFI, rows), "k.csv", period="2019-03", rules=[KANAGAWA])
    assert up.frame[["org_unit", "value"]].values.tolist() == [["神奈川県", 3.0]]
    assert [(e.row, e.rule, e.value) for e in up.errors] == [
        (5, "list_publisher", "141003"),
        (6, "list_publisher", "141003"),
    ]
    assert (
        "指標「wifi_access_points」に数える団体（140007）ではありません" in up.errors[0].reason_ja
    )
    counts = up.file_row_counts()
    assert (counts.rows, counts.accepted, counts.rejected) == (5, 3, 2)


def test_a_five_digit_code_without_check_digit_matches() -> None:
    rows = _old_wifi("14000", "神奈川県", "", "神奈川県", 2)
    up = read_upload(csv_bytes(OLD_WIFI, rows), "k.csv", period="2019-03", rules=[KANAGAWA])
    assert up.frame["value"].tolist() == [2.0]


def test_only_rows_meeting_the_rule_count() -> None:
    rule = ListRule(
        "wifi_access_points",
        "public_wifi",
        where=(RowCondition("設置者", frozenset({"神奈川県"})),),
    )
    rows = _old_wifi("140007", "神奈川県", "", "神奈川県", 2) + _old_wifi(
        "140007", "神奈川県", "", "ＮＴＴ東日本", 1
    )
    up = read_upload(csv_bytes(OLD_WIFI, rows), "k.csv", period="2019-03", rules=[rule])
    assert up.frame["value"].tolist() == [2.0]
    [error] = up.errors
    assert (error.row, error.column, error.value, error.rule) == (
        4,
        "設置者",
        "NTT東日本",
        "list_condition",
    )
    assert (
        "設置者が「NTT東日本」の行は数えません（数えるのは設置者が 神奈川県 の行です）"
        in error.reason_ja
    )


def test_a_rule_condition_finds_the_imi_column_by_the_standards_name() -> None:
    rule = ListRule(
        "wifi_access_points", "public_wifi", where=(RowCondition("設置者", frozenset({"高松市"})),)
    )
    text = (
        "#property,name,address,pref,city,installer,ssid,area\n"
        "1,駅,浜ノ町,香川県,高松市,高松市,W,\n"
        "2,港,港町,香川県,高松市,JR,W,\n"
    )
    up = read_upload(text.encode(), "t.csv", period="2024-03", rules=[rule])
    assert up.frame["value"].tolist() == [1.0]
    assert [(e.row, e.rule) for e in up.errors] == [(3, "list_condition")]


def test_a_list_without_codes_is_refused_when_the_rule_names_publishers() -> None:
    header = [c for c in OLD_WIFI if c != "都道府県コード又は市区町村コード"]
    rows = [r[1:] for r in _old_wifi("", "神奈川県", "", "", 2)]
    exc = refused(csv_bytes(header, rows), period="2019-03", rules=[KANAGAWA])
    assert "公開者の全国地方公共団体コードの列がない" in exc.message_ja


def test_a_rule_lets_another_kind_feed_an_indicator() -> None:
    aed = ListRule("aed_count", "aed", publishers=frozenset({"222127"}))
    up = read_upload(
        (DATA / "yaizu_222127_aed.csv").read_bytes(), "aed.csv", period="2024-03", rules=[aed]
    )
    assert (up.source_kind, up.list_kind, up.rows_in_file) == ("open_data_list", "aed", 82)
    assert up.frame[["indicator_id", "org_unit", "value"]].values.tolist() == [
        ["aed_count", "焼津市", 82.0]
    ]
    assert up.frame["note"].tolist() == ["AED設置箇所一覧から集計 (82件)"]
    # ... and then the Wi-Fi list is what is refused, by name.
    exc = (
        refused(
            (REALDATA / "yaizu_222127_public_wireless_lan.csv").read_bytes(),
            period="2024-03",
            rules=[aed],
        )
        if REALDATA.is_dir()
        else None
    )
    if exc is not None:
        assert exc.message_ja.startswith(
            "これは公衆無線LANアクセスポイント一覧です。AED設置箇所一覧ではありません"
        )


def test_rules_are_checked_when_made() -> None:
    with pytest.raises(ValueError, match="unknown list kind"):
        ListRule("x", "wifi")
    with pytest.raises(ValueError, match="not a 全国地方公共団体コード"):
        ListRule("x", "public_wifi", publishers=frozenset({"kanagawa"}))
    with pytest.raises(ValueError, match="one rule per kind"):
        read_upload(b"a", "a.csv", rules=[KANAGAWA, KANAGAWA])


@needs_realdata
def test_real_yaizu_wifi_list_under_a_rule_for_its_own_publisher() -> None:
    raw = (REALDATA / "yaizu_222127_public_wireless_lan.csv").read_bytes()
    yaizu = ListRule("wifi_access_points", "public_wifi", publishers=frozenset({"222127"}))
    up: ParsedUpload = read_upload(raw, "yaizu.csv", period="2019-03", rules=[yaizu])
    assert up.frame[["org_unit", "value"]].values.tolist() == [["焼津市", 17.0]]
    exc = refused(raw, period="2019-03", rules=[KANAGAWA])
    assert "焼津市（222127）" in exc.message_ja and exc.rows_in_file == 17
