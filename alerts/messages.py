"""One message per recipient per run: Japanese first, the English below, each alert
named with its indicator, target, actual against expected, owner, and a link."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from kernel.vocabulary import Lang, rule_label

LINES_PER_RULE = 15  # a digest names the first ones and counts the rest

# The rules in the order a message lists them, most urgent first.
RULE_ORDER = ("missed", "off_track", "at_risk", "late", "validation_failed", "no_indicator")


@dataclass(frozen=True)
class AlertLine:
    """What a message says about one alert."""

    alert_id: int
    rule: str
    summary: str
    summary_en: str
    indicator_id: str | None
    resolved: bool
    # what the owner has done or should do, said after the summary: an action recorded and
    # its due day, or (for a resolution) the figure that stands now
    note: str = ""
    note_en: str = ""


@dataclass(frozen=True)
class Message:
    recipient: str
    subject: str
    body: str
    alert_ids: list[int]


def indicator_link(dashboard_url: str, indicator_id: str) -> str:
    """The dashboard page of one indicator."""
    return f"{dashboard_url.rstrip('/')}/indicator?id={quote(indicator_id)}"


def upload_page(dashboard_url: str, section: str) -> str:
    """The upload desk with the section chosen (and its template to download)."""
    return f"{dashboard_url.rstrip('/')}/upload?section={quote(section)}"


def list_link(dashboard_url: str, rule: str) -> str:
    """The dashboard page that lists every alert of `rule` (initiatives without an indicator
    on the Initiatives page, the rest on the Alerts page)."""
    base = dashboard_url.rstrip("/")
    return f"{base}/initiatives?without=1" if rule == "no_indicator" else f"{base}/alerts"


def _capped(lines: list[AlertLine], rule: str, dashboard_url: str) -> tuple[list[str], list[str]]:
    """The Japanese and English lines naming the first LINES_PER_RULE alerts of a rule, and
    a line counting the rest with a link to the full list."""
    ja, en = [], []
    for line in lines[:LINES_PER_RULE]:
        link = (
            f"\n    {indicator_link(dashboard_url, line.indicator_id)}" if line.indicator_id else ""
        )
        note_ja = f"\n    → {line.note}" if line.note else ""
        note_en = f"\n    → {line.note_en}" if line.note_en else ""
        ja.append(f"  ・{line.summary}{note_ja}{link}")
        en.append(f"  - {line.summary_en}{note_en}{link}")
    rest = len(lines) - LINES_PER_RULE
    if rest > 0:
        where = list_link(dashboard_url, rule)
        ja.append(f"  ・ほか {rest} 件（一覧: {where}）")
        en.append(f"  - and {rest} more (the full list: {where})")
    return ja, en


def compose(
    recipient: str,
    recipient_name: str,
    recipient_name_en: str,
    lines: list[AlertLine],
    dashboard_url: str,
) -> Message:
    """The message for one recipient: new alerts by rule, then what has been resolved."""
    opened = [line for line in lines if not line.resolved]
    resolved = [line for line in lines if line.resolved]
    subject = (
        f"[shihyo] {recipient_name}: 新規アラート {len(opened)}件・解消 {len(resolved)}件"
        f" / {len(opened)} new, {len(resolved)} resolved"
    )
    ja = [f"{recipient_name} ご担当者様", ""]
    en = [f"To {recipient_name_en}", ""]
    for rule in RULE_ORDER:
        title, title_en = rule_label(rule, Lang.ja, False), rule_label(rule, Lang.en, False)
        mine = [line for line in opened if line.rule == rule]
        if not mine:
            continue
        ja.append(f"■ {title}（{len(mine)}件）")
        en.append(f"■ {title_en} ({len(mine)})")
        named_ja, named_en = _capped(mine, rule, dashboard_url)
        if rule == "late" and recipient:
            upload = upload_page(dashboard_url, recipient)
            named_ja.append(f"  アップロード（テンプレートもここから）: {upload}")
            named_en.append(f"  Upload (the template is there too): {upload}")
        ja += [*named_ja, ""]
        en += [*named_en, ""]
    if resolved:
        ja.append(f"■ 解消しました（{len(resolved)}件）")
        en.append(f"■ Resolved ({len(resolved)})")
        for line in resolved[:LINES_PER_RULE]:
            # The summary is what was told when it opened; the note says where it stands now.
            ja.append(f"  ・解消: {line.summary}" + (f"\n    → {line.note}" if line.note else ""))
            en.append(
                f"  - resolved: {line.summary_en}"
                + (f"\n    → {line.note_en}" if line.note_en else "")
            )
        if len(resolved) > LINES_PER_RULE:
            rest = len(resolved) - LINES_PER_RULE
            ja.append(f"  ・ほか {rest} 件")
            en.append(f"  - and {rest} more")
        ja.append("")
        en.append("")
    ja.append(f"ダッシュボード: {dashboard_url}")
    en.append(f"Dashboard: {dashboard_url}")
    body = "\n".join([*ja, "", "―" * 20, "", *en])
    return Message(recipient, subject, body, [line.alert_id for line in lines])
