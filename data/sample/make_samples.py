"""Write the SYNTHETIC sample figures in data/sample/: one upload file per owner
section and fiscal year, in the upload format `indicator_id, period, value,
org_unit, note`, and the schedule on which they are sent (synthetic_sends.csv):
history up to March 2019 carried over on the day monitoring began, then each
section's figures month by month around the 5th of the following month, a few
late, one revised. Deterministic (fixed seed); anchored on the report's figures
(591 Wi-Fi units at 513 facilities by 2019-03, about 560,000 e-tax payments a
year, about 1.2 million registrations on 2019-02-18, 5 open-data services at
the end of 2018-12, running cost 72 → 60 億円, 162 → 110 systems, about 2,200
tablets). Everything else is invented to exercise the product.

Run: python data/sample/make_samples.py
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import math
import random
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20190318
LAST_MONTH = dt.date(2026, 10, 1)  # the newest month the samples report
HEADER_EN = ["indicator_id", "period", "value", "org_unit", "note"]
# One section sends its files the way many offices do: Excel's CSV (CP932),
# Japanese headers and 和暦 periods. The rest use the plain template.
HEADER_JA = ["指標ID", "年月", "実績値", "組織", "備考"]
JAPANESE_STYLE_OWNERS = {"zeimu-shido"}


def months(first: dt.date, last: dt.date = LAST_MONTH) -> Iterator[dt.date]:
    current = first
    while current <= last:
        yield current
        current = dt.date(current.year + current.month // 12, current.month % 12 + 1, 1)


def fiscal_year(day: dt.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def interpolate(points: list[tuple[dt.date, float]], day: dt.date) -> float:
    """Piecewise-linear value through the anchor points (flat beyond the ends)."""
    if day <= points[0][0]:
        return points[0][1]
    for (d0, v0), (d1, v1) in itertools.pairwise(points):
        if d0 <= day <= d1:
            return v0 + (v1 - v0) * (day - d0).days / (d1 - d0).days
    return points[-1][1]


def wareki_month(day: dt.date) -> str:
    """令和/平成 year and month as offices write them."""
    if day >= dt.date(2019, 5, 1):
        year = day.year - 2018
        return f"令和{'元' if year == 1 else year}年{day.month}月"
    return f"平成{day.year - 1988}年{day.month}月"


def monthly_rows(rng: random.Random) -> list[tuple[str, dt.date, float, str]]:
    """(indicator, month, value, note) for the monthly and quarterly indicators."""
    rows: list[tuple[str, dt.date, float, str]] = []
    wifi = [
        (dt.date(2015, 4, 1), 120),
        (dt.date(2019, 3, 1), 591),
        (dt.date(2023, 3, 1), 668),
        (LAST_MONTH, 720),
    ]
    sites = [
        (dt.date(2015, 4, 1), 110),
        (dt.date(2019, 3, 1), 513),
        (dt.date(2023, 3, 1), 575),
        (LAST_MONTH, 604),
    ]
    for month in months(dt.date(2015, 4, 1)):
        units = round(interpolate(wifi, month))
        rows.append(("wifi_access_points", month, units, ""))
        rows.append(("wifi_facilities", month, min(units, round(interpolate(sites, month))), ""))

    # e-tax: launched April 2015; yearly totals grow, May carries the car tax peak.
    yearly = [
        (dt.date(2015, 4, 1), 380_000),
        (dt.date(2018, 4, 1), 560_000),
        (dt.date(2022, 4, 1), 690_000),
        (dt.date(2026, 4, 1), 770_000),
    ]
    season = [0.07, 0.26, 0.07, 0.06, 0.06, 0.06, 0.06, 0.06, 0.07, 0.07, 0.08, 0.08]
    for month in months(dt.date(2015, 4, 1)):
        fy_start = dt.date(fiscal_year(month), 4, 1)
        share = season[(month.month - 4) % 12]
        value = interpolate(yearly, fy_start) * share * rng.uniform(0.96, 1.04)
        rows.append(("etax_payments", month, round(value), ""))

    # マイME-BYOカルテ: a running total, about 1.2 million on 2019-02-18.
    regs = [
        (dt.date(2016, 4, 1), 150_000),
        (dt.date(2019, 2, 1), 1_195_000),
        (dt.date(2023, 3, 1), 2_040_000),
        (LAST_MONTH, 2_620_000),
    ]
    total = 0
    for month in months(dt.date(2016, 4, 1)):
        total = max(total, round(interpolate(regs, month) * rng.uniform(0.998, 1.002)))
        rows.append(("mebyo_registrations", month, total, ""))

    # Private services on prefectural open data: quarterly, 5 at the end of 2018-12.
    services = [(dt.date(2016, 4, 1), 0), (dt.date(2018, 10, 1), 5), (LAST_MONTH, 14)]
    index = LAST_MONTH.year * 12 + LAST_MONTH.month - 1 - 2  # the last quarter to end by then
    quarters_over = months(dt.date(2016, 4, 1), dt.date(index // 12, index % 12 + 1, 1))
    for month in quarters_over:  # a quarter is reported once it is over
        if month.month in (1, 4, 7, 10):
            rows.append(
                (
                    "opendata_private_services",
                    month,
                    math.floor(interpolate(services, month) + 0.5),
                    "",
                )
            )
    return rows


def fiscal_year_rows() -> list[tuple[str, int, float, str]]:
    """(indicator, fiscal year, value, note) for the fiscal-year indicators."""
    rows: list[tuple[str, int, float, str]] = []
    cost = {
        2013: 72,
        2014: 70,
        2015: 67,
        2016: 64,
        2017: 62,
        2018: 60,
        2019: 59,
        2020: 58.5,
        2021: 57,
        2022: 56,
        2023: 55.5,
        2024: 54,
        2025: 53.5,
        2026: 53,
    }
    systems = {
        2013: 162,
        2014: 150,
        2015: 139,
        2016: 128,
        2017: 118,
        2018: 110,
        2019: 112,
        2020: 115,
        2021: 117,
        2022: 118,
        2023: 120,
        2024: 121,
        2025: 123,
        2026: 124,
    }
    for fy, value in cost.items():
        rows.append(("system_running_cost", fy, value, "各年度4月時点"))
    for fy, value in systems.items():
        rows.append(("system_count", fy, value, "各年度4月時点"))
    # Shared tablets: about 1,600, then 600 more; retired from 2019-03 as mobile PCs came.
    tablets = {2015: 1600, 2016: 2200, 2017: 2200, 2018: 2200, 2019: 1400, 2020: 500}
    for fy in range(2021, 2026):
        tablets[fy] = 0
    for fy, value in tablets.items():
        rows.append(("tablets_deployed", fy, value, ""))
    for fy in range(2014, 2026):
        rows.append(("phone_line_savings", fy, 0.2, "電話回線の全庁一括契約"))
    return rows


OWNER_OF = {
    "wifi_access_points": "joho-kikaku",
    "wifi_facilities": "joho-kikaku",
    "etax_payments": "zeimu-shido",
    "mebyo_registrations": "healthcare-ict",
    "opendata_private_services": "data-suishin",
    "system_running_cost": "joho-kikaku",
    "system_count": "joho-kikaku",
    "tablets_deployed": "joho-kikaku",
    "phone_line_savings": "joho-kikaku",
}


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def build_files() -> dict[str, bytes]:
    """File name → bytes, one file per owner section and fiscal year."""
    rng = random.Random(SEED)
    by_file: dict[tuple[str, int], list[list[str]]] = {}
    for indicator, month, value, note in monthly_rows(rng):
        owner = OWNER_OF[indicator]
        period = wareki_month(month) if owner in JAPANESE_STYLE_OWNERS else f"{month:%Y-%m}"
        by_file.setdefault((owner, fiscal_year(month)), []).append(
            [indicator, period, _number(value), "", note]
        )
    for indicator, fy, value, note in fiscal_year_rows():
        owner = OWNER_OF[indicator]
        by_file.setdefault((owner, fy), []).append([indicator, f"FY{fy}", _number(value), "", note])

    files: dict[str, bytes] = {}
    for (owner, fy), rows in sorted(by_file.items()):
        japanese = owner in JAPANESE_STYLE_OWNERS
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\r\n" if japanese else "\n")
        writer.writerow(HEADER_JA if japanese else HEADER_EN)
        writer.writerows(rows)
        name = f"synthetic_FY{fy}_{owner}.csv"
        files[name] = buffer.getvalue().encode("cp932" if japanese else "utf-8")
    return files


# Monitoring began after the review: the figures up to March 2019 were carried over then.
MONITORING_BEGAN = dt.datetime(2019, 4, 26, 10, 0)
SEND_DAY, SEND_HOUR = (
    5,
    {"joho-kikaku": 9, "zeimu-shido": 10, "healthcare-ict": 11, "data-suishin": 14},
)
# A few figures sent late (section, period): on the 20th of the month after the due day's.
LATE = {
    ("zeimu-shido", dt.date(2023, 10, 1)),
    ("zeimu-shido", dt.date(2025, 3, 1)),
    ("healthcare-ict", dt.date(2024, 8, 1)),
}
# One correction: (indicator, period, corrected value, sent at).
REVISED = ("wifi_access_points", dt.date(2024, 6, 1), 3, dt.datetime(2024, 7, 16, 15, 0))
SENDS_FILE = "synthetic_sends.csv"
SENDS_HEADER = [
    "sent_at",
    "section",
    "file_name",
    "style",
    "indicator_id",
    "period",
    "value",
    "org_unit",
    "note",
]


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _sent_at(section: str, day_described: dt.date) -> dt.datetime:
    """Around the 5th of the month after the day a figure describes (late ones on the 20th)."""
    month = _next_month(day_described.replace(day=1))
    return dt.datetime(month.year, month.month, SEND_DAY, SEND_HOUR[section])


def build_sends() -> list[list[str]]:
    """The schedule: each figure with when, by whom and in which file it was sent."""
    rng = random.Random(SEED)
    figures: list[tuple[str, str, dt.date, dt.date, float, str]] = []  # (…, period, described)
    for indicator, month, value, note in monthly_rows(rng):
        end = _next_month(month) - dt.timedelta(days=1)
        if indicator == "opendata_private_services":
            end = _next_month(_next_month(_next_month(month))) - dt.timedelta(days=1)
        figures.append((indicator, OWNER_OF[indicator], month, end, value, note))
    for indicator, fy, value, note in fiscal_year_rows():
        as_of_april = indicator in ("system_running_cost", "system_count")
        described = dt.date(fy, 4, 30) if as_of_april else dt.date(fy + 1, 3, 31)
        figures.append((indicator, OWNER_OF[indicator], dt.date(fy, 4, 1), described, value, note))
    rows = []
    for indicator, section, period, described, value, note in figures:
        if described > _next_month(LAST_MONTH) - dt.timedelta(days=1):
            continue  # a period not over by the samples' last month: not sent yet
        if described < MONITORING_BEGAN.date():
            sent, name = MONITORING_BEGAN, f"{section}_history_to_2019-03.csv"
        else:
            sent = _sent_at(section, described)
            if (section, period) in LATE:
                sent = sent.replace(day=20)
            name = f"{section}_{sent:%Y-%m-%d}.csv"
        rows.append(_send_row(sent, section, name, indicator, period, value, note))
    indicator, period, delta, sent = REVISED
    first = next(r for r in rows if r[4] == indicator and r[5] == f"{period:%Y-%m}")
    value = float(first[6]) + delta
    rows.append(
        _send_row(
            sent,
            "joho-kikaku",
            f"joho-kikaku_{sent:%Y-%m-%d}_訂正.csv",
            indicator,
            period,
            value,
            "訂正（集計漏れ）",
        )
    )
    return sorted(rows, key=lambda r: (r[0], r[2], r[4], r[5]))


def _send_row(
    sent: dt.datetime,
    section: str,
    name: str,
    indicator: str,
    period: dt.date,
    value: float,
    note: str,
) -> list[str]:
    japanese = section in JAPANESE_STYLE_OWNERS
    yearly = indicator in FISCAL_YEAR_INDICATORS
    text = f"FY{period.year}" if yearly else wareki_month(period) if japanese else f"{period:%Y-%m}"
    return [
        sent.isoformat(timespec="minutes"),
        section,
        name,
        "ja" if japanese else "en",
        indicator,
        text,
        _number(value),
        "",
        note,
    ]


FISCAL_YEAR_INDICATORS = {
    "system_running_cost",
    "system_count",
    "tablets_deployed",
    "phone_line_savings",
}


def sends_csv() -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(SENDS_HEADER)
    writer.writerows(build_sends())
    return buffer.getvalue().encode("utf-8")


def main() -> None:
    for old in HERE.glob("synthetic_*.csv"):
        old.unlink()
    files = build_files()
    for name, data in files.items():
        (HERE / name).write_bytes(data)
    (HERE / SENDS_FILE).write_bytes(sends_csv())
    print(f"wrote {len(files)} synthetic sample files and their send schedule to {HERE}")


if __name__ == "__main__":
    main()
