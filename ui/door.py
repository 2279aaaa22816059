"""The dashboard's service: one per settings, kept for the server's life, so that every page
and every run asks the same door (and the same clock)."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from kernel.settings import Settings, load_settings
from service import Service


def settings() -> Settings:
    """The settings, read from the environment on every run (cheap, and tests change it)."""
    return load_settings()


@st.cache_resource(show_spinner=False, max_entries=4)
def _service(current: Settings) -> Service:
    return Service(current)


def service() -> Service:
    """The service over the warehouse the settings name (ValueError for a bad setting)."""
    return _service(settings())


def today() -> dt.date:
    """Today by the service's clock."""
    return service().today()


def now() -> dt.datetime:
    """Now by the service's clock."""
    return service().now()
