"""A failing row as the validation reports it, its value cut to a readable length."""

from __future__ import annotations

from dataclasses import dataclass

# What is echoed back (errors files, JSON, quarantine) is cut to this many characters.
ECHO_CHARS = 200


def short(text: str, limit: int = ECHO_CHARS) -> str:
    """`text` cut to `limit` characters, the last one "…"."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class RowFailure:
    """One rule one uploaded row broke, with the reason in Japanese and English; `value` is
    what was sent, cut to a readable length."""

    row: int
    column: str
    value: str
    rule: str
    reason_ja: str
    reason_en: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", short(self.value))
