"""The shihyo dashboard: `streamlit run app.py`. Wires the pages and the shared sidebar."""

from __future__ import annotations

import streamlit as st

from ui import data
from ui.state import sidebar
from ui.text import t

st.set_page_config(page_title="shihyo 指標", page_icon=":material/flag:", layout="wide")

lang, _ = sidebar()
PAGES = [
    ("views/goals.py", "page_goals", "goals", ":material/flag:"),
    ("views/indicator.py", "page_indicator", "indicator", ":material/show_chart:"),
    ("views/initiatives.py", "page_initiatives", "initiatives", ":material/account_tree:"),
    ("views/upload.py", "page_upload", "upload", ":material/upload_file:"),
    ("views/alerts.py", "page_alerts", "alerts", ":material/notifications:"),
    ("views/loads.py", "page_loads", "loads", ":material/history:"),
]
navigation = st.navigation(
    [
        st.Page(path, title=t(title, lang), url_path=url, icon=icon, default=url == "goals")
        for path, title, url, icon in PAGES
    ]
)
data.run_page(navigation.run, lang)
