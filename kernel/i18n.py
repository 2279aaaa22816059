"""Labels in Japanese (the default) and English, shared by the CLI and the app."""

from __future__ import annotations

from enum import StrEnum


class Lang(StrEnum):
    ja = "ja"
    en = "en"


LABELS: dict[str, tuple[str, str]] = {
    "plan_table": ("取組の実施結果（方針別）", "Initiative status by policy"),
    "coverage_table": ("指標の設定状況", "Indicator coverage of the initiatives"),
    "indicator_table": ("指標一覧", "Indicators"),
    "policy": ("方針", "Policy"),
    "area": ("取組項目", "Area"),
    "initiative": ("取組", "Initiative"),
    "initiatives": ("取組数", "Initiatives"),
    "indicator": ("指標", "Indicator"),
    "achieved": ("達成", "Achieved"),
    "in_progress": ("実施中", "In progress"),
    "changed": ("変更", "Changed"),
    "total": ("計", "Total"),
    "reported": ("報告書の数値", "As reported"),
    "mismatches": ("報告書の数値との不一致", "Differences from the reported counts"),
    "no_mismatch": (
        "取組一覧の集計は報告書の数値と一致しています。",
        "The item list agrees with the reported counts.",
    ),
    "with_indicator": ("指標あり", "With indicator"),
    "without_indicator": ("指標が未設定の取組", "Initiatives without an indicator"),
    "unit": ("単位", "Unit"),
    "frequency": ("頻度", "Frequency"),
    "kind": ("種別", "Kind"),
    "owner": ("担当", "Owner"),
    "baseline": ("基準値", "Baseline"),
    "targets": ("目標", "Targets"),
    "monthly": ("月次", "monthly"),
    "quarterly": ("四半期", "quarterly"),
    "fiscal_year": ("年度", "fiscal year"),
    "stock": ("時点値", "stock"),
    "flow": ("期間計", "flow"),
    "cumulative": ("累計", "cumulative"),
    "illustrative_note": (
        "* 印の目標は説明用の仮の値であり、県の目標ではありません。",
        "* Targets marked so are illustrative, not the prefecture's.",
    ),
}


# Statuses read by label and icon as well as colour (grey print, colour-blind readers).
STATUS_ICONS: dict[str, str] = {
    "missed": "✕",
    "off_track": "▼",
    "late": "!",
    "at_risk": "△",
    "no_data": "–",
    "on_track": "○",
    "achieved": "◎",
    "no_target": "·",
    "no_indicator": "?",
}

LABELS.update(
    {
        "missed": ("未達成", "Missed"),
        "off_track": ("遅れ", "Off track"),
        "late": ("報告遅延", "Late"),
        "at_risk": ("要注意", "At risk"),
        "no_data": ("データなし", "No data"),
        "on_track": ("順調", "On track"),
        "no_target": ("目標なし", "No target"),
        "no_indicator": ("指標なし", "No indicator"),
        "status_table": ("目標の達成状況", "Targets"),
        "target": ("目標値", "Target"),
        "due": ("期限", "Due"),
        "actual": ("実績", "Actual"),
        "expected": ("想定", "Expected"),
        "forecast": ("到達見込み", "Forecast"),
        "last_period": ("最新期間", "Latest period"),
        "as_of": ("基準日", "As of"),
        "status": ("状況", "Status"),
    }
)


def status_label(status: str, lang: Lang | str = Lang.ja) -> str:
    """Icon and label of a status, e.g. '△ 要注意'."""
    return f"{STATUS_ICONS.get(status, '')} {label(status, lang)}".strip()


def label(key: str, lang: Lang | str = Lang.ja) -> str:
    """The label for `key` in `lang` (the key itself when unknown, so a gap shows)."""
    ja, en = LABELS.get(key, (key, key))
    return en if Lang(lang) is Lang.en else ja
