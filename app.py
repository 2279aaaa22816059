"""The shihyo dashboard (`streamlit run app.py`): sign-in, then the pages the role may see."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from access.roles import Actor
from kernel.private import private_umask
from ui import auth, data, state
from ui.frames import owner_names
from ui.text import pick, t

ICON = Path(__file__).resolve().parent / "ui" / "assets" / "shihyo.png"  # served by us, no CDN

private_umask()  # what the dashboard writes (uploads, users.json) is private to its user
st.set_page_config(page_title="shihyo 指標", page_icon=str(ICON), layout="wide")

lang = state.language_switch()  # before sign-in too; the as-of day only once signed in
PAGES = [
    ("views/goals.py", "page_goals", "goals", ":material/flag:"),
    ("views/tree.py", "page_tree", "tree", ":material/schema:"),
    ("views/indicator.py", "page_indicator", "indicator", ":material/show_chart:"),
    ("views/initiatives.py", "page_initiatives", "initiatives", ":material/account_tree:"),
    ("views/upload.py", "page_upload", "upload", ":material/upload_file:"),
    ("views/alerts.py", "page_alerts", "alerts", ":material/notifications:"),
    ("views/loads.py", "page_loads", "loads", ":material/history:"),
]
ADMIN_PAGES = [
    ("views/catalog.py", "page_catalog", "catalog", ":material/edit_note:"),
    ("views/plan_import.py", "page_plan_import", "plan-import", ":material/table_view:"),
    ("views/audit.py", "page_audit", "audit", ":material/policy:"),
]

actor: Actor | None = auth.require_sign_in(lang) if data.ready(lang) else None
auth.set_cookie_in_browser()
if actor is not None and auth.must_change(actor):
    auth.forced_change(actor, lang)
    st.stop()
if actor is not None:
    state.as_of_picker(lang)
# Signed out, every page is registered but hidden, so that a deep link such as
# /indicator?id=… keeps its path and parameters through the sign-in.
shown = PAGES + ADMIN_PAGES if actor is None or actor.is_admin else PAGES
navigation = st.navigation(
    [
        st.Page(path, title=t(title, lang), url_path=url, icon=icon, default=url == "goals")
        for path, title, url, icon in shown
    ],
    position="sidebar" if actor is not None else "hidden",
)


def _signed_in_page(who: Actor) -> None:
    """The plan chooser (where the catalog holds several plans), the user's box in the
    sidebar, then the chosen page."""
    catalog = data.catalog(data.key())
    plans = {b.plan.id: pick(lang, b.plan.name, b.plan.name_en) for b in catalog.plans}
    state.plan_picker(plans, lang)
    auth.sidebar_user(who, owner_names(catalog, lang), lang)
    auth.notice(lang)
    navigation.run()


if actor is not None:
    data.run_page(lambda: _signed_in_page(actor), lang)
