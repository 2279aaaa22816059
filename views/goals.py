"""目標ダッシュボード / Goals: the plan's status table, the targets by urgency, the coverage."""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from access.roles import Actor, PermissionDenied
from indicators import display
from indicators.catalog import Catalog
from indicators.evaluation import Evaluation
from kernel.formatting import number
from kernel.vocabulary import Lang, status_label
from service import WordsRefused
from ui import auth, data, door, state
from ui.frames import (
    COUNTS,
    area_frame,
    coverage_frames,
    fit_height,
    indicator_scope,
    owner_names,
    plan_frame,
    targets_frame,
)
from ui.status import badge_color, style_status
from ui.text import md_escape, pick, t
from ui.words import actions_table


def _filters(catalog: Catalog, lang: Lang) -> tuple[str | None, str | None, str | None]:
    """Policy, area and owner filters (None: all)."""
    policies = {p.id: pick(lang, p.name, p.name_en) for p in catalog.policies}
    left, middle, right = st.columns(3)
    policy = left.selectbox(
        t("policy", lang),
        [None, *policies],
        format_func=lambda p: t("all", lang) if p is None else policies[p],
        key=f"goals_policy_{lang.value}",
    )
    areas = {
        a.id: pick(lang, a.name, a.name_en)
        for p, a in catalog.areas()
        if policy is None or p.id == policy
    }
    area = middle.selectbox(
        t("area", lang),
        [None, *areas],
        format_func=lambda a: t("all", lang) if a is None else areas[a],
        key=f"goals_area_{policy}_{lang.value}",
    )
    owners = owner_names(catalog, lang)
    owner = right.selectbox(
        t("owner", lang),
        [None, *owners],
        format_func=lambda o: t("all", lang) if o is None else owners[o],
        key=f"goals_owner_{lang.value}",
    )
    return policy, area, owner


def _plan_section(result: Evaluation, lang: Lang, policy: str | None, area: str | None) -> None:
    """The plan's status table as of the day (the evaluation's), each count with its date:
    the report's (2019年3月時点) or the fiscal years of the statuses decided since."""
    summary = result.plan_summary
    reported_on = result.plan_statuses.reported_on
    st.subheader(t("plan_table", lang))
    row = summary.total
    for p in summary.policies:
        if p.id == policy:
            row = next((a for a in p.areas if a.id == area), p)
    st.caption(md_escape(pick(lang, row.name, row.name_en)))
    for col, count in zip(st.columns(4), COUNTS, strict=True):
        reported = f"{t('reported', lang)}: {row.reported[count]}" if row.reported else None
        col.metric(t(count, lang), getattr(row, count), border=True, help=reported)
    counts = {s: getattr(row, s) for s in COUNTS}
    line = display.plan_counts_line(counts, row.since, reported_on, lang)
    st.caption(md_escape(t("plan_counts_as_of", lang, line=line)))
    st.dataframe(plan_frame(summary, lang), hide_index=True)
    with st.expander(t("by_area", lang), expanded=policy is not None):
        st.dataframe(area_frame(summary, lang, policy), hide_index=True)
    if summary.mismatches:
        st.warning(t("mismatches", lang) + f": {len(summary.mismatches)}")
    else:
        key, values = summary.agreement
        st.caption(t(key, lang, **values))


TARGET_ROW = 70  # pixels: the grid wraps text from 70 px up (two lines)


def _targets_section(result: Evaluation, lang: Lang, indicator_ids: set[str]) -> None:
    st.subheader(t("status_table", lang))
    links = {i: "indicator?" + urlencode(state.link_params(id=i)) for i in indicator_ids}
    frame, meta = targets_frame(result, lang, indicator_ids, links)
    # The counts are the evaluation's own, of targets; nothing is counted on this page.
    counts = result.target_counts(indicator_ids)
    without = result.without_target(indicator_ids)
    st.caption(
        t(
            "targets_of_unit",
            lang,
            n=counts.total,
            m=len(indicator_ids),
            k=len(indicator_ids) - len(without),
        )
    )
    columns = [*st.columns(4), *st.columns(4)]  # two rows: labels stay whole on a laptop
    tiles = [(status, n, status_label(status, lang)) for status, n in counts.by_status.items()]
    tiles.append(("late", counts.late, t("late_tile", lang)))
    for col, (status, n, label) in zip(columns, tiles, strict=True):
        with col.container(border=True):
            st.badge(label, color=badge_color(status))  # type: ignore[arg-type]
            st.metric(label, n, label_visibility="collapsed")
    if without:
        names = ", ".join(
            pick(lang, ind.name, ind.name_en)
            for ind in result.catalog.indicators
            if ind.id in without
        )
        st.caption(md_escape(t("without_target_caption", lang, n=len(without), names=names)))
    if frame.empty:
        st.info(t("no_targets_match", lang))
        return
    st.markdown(f"**{t('urgent_list', lang)}**")
    st.dataframe(
        style_status(frame, t("status", lang), meta["status"]),
        hide_index=True,
        height=fit_height(len(frame), row=TARGET_ROW),
        row_height=TARGET_ROW,  # a long indicator name wraps to a second line
        column_config={
            t("status", lang): st.column_config.TextColumn(width=100),
            t("indicator", lang): st.column_config.TextColumn(width=210),
            t("open", lang): st.column_config.LinkColumn(
                display_text=t("open", lang) + " →", width=64
            ),
            t("actual_vs_expected", lang): st.column_config.TextColumn(width=165),
            t("grade", lang): st.column_config.TextColumn(width=90),
            t("target_due", lang): st.column_config.TextColumn(width=185),
            t("forecast", lang): st.column_config.TextColumn(width=95),
            t("late_column", lang): st.column_config.TextColumn(width=170),
        },
    )
    grades = result.grade_counts(indicator_ids)
    st.caption(t("grade_counts", lang, **{k: number(n, lang) for k, n in grades.items()}))
    st.caption(display.grade_note(result.catalog.plan.grades, lang))
    st.caption(t("illustrative_note", lang))


