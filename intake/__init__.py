"""Intake: read what KPI owners upload (CSV or .xlsx, the template or a standard open-data
list) into one canonical frame, rejecting whole files that are not what was expected, and
bounded by what a file becomes once read (parse_isolated runs it in a child process)."""

from intake.canonical import ParsedUpload, RowCounts
from intake.isolation import IsolationLimits, parse_isolated
from intake.limits import DEFAULT_LIMITS, ReadLimits
from intake.list_rule import DEFAULT_LIST_RULES, WIFI_LIST_RULE, ListRule, RowCondition
from intake.messages import CellProblem, FileRejected, RowError
from intake.periods import PeriodError, parse_period
from intake.read import FRAME_COLUMNS, read_upload
from intake.standard_lists import KINDS, ListKind
from intake.totals import Notice
from intake.values import ValueParseError, parse_value

__all__ = [
    "DEFAULT_LIMITS",
    "DEFAULT_LIST_RULES",
    "FRAME_COLUMNS",
    "KINDS",
    "WIFI_LIST_RULE",
    "CellProblem",
    "FileRejected",
    "IsolationLimits",
    "ListKind",
    "ListRule",
    "Notice",
    "ParsedUpload",
    "PeriodError",
    "ReadLimits",
    "RowCondition",
    "RowCounts",
    "RowError",
    "ValueParseError",
    "parse_isolated",
    "parse_period",
    "parse_value",
    "read_upload",
]
