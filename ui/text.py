"""The pages' words (from the one vocabulary, kernel/vocabulary.py), and how text from
users and files is shown safely."""

from __future__ import annotations

import re

from kernel.vocabulary import Lang, word


def t(key: str, lang: Lang | str, **values: object) -> str:
    """The page's word for `key` in `lang`, from the one vocabulary, filled with `values`."""
    return word(key, lang, **values)


def pick(lang: Lang | str, ja: str | None, en: str | None) -> str:
    """The English text in English when there is one, else the Japanese."""
    return (en or ja or "") if Lang(lang) is Lang.en else (ja or en or "")


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|:$~])")


def md_escape(text: object) -> str:
    """Text with every Markdown (and Streamlit directive) character escaped, safe to show."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")
