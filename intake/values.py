"""Numbers as KPI owners write them (12,345 / １２，３４５ / △123 / Excel cells) turned into
floats, refusing anything ambiguous."""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal

from kernel.errors import BilingualError

# △ and ▲ are the Japanese accounting marks for a negative amount; U+2212 is the
# typographic minus that Word and some Excel fonts produce.
_NEGATIVE_MARKS = ("-", "−", "△", "▲")
_NUMBER = re.compile(r"(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?")
_NUMBER_TEXT = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_EXPONENT = re.compile(_NUMBER_TEXT + r"[eE][+-]?\d+")
# Japanese powers of ten written after a number: 1.2万 is 12000.
_UNITS = {"十": 10, "百": 100, "千": 1_000, "万": 10_000, "億": 10**8, "兆": 10**12}
_WITH_UNIT = re.compile(rf"(?P<num>{_NUMBER_TEXT})\s*(?P<unit>[十百千万億兆]+)(?P<rest>.*)")
_WITH_SUFFIX = re.compile(rf"(?P<num>{_NUMBER_TEXT})\s*(?P<rest>[^\d\s,.][^\d]*)")
_WITH_PREFIX = re.compile(rf"(?P<word>[^\d\s,.+\-−△▲]+)\s*(?P<num>{_NUMBER_TEXT})")
# Marks and words offices write where a figure is missing: not numbers, and not zero.
_PLACEHOLDERS = {
    "-", "－", "―", "—", "‐", "ー", "...", "…", "*", "＊", "x", "×", "#", "n/a", "na", "null",
    "none", "不明", "未定", "未集計", "集計中", "調査中", "非公表", "秘匿", "該当なし", "なし",
    "空欄", "欠測", "-----",
}  # fmt: skip
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
        raise _fail(text.strip(), *_why_not(body, s))
    number = float(m.group(0).replace(",", ""))
    return _finite(text.strip(), sign * number)


def _plain(number: Decimal) -> str:
    """Return a Decimal as digits without exponent or trailing zeros: 12000, 0.5."""
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _why_not(body: str, whole: str = "") -> tuple[str, str]:
    """Return the most helpful Japanese and English reason a body is not a number: what
    was found (a placeholder, exponent notation, a Japanese unit, a word) and what to write."""
    if whole.casefold() in _PLACEHOLDERS or body.casefold() in _PLACEHOLDERS:
        return (
            "データがないことを表す記号・言葉で、数値ではありません。値が分からない行は送らず、"
            "分かってから数値で送ってください（0 なら 0 と書いてください）。",
            "it is a mark for a missing figure, not a number. Leave the row out until the "
            "figure is known (write 0 for zero).",
        )
    if _EXPONENT.fullmatch(body):
        return (
            "指数表記（1.23E+11 など）は受け付けません。Excel が桁を丸めて表示した値の"
            "おそれがあります。セルの書式を「数値」にして、すべての桁を書いてください。",
            "exponent notation (like 1.23E+11) is not accepted: Excel may have rounded the "
            "figure to show it. Format the cell as a number and write every digit.",
        )
    unit = _WITH_UNIT.fullmatch(body)
    if unit is not None and unit["unit"] in _UNITS:
        meant = Decimal(unit["num"].replace(",", "")) * _UNITS[unit["unit"]]
        plain = _plain(meant)
        return (
            f"日本語の単位「{unit['unit']}」が付いています。数字だけで書いてください"
            f"（{unit['num']}{unit['unit']} なら {plain}）。",
            f"it has the Japanese unit '{unit['unit']}'; write the number alone "
            f"({unit['num']}{unit['unit']} is {plain}).",
        )
    suffix = _WITH_SUFFIX.fullmatch(body)
    if suffix is not None:
        rest = suffix["rest"].strip()
        return (
            f"数値の後に「{rest}」が付いています。単位や語を付けず、数字だけを送ってください"
            f"（{suffix['num']}{rest} なら {suffix['num']}）。",
            f"'{rest}' follows the number; send the number alone, without unit or word "
            f"({suffix['num']} for {suffix['num']}{rest}).",
        )
    prefix = _WITH_PREFIX.fullmatch(body)
    if prefix is not None:
        return (
            f"数値の前に「{prefix['word']}」が付いています。数字だけを送ってください"
            f"（{prefix['word']}{prefix['num']} なら {prefix['num']}）。",
            f"'{prefix['word']}' comes before the number; send the number alone ({prefix['num']}).",
        )
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