def _actions_section(k: data.Key, result: Evaluation, lang: Lang, indicator_ids: set[str]) -> None:
    """The improvement actions still open (those overdue first), and for administrators the
    indicators that need one and have none."""
    names = {i.id: pick(lang, i.name, i.name_en) for i in result.catalog.indicators}
    actions = data.actions(k)
    still = actions[(actions["state"] == "open") & actions["indicator_id"].isin(indicator_ids)]
    st.subheader(t("words_open_actions", lang))
    overdue = int(still["overdue"].sum())
    if overdue:
        st.warning(t("words_overdue_count", lang, n=overdue))
    if still.empty:
        st.caption(t("words_no_actions", lang))
    else:
        ordered = still.sort_values(["overdue", "due"], ascending=[False, True])
        st.dataframe(actions_table(ordered, lang, names), hide_index=True)
    actor = auth.current_actor()
    if actor is None or not actor.is_admin:
        return
    st.markdown(f"**{t('words_unactioned', lang)}**")
    missing = [i for i in data.unactioned(k) if i in indicator_ids]
    if not missing:
        st.caption(t("words_unactioned_none", lang))
        return
    links = {i: "indicator?" + urlencode(state.link_params(id=i)) for i in missing}
    st.dataframe(
        {
            t("words_indicator", lang): [names[i] for i in missing],
            t("open", lang): [links[i] for i in missing],
        },
        hide_index=True,
        column_config={
            t("open", lang): st.column_config.LinkColumn(
                display_text=t("open", lang) + " →", width="small"
            ),
        },
    )


def _coverage_section(result: Evaluation, lang: Lang, policy: str | None) -> None:
    cov, catalog = result.coverage, result.catalog
    st.subheader(t("coverage_table", lang))
    left, middle, right = st.columns([1, 1, 2])
    left.metric(
        t("coverage_with_indicator", lang),
        f"{cov.with_indicator} / {cov.initiatives_total}",
        border=True,
    )
    middle.metric(
        t("coverage_with_target", lang),
        f"{cov.with_target} / {cov.initiatives_total}",
        border=True,
    )
    right.progress(cov.ratio, text=f"{cov.ratio:.0%}")
    right.progress(cov.target_ratio, text=f"{cov.target_ratio:.0%}")
    by_policy, by_area = coverage_frames(cov, catalog, lang, policy)
    share = {
        t("share", lang): st.column_config.ProgressColumn(format="%d%%", min_value=0, max_value=100)
    }
    st.dataframe(by_policy, hide_index=True, column_config=share)
    st.dataframe(by_area, hide_index=True, column_config=share, height=fit_height(len(by_area)))


def main() -> None:
    """Lay out the goal dashboard."""
    lang = state.lang()
    k = data.key()
    result = data.evaluation(k)
    catalog = result.catalog  # the chosen plan's: its policies, areas and indicators
    st.title(t("page_goals", lang))
    if published := data.snapshot():  # a replica: which published version this page shows
        at = published.published_at.strftime("%Y-%m-%d %H:%M:%S")
        st.caption(t("snapshot_as_of", lang, version=published.version, at=at))
    st.caption(
        f"{md_escape(pick(lang, catalog.plan.name, catalog.plan.name_en))} · "
        f"{t('as_of', lang)}: {result.as_of.isoformat()}"
    )
    # Filters are per language (their labels are their state), so a switch resets them.
    policy, area, owner = _filters(catalog, lang)
    _plan_section(result, lang, policy, area)
    scope = indicator_scope(catalog)
    chosen = {
        ind.id
        for ind in catalog.indicators
        if (policy is None or policy in scope[ind.id][0])
        and (area is None or area in scope[ind.id][1])
        and (owner is None or ind.owner == owner)
    }
    _targets_section(result, lang, chosen)
    _actions_section(k, result, lang, chosen)
    _coverage_section(result, lang, policy)
    _report_section(k, lang)


