"""Cached reads for the pages, keyed by (warehouse path, data version, as-of day, language),
and the guard that turns a missing or busy warehouse into a short message."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import streamlit as st

from indicators.catalog import Catalog
from indicators.evaluation import Evaluation
from kernel.i18n import Lang
from kernel.settings import Settings, load_settings
from shihyo import service
from ui import state
from ui.text import t
from warehouse import Warehouse, WarehouseBusy, WarehouseMissing


class Key(NamedTuple):
    """What every cached read depends on; a new data version makes earlier entries stale."""

    path: str
    version: tuple
    as_of: dt.date
    lang: str
    lock_timeout: float


def settings() -> Settings:
    """The settings, read from the environment on every run (cheap, and tests change it)."""
    return load_settings()


def today() -> dt.date:
    """Today by the settings' clock (SHIHYO_NOW in a demonstration, else the wall clock)."""
    return settings().clock.today()


def now() -> dt.datetime:
    """Now by the settings' clock."""
    return settings().clock.now()


def warehouse() -> Warehouse:
    """The warehouse named by the settings; no connection is opened here."""
    current = settings()
    return Warehouse.of(current)


def key() -> Key:
    """The cache key for this run: one short connection to read the data version."""
    store = warehouse()
    return Key(
        str(store.path), store.data_version(), state.as_of(), state.lang().value, store.lock_timeout
    )


def ready(lang: Lang) -> bool:
    """Whether the settings read and the warehouse exists; if not, say what to do."""
    try:
        current = settings()
    except ValueError as exc:
        st.error(t("bad_settings", lang, error=str(exc)))
        return False
    if not Warehouse(current.warehouse_path).exists():
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


def _store(k: Key) -> Warehouse:
    return Warehouse(Path(k.path), lock_timeout=k.lock_timeout)


@st.cache_data(show_spinner=False, max_entries=16)
def catalog(k: Key) -> Catalog:
    """The catalog as synced into the warehouse."""
    return _store(k).catalog()


@st.cache_data(show_spinner=False, max_entries=16)
def evaluation(k: Key) -> Evaluation:
    """Every target judged on the figures known at the end of the as-of day."""
    return service.evaluation(_store(k), k.as_of)


@st.cache_data(show_spinner=False, max_entries=16)
def totals(k: Key) -> pd.DataFrame:
    """Each indicator's figure per period as known on the as-of day."""
    return _store(k).indicator_totals(as_of=k.as_of)


@st.cache_data(show_spinner=False, max_entries=32)
def figures(k: Key, indicator_id: str) -> pd.DataFrame:
    """An indicator's figures in force on the as-of day, org units included."""
    return _store(k).figures(indicator_id, as_of=k.as_of)


@st.cache_data(show_spinner=False, max_entries=32)
def revisions(k: Key, indicator_id: str) -> pd.DataFrame:
    """Every revision of an indicator's figures, with file and sender."""
    return _store(k).revisions(indicator_id)


@st.cache_data(show_spinner=False, max_entries=16)
def loads(k: Key) -> pd.DataFrame:
    """The load records, newest first."""
    return _store(k).loads()


@st.cache_data(show_spinner=False, max_entries=32)
def quarantine(k: Key, load_id: int | None = None) -> pd.DataFrame:
    """Rejected rows with their reasons, of one load or of all."""
    return _store(k).quarantine(load_id)


@st.cache_data(show_spinner=False, max_entries=16)
def alerts(k: Key) -> pd.DataFrame:
    """Every alert, newest first."""
    return _store(k).alerts()


@st.cache_data(show_spinner=False, max_entries=16)
def outbox(k: Key) -> pd.DataFrame:
    """The messages with their delivery state (channels already masked), newest first."""
    return _store(k).outbox()


@st.cache_data(show_spinner=False, max_entries=8)
def report_draft(k: Key, fmt: str) -> bytes:
    """The review report (点検報告書) drafted as of the as-of day, in the page's language."""
    import report

    return report.draft(_store(k), k.as_of, k.lang, fmt)
