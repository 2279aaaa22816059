"""Intake: read what KPI owners upload (CSV or .xlsx, the template or a standard open-data
list) into one canonical frame, rejecting whole files that are not what was expected, and
bounded by what a file becomes once read (parse_isolated runs it in a child process).

Names are imported from their modules on first use: the process that only hands an
upload to the parse server (`parse_isolated`) need not import the parser itself."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from intake.canonical import ParsedUpload, RowCounts
    from intake.isolation import (
        IsolatedRunFailed,
        IsolationLimits,
        parse_isolated,
        prepare,
        prepared,
        run_isolated,
    )
    from intake.limits import DEFAULT_LIMITS, ReadLimits
    from intake.list_rule import DEFAULT_LIST_RULES, WIFI_LIST_RULE, ListRule, RowCondition
    from intake.messages import CellProblem, FileRejected, RowError
    from intake.periods import PeriodError, parse_period
    from intake.read import FRAME_COLUMNS, read_upload
    from intake.standard_lists import KINDS, ListKind
    from intake.totals import Notice
    from intake.values import ValueParseError, parse_value

_MODULES = {
    "ParsedUpload": "canonical",
    "RowCounts": "canonical",
    "IsolatedRunFailed": "isolation",
    "IsolationLimits": "isolation",
    "parse_isolated": "isolation",
    "prepare": "isolation",
    "prepared": "isolation",
    "run_isolated": "isolation",
    "DEFAULT_LIMITS": "limits",
    "ReadLimits": "limits",
    "DEFAULT_LIST_RULES": "list_rule",
    "WIFI_LIST_RULE": "list_rule",
    "ListRule": "list_rule",
    "RowCondition": "list_rule",
    "CellProblem": "messages",
    "FileRejected": "messages",
    "RowError": "messages",
    "PeriodError": "periods",
    "parse_period": "periods",
    "FRAME_COLUMNS": "read",
    "read_upload": "read",
    "KINDS": "standard_lists",
    "ListKind": "standard_lists",
    "Notice": "totals",
    "ValueParseError": "values",
    "parse_value": "values",
}


def __getattr__(name: str) -> Any:
    """A name of the intake, imported from its module when first asked for."""
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f"intake.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "DEFAULT_LIMITS",
    "DEFAULT_LIST_RULES",
    "FRAME_COLUMNS",
    "KINDS",
    "WIFI_LIST_RULE",
    "CellProblem",
    "FileRejected",
    "IsolatedRunFailed",
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
    "prepare",
    "prepared",
    "read_upload",
    "run_isolated",
]