def _report_section(k: data.Key, lang: Lang) -> None:
    """The review report drafted from the data, to download."""
    import report

    st.header(t("report_heading", lang))
    st.caption(t("report_caption", lang))
    fmt = st.radio(
        t("report_format", lang),
        report.FORMATS,
        horizontal=True,
        index=0,  # the PDF for the briefing book, ready to print
        format_func=lambda f: report.FORMAT_NAMES[f],
        key="report_format",
    )
    if st.button(t("report_prepare", lang), icon=":material/description:", key="report_prepare"):
        st.session_state["report"] = (k, fmt)
    if st.session_state.get("report") == (k, fmt):
        st.download_button(
            t("report_download", lang),
            data=data.report_draft(k, fmt),
            file_name=report.file_name(k.as_of, fmt, k.lang, k.plan),
            mime=report.MEDIA_TYPES[fmt],
            icon=":material/download:",
        )
    _report_editor(k, lang)


def _save_edit(actor: Actor, k: data.Key, block: str, body: str, lang: Lang) -> None:
    """Write the officer's text for a block through the service (administrators; audited)."""
    try:
        revision = door.service().edit_report(actor, k.as_of, k.lang, block, body, plan=k.plan)
    except (PermissionDenied, WordsRefused) as refused:
        st.error(pick(lang, refused.message_ja, refused.message_en))
        return
    if revision is None:
        st.info(t("report_edit_unchanged", lang))
        return
    said = (
        t("report_edit_saved", lang, revision=revision)
        if body.strip()
        else t("report_edit_withdrawn", lang)
    )
    st.session_state["report_edit_said"] = said
    st.rerun()


def _report_editor(k: data.Key, lang: Lang) -> None:
    """The drafted blocks of this edition (as-of day and language), each to be replaced by
    the officer's text; the report marks which paragraphs a person wrote."""
    st.subheader(t("report_edit_heading", lang))
    actor = auth.current_actor()
    if actor is None or not actor.is_admin:
        st.caption(t("report_edit_admins", lang))
        return
    st.caption(t("report_edit_caption", lang))
    said = st.session_state.pop("report_edit_said", None)
    if said:
        st.success(said)
    content = data.report_data(k)
    blocks = {b.key: b for b in content.blocks}
    labels = {
        b.key: f"{p.mark} {a.mark} {a.name} — {b.heading}"
        for p in content.policies
        for a in p.areas
        for b in a.blocks
    }
    if content.summary.results is not None:
        labels[content.summary.results.key] = f"{content.t('s3')} {content.summary.results.heading}"
    chosen = st.selectbox(
        t("report_edit_block", lang),
        list(labels),
        format_func=labels.__getitem__,
        key=f"report_edit_block_{lang.value}",
    )
    block = blocks[chosen]
    if block.edited and block.edited_at is not None:
        st.caption(
            md_escape(
                t(
                    "report_edit_state",
                    lang,
                    author=block.author,
                    day=block.edited_at.strftime("%Y/%m/%d"),
                    revision=block.revision,
                )
            )
        )
    with st.expander(t("report_edit_draft", lang)):
        st.text(block.draft)
    body = st.text_area(
        t("report_edit_text", lang),
        value=block.text,
        height=220,
        key=f"report_edit_body|{k.as_of}|{k.lang}|{chosen}|{block.revision}",
    )
    left, right = st.columns(2)
    if left.button(t("report_edit_save", lang), key="report_edit_save", type="primary"):
        _save_edit(actor, k, chosen, body, lang)
    if right.button(
        t("report_edit_reset", lang), key="report_edit_reset", disabled=not block.edited
    ):
        _save_edit(actor, k, chosen, "", lang)
    history = data.report_edit_history(k)
    if not history.empty:
        with st.expander(t("report_edit_history", lang)):
            shown = history.assign(block=history["block"].map(lambda b: labels.get(b, b)))
            columns = {
                "block": t("report_edit_block", lang),
                "revision": t("revision", lang),
                "author": t("words_author", lang),
                "recorded_at": t("recorded_at", lang),
                "body": t("report_edit_body", lang),
            }
            st.dataframe(shown[list(columns)].rename(columns=columns), hide_index=True)


main()
