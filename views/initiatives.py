"""取組 / Initiatives: the plan as a tree policy → area → initiative, with indicator statuses."""

from __future__ import annotations

import streamlit as st

from indicators.catalog import Initiative
from indicators.evaluation import Evaluation
from indicators.plan import plan_summary
from indicators.status import InitiativeStatus
from kernel.vocabulary import Lang, status_label
from ui import data, state
from ui.frames import indicator_choices
from ui.status import badge, plan_badge, plan_label
from ui.text import md_escape, pick, t


def _initiative(
    item: Initiative,
    rollup: InitiativeStatus,
    names: dict[str, str],
    result: Evaluation,
    lang: Lang,
) -> None:
    """One initiative: number, plan status, text, reason, note and its indicators."""
    number = md_escape(item.number or "–")
    line = f"**{number}** {plan_badge(item.status, lang)} {badge(rollup.status, lang)}"
    if rollup.inconsistent:
        line += f" :red[**{md_escape(t('inconsistent', lang))}**]"
    st.markdown(line)
    st.markdown(
        md_escape(item.text + (t("reconstructed_mark", lang) if item.reconstructed else ""))
    )
    if item.reconstructed:
        st.caption(t("reconstructed_note", lang))
    details = []
    if item.subitem:
        details.append(md_escape(item.subitem))
    if item.reason:
        details.append(f"{t('reason', lang)}: {md_escape(item.reason)}")
    if item.note:
        details.append(f"{t('note', lang)}: {md_escape(item.note)}")
    if details:
        st.caption("  \n".join(details))
    for ind_id in rollup.indicator_ids:
        status = result.headlines[ind_id].status
        st.page_link(
            "views/indicator.py",
            label=f"{md_escape(names[ind_id])} — {t('status', lang)}: {status_label(status, lang)}",
            icon=":material/show_chart:",
            query_params=state.link_params(id=ind_id),
        )


def _area_title(
    name: str, items: list[Initiative], rollup: dict[str, InitiativeStatus], lang: Lang
) -> str:
    """An area's expander title: its name, count, plan statuses and the uncovered ones."""
    counts = " ".join(
        f"{plan_label(s, lang)} {n}"
        for s in ("achieved", "in_progress", "changed")
        if (n := sum(item.status == s for item in items))
    )
    without = sum(not rollup[item.id].indicator_ids for item in items)
    flag = " ⚠" if any(rollup[item.id].inconsistent for item in items) else ""
    uncovered = f"{status_label('no_indicator', lang)} {without}"
    return f"{md_escape(name)} ({len(items)}) — {counts} · {uncovered}{flag}"


def _mismatches(result: Evaluation, lang: Lang) -> None:
    summary = plan_summary(result.catalog)
    if not summary.mismatches:
        key, values = summary.agreement
        st.caption(t(key, lang, **values))
        return
    st.warning(t("mismatches", lang))
    st.dataframe(
        [
            {
                t("area", lang): m.name,
                t("status", lang): t(m.status, lang),
                t("initiatives", lang): m.counted,
                t("reported", lang): m.reported,
            }
            for m in summary.mismatches
        ],
        hide_index=True,
    )


def main() -> None:
    """Lay out the plan's tree of initiatives."""
    lang = state.lang()
    k = data.key()
    result = data.evaluation(k)
    catalog = result.catalog
    rollup = {i.initiative_id: i for i in result.initiatives}
    names = indicator_choices(catalog, lang)
    st.title(t("page_initiatives", lang))

    without = [i for i in result.initiatives if not i.indicator_ids]
    inconsistent = [i for i in result.initiatives if i.inconsistent]
    tiles = st.columns(4)
    tiles[0].metric(t("initiatives", lang), len(catalog.initiatives), border=True)
    tiles[1].metric(t("with_indicator", lang), len(result.initiatives) - len(without), border=True)
    tiles[2].metric(t("no_indicator", lang), len(without), border=True)
    tiles[3].metric(t("inconsistent_count", lang), len(inconsistent), border=True)
    _mismatches(result, lang)

    # ?without=1 (the link in the administrator's digest) opens the list of those without one.
    if "only_without" not in st.session_state:
        st.session_state["only_without"] = st.query_params.get("without") == "1"
    only_without = st.toggle(t("only_without", lang), key="only_without")
    for policy in sorted(catalog.policies, key=lambda p: p.seq):
        st.subheader(md_escape(pick(lang, policy.name, policy.name_en)))
        for area in sorted(policy.areas, key=lambda a: a.seq):
            items = [
                item
                for item in catalog.initiatives
                if item.area == area.id and not (only_without and rollup[item.id].indicator_ids)
            ]
            if not items:
                continue
            flagged = any(rollup[item.id].inconsistent for item in items)
            title = _area_title(pick(lang, area.name, area.name_en), items, rollup, lang)
            with st.expander(title, expanded=only_without or flagged):
                for item in items:
                    with st.container(border=True):
                        _initiative(item, rollup[item.id], names, result, lang)


main()
