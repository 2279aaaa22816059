"""A catalog folder holding two plans, for the tests of an instance with more than one plan:
the committed catalog (the default plan, 電子化全開宣言行動計画) and the EXAMPLE plan under
tests/data/example_plan (例示, not the prefecture's), with one indicator shared by both."""

from __future__ import annotations

import shutil
from pathlib import Path

from kernel.settings import PACKAGE_CATALOG

EXAMPLE = Path(__file__).resolve().parent / "data" / "example_plan"
EXAMPLE_PLAN = "rei-keikaku"
SHARED = "wifi_access_points"  # evidences the default plan's 28 and the example's rei-2
_SHARED_LINE = '    initiatives: ["28"]\n'


def example_catalog(target: Path) -> Path:
    """`target` made a catalog folder: the committed files, the example plan in
    plans/rei-keikaku/, the shared indicator evidencing rei-2 too, and the example's own
    indicator (rei_datasets, no target) appended to the indicators file."""
    shutil.copytree(PACKAGE_CATALOG, target)
    shutil.copytree(EXAMPLE / EXAMPLE_PLAN, target / "plans" / EXAMPLE_PLAN)
    indicators = target / "indicators.yaml"
    text = indicators.read_text(encoding="utf-8")
    start = text.index("  - id: " + SHARED + "\n")
    at = text.index(_SHARED_LINE, start)
    text = text[:at] + '    initiatives: ["28", rei-2]\n' + text[at + len(_SHARED_LINE) :]
    extra = (EXAMPLE / "indicator.yaml").read_text(encoding="utf-8")
    indicators.write_text(text.rstrip("\n") + "\n\n" + extra, encoding="utf-8")
    return target
