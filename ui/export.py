"""Downloads for Excel users: UTF-8 with BOM, and text cells that cannot run as formulas."""

from __future__ import annotations

import pandas as pd

from kernel.exports import neutralise


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as CSV, every text cell neutralised against formula injection."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise)
    safe.columns = [neutralise(str(c)) for c in safe.columns]
    return safe.to_csv(index=False).encode("utf-8-sig")
