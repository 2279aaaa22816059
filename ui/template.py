"""The upload template a section downloads from the upload page."""

from __future__ import annotations

import datetime as dt

from indicators.catalog import Catalog
from intake.template import template_csv


def section_template(catalog: Catalog, section: str, as_of: dt.date) -> bytes:
    """The section's template: indicator_id,period,value,org_unit,note, one row per indicator
    it owns for the latest period due by `as_of`, its name in the note; UTF-8 with BOM."""
    # The CLI's `shihyo template` writes the same file; one builder keeps them identical.
    return template_csv(catalog, owner=section, as_of=as_of)
