"""指標 / Indicator (?id=…): the series against its targets, statuses, figures and revisions."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from indicators import display
from indicators.catalog import Indicator
from kernel.formatting import number
from kernel.vocabulary import Lang
from ui import auth, data, state
from ui.charts import annual, indicator_chart, org_unit_chart
from ui.export import csv_bytes
from ui.frames import find_indicator, indicator_choices, owner_names
from ui.status import style_status
from ui.tables import (
    evidenced_table,
    figures_table,
    grade_table,
    revisions_table,
    target_table,
    value_header,
)
from ui.text import md_escape, t
from ui.words import indicator_words


def _facts(indicator: Indicator, owner: str, lang: Lang) -> None:
    base = indicator.baseline
    facts = [
        f"{t('owner', lang)}: {owner}",
        f"{t('unit', lang)}: {display.unit(indicator, lang)}",
        f"{t('frequency', lang)}: {t(indicator.frequency, lang)}",
        f"{t('kind', lang)}: {t(indicator.kind, lang)}",
        f"{t('direction', lang)}: {t(indicator.direction, lang)}",
        f"{t('baseline', lang)}: {display.figure(indicator, base.value, lang)}"
        f" ({display.day(base.date, lang)})",
    ]
    st.caption(md_escape(" · ".join(facts)))
    if indicator.description:
        st.text(indicator.description)


# The org units a page draws (the largest in the latest period) and the periods it tabulates:
# an indicator reported by thousands of municipalities still draws a chart a reader can read.
_ORG_UNITS_SHOWN = 30
_PERIODS_SHOWN = 12


def _org_units(k: data.Key, indicator: Indicator, lang: Lang) -> None:
    units, count = data.org_unit_figures(k, indicator.id, _ORG_UNITS_SHOWN, _PERIODS_SHOWN)
    if units.empty:
        return
    st.subheader(t("org_units", lang))
    newest = units["period"].max()
    latest = units[units["period"] == newest]
    st.caption(f"{t('period', lang)}: {display.period(indicator, _day(newest), lang)}")
    if count > len(latest):
        st.caption(t("org_units_largest", lang, shown=len(latest), total=number(count, lang)))
    bars = latest[["org_unit", "value"]].assign(
        value=latest["value"] * display.scale(indicator, lang)
    )
    left, right = st.columns([3, 2])
    left.altair_chart(org_unit_chart(bars, display.unit(indicator, lang)), width="stretch")
    pivot = units.pivot_table(index="org_unit", columns="period", values="value", aggfunc="sum")
    pivot = pivot.reindex(latest["org_unit"])  # the largest first, as the chart draws them
    pivot.columns = [display.period(indicator, _day(p), lang) for p in pivot.columns]
    shown = pivot.map(lambda v: display.value(indicator, v, lang))
    right.dataframe(shown.rename_axis(t("org_unit", lang)))


def _page_number(total: int, widget: str, lang: Lang) -> int:
    """Which page of a long table to show (from 0): a pager when there is more than one page,
    with the rows it shows out of how many."""
    pages = max(1, -(-total // data.PAGE_ROWS))
    page = 0
    if pages > 1:
        page = int(st.number_input(t("table_page", lang), 1, pages, 1, key=widget)) - 1
    first, last = page * data.PAGE_ROWS + 1, min(total, (page + 1) * data.PAGE_ROWS)
    if pages > 1:
        st.caption(
            t(
                "table_rows",
                lang,
                first=number(first, lang),
                last=number(last, lang),
                total=number(total, lang),
            )
        )
    return page


def _day(value: object) -> dt.date:
    """A period cell (a Timestamp from the warehouse) as a date."""
    return value.date() if isinstance(value, pd.Timestamp) else value  # type: ignore[return-value]


def main() -> None:
    """Lay out one indicator's page."""
    lang = state.lang()
    k = data.key()
    catalog = data.catalog(k)
    # An indicator is the instance's, whichever plan is chosen: judged once, one history, and
    # the initiatives it evidences in every plan.
    chosen_plan = data.evaluation(k)
    result = chosen_plan.whole or chosen_plan
    choices = indicator_choices(catalog, lang)
    # ?id= names the indicator (alert links, the goal list); the choice is written back.
    # The widget is per language: a selectbox keeps the label it was given, not the id.
    widget = f"indicator_{lang.value}"
    state.synced_choice("id", list(choices), widget)
    chosen = st.selectbox(
        t("choose_indicator", lang),
        list(choices),
        format_func=choices.__getitem__,
        key=widget,
        on_change=state.to_url,
        args=("id", widget),
    )
    state.to_url("id", widget)
    indicator = find_indicator(catalog, chosen or next(iter(choices)))
    owners = owner_names(catalog, lang)
    owner = owners.get(indicator.owner, indicator.owner)
    st.title(md_escape(choices[indicator.id]))
    _facts(indicator, owner, lang)

    statuses = result.targets[indicator.id]
    table, codes = target_table(result, indicator, lang)
    st.dataframe(style_status(table, t("status", lang), codes), hide_index=True)
    if any(x.illustrative for x in indicator.targets):
        st.caption(t("illustrative_note", lang))

    st.subheader(t("grade_heading", lang))
    st.dataframe(grade_table(result, indicator, lang), hide_index=True)
    st.caption(display.grade_note(result.catalog.plan.grades, lang))

    st.subheader(t("chart", lang))
    totals = data.totals(k)
    series = totals[totals["indicator_id"] == indicator.id]
    chart = indicator_chart(indicator, statuses, series, result.as_of, lang)
    st.altair_chart(chart, width="stretch")
    st.caption(t("chart_note", lang))
    if annual(indicator):
        st.caption(t("annual_note", lang))

    st.subheader(t("figures_table", lang))
    page = _page_number(data.figures_page(k, indicator.id, 0)[1], f"figures_{indicator.id}", lang)
    figures, total = data.figures_page(k, indicator.id, page)
    if total == 0:
        st.info(t("no_figures", lang))
    else:
        number_column = {
            value_header(indicator, lang): st.column_config.NumberColumn(format="localized")
        }
        # Widths that keep every column in view at 1280 px (the sender and the file last).
        widths = {
            t(name, lang): st.column_config.TextColumn(width=width)
            for name, width in (
                ("period", 85),
                ("org_unit", 90),
                ("revision", 40),
                ("note", 90),
                ("recorded_at", 115),
                ("superseded_at", 115),
                ("file", 160),
                ("uploaded_by", 170),
            )
        }
        columns = {**widths, **number_column}
        st.dataframe(
            figures_table(indicator, figures, owners, lang), hide_index=True, column_config=columns
        )
        versions = data.revisions_page(k, indicator.id, 0)[1]
        with st.expander(f"{t('revisions', lang)} ({number(versions, lang)})"):
            shown = _page_number(versions, f"revisions_{indicator.id}", lang)
            history = data.revisions_page(k, indicator.id, shown)[0]
            st.dataframe(
                revisions_table(indicator, history, owners, lang),
                hide_index=True,
                column_config=columns,
            )

        def every_version() -> bytes:
            # Built when the button is pressed, not on every run of the page.
            return csv_bytes(
                revisions_table(indicator, data.all_revisions(indicator.id), owners, lang)
            )

        st.download_button(
            t("download_csv", lang),
            every_version,
            file_name=f"{indicator.id}_{result.as_of.isoformat()}.csv",
            mime="text/csv",
            icon=":material/download:",
        )
        _org_units(k, indicator, lang)

    indicator_words(indicator, result, k, auth.current_actor(), lang)

    st.subheader(t("evidences", lang))
    st.dataframe(evidenced_table(result, indicator, lang), hide_index=True)


main()
