"""Periods: every accepted form, every rejection reason, and round trips by property."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.periods import Period, fiscal_year_of, format_period, period_end
from intake.periods import PeriodError, parse_period

D = dt.date


def fullwidth(text: str) -> str:
    """Return `text` with ASCII letters, digits and marks in their full-width forms."""
    return text.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})


@pytest.mark.parametrize(
    ("text", "start", "granularity"),
    [
        ("2019-04", D(2019, 4, 1), "month"),
        ("2019/4", D(2019, 4, 1), "month"),
        ("2019.04", D(2019, 4, 1), "month"),
        ("201904", D(2019, 4, 1), "month"),
        ("2019年4月", D(2019, 4, 1), "month"),
        ("2019 年 4 月", D(2019, 4, 1), "month"),
        ("平成31年4月", D(2019, 4, 1), "month"),
        ("平成元年1月", D(1989, 1, 1), "month"),
        ("令和元年5月", D(2019, 5, 1), "month"),
        ("令和6年10月", D(2024, 10, 1), "month"),
        ("㋿6年10月", D(2024, 10, 1), "month"),
        ("H31.4", D(2019, 4, 1), "month"),
        ("h31.4", D(2019, 4, 1), "month"),
        ("H31/4", D(2019, 4, 1), "month"),
        ("R1.5", D(2019, 5, 1), "month"),
        ("R6年10月", D(2024, 10, 1), "month"),
        ("２０１９年４月", D(2019, 4, 1), "month"),
        ("　2019-04 ", D(2019, 4, 1), "month"),
        ("2019-04-01", D(2019, 4, 1), "month"),
        ("2019/4/1", D(2019, 4, 1), "month"),
        ("2019/4/1 0:00", D(2019, 4, 1), "month"),
        ("2019-04-01 00:00:00", D(2019, 4, 1), "month"),
        ("2019-04-01T00:00:00", D(2019, 4, 1), "month"),
        ("2019年4月1日", D(2019, 4, 1), "month"),
        ("2019年度", D(2019, 4, 1), "fiscal_year"),
        ("令和元年度", D(2019, 4, 1), "fiscal_year"),
        ("平成31年度", D(2019, 4, 1), "fiscal_year"),
        ("平成30年度", D(2018, 4, 1), "fiscal_year"),
        ("FY2019", D(2019, 4, 1), "fiscal_year"),
        ("fy 2019", D(2019, 4, 1), "fiscal_year"),
        ("R1年度", D(2019, 4, 1), "fiscal_year"),
        ("H30年度", D(2018, 4, 1), "fiscal_year"),
        ("2019年度第1四半期", D(2019, 4, 1), "quarter"),
        ("2019年度第一四半期", D(2019, 4, 1), "quarter"),
        ("2019年度第4四半期", D(2020, 1, 1), "quarter"),
        ("令和元年度第2四半期", D(2019, 7, 1), "quarter"),
        ("FY2019Q1", D(2019, 4, 1), "quarter"),
        ("FY2019Q3", D(2019, 10, 1), "quarter"),
        ("FY2019Q4", D(2020, 1, 1), "quarter"),
        ("FY2019-Q2", D(2019, 7, 1), "quarter"),
        ("ＦＹ２０１９Ｑ１", D(2019, 4, 1), "quarter"),
    ],
)
def test_accepted_forms(text: str, start: dt.date, granularity: str) -> None:
    assert parse_period(text) == Period(start, granularity)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "value",
    [dt.date(2019, 4, 1), dt.datetime(2019, 4, 1), dt.datetime(2019, 4, 1, 0, 0, 0)],
)
def test_excel_dates(value: dt.date) -> None:
    assert parse_period(value) == Period(D(2019, 4, 1), "month")


def test_yyyymm_number_from_a_numeric_cell() -> None:
    assert parse_period(201904) == Period(D(2019, 4, 1), "month")


@pytest.mark.parametrize(
    ("text", "reason_ja"),
    [
        ("", "期間が空です"),
        ("   ", "期間が空です"),
        ("abc", "2019-04 や 令和元年5月"),
        ("2019年13月", "月は1〜12"),
        ("2019-00", "月は1〜12"),
        ("201913", "月は1〜12"),
        ("1899-12", "1900〜2200"),
        ("2201-01", "1900〜2200"),
        ("FY2201", "1900〜2200"),
        ("令和元年4月", "令和の期間外"),
        ("平成31年5月", "平成の期間外"),
        ("平成32年度", "平成の期間外"),
        ("平成31年度第2四半期", "平成の期間外"),
        ("令和0年5月", "元年（1年）から"),
        ("S60.4", "平成と令和のみ"),
        ("昭和64年1月", "平成と令和のみ"),
        ("T1.1", "平成と令和のみ"),
        ("M45.7", "平成と令和のみ"),
        ("2019", "年だけでは"),
        ("令和元年", "年だけでは"),
        ("2019-04-15", "月の1日"),
        ("2019-02-30", "存在しません"),
        ("2019年度第5四半期", "2019-04 や"),
        ("FY2019Q0", "2019-04 や"),
        ("2019/4/1 9:30", "2019-04 や"),
        ("2019-4-1-1", "2019-04 や"),
    ],
)
def test_rejections_say_why(text: str, reason_ja: str) -> None:
    with pytest.raises(PeriodError) as info:
        parse_period(text)
    assert reason_ja in info.value.reason_ja
    assert info.value.reason_en
    assert str(info.value) == f"{info.value.reason_ja} / {info.value.reason_en}"


def test_example_message_is_polite_and_quotes_the_text() -> None:
    with pytest.raises(PeriodError) as info:
        parse_period("2019年13月")
    assert info.value.reason_ja.startswith("期間「2019年13月」を解釈できません。")
    assert 'Cannot read period "2019年13月"' in info.value.reason_en


def test_non_period_objects_are_rejected_cleanly() -> None:
    with pytest.raises(PeriodError):
        parse_period(dt.datetime(2019, 4, 1, 9, 30))
    with pytest.raises(PeriodError):
        parse_period(dt.date(2019, 4, 2))
    with pytest.raises(PeriodError):
        parse_period(2019.04)  # type: ignore[arg-type]


def test_period_invariant() -> None:
    with pytest.raises(ValueError):
        Period(D(2019, 4, 2), "month")
    with pytest.raises(ValueError):
        Period(D(2019, 5, 1), "quarter")
    with pytest.raises(ValueError):
        Period(D(2019, 1, 1), "fiscal_year")


@pytest.mark.parametrize(
    ("d", "fy"),
    [(D(2019, 4, 1), 2019), (D(2020, 3, 31), 2019), (D(2019, 3, 31), 2018), (D(2020, 1, 1), 2019)],
)
def test_fiscal_year_of(d: dt.date, fy: int) -> None:
    assert fiscal_year_of(d) == fy


@pytest.mark.parametrize(
    ("p", "end", "text"),
    [
        (Period(D(2019, 4, 1), "month"), D(2019, 4, 30), "2019-04"),
        (Period(D(2020, 2, 1), "month"), D(2020, 2, 29), "2020-02"),
        (Period(D(2019, 12, 1), "month"), D(2019, 12, 31), "2019-12"),
        (Period(D(2019, 4, 1), "quarter"), D(2019, 6, 30), "FY2019Q1"),
        (Period(D(2020, 1, 1), "quarter"), D(2020, 3, 31), "FY2019Q4"),
        (Period(D(2019, 4, 1), "fiscal_year"), D(2020, 3, 31), "FY2019"),
    ],
)
def test_period_end_and_format(p: Period, end: dt.date, text: str) -> None:
    assert period_end(p) == end
    assert format_period(p) == text
    assert parse_period(text) == p


def _era_forms(year: int, month: int) -> list[str]:
    """Return the era spellings of a month, for the era in force that month."""
    if (1989, 1) <= (year, month) <= (2019, 4):
        n, long, short = year - 1988, "平成", "H"
    elif (year, month) >= (2019, 5):
        n, long, short = year - 2018, "令和", "R"
    else:
        return []
    first = "元" if n == 1 else str(n)
    return [f"{long}{first}年{month}月", f"{short}{n}.{month}", f"{short.lower()}{n}/{month}"]


@settings(max_examples=200, deadline=None)
@given(year=st.integers(1900, 2200), month=st.integers(1, 12))
def test_every_month_style_round_trips(year: int, month: int) -> None:
    expected = Period(D(year, month, 1), "month")
    styles = [
        f"{year}-{month:02d}",
        f"{year}/{month}",
        f"{year}{month:02d}",
        f"{year}年{month}月",
        fullwidth(f"{year}年{month}月"),
        f"{year}-{month:02d}-01",
        f"{year}/{month}/1",
        *_era_forms(year, month),
    ]
    for text in styles:
        assert parse_period(text) == expected, text
    assert parse_period(D(year, month, 1)) == expected
    assert parse_period(dt.datetime(year, month, 1)) == expected
    assert parse_period(format_period(expected)) == expected


@settings(max_examples=200, deadline=None)
@given(fy=st.integers(1900, 2200), quarter=st.integers(1, 4))
def test_every_fiscal_style_round_trips(fy: int, quarter: int) -> None:
    year_p = Period(D(fy, 4, 1), "fiscal_year")
    q_start = D(fy + (quarter == 4), (4 + 3 * (quarter - 1) - 1) % 12 + 1, 1)
    quarter_p = Period(q_start, "quarter")
    for text in (f"{fy}年度", f"FY{fy}", fullwidth(f"FY{fy}")):
        assert parse_period(text) == year_p
    for text in (f"{fy}年度第{quarter}四半期", f"FY{fy}Q{quarter}", fullwidth(f"FY{fy}Q{quarter}")):
        assert parse_period(text) == quarter_p
    if 1989 <= fy <= 2019:
        assert parse_period(f"平成{'元' if fy == 1989 else fy - 1988}年度") == year_p
    if fy >= 2019:
        assert parse_period(f"令和{'元' if fy == 2019 else fy - 2018}年度") == year_p
        assert parse_period(f"R{fy - 2018}年度") == year_p
    assert period_end(quarter_p) <= period_end(year_p)
    assert fiscal_year_of(quarter_p.start) == fy


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.text(max_size=30),
        st.from_regex(
            r"(平成|令和|昭和|[HRSFhrs]|FY)?[0-9元０-９]{0,5}[年./\-]?[0-9]{0,3}"
            r"(月|年度|日|Q[0-9]|第[0-9一]四半期)?",
            fullmatch=True,
        ),
    )
)
def test_random_text_only_raises_period_error(text: str) -> None:
    try:
        p = parse_period(text)
    except PeriodError as exc:
        assert exc.reason_ja and exc.reason_en
    else:
        assert 1900 <= p.start.year <= 2201  # FY2200Q4 begins in January 2201
