"""Intake: read what KPI owners upload (CSV or .xlsx, the template or a known open-data list)
into one canonical frame, rejecting whole files that are not what was expected."""

from intake.messages import FileRejected, RowError
from intake.periods import (
    Period,
    PeriodError,
    fiscal_year_of,
    format_period,
    parse_period,
    period_end,
)
from intake.read import FRAME_COLUMNS, ParsedUpload, read_upload
from intake.values import ValueParseError, parse_value

__all__ = [
    "FRAME_COLUMNS",
    "FileRejected",
    "ParsedUpload",
    "Period",
    "PeriodError",
    "RowError",
    "ValueParseError",
    "fiscal_year_of",
    "format_period",
    "parse_period",
    "parse_value",
    "period_end",
    "read_upload",
]
