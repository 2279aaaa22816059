"""The tests' present: the clock SHIHYO_NOW sets (tests/conftest.py), never the machine's."""

from __future__ import annotations

import datetime as dt
import os

from kernel.clock import clock_from


def now() -> dt.datetime:
    """Now by the clock shihyo runs on in these tests."""
    return clock_from(os.environ["SHIHYO_NOW"]).now()


def today() -> dt.date:
    return now().date()
