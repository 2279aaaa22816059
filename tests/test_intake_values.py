"""Values: every accepted spelling, every rejection reason, and round trips by property."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intake.values import ValueParseError, parse_value


def fullwidth(text: str) -> str:
    """Return `text` with ASCII digits and marks in their full-width forms."""
    return text.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12345", 12345.0),
        ("12,345", 12345.0),
        ("1,317,299", 1317299.0),
        ("１２，３４５", 12345.0),
        ("１２３４５．５", 12345.5),
        ("  12 ", 12.0),
        ("\u300012\u3000", 12.0),
        ("\t12\t", 12.0),
        ("12.5", 12.5),
        ("0.25", 0.25),
        ("-5", -5.0),
        ("－５", -5.0),
        ("−5", -5.0),
        ("+5", 5.0),
        ("△123", -123.0),
        ("▲123", -123.0),
        ("△1,234.5", -1234.5),
        ("△ 123", -123.0),
        ("0", 0.0),
        ("007", 7.0),
        (12345, 12345.0),
        (12.5, 12.5),
        (-3, -3.0),
        (10**20, 1e20),
    ],
)
def test_accepted(text: str | int | float, expected: float) -> None:
    assert parse_value(text) == expected


@pytest.mark.parametrize(
    ("text", "reason_ja"),
    [
        ("", "値が空です"),
        ("\u3000", "値が空です"),
        ("abc", "12345 や 12,345.5"),
        ("12,34", "桁区切り"),
        ("1,2345", "桁区切り"),
        (",123", "桁区切り"),
        ("1.2.3", "小数点が2つ以上"),
        ("NaN", "有限の数値"),
        ("inf", "有限の数値"),
        ("-Infinity", "有限の数値"),
        ("1e999", "指数表記"),
        ("83.77%", "割合（%）は受け付けていません"),
        ("８３．７７％", "割合（%）は受け付けていません"),
        ("--5", "符号が2つ以上"),
        ("△-5", "符号が2つ以上"),
        ("12.", "12345 や 12,345.5"),
        ("12 345", "12345 や 12,345.5"),
        ("1,234円", "数値の後に「円」が付いています"),
        ("(123)", "12345 や 12,345.5"),
        (float("nan"), "有限の数値"),
        (float("inf"), "有限の数値"),
        (True, "真偽値"),
    ],
)
def test_rejections_say_why(text: str | float, reason_ja: str) -> None:
    with pytest.raises(ValueParseError) as info:
        parse_value(text)
    assert reason_ja in info.value.reason_ja
    assert info.value.reason_en
    assert str(info.value) == f"{info.value.reason_ja} / {info.value.reason_en}"


@pytest.mark.parametrize(
    ("text", "reason_ja", "reason_en"),
    [
        # an ellipsis is a placeholder, not a number with two decimal points
        ("…", "データがないことを表す記号", "a mark for a missing figure"),
        ("...", "データがないことを表す記号", "a mark for a missing figure"),
        ("-", "データがないことを表す記号", "a mark for a missing figure"),
        ("－", "データがないことを表す記号", "a mark for a missing figure"),
        ("＊", "データがないことを表す記号", "a mark for a missing figure"),
        ("不明", "データがないことを表す記号", "a mark for a missing figure"),
        ("未集計", "データがないことを表す記号", "a mark for a missing figure"),
        # a Japanese unit: what it means, written out
        ("1.2万", "日本語の単位「万」が付いています", "1.2万 is 12000"),
        ("１．２万", "（1.2万 なら 12000）", "1.2万 is 12000"),
        ("3億", "（3億 なら 300000000）", "3億 is 300000000"),
        ("5千", "（5千 なら 5000）", "5千 is 5000"),
        ("12,000千", "（12,000千 なら 12000000）", "is 12000000"),
        # other words around the number
        ("12件", "数値の後に「件」が付いています", "'件' follows the number"),
        ("約1200", "数値の前に「約」が付いています", "'約' comes before the number"),
        ("1200以上", "数値の後に「以上」が付いています", "(1200 for 1200以上)"),
        # exponent notation: Excel's rounded display of a long number
        ("1.23457E+11", "指数表記", "exponent notation"),
        ("1e3", "指数表記", "exponent notation"),
        ("１Ｅ３", "指数表記", "exponent notation"),
        ("1.5E+03", "指数表記", "exponent notation"),
    ],
)
def test_what_was_found_and_what_to_write(text: str, reason_ja: str, reason_en: str) -> None:
    with pytest.raises(ValueParseError) as info:
        parse_value(text)
    assert reason_ja in info.value.reason_ja
    assert reason_en in info.value.reason_en
    assert "小数点が2つ以上" not in info.value.reason_ja


def test_percent_reason_in_english() -> None:
    with pytest.raises(ValueParseError, match="percentages are not accepted"):
        parse_value("83.77%")


def _spellings(d: Decimal) -> list[str]:
    """Return the ways an office may write `d`."""
    plain = format(d, "f")
    grouped = format(d, ",f")
    forms = [plain, grouped, fullwidth(grouped), f"\u3000{grouped} "]
    if d < 0:
        forms += [f"△{format(-d, ',f')}", f"▲{format(-d, 'f')}", fullwidth(f"△{format(-d, ',f')}")]
    return forms


@settings(max_examples=200, deadline=None)
@given(st.integers(-(10**15), 10**15))
def test_integers_round_trip(n: int) -> None:
    for text in _spellings(Decimal(n)):
        assert parse_value(text) == float(n), text
    assert parse_value(n) == float(n)


@settings(max_examples=200, deadline=None)
@given(
    st.decimals(
        min_value=-(10**9), max_value=10**9, places=3, allow_nan=False, allow_infinity=False
    )
)
def test_decimals_round_trip(d: Decimal) -> None:
    for text in _spellings(d):
        assert parse_value(text) == float(d), text


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.text(max_size=30),
        st.from_regex(r"[△▲+\-]?[0-9,.０-９，．]{0,12}([eE][+-]?[0-9]{1,4})?%?", fullmatch=True),
        st.floats(),
        st.integers(),
    )
)
def test_random_input_only_raises_value_parse_error(text: str | float | int) -> None:
    try:
        value = parse_value(text)
    except ValueParseError as exc:
        assert exc.reason_ja and exc.reason_en
    else:
        assert math.isfinite(value)


def _column_wise(texts: list[str]) -> list[float | tuple[str, str]]:
    """What the parser's column-wise reading makes of `texts`: a number or the reasons."""
    import pyarrow as pa

    from intake.columns import read_values

    values, errors = read_values(pa.chunked_array([pa.array(texts, type=pa.large_string())]))
    return [errors[i][1:] if i in errors else float(values[i]) for i in range(len(texts))]


def _one_by_one(texts: list[str]) -> list[float | tuple[str, str]]:
    out: list[float | tuple[str, str]] = []
    for text in texts:
        try:
            out.append(parse_value(text))
        except ValueParseError as exc:
            out.append((exc.reason_ja, exc.reason_en))
    return out


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.from_regex(r"[0-9]{1,30}(\.[0-9]{1,20})?", fullmatch=True),
            st.from_regex(r"[0-9]{1,3}(,[0-9]{3}){0,6}(\.[0-9]{1,8})?", fullmatch=True),
            st.from_regex(r"[△▲+\- ]?[0-9,.０-９，．]{0,12}([eE][+-]?[0-9]{1,4})?", fullmatch=True),
            st.sampled_from(["1" * 64, "1" * 65, "9" * 400, "0" * 70 + "1", "", " 12", "12 "]),
            st.text(max_size=12),
        ),
        max_size=30,
    )
)
def test_the_column_wise_reading_equals_parse_value(texts: list[str]) -> None:
    # Plain figures are read by Arrow in bulk; they must come out bit for bit as
    # parse_value reads them, and everything else is parse_value's own answer.
    assert _column_wise(texts) == _one_by_one(texts)
