"""The pages' one way in: the service (one per settings, kept for the server's life), its
reads cached per (warehouse, data version, as-of day, language), and the guard that turns a
missing, busy or damaged warehouse into a short message."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import NamedTuple

import pandas as pd
import streamlit as st

from access.roles import Actor
from indicators.catalog import Catalog
from indicators.evaluation import Evaluation
from kernel.vocabulary import Lang
from report import ReportData
from service import Snapshot, WarehouseBusy, WarehouseDamaged, WarehouseMissing
from ui import state
from ui.door import service
from ui.text import t


class Key(NamedTuple):
    """What every cached read depends on; a new data version makes earlier entries stale."""

    path: str
    version: tuple
    as_of: dt.date
    lang: str
    plan: str | None = None  # the plan chosen in the sidebar (None: the default)


def key() -> Key:
    """The cache key for this run: one short connection to read the data version."""
    door = service()
    return Key(
        str(door.settings.warehouse_path),
        door.data_version(),
        state.as_of(),
        state.lang().value,
        state.plan(),
    )


def snapshot() -> Snapshot | None:
    """The published snapshot the pages read on a replica (SHIHYO_READ=snapshot), else None."""
    return service().snapshot()


def ready(lang: Lang) -> bool:
    """Whether the settings read and the warehouse exists; if not, say what to do."""
    try:
        door = service()
    except ValueError as exc:
        st.error(t("bad_settings", lang, error=str(exc)))
        return False
    if not door.exists():
        st.info(t("missing", lang))
        return False
    return True


def run_page(page: Callable[[], object], lang: Lang) -> None:
    """Run a page, showing a message instead of a traceback when the warehouse is not ready."""
    if not ready(lang):
        return
    try:
        page()
    except WarehouseBusy:
        st.warning(t("busy", lang))
    except WarehouseMissing:
        st.info(t("missing", lang))
    except WarehouseDamaged:
        st.error(t("damaged", lang))


@st.cache_data(show_spinner=False, max_entries=16)
def catalog(k: Key) -> Catalog:
    """The catalog in force at the end of the as-of day."""
    return service().catalog(k.as_of)


@st.cache_data(show_spinner=False, max_entries=16)
def evaluation(k: Key) -> Evaluation:
    """Every target judged on the figures known at the end of the as-of day, as the plan
    chosen sees it: on the figures the pages show (`totals`), read once for both."""
    return service().evaluation(k.as_of, k.plan, totals=totals(k))


@st.cache_data(show_spinner=False, max_entries=16)
def totals(k: Key) -> pd.DataFrame:
    """Each indicator's figure per period as known on the as-of day."""
    return service().indicator_totals(k.as_of)


# Rows a table page holds: what a reader reads on screen, and what the browser is sent.
PAGE_ROWS = 500


@st.cache_data(show_spinner=False, max_entries=32)
def figures_page(k: Key, indicator_id: str, page: int) -> tuple[pd.DataFrame, int]:
    """One page (from 0) of an indicator's figures in force on the as-of day, newest first,
    with file and sender, and how many there are in all."""
    return service().figures_page(indicator_id, k.as_of, PAGE_ROWS, page * PAGE_ROWS)


@st.cache_data(show_spinner=False, max_entries=32)
def revisions_page(k: Key, indicator_id: str, page: int) -> tuple[pd.DataFrame, int]:
    """One page (from 0) of every revision of an indicator's figures, and how many in all."""
    return service().revisions_page(indicator_id, PAGE_ROWS, page * PAGE_ROWS)


def all_revisions(indicator_id: str) -> pd.DataFrame:
    """Every revision of an indicator's figures: read only when a download asks for them."""
    return service().revisions_page(indicator_id, None)[0]


@st.cache_data(show_spinner=False, max_entries=32)
def org_unit_figures(
    k: Key, indicator_id: str, units: int, periods: int
) -> tuple[pd.DataFrame, int]:
    """The largest org units' figures over the last periods, and how many org units."""
    return service().org_unit_figures(indicator_id, k.as_of, units, periods)


@st.cache_data(show_spinner=False, max_entries=16)
def loads(k: Key, actor: Actor) -> pd.DataFrame:
    """The load records `actor` may see, newest first."""
    return service().loads(actor)


@st.cache_data(show_spinner=False, max_entries=32)
def quarantine(k: Key, actor: Actor, load_id: int | None = None) -> pd.DataFrame:
    """Rejected rows with their reasons, of one load or of every load `actor` may see."""
    return service().quarantine(actor, load_id)


@st.cache_data(show_spinner=False, max_entries=16)
def alerts(k: Key) -> pd.DataFrame:
    """Every alert, newest first."""
    return service().alerts()


@st.cache_data(show_spinner=False, max_entries=16)
def outbox(k: Key) -> pd.DataFrame:
    """The messages with their delivery state (channels already masked), newest first."""
    return service().outbox()


@st.cache_data(show_spinner=False, max_entries=8)
def report_draft(k: Key, fmt: str) -> bytes:
    """The review report (点検報告書) of the plan chosen, drafted as of the as-of day, in the
    page's language."""
    return service().report(k.as_of, k.lang, fmt, k.plan, totals=totals(k))


@st.cache_data(show_spinner=False, max_entries=4)
def report_data(k: Key) -> ReportData:
    """What the review report of the plan chosen as of the as-of day says, with its drafted
    (or edited) blocks."""
    return service().report_data(k.as_of, k.lang, k.plan, totals=totals(k))


@st.cache_data(show_spinner=False, max_entries=4)
def report_edit_history(k: Key) -> pd.DataFrame:
    """Every revision of the officer's edits of the report of the as-of day and language."""
    return service().report_edit_history(k.as_of, k.lang, k.plan)


@st.cache_data(show_spinner=False, max_entries=32)
def commentary(k: Key, indicator_id: str | None = None) -> pd.DataFrame:
    """The owners' commentary in force on the as-of day (of one indicator, or all)."""
    return service().commentary(indicator_id, k.as_of)


@st.cache_data(show_spinner=False, max_entries=32)
def actions(k: Key, indicator_id: str | None = None) -> pd.DataFrame:
    """The improvement actions recorded by the as-of day, in their state then."""
    return service().actions(indicator_id, k.as_of)


@st.cache_data(show_spinner=False, max_entries=8)
def unactioned(k: Key) -> list[str]:
    """The indicators off track, missed or late on the as-of day without an open action."""
    return service().unactioned(k.as_of)
