"""アップロード / Upload: a section's template, a file checked before loading, then loaded."""

from __future__ import annotations

import hashlib
from dataclasses import asdict

import pandas as pd
import streamlit as st

from flows.loading import Checked, IngestBusy
from shihyo import service
from shihyo.i18n import Lang
from ui import data, state
from ui.frames import owner_names
from ui.tables import issues_table
from ui.template import section_template
from ui.text import md_escape, t

MAX_MB = 20


@st.cache_data(show_spinner=False, max_entries=8)
def _preview(
    sha256: str, file_name: str, period: str | None, version: tuple, _data: bytes
) -> Checked:
    """The upload checked as a load would judge it; cached per file and data version."""
    return service.preview_upload(data.settings(), _data, file_name, period=period)


def _rows_read(checked: Checked, lang: Lang) -> pd.DataFrame:
    """The rows as read, each marked accepted or rejected."""
    frame = checked.frame
    bad = {e.row for e in checked.errors}
    return pd.DataFrame(
        {
            t("row", lang): frame["row_number"],
            t("status", lang): ["✕" if r in bad else "○" for r in frame["row_number"]],
            "indicator_id": frame["indicator_id"],
            "period": frame["period_text"],
            "value": frame["value_text"],
            "org_unit": frame["org_unit"],
            "note": frame["note"],
        }
    )


def _show_preview(checked: Checked, lang: Lang) -> None:
    st.subheader(t("preview", lang))
    if checked.file_error:
        st.error(t("file_rejected", lang, reason=md_escape(checked.file_error)))
    tiles = st.columns(4)
    tiles[0].metric(t("parsed_rows", lang), len(checked.frame), border=True)
    tiles[1].metric(t("rows_ok", lang), checked.rows_accepted, border=True)
    tiles[2].metric(t("rows_bad", lang), checked.rows_rejected, border=True)
    tiles[3].metric(t("warnings", lang), len(checked.warnings), border=True)
    if checked.errors:
        st.markdown(f"**{t('rejected_rows', lang)}**")
        st.dataframe(issues_table([asdict(e) for e in checked.errors], lang), hide_index=True)
    if checked.warnings:
        st.markdown(f"**{t('warnings', lang)}**")
        st.dataframe(issues_table([asdict(w) for w in checked.warnings], lang), hide_index=True)
    if not checked.frame.empty:
        with st.expander(f"{t('parsed_rows', lang)} ({len(checked.frame)})"):
            st.dataframe(_rows_read(checked, lang), hide_index=True)


def _show_result(report: dict, lang: Lang) -> None:
    st.subheader(t("result", lang))
    for result in report["files"]:
        st.text(f"{t('file', lang)}: {result['name']}")
        if result["status"] == "duplicate":
            st.info(t("duplicate", lang))
            continue
        status = t(result["status"], lang)
        (st.success if result["status"] == "loaded" else st.warning)(status)
        tiles = st.columns(4)
        for col, name in zip(
            tiles, ("rows_new", "rows_revised", "rows_unchanged", "rows_rejected"), strict=True
        ):
            label = t("rows_bad", lang) if name == "rows_rejected" else t(name, lang)
            col.metric(label, result[name], border=True)
        if result["errors"]:
            st.markdown(f"**{t('rejected_rows', lang)}**")
            st.dataframe(issues_table(result["errors"], lang), hide_index=True)


def main() -> None:
    """Lay out the upload desk."""
    lang = state.lang()
    k = data.key()
    catalog = data.catalog(k)
    st.title(t("page_upload", lang))
    st.caption(t("upload_steps", lang))
    owners = owner_names(catalog, lang)
    left, right = st.columns(2)
    section = left.selectbox(
        t("choose_section", lang),
        list(owners),
        format_func=owners.__getitem__,
        key=f"section_{lang.value}",
    )
    name = right.text_input(t("your_name", lang), key="uploaded_by", max_chars=80)
    st.download_button(
        t("template", lang),
        section_template(catalog, section, state.as_of()),
        file_name=f"template_{section}_{state.as_of().isoformat()}.csv",
        mime="text/csv",
        help=t("template_help", lang),
        icon=":material/download:",
    )
    with st.expander(t("options", lang)):
        period = st.text_input(t("open_data_period", lang), key="upload_period").strip() or None
    upload = st.file_uploader(
        t("upload_file", lang),
        type=["csv", "txt", "xlsx", "xlsm"],
        max_upload_size=MAX_MB,
        key="upload_file",
    )
    if upload is None:
        return
    content = upload.getvalue()
    if len(content) > MAX_MB * 1024 * 1024:  # the widget refuses these too; say why here
        st.error(t("too_big", lang, size=len(content) / 1024 / 1024))
        return
    sha = hashlib.sha256(content).hexdigest()
    done = st.session_state.get("upload_result")
    if done and done[0] == sha:
        _show_result(done[1], lang)
        return
    with st.spinner(t("preview", lang)):
        checked = _preview(sha, upload.name, period, k.version, content)
    _show_preview(checked, lang)
    ready = bool(name.strip()) and checked.rows_accepted > 0
    if checked.rows_accepted == 0:
        st.caption(t("nothing_to_load", lang))
    elif not name.strip():
        st.caption(t("need_name", lang))
    if st.button(t("commit", lang), type="primary", disabled=not ready, key="commit"):
        try:
            with st.spinner(t("commit", lang)):
                report = service.ingest_upload(
                    data.settings(),
                    content,
                    upload.name,
                    uploaded_by=name.strip(),
                    section=section,
                    period=period,
                )
        except IngestBusy:
            st.warning(t("busy", lang))
            return
        st.session_state["upload_result"] = (sha, report)
        st.rerun()


main()
