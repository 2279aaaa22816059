"""Small trend charts of an indicator's figures: an inline SVG sparkline for HTML and a
line of block characters for Markdown and Excel."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape

_BLOCKS = "▁▂▃▄▅▆▇█"
# The last figures only: a sparkline is read for its direction, not its history.
TEXT_POINTS = 12
SVG_POINTS = 36


def _scale(values: Sequence[float], low: float, high: float) -> list[float]:
    """Each value's place between the lowest and highest, 0 to 1 (0.5 when all are equal)."""
    lo, hi = min(values), max(values)
    if hi == lo:
        return [0.5 for _ in values]
    return [low + (v - lo) / (hi - lo) * (high - low) for v in values]


def text_sparkline(series: Sequence[tuple[dt.date, float]], points: int = TEXT_POINTS) -> str:
    """The last `points` figures as block characters, e.g. '▁▂▄▆█'; '' without figures."""
    values = [v for _, v in series[-points:]]
    if not values:
        return ""
    top = len(_BLOCKS) - 1
    return "".join(_BLOCKS[round(s * top)] for s in _scale(values, 0.0, 1.0))


def svg_sparkline(
    series: Sequence[tuple[dt.date, float]],
    title: str,
    width: int = 120,
    height: int = 28,
    points: int = SVG_POINTS,
) -> str:
    """The last `points` figures as an inline SVG line, the latest dotted; '' if none."""
    # Only numbers and the escaped title go into the markup, so it may be inlined as is.
    values = [v for _, v in series[-points:]]
    if not values:
        return ""
    pad = 3.0
    ys = _scale(values, height - pad, pad)  # SVG's y grows downwards
    step = (width - 2 * pad) / (len(values) - 1) if len(values) > 1 else 0.0
    xs = [pad + i * step for i in range(len(values))] if len(values) > 1 else [width / 2]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys, strict=True))
    first, last = series[-len(values)][0], series[-1][0]
    label = escape(f"{title} ({first:%Y-%m}–{last:%Y-%m})")
    return (
        f'<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}"'
        f' role="img" aria-label="{label}"><title>{label}</title>'
        f'<polyline points="{path}" fill="none" stroke="#1f4e79" stroke-width="1.5"'
        ' stroke-linejoin="round" stroke-linecap="round"/>'
        f'<circle cx="{xs[-1]:.1f}" cy="{ys[-1]:.1f}" r="2.2" fill="#c0504d"/></svg>'
    )
