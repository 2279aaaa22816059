"""What several faces of shihyo (CLI, flows, dashboard, report) ask in the same words:
the catalog and figures from the warehouse, judged by the domain rules."""

from __future__ import annotations

import datetime as dt

from indicators.evaluation import Evaluation, evaluate
from warehouse import Warehouse


def evaluation(warehouse: Warehouse, as_of: dt.date | None = None) -> Evaluation:
    """Every target judged on the figures known at the end of `as_of` (default today)."""
    day = as_of or dt.date.today()
    figures = warehouse.figures(as_of=day if as_of else None)
    return evaluate(warehouse.catalog(), figures, day)
