"""The choices every page shares: language, as-of day and plan, kept in session state and the
URL."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from kernel.vocabulary import Lang
from ui import door
from ui.text import t

_LANG_NAMES = {Lang.ja.value: "日本語", Lang.en.value: "English"}


def today() -> dt.date:
    """Today by the service's clock; by the wall clock's only when the settings cannot be
    read (the page then says why instead of drawing anything that needs a day)."""
    try:
        return door.today()
    except ValueError:
        return dt.date.today()


def synced_choice(param: str, options: list[str], widget: str | None = None) -> None:
    """Before drawing the widget (key `widget`, default `param`): take a valid ?param= from
    the URL (a link or a fresh load), else keep the session's choice, else the first."""
    widget = widget or param
    wanted = st.query_params.get(param)
    if wanted in options:
        st.session_state[widget] = wanted
    elif st.session_state.get(widget) not in options:
        st.session_state[widget] = options[0]


def to_url(param: str, widget: str | None = None, default: str | None = None) -> None:
    """After drawing the widget: show its value as ?param= (none when the default)."""
    value = st.session_state.get(widget or param)
    if value is None or value == default:
        st.query_params.pop(param, None)
    else:
        st.query_params[param] = value


def language_switch() -> Lang:
    """Draw the language switch in the sidebar (before sign-in too); the language chosen."""
    # Kept by hand in ?lang=ja|en: a widget bound to the URL would write the shown name there.
    synced_choice("lang", list(_LANG_NAMES))
    with st.sidebar:
        choice = st.segmented_control(
            t("language", Lang.ja),
            options=list(_LANG_NAMES),
            format_func=_LANG_NAMES.__getitem__,
            required=True,
            key="lang",
            on_change=to_url,
            args=("lang", None, Lang.ja.value),
        )
        lang = Lang(choice or Lang.ja.value)
        to_url("lang", default=Lang.ja.value)
    return lang


def as_of_picker(lang: Lang) -> dt.date:
    """Draw the as-of day in the sidebar (once signed in); the day chosen."""
    with st.sidebar:
        # Bound to ?as_of=2025-03-31 (ISO), so that a link replays the same day.
        day = st.date_input(
            t("as_of_input", lang),
            value=today(),
            max_value=today(),
            help=t("as_of_help", lang),
            key="as_of",
            bind="query-params",
        )
    as_of = day if isinstance(day, dt.date) else today()
    if as_of != today():
        st.sidebar.info(t("replay", lang, day=as_of.isoformat()))
    return as_of


def plan_picker(plans: dict[str, str], lang: Lang) -> str | None:
    """Draw the plan chooser in the sidebar where the catalog holds more than one plan (`plans`:
    id → name, the default first); with one plan nothing is drawn and nothing changes. The
    plan chosen (None: the default)."""
    options = list(plans)
    if len(options) < 2:
        st.session_state.pop("plan", None)
        st.query_params.pop("plan", None)
        return None
    # Kept by hand in ?plan=<id>, as the language is: a link opens the same plan's counts.
    synced_choice("plan", options)
    st.session_state["plan_default"] = options[0]
    with st.sidebar:
        st.selectbox(
            t("plan_choice", lang),
            options,
            format_func=plans.__getitem__,
            key="plan",
            on_change=to_url,
            args=("plan", None, options[0]),
        )
    to_url("plan", default=options[0])
    return plan()


def plan() -> str | None:
    """The plan chosen in the sidebar (None: the default, or the catalog's only plan)."""
    chosen = st.session_state.get("plan")
    return None if chosen == st.session_state.get("plan_default") else chosen


def lang() -> Lang:
    """The language chosen in the sidebar (Japanese until one is chosen)."""
    return Lang(st.session_state.get("lang") or Lang.ja.value)


def as_of() -> dt.date:
    """The as-of day chosen in the sidebar (today until one is chosen)."""
    day = st.session_state.get("as_of")
    return day if isinstance(day, dt.date) else today()


def link_params(**extra: str) -> dict[str, str]:
    """Query parameters for a link to another page that keep the language and as-of day."""
    params = dict(extra)
    if lang() is Lang.en:
        params["lang"] = Lang.en.value
    if as_of() != today():
        params["as_of"] = as_of().isoformat()
    if chosen := plan():
        params["plan"] = chosen
    return params
