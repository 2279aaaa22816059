"""The synthetic sample figures, sent as their schedule says (data/sample/synthetic_sends.csv):
each file rebuilt as its section writes it and loaded on the day it was sent, so that a
replay of any past day shows the figures as they stood then."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

# How a section writes its files: the template's English header as UTF-8, or Excel's
# Japanese CSV (CP932, CRLF, Japanese headers), as the tax office does.
_STYLES = {
    "en": (("indicator_id", "period", "value", "org_unit", "note"), "utf-8", "\n"),
    "ja": (("指標ID", "年月", "実績値", "組織", "備考"), "cp932", "\r\n"),
}
_FIELDS = ("indicator_id", "period", "value", "org_unit", "note")


@dataclass(frozen=True)
class Send:
    """One file as a section sent it: when, who, its name and its bytes."""

    sent_at: dt.datetime
    section: str
    file_name: str
    data: bytes


def read_sends(schedule: Path) -> list[Send]:
    """The files of the schedule, oldest first."""
    with schedule.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    sends = []

    def key(row: dict) -> tuple[str, str, str, str]:
        return row["sent_at"], row["section"], row["file_name"], row["style"]

    for (sent_at, section, file_name, style), group in groupby(rows, key=key):
        header, encoding, newline = _STYLES[style]
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator=newline)
        writer.writerow(header)
        writer.writerows([row[f] for f in _FIELDS] for row in group)
        sends.append(
            Send(
                dt.datetime.fromisoformat(sent_at),
                section,
                file_name,
                buffer.getvalue().encode(encoding),
            )
        )
    return sorted(sends, key=lambda s: (s.sent_at, s.file_name))
