"""目標体系 / Goal tree: per policy and area, the goal (目指すべき姿) → the outcome indicators
that show it → the initiatives → the output indicators that show they are carried out, so
that a reader sees whether the activities measured can move the result. Every status is the
one evaluation's, shown as the Goals table shows it."""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from indicators import display
from indicators.evaluation import Evaluation
from indicators.goals import Activity, AreaGoal, Measured, PolicyGoal, goal_tree
from kernel.vocabulary import Lang, status_label
from ui import data, state
from ui.status import badge_color
from ui.text import md_escape, pick, t


def _status(item: Measured, lang: Lang) -> str:
    """The indicator's headline status as a badge, labelled as in the Goals table (icon,
    label, and ! when a figure is overdue)."""
    label = status_label(item.headline.status, lang) + (" !" if item.headline.late else "")
    return f":{badge_color(item.headline.status)}-badge[{md_escape(label)}]"


def _line(item: Measured, result: Evaluation, lang: Lang) -> str:
    """One indicator: status, name (linking to its page), headline target marked （仮） where
    illustrative, and its progress grade."""
    ind, head = item.indicator, item.headline
    link = "indicator?" + urlencode(state.link_params(id=ind.id))
    parts = [f"{_status(item, lang)} [{md_escape(pick(lang, ind.name, ind.name_en))}]({link})"]
    if head.target_id:
        target = display.target(ind, head.target_id, lang)
        due = display.day(head.target_date, lang)
        parts.append(md_escape(t("tree_target", lang, target=target, due=due)))
    grade = result.grade(ind.id)
    if grade is not None:  # A 達成 … D 後退, or why there is none
        said = display.grade(grade, lang)
        parts.append(md_escape(t("tree_grade", lang, grade=said) if grade.letter else said))
    return " · ".join(parts)


def _goal(text_ja: str | None, text_en: str | None, lang: Lang) -> None:
    """The goal in words, or that it is not yet written (the work the report asks for)."""
    if text_ja or text_en:
        st.markdown(f"**{t('goal', lang)}**: {md_escape(pick(lang, text_ja, text_en))}")
    else:
        st.markdown(f":orange[**{md_escape(t('goal_unset', lang))}**]")
        st.caption(t("goal_unset_note", lang))


def _outcomes(items: list[Measured], result: Evaluation, lang: Lang) -> None:
    st.markdown(f"**{t('tree_outcomes', lang)}**")
    if not items:
        st.caption(t("tree_outcomes_none", lang))
    for item in items:
        st.markdown(_line(item, result, lang))


def _activity(activity: Activity, result: Evaluation, lang: Lang) -> None:
    """An initiative, then its output indicators indented under it."""
    item = activity.initiative
    number = md_escape(item.number or "–")
    st.markdown(f"{t('initiative', lang)} **{number}** {md_escape(item.title)}")
    lines = [f"- {_line(m, result, lang)}" for m in activity.outputs]
    if not lines:
        lines = [f"- {md_escape(t('tree_outputs_none', lang))}"]
    st.markdown("\n".join(lines))


def _area(area: AreaGoal, result: Evaluation, lang: Lang) -> None:
    with st.container(border=True):
        st.markdown(f"#### {md_escape(pick(lang, area.area.name, area.area.name_en))}")
        _goal(area.area.goal, area.area.goal_en, lang)
        left, right = st.columns(2)
        with left:
            _outcomes(area.outcomes, result, lang)
        with right:
            st.markdown(f"**{t('tree_activities', lang)}**")
            if not area.activities:
                st.caption(t("tree_activities_none", lang))
            for activity in area.activities:
                _activity(activity, result, lang)
        st.caption(t("tree_without_indicator", lang, n=area.without_indicator, m=area.initiatives))


def _policy(policy: PolicyGoal, result: Evaluation, lang: Lang) -> None:
    st.subheader(md_escape(pick(lang, policy.policy.name, policy.policy.name_en)))
    _goal(policy.policy.goal, policy.policy.goal_en, lang)
    _outcomes(policy.outcomes, result, lang)
    items = sum(a.initiatives for a in policy.areas)
    st.caption(t("tree_without_indicator", lang, n=policy.without_indicator, m=items))
    # An area with neither a goal nor an indicator has nothing to trace: it is named once,
    # with its initiatives counted, rather than drawn as an empty box.
    bare = []
    for area in policy.areas:
        if area.has_goal or area.outcomes or area.activities:
            _area(area, result, lang)
        else:
            name = pick(lang, area.area.name, area.area.name_en)
            bare.append(t("tree_area_items", lang, name=name, n=area.initiatives))
    if bare:
        with st.container(border=True):
            st.markdown(md_escape(t("tree_bare_areas", lang, names=", ".join(bare))))
            st.caption(t("goal_unset_note", lang))


def main() -> None:
    """Lay out the goal tree, of one policy or of all."""
    lang = state.lang()
    k = data.key()
    result = data.evaluation(k)
    catalog = result.catalog
    st.title(t("page_tree", lang))
    st.caption(
        f"{md_escape(pick(lang, catalog.plan.name, catalog.plan.name_en))} · "
        f"{t('as_of', lang)}: {result.as_of.isoformat()}"
    )
    st.caption(t("tree_intro", lang))
    tree = goal_tree(result)
    names = {p.policy.id: pick(lang, p.policy.name, p.policy.name_en) for p in tree}
    chosen = st.selectbox(
        t("policy", lang),
        [None, *names],
        format_func=lambda p: t("all", lang) if p is None else names[p],
        key=f"tree_policy_{lang.value}",
    )
    written = sum(p.has_goal for p in tree) + sum(a.has_goal for p in tree for a in p.areas)
    entries = len(tree) + sum(len(p.areas) for p in tree)
    st.caption(t("tree_no_goals", lang, n=written, m=entries))
    for policy in tree:
        if chosen is None or policy.policy.id == chosen:
            _policy(policy, result, lang)
    st.caption(t("illustrative_note", lang))


main()
