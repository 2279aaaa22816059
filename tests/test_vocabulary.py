"""The one vocabulary and the one formatter: both languages say the same things, every
status and rule has its one name, and figures and dates read the same on every face."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest

from indicators.status import SEVERITY
from kernel import formatting
from kernel.vocabulary import LOCALE, Lang, catalog, read_words, rule_label, status_label, word

PLACEHOLDER = re.compile(r"\{(\w+)\}")
RULES = ("missed", "off_track", "at_risk", "late", "validation_failed", "no_indicator")


def test_both_catalogs_have_the_same_keys_and_placeholders() -> None:
    ja, en = catalog(Lang.ja), catalog(Lang.en)
    assert set(ja) == set(en)
    for key in ja:
        assert ja[key].strip() and en[key].strip(), key
        assert set(PLACEHOLDER.findall(ja[key])) == set(PLACEHOLDER.findall(en[key])), key


@pytest.mark.parametrize("lang", list(Lang))
def test_every_status_and_rule_has_one_name(lang: Lang) -> None:
    for status in SEVERITY:
        assert word(status, lang) != status
        assert status_label(status, lang).endswith(word(status, lang))
    names = {rule_label(rule, lang, icon=False) for rule in RULES}
    assert len(names) == len(RULES) and not any(name.startswith("rule_") for name in names)


def test_the_report_context_words_a_few_things_its_own_way() -> None:
    assert word("open", Lang.ja) == "詳細"  # the dashboard's link
    assert word("open", Lang.ja, "report") == "継続中"  # an open alert in the report
    assert word("plan_table", Lang.ja, "report") == word("plan_table", Lang.ja)
    assert word("no_such_key", Lang.en) == "no_such_key"  # a gap shows, it does not fail


@pytest.mark.parametrize(
    ("value", "lang", "text"),
    [
        (None, Lang.ja, "—"),
        (1234567, Lang.ja, "1,234,567"),
        (466666.7, Lang.en, "466,667"),  # past a hundred, decimals are noise
        (98.03, Lang.ja, "98.03"),
        (53.5, Lang.en, "53.5"),
        (0.2, Lang.ja, "0.2"),
        (-1500, Lang.en, "-1,500"),
    ],
)
def test_numbers_read_the_same_everywhere(value, lang: Lang, text: str) -> None:
    assert formatting.number(value, lang) == text


def test_dates_and_shares_in_both_languages() -> None:
    day = dt.date(2026, 11, 29)
    assert formatting.long_date(day, Lang.ja) == "2026年11月29日"
    assert formatting.long_date(day, Lang.en) == "29 November 2026"
    assert formatting.percent(0.1287) == "12.9%"
    assert formatting.number(2.5, decimals=0) == "3"  # halves round up (四捨五入)
    assert formatting.number(0.125) == "0.13"


def test_words_are_kept_as_read_and_read_again_when_the_catalog_changes(tmp_path: Path) -> None:
    po = tmp_path / "shihyo.po"
    shutil.copy(LOCALE / "ja" / "LC_MESSAGES" / "shihyo.po", po)
    words = read_words(po, "ja")
    assert words == catalog(Lang.ja) and words[(None, "missed")] == "未達成"
    [kept] = (tmp_path / "__pycache__").glob("shihyo.po.*.json")
    # What is kept is what the next read returns (shown by changing it) …
    rows = json.loads(kept.read_text(encoding="utf-8"))
    rows = [[c, k, "（保存分）" if k == "missed" else v] for c, k, v in rows]
    kept.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    assert read_words(po, "ja")[(None, "missed")] == "（保存分）"
    # … until the catalog changes: read from the .po again, the stale copy gone.
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "未達成"', 'msgstr "未達"', 1))
    assert read_words(po, "ja")[(None, "missed")] == "未達"
    assert len(list((tmp_path / "__pycache__").glob("shihyo.po.*.json"))) == 1
    # A copy that cannot be read is read from the .po; a folder that cannot be written, too.
    [kept] = (tmp_path / "__pycache__").glob("shihyo.po.*.json")
    kept.write_text("{half", encoding="utf-8")
    assert read_words(po, "ja")[(None, "missed")] == "未達"
    shutil.rmtree(tmp_path / "__pycache__")
    (tmp_path / "__pycache__").write_text("a file, not a folder")
    assert read_words(po, "ja")[(None, "missed")] == "未達"
