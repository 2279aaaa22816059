"""The upload files and the catalog the benches load: municipalities × 48 monthly bench
indicators × 12 months, written either as the template asks (`clean`) or as offices write
them (`messy`: 和暦, 2019年4月, R1.5, "12,345", ~10 % full-width, 3 % bad rows)."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CATALOG = REPO / "indicators" / "catalog"

MUNICIPALITIES = 1741
INDICATORS = 48
MONTHS = [(2025 + (m >= 9), (m + 3) % 12 + 1) for m in range(12)]  # 2025-04 … 2026-03
# The day the benches live on (SHIHYO_NOW): every month above is in the past.
BENCH_NOW = "2026-11-30T09:00:00"
# A bad row in this many: unreadable figures and periods, unknown indicators, negative
# figures under a minimum of 0, duplicated rows (both copies refused), future periods.
BAD_SHARE = 0.03

_KANJI = "青葉緑丘川山田浜松竹梅桜岡原野森宮沢谷井石本中北南東西"
_PREFECTURES = 47
_FULL_WIDTH = str.maketrans("0123456789,.-/", "０１２３４５６７８９，．－／")


def municipality_code(prefecture: int, number: int) -> str:
    """A 6-digit local government code (全国地方公共団体コード) with its check digit."""
    body = f"{prefecture:02d}{number:03d}"
    total = sum(int(d) * w for d, w in zip(body, (6, 5, 4, 3, 2), strict=True))
    check = (11 - total % 11) % 10
    return f"{body}{check}"


def municipalities(count: int, rng: random.Random) -> list[tuple[str, float]]:
    """(org_unit, size factor) for `count` synthetic municipalities: '141003 青葉市'."""
    out = []
    for i in range(count):
        prefecture = i % _PREFECTURES + 1
        k = i // _PREFECTURES
        suffix = "市" if k < 17 else ("町" if k < 32 else "村")
        number = 201 + k if suffix == "市" else 300 + k * 2
        name = "".join(rng.choice(_KANJI) for _ in range(2)) + suffix
        size = rng.lognormvariate(0, 1.2) * {"市": 10, "町": 2, "村": 0.5}[suffix]
        out.append((f"{municipality_code(prefecture, number)} {name}", size))
    return out


def indicator_specs() -> list[dict]:
    """The 48 synthetic monthly indicators: a mix of stocks, flows, cumulative totals, rates."""
    kinds = ("stock", "flow", "cumulative", "rate")
    return [
        {
            "id": f"bench_ind_{n:02d}",
            "kind": kinds[(n - 1) % 4],
            "scale": 10 ** (1 + n % 4),
            "commas": n % 3 == 0,  # some sections send Excel-formatted 1,234
        }
        for n in range(1, INDICATORS + 1)
    ]


def _era_year(year: int, month: int) -> tuple[str, int]:
    """The era and its year of a month (令和 from May 2019)."""
    if (year, month) >= (2019, 5):
        return "令和", year - 2018
    return "平成", year - 1988


def _period_text(year: int, month: int, rng: random.Random) -> str:
    """A month as offices write it: 2025-04, 2025年4月, 令和7年4月, R7.4, 2025/4, 202504."""
    pick = rng.random()
    if pick < 0.40:
        return f"{year}-{month:02d}"
    if pick < 0.55:
        return f"{year}年{month}月"
    era, era_year = _era_year(year, month)
    if pick < 0.70:
        return f"{era}{'元' if era_year == 1 else era_year}年{month}月"
    if pick < 0.80:
        return f"{'R' if era == '令和' else 'H'}{era_year}.{month}"
    if pick < 0.90:
        return f"{year}/{month}"
    return f"{year}{month:02d}"


def _bad_row(
    kind: int, spec_id: str, period: str, text: str, org: str, rng: random.Random
) -> tuple[str, str, str, str]:
    """One bad row of five kinds (a duplicate is made by the caller)."""
    if kind == 0:
        return spec_id, period, rng.choice(["12件", "1.2万", "-", "不明", "約1200"]), org
    if kind == 1:
        return spec_id, rng.choice(["2025年13月", "来月", "R7.15", "43556"]), text, org
    if kind == 2:
        return "bench_ind_99", period, text, org
    if kind == 3:
        return spec_id, period, "△5", org
    return spec_id, rng.choice(["2027-01", "令和9年2月"]), text, org


def write_upload(path: Path, rows: int, messy: bool = False, seed: int = 20260401) -> int:
    """Write the upload file with `rows` data rows (the template header); return how many of
    them are bad (0 for a clean file). Values are plausible for their kind."""
    rng = random.Random(seed)
    per_unit = INDICATORS * len(MONTHS)
    units = municipalities(max(MUNICIPALITIES, -(-rows // per_unit)), rng)
    specs = indicator_specs()
    written = bad = 0
    last: str | None = None
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("indicator_id,period,value,org_unit,note\r\n")
        lines: list[str] = []
        for org, size in units:
            for spec in specs:
                level = size * spec["scale"] * rng.uniform(0.5, 1.5)
                for year, month in MONTHS:
                    if written == rows:
                        break
                    if spec["kind"] == "rate":
                        text = f"{round(min(100.0, rng.uniform(40, 99)), 1)}"
                    else:
                        if spec["kind"] == "cumulative":
                            level += rng.uniform(0, size * spec["scale"] * 0.05)
                            figure = int(level)
                        elif spec["kind"] == "flow":
                            figure = int(level * rng.uniform(0.7, 1.3))
                        else:
                            level *= rng.uniform(0.98, 1.03)
                            figure = int(level)
                        text = f"{figure:,}" if spec["commas"] and figure >= 1000 else str(figure)
                    note = "速報値" if rng.random() < 0.02 else ""
                    ident, period = spec["id"], f"{year}-{month:02d}"
                    if messy:
                        period = _period_text(year, month, rng)
                        if rng.random() < 0.10:  # typed with the IME in full-width mode
                            period, text = (
                                period.translate(_FULL_WIDTH),
                                text.translate(_FULL_WIDTH),
                            )
                        draw = rng.random()
                        if draw < BAD_SHARE * 0.9 or (last and draw < BAD_SHARE):
                            if draw >= BAD_SHARE * 0.9:  # a row sent twice: both refused
                                lines.append(last)  # type: ignore[arg-type]
                                written, bad = written + 1, bad + 2
                                last = None
                                continue
                            kind = rng.randrange(5)
                            ident, period, text, org_cell = _bad_row(
                                kind, ident, period, text, org, rng
                            )
                            bad += 1
                            lines.append(_line(ident, period, text, org_cell, note))
                            written += 1
                            last = None
                            continue
                    line = _line(ident, period, text, org, note)
                    lines.append(line)
                    last = line
                    written += 1
                if len(lines) > 50_000:
                    out.write("".join(lines))
                    lines.clear()
        out.write("".join(lines))
    return bad


def _line(ident: str, period: str, text: str, org: str, note: str) -> str:
    value = f'"{text}"' if "," in text else text
    return f"{ident},{period},{value},{org},{note}\r\n"


def write_month(path: Path, rows: int = 48, seed: int = 7) -> None:
    """A month's file as a section sends it: `rows` figures of October 2026 for the bench
    indicators (two municipalities each when there are more rows than indicators); another
    `seed` gives other values (a corrected file: every figure revised)."""
    rng = random.Random(seed)
    units = municipalities(max(1, -(-rows // INDICATORS)), rng)
    lines = ["indicator_id,period,value,org_unit,note"]
    for k in range(rows):
        spec = indicator_specs()[k % INDICATORS]
        org = units[k // INDICATORS][0]
        value = rng.randint(40, 99) if spec["kind"] == "rate" else rng.randint(100, 90_000)
        lines.append(f"{spec['id']},令和8年10月,{value},{org},")
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")


def write_catalog(folder: Path, catalog: Path = CATALOG) -> None:
    """A catalog (the package's, or another code base's) plus the 48 bench indicators, owned
    by 情報企画課."""
    import yaml

    folder.mkdir(parents=True, exist_ok=True)
    for source in catalog.glob("*.yaml"):
        shutil.copy(source, folder / source.name)
    path = folder / "indicators.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for spec in indicator_specs():
        rate = spec["kind"] == "rate"
        data["indicators"].append(
            {
                "id": spec["id"],
                "name": f"ベンチマーク指標{spec['id'][-2:]}",
                "name_en": f"Benchmark indicator {spec['id'][-2:]}",
                "unit": "%" if rate else "件",
                "unit_en": "percent" if rate else "items",
                "frequency": "monthly",
                "kind": "stock" if rate else spec["kind"],
                "direction": "higher",
                "owner": "joho-kikaku",
                "min_value": 0,
                **({"max_value": 100} if rate else {}),
                "initiatives": ["28"],
                "baseline": {"value": 1, "date": "2025-03-31", "source": "synthetic (bench)"},
            }
        )
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
