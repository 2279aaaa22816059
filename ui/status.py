"""Status colours, defined once for every page: each status is shown by icon and label as
well as colour, so that it reads in grey print and for colour-blind readers."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from indicators.status import SEVERITY
from kernel.vocabulary import Lang, status_label
from ui.text import t

# (Streamlit badge colour, chart colour, light cell tint). Hues follow the urgency: red and
# orange for what needs action, blue and green for what is fine, grey for no verdict.
STATUS_STYLE: dict[str, tuple[str, str, str]] = {
    "missed": ("red", "#B71C1C", "#F8D0D0"),
    "off_track": ("orange", "#E65100", "#FDDCBF"),
    "incomplete": ("violet", "#6A1B9A", "#E6D4F0"),
    "late": ("violet", "#6A1B9A", "#E6D4F0"),  # the mark beside a status, and its alerts
    "at_risk": ("yellow", "#B8860B", "#FBEFB8"),
    "no_data": ("gray", "#757575", "#E6E6E6"),
    "on_track": ("blue", "#1565C0", "#D3E4F7"),
    "achieved": ("green", "#2E7D32", "#D4EDD5"),
    "no_target": ("gray", "#9E9E9E", "#F0F0F0"),
    "no_indicator": ("gray", "#616161", "#E0E0E0"),
}

# The plan's own statuses of initiatives (達成 / 実施中 / 変更), with their icons.
PLAN_STYLE: dict[str, tuple[str, str, str]] = {
    "achieved": ("◎", "green", "#D4EDD5"),
    "in_progress": ("○", "blue", "#D3E4F7"),
    "changed": ("◇", "orange", "#FDDCBF"),
}


def badge_color(status: str) -> str:
    """The Streamlit badge colour of a target status."""
    return STATUS_STYLE.get(status, STATUS_STYLE["no_data"])[0]


def badge(status: str, lang: Lang) -> str:
    """A Markdown badge with icon and label, e.g. ':red-badge[✕ 未達成]'."""
    return f":{badge_color(status)}-badge[{status_label(status, lang)}]"


def plan_label(status: str, lang: Lang) -> str:
    """Icon and label of an initiative's status in the plan, e.g. '◎ 達成'."""
    return f"{PLAN_STYLE[status][0]} {t(status, lang)}"


def plan_badge(status: str, lang: Lang) -> str:
    """A Markdown badge of an initiative's status in the plan."""
    return f":{PLAN_STYLE[status][1]}-badge[{plan_label(status, lang)}]"


def severity_rank(status: str) -> int:
    """Position of `status` in the order of urgency (missed first)."""
    return SEVERITY.index(status) if status in SEVERITY else len(SEVERITY)


def color_scale(lang: Lang, statuses: Sequence[str] = SEVERITY) -> alt.Scale:
    """An Altair colour scale over the status labels, in the order of urgency."""
    return alt.Scale(
        domain=[status_label(s, lang) for s in statuses],
        range=[STATUS_STYLE[s][1] for s in statuses],
    )


def style_status(frame: pd.DataFrame, column: str, codes: pd.Series) -> pd.io.formats.style.Styler:
    """The frame with `column` tinted by the status codes in `codes` (same index)."""
    tints = codes.map(lambda s: STATUS_STYLE.get(s, STATUS_STYLE["no_data"])[2])

    def paint(col: pd.Series) -> list[str]:
        if col.name != column:
            return [""] * len(col)
        return [f"background-color: {tints[i]}; color: #111" for i in col.index]

    return frame.style.apply(paint, axis=0)


def style_plan(frame: pd.DataFrame, column: str, codes: pd.Series) -> pd.io.formats.style.Styler:
    """The frame with `column` tinted by the initiatives' plan statuses in `codes`."""
    tints = codes.map(lambda s: PLAN_STYLE.get(s, ("", "", ""))[2])

    def paint(col: pd.Series) -> list[str]:
        if col.name != column:
            return [""] * len(col)
        return [f"background-color: {tints[i]}; color: #111" if tints[i] else "" for i in col.index]

    return frame.style.apply(paint, axis=0)


# Alert rules in the order a reader should act on them; a failed load waits on its sender.
ALERT_ORDER = ("missed", "off_track", "late", "validation_failed", "at_risk", "no_indicator")


def alert_rank(rule: str) -> int:
    """Position of an alert rule in the order of urgency."""
    return ALERT_ORDER.index(rule) if rule in ALERT_ORDER else len(ALERT_ORDER)


def alert_color(rule: str) -> str:
    """The status whose colour an alert rule is shown in."""
    return "late" if rule == "validation_failed" else rule
