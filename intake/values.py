"""Numbers as KPI owners write them (12,345 / １２，３４５ / △123 / Excel cells) turned into
floats, refusing anything ambiguous."""

from __future__ import annotations

import math
import re
import unicodedata

from kernel.errors import BilingualError

# △ and ▲ are the Japanese accounting marks for a negative amount; U+2212 is the
# typographic minus that Word and some Excel fonts produce.
_NEGATIVE_MARKS = ("-", "−", "△", "▲")
_NUMBER = re.compile(
    r"(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?(?P<exp>[eE][+-]?\d{1,3})?",
)
_HINT_JA = "12345 や 12,345.5 の形で入力してください。"
_HINT_EN = "write it like 12345 or 12,345.5."


class ValueParseError(BilingualError, ValueError):
    """A value that cannot be read as a number, with the reason in Japanese and English."""


def _fail(shown: str, why_ja: str, why_en: str) -> ValueParseError:
    """Return a ValueParseError quoting the value with a reason."""
    shown = shown if len(shown) <= 40 else shown[:39] + "…"
    return ValueParseError(
        f"値「{shown}」を数値として読めません。{why_ja}",
        f'Cannot read value "{shown}" as a number: {why_en}',
    )


def _finite(shown: str, number: float) -> float:
    """Return `number` if finite, else raise."""
    if not math.isfinite(number):
        raise _fail(shown, "有限の数値を入力してください。", "it must be a finite number.")
    return number


def parse_value(text: str | int | float) -> float:
    """Return the number written in `text` (or held by a numeric cell) as a float."""
    if isinstance(text, bool):
        raise _fail(str(text), "真偽値は数値ではありません。", "a boolean is not a number.")
    if isinstance(text, int):
        try:
            return _finite(str(text), float(text))
        except OverflowError:
            raise _fail(str(text)[:40], "桁数が大きすぎます。", "it is too large.") from None
    if isinstance(text, float):
        return _finite(repr(text), text)
    if not isinstance(text, str):
        raise _fail(
            repr(text), "文字列でも数値でもありません。", "it is neither text nor a number."
        )
    # NFKC turns full-width digits, commas, points and spaces into their ASCII forms.
    s = unicodedata.normalize("NFKC", text).strip()
    if not s:
        raise ValueParseError("値が空です。" + _HINT_JA, "The value is empty; " + _HINT_EN)
    if s.endswith("%"):
        raise _fail(
            text.strip(),
            "割合（%）は受け付けていません。"
            "% を付けずに数値だけを送ってください（83.77% なら 83.77）。",
            "percentages are not accepted; send the number without % (83.77 for 83.77%).",
        )
    body, sign = s, 1.0
    if body.startswith(_NEGATIVE_MARKS):
        body, sign = body[1:].lstrip(), -1.0
    elif body.startswith("+"):
        body = body[1:].lstrip()
    m = _NUMBER.fullmatch(body)
    if m is None:
        raise _fail(text.strip(), *_why_not(body))
    number = float(m.group(0).replace(",", ""))
    return _finite(text.strip(), sign * number)


def _why_not(body: str) -> tuple[str, str]:
    """Return the most helpful Japanese and English reason a body is not a number."""
    digits_and_marks = re.fullmatch(r"[\d,.]+", body) is not None
    if digits_and_marks and body.count(".") > 1:
        return "小数点が2つ以上あります。", "it has more than one decimal point."
    if digits_and_marks and "," in body:
        return (
            "桁区切りのカンマの位置が正しくありません（3桁ごとに区切ってください）。",
            "the thousands separators are misplaced (group digits by three).",
        )
    if body.lower().lstrip("+-") in {"nan", "inf", "infinity"}:
        return "有限の数値を入力してください。", "it must be a finite number."
    if body.startswith((*_NEGATIVE_MARKS, "+")):
        return "符号が2つ以上あります。", "it has more than one sign."
    return _HINT_JA, _HINT_EN
