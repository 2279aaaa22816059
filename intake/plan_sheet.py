"""Reading a plan's initiative list from an .xlsx workbook (the review report's 別紙 kept as
Excel) with the uploads' bounds: the zip checked part by part before anything is read, the
sheet chosen by its header (a cover sheet first is passed over), merged ranges filled down.
The table itself is read by indicators.catalog_import."""

from __future__ import annotations

from dataclasses import dataclass, field

from indicators.catalog_import import Row, looks_like_initiative_header
from intake.limits import DEFAULT_LIMITS, ReadLimits
from intake.xlsx import read_sheet


@dataclass(frozen=True)
class PlanSheet:
    """The sheet that holds the 別紙: its name, its non-blank rows as text, the cells that could
    not be taken as read ((row, column) → (ja, en)), and notes on the sheets passed over."""

    name: str
    rows: list[Row]
    problems: dict[tuple[int, int], tuple[str, str]] = field(default_factory=dict)
    notes: list[tuple[str, str]] = field(default_factory=list)


def read_plan_sheet(
    data: bytes, limits: ReadLimits = DEFAULT_LIMITS, sheet_name: str | None = None
) -> PlanSheet:
    """The 別紙 sheet of an .xlsx workbook — the first whose header is the 別紙's, or the one
    named `sheet_name` (a workbook with a sheet per year); FileRejected (in both languages)
    when the workbook cannot be opened, is beyond `limits` (.xlsm, .xlsb, .ods are refused
    too) or has no sheet so named."""
    sheet = read_sheet(data, limits, header=looks_like_initiative_header, sheet=sheet_name)
    problems = {
        at: (problem.reason_ja, problem.reason_en) for at, problem in sheet.problems.items()
    }
    return PlanSheet(sheet.name, sheet.rows, problems, list(sheet.notes))
