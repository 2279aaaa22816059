"""アップロード / Upload: a section's template, a file checked before loading, then loaded."""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict

import pandas as pd
import streamlit as st

from access.roles import Actor, PermissionDenied
from indicators.catalog import Catalog
from kernel.vocabulary import Lang
from service import Checked, IngestBusy, IngestReport, UploadTooLarge
from ui import auth, data, door, state
from ui.frames import owner_names
from ui.tables import issues_table
from ui.template import section_template
from ui.text import md_escape, pick, t


@st.cache_data(show_spinner=False, max_entries=8)
def _preview(
    sha256: str,
    file_name: str,
    period: str | None,
    version: tuple,
    who: tuple[str, str, tuple[str, ...]],
    _data: bytes,
) -> Checked:
    """The upload checked as a load by `who` would judge it; cached per file, version, user."""
    return door.service().preview_upload(_data, file_name, Actor(*who), period)


def _sections(actor: Actor, owners: dict[str, str]) -> dict[str, str]:
    """The sections the actor may send figures for: all for an admin, else its own."""
    if actor.is_admin:
        return owners
    return {s: owners[s] for s in actor.sections if s in owners}


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
            "comment": frame.get("comment"),
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


def _uploader_words(max_mb: float, lang: Lang) -> None:
    """The uploader's own labels are English only: its button and its size-and-types line
    are replaced, by style, with the page's words."""
    limits = json.dumps(t("upload_limits", lang, mb=f"{max_mb:g}"), ensure_ascii=False)
    button = json.dumps(t("upload_button", lang), ensure_ascii=False)  # as CSS strings
    zone = '[data-testid="stFileUploaderDropzone"]'
    hint = f'{zone} [data-testid="stFileUploaderDropzoneInstructions"]'
    st.html(
        f"<style>{hint} > *, {zone} button > * {{display: none}}"
        f"{hint}::after {{content: {limits}; font-size: 0.875rem}}"
        f"{zone} button::after {{content: {button}}}</style>"
    )


def _indicators_of(checked: Checked) -> list[str]:
    """The indicators the file's accepted rows carry figures for, in the file's order."""
    frame = checked.frame
    if frame.empty or "indicator_id" not in frame.columns:
        return []
    refused_rows = {e.row for e in checked.errors if e.row is not None}
    kept = frame.drop(index=[i for i in checked.refused if i in frame.index])
    if "row_number" in kept.columns:
        kept = kept[~kept["row_number"].isin(refused_rows)]
    return [str(i) for i in dict.fromkeys(kept["indicator_id"].dropna())]


def _next_steps(indicator_ids: list[str], catalog: Catalog, lang: Lang) -> None:
    """A link to each indicator the file brought figures for: where to see what changed."""
    names = {ind.id: pick(lang, ind.name, ind.name_en) for ind in catalog.indicators}
    shown = [i for i in indicator_ids if i in names]
    if not shown:
        return
    st.markdown(f"**{t('see_changed', lang)}**")
    for ind_id in shown:
        st.page_link(
            "views/indicator.py",
            label=md_escape(names[ind_id]),
            icon=":material/show_chart:",
            query_params=state.link_params(id=ind_id),
        )


def _show_result(
    report: IngestReport, indicator_ids: list[str], catalog: Catalog, lang: Lang
) -> None:
    st.subheader(t("result", lang))
    if any(r.status in ("loaded", "partial") for r in report.files):
        _next_steps(indicator_ids, catalog, lang)
    for result in report.files:
        st.text(f"{t('file', lang)}: {result.name}")
        if result.status == "duplicate":
            st.info(t("duplicate", lang))
            continue
        if result.status == "held":  # nothing was recorded: say why, and send it again later
            st.error(f"{t('held', lang)}: {md_escape(result.message or '')}")
            continue
        status = t(result.status, lang)
        (st.success if result.status == "loaded" else st.warning)(status)
        tiles = st.columns(4)
        for col, name in zip(
            tiles, ("rows_new", "rows_revised", "rows_unchanged", "rows_rejected"), strict=True
        ):
            label = t("rows_bad", lang) if name == "rows_rejected" else t(name, lang)
            col.metric(label, getattr(result, name), border=True)
        if result.errors:
            st.markdown(f"**{t('rejected_rows', lang)}**")
            st.dataframe(issues_table([asdict(e) for e in result.errors], lang), hide_index=True)


def main() -> None:
    """Lay out the upload desk."""
    lang = state.lang()
    actor = auth.current_actor()
    st.title(t("page_upload", lang))
    if actor is None or actor.role == "viewer":
        st.warning(t("viewer_no_upload", lang), icon=":material/block:")
        return
    k = data.key()
    catalog = data.catalog(k)
    sections = _sections(actor, owner_names(catalog, lang))
    if not sections:
        st.warning(t("no_sections", lang))
        return
    st.caption(t("upload_steps", lang))
    st.caption(t("words_upload_hint", lang))
    left, right = st.columns(2, vertical_alignment="bottom")
    # ?section= (a reminder's or a late alert's link) chooses the section.
    state.synced_choice("section", list(sections), f"section_{lang.value}")
    section = left.selectbox(
        t("choose_section", lang),
        list(sections),
        format_func=sections.__getitem__,
        key=f"section_{lang.value}",
    )
    right.caption(md_escape(t("sent_as", lang, name=actor.name)))
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
    max_mb = door.settings().max_upload_mb  # SHIHYO_MAX_UPLOAD_MB, as the service checks
    _uploader_words(max_mb, lang)
    upload = st.file_uploader(
        t("upload_file", lang),
        type=["csv", "txt", "xlsx", "xlsm"],
        max_upload_size=max(1, math.ceil(max_mb)),
        key="upload_file",
    )
    if upload is None:
        return
    content = upload.getvalue()
    if len(content) > max_mb * 1024 * 1024:  # the widget refuses these too; say why here
        st.error(t("too_big", lang, size=len(content) / 1024 / 1024))
        return
    sha = hashlib.sha256(content).hexdigest()
    done = st.session_state.get("upload_result")
    if done and done[0] == sha:
        _show_result(done[1], done[2], catalog, lang)
        return
    who = (actor.name, actor.role, tuple(actor.sections))
    try:
        with st.spinner(t("preview", lang)):
            checked = _preview(sha, upload.name, period, k.version, who, content)
    except (PermissionDenied, UploadTooLarge) as denied:
        st.error(pick(lang, denied.message_ja, denied.message_en))
        return
    _show_preview(checked, lang)
    earlier = door.service().earlier_load(sha)
    if earlier is not None:  # said now, not only after the commit
        st.warning(
            t(
                "duplicate_preview",
                lang,
                file=md_escape(earlier.file_name),
                when=earlier.received_at.strftime("%Y/%m/%d %H:%M"),
                who=md_escape(earlier.uploaded_by or "–"),
                id=earlier.load_id,
            )
        )
    ready = checked.rows_accepted > 0 and earlier is None
    if not ready and earlier is None:
        st.caption(t("nothing_to_load", lang))
    if st.button(t("commit", lang), type="primary", disabled=not ready, key="commit"):
        try:
            with st.spinner(t("commit", lang)):
                report = door.service().upload(
                    content, upload.name, actor, section=section, period=period
                )
        except IngestBusy:
            st.warning(t("busy", lang))
            return
        except (PermissionDenied, UploadTooLarge) as denied:
            st.error(pick(lang, denied.message_ja, denied.message_en))
            return
        st.session_state["upload_result"] = (sha, report, _indicators_of(checked))
        st.rerun()


main()
