"""Intake: read what KPI owners upload (CSV or .xlsx, the template or a known open-data list)
into one canonical frame, rejecting whole files that are not what was expected."""

from intake.messages import FileRejected, RowError
from intake.periods import PeriodError, parse_period
from intake.read import FRAME_COLUMNS, ParsedUpload, read_upload
from intake.values import ValueParseError, parse_value

__all__ = [
    "FRAME_COLUMNS",
    "FileRejected",
    "ParsedUpload",
    "PeriodError",
    "RowError",
    "ValueParseError",
    "parse_period",
    "parse_value",
    "read_upload",
]
