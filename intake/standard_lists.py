"""The standard open-data lists (推奨データセット / 自治体標準オープンデータセット): each kind
known by the columns that define it, in the layouts the standard has had, so that a list is
read as what it is and never as another kind."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from intake.canonical import ALIAS_KEYS, REQUIRED, header_key


@dataclass(frozen=True)
class ListKind:
    """One kind of standard list and the columns that tell it from every other kind."""

    key: str
    name_ja: str
    name_en: str
    short_ja: str  # how a figure's note names its source
    # Any one alternative, all of its columns present, identifies the kind.
    defining: tuple[frozenset[str], ...]
    shown: tuple[str, ...] = ()  # the first alternative as the standard writes it


def _kind(key: str, ja: str, en: str, short: str, *alternatives: tuple[str, ...]) -> ListKind:
    keys = tuple(frozenset(header_key(c) for c in alt) for alt in alternatives)
    return ListKind(key, ja, en, short, keys, alternatives[0] if alternatives else ())


# Order matters only where kinds share columns: the more specific kind comes first (a
# tourist facility list has POIコード as a public facility list has, but also 料金).
KINDS: tuple[ListKind, ...] = (
    _kind(
        "public_wifi", "公衆無線LANアクセスポイント一覧", "public Wi-Fi access point list",
        "公衆無線LAN一覧",
        ("SSID", "提供エリア"), ("SSID", "設置者"), ("ssid", "area"), ("ssid", "installer"),
    ),
    _kind(
        "aed", "AED設置箇所一覧", "AED location list", "AED設置箇所一覧",
        ("設置位置", "小児対応設備の有無"), ("installationPosition",),
        ("設置位置", "利用可能曜日"),
    ),
    _kind(
        "evacuation_space", "指定緊急避難場所一覧", "designated emergency evacuation site list",
        "指定緊急避難場所一覧",
        ("災害種別_洪水",), ("災害種別_地震",), ("災害種別_津波",), ("指定避難所との重複",),
    ),
    _kind(
        "evacuation_shelter", "指定避難所一覧", "designated evacuation shelter list",
        "指定避難所一覧",
        ("指定緊急避難場所との重複",), ("想定収容人数", "対象となる町会・自治会"), ("福祉避難所",),
    ),
    _kind(
        "public_toilet", "公衆トイレ一覧", "public toilet list", "公衆トイレ一覧",
        ("男性トイレ総数",), ("女性トイレ総数",), ("多機能トイレ数",), ("バリアフリートイレ数",),
        ("オストメイト設置トイレ有無",),
    ),
    _kind(
        "fire_water", "消防水利施設一覧", "fire-fighting water supply list", "消防水利施設一覧",
        ("口径",), ("消防水利の種類",),
    ),
    _kind(
        "cultural_property", "文化財一覧", "cultural property list", "文化財一覧",
        ("文化財分類",), ("文化財指定日",), ("所有者等", "員数（数）"),
    ),
    _kind(
        "tourism", "観光施設一覧", "tourist facility list", "観光施設一覧",
        ("料金（基本）",), ("料金（詳細）",), ("アクセス方法", "駐車場情報"), ("説明_英語",),
    ),
    _kind(
        "event", "イベント一覧", "event list", "イベント一覧",
        ("イベント名",), ("開始日", "終了日", "主催者"),
    ),
    _kind(
        "medical", "医療機関一覧", "medical institution list", "医療機関一覧",
        ("医療機関コード",), ("医療機関の種類",), ("診療科目",), ("病床数",),
    ),
    _kind(
        "care_service", "介護サービス事業所一覧", "long-term care service provider list",
        "介護サービス事業所一覧",
        ("介護サービス事業所名称",), ("事業所番号", "サービスの種類"),
    ),
    _kind(
        "childcare", "子育て施設一覧", "childcare facility list", "子育て施設一覧",
        ("受入年齢",), ("一時預かりの有無",),
    ),
    _kind("library", "図書館一覧", "library list", "図書館一覧", ("蔵書数",), ("蔵書冊数",)),
    _kind(
        "population", "地域・年齢別人口", "population by area and age list", "地域・年齢別人口",
        ("総人口",), ("0-4歳の男性",), ("地域コード", "世帯数"),
    ),
    _kind(
        "food_business", "食品等営業許可・届出一覧", "food business licence list",
        "食品等営業許可・届出一覧",
        ("営業の種類",),
    ),
    _kind(
        "open_data_catalog", "オープンデータ一覧", "open data catalogue", "オープンデータ一覧",
        ("データ名称", "データ形式"), ("API対応有無",),
    ),
    _kind(
        "public_facility", "公共施設一覧", "public facility list", "公共施設一覧",
        ("名称_通称",), ("POIコード",),
    ),
)  # fmt: skip
KIND_BY_KEY = {kind.key: kind for kind in KINDS}

# A list in the standard's shape whose kind none of the above defines.
OTHER_KIND = ListKind(
    "standard_other",
    "自治体標準オープンデータセットの形の一覧（種類は判別できません）",
    "list in the standard open-data layout (of a kind not recognised)",
    "一覧",
    (),
)
_COMMON = frozenset(
    header_key(c)
    for c in (
        "NO", "ID", "名称", "名称_カナ", "住所", "所在地_連結表記", "緯度", "経度",
        "都道府県名", "市区町村名", "地方公共団体名", "全国地方公共団体コード",
        "都道府県コード又は市区町村コード", "latitude", "longitude", "name", "address",
        "#property",
    )
)  # fmt: skip
_MIN_COMMON = 4


@dataclass(frozen=True)
class Layout:
    """One layout the standard has had: how to tell it, and where each field is found."""

    key: str
    name_ja: str
    name_en: str
    markers: tuple[frozenset[str], ...]
    fields: dict[str, tuple[str, ...]]


def _layout(
    key: str, ja: str, en: str, markers: tuple[tuple[str, ...], ...], **fields: tuple[str, ...]
) -> Layout:
    found = tuple(frozenset(header_key(c) for c in m) for m in markers)
    return Layout(
        key, ja, en, found, {f: tuple(header_key(c) for c in n) for f, n in fields.items()}
    )


# Fields: code (the publisher's 全国地方公共団体コード), publisher, prefecture, municipality,
# id, name, address, installer.
LAYOUTS: tuple[Layout, ...] = (
    _layout(
        "2023", "自治体標準オープンデータセット（全国地方公共団体コード, ID, 地方公共団体名, "
        "所在地_連結表記 …）",
        "the standard open-data layout (全国地方公共団体コード, ID, 地方公共団体名, "
        "所在地_連結表記 …)",
        (
            ("全国地方公共団体コード", "地方公共団体名"), ("所在地_連結表記",),
            ("地方公共団体名", "ID"),
        ),
        code=("全国地方公共団体コード",), publisher=("地方公共団体名",),
        prefecture=("所在地_都道府県",), municipality=("所在地_市区町村",), id=("ID",),
        name=("名称",), address=("所在地_連結表記",), installer=("設置者",),
    ),
    _layout(
        "2017", "推奨データセット（都道府県コード又は市区町村コード, NO, 都道府県名, 市区町村名, "
        "名称, 住所 …）",
        "the recommended-dataset layout (都道府県コード又は市区町村コード, NO, 都道府県名, "
        "市区町村名, 名称, 住所 …)",
        (("都道府県名", "市区町村名"), ("NO", "住所"), ("市区町村名", "名称")),
        code=("都道府県コード又は市区町村コード", "市区町村コード", "都道府県コード"),
        prefecture=("都道府県名",), municipality=("市区町村名",), id=("NO",), name=("名称",),
        address=("住所",), installer=("設置者",),
    ),
    _layout(
        "imi", "IMI の英語の列名（#property 行: pref, city, name, address …）",
        "IMI English column names (a #property row: pref, city, name, address …)",
        (("#property",), ("name", "address")),
        code=("prefCode", "lgCode", "localGovernmentCode"), prefecture=("pref",),
        municipality=("city",), id=("identification", "#property"), name=("name",),
        address=("address",), installer=("installer",),
    ),
)  # fmt: skip
SUPPORTED_JA = "、".join(layout.name_ja for layout in LAYOUTS)
SUPPORTED_EN = "; ".join(layout.name_en for layout in LAYOUTS)
_BRACKETED = re.compile(r"\s*\([^()]*\)$")


def _forms(header: Sequence[str]) -> set[str]:
    """Return the header keys, each also without a trailing (annotation): SSID（ネットワーク名）."""
    keys = {k for k in header if k}
    return keys | {_BRACKETED.sub("", k) for k in keys}


def recognise(header: Sequence[str]) -> ListKind | None:
    """Return the standard list kind of a header (cells as header_key gives them), else None."""
    forms = _forms(header)
    for kind in KINDS:
        if any(alternative <= forms for alternative in kind.defining):
            return kind
    if len(forms & _COMMON) >= _MIN_COMMON:
        return OTHER_KIND
    return None


def layout_of(header: Sequence[str]) -> Layout | None:
    """Return the layout a list's header is in, else None."""
    forms = _forms(header)
    for layout in LAYOUTS:
        if any(marker <= forms for marker in layout.markers):
            return layout
    return None


def field_columns(layout: Layout, header: Sequence[str]) -> dict[str, list[int]]:
    """Return, per field of `layout`, the header's columns holding it, in preference order."""
    found: dict[str, list[int]] = {}
    for field, names in layout.fields.items():
        columns = [header.index(name) for name in names if name in header]
        # Real files arrive with garbage glued to the front of the first header cell (a
        # mis-saved BOM); the first cell still counts when it ends with the column's name.
        if not columns and header and any(header[0].endswith(name) for name in names):
            columns = [0]
        if columns:
            found[field] = columns
    return found


def looks_like_header(cells: Sequence[str]) -> str | None:
    """Return "template" if the cells name a required template column, "list" if they are
    a standard list's header, else None."""
    keys = [header_key(c) for c in cells]
    if any(ALIAS_KEYS.get(k) in REQUIRED for k in keys):
        return "template"
    return "list" if recognise(keys) is not None else None
