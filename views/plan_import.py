"""取組一覧の取り込み / Initiative list (administrators only): the plan's initiative list from
Excel in the review report's 別紙 layout, read as `shihyo catalog import` reads it, shown as
what it would change; the new initiatives.yaml to download for review in git and
`shihyo init`. Nothing in force changes here: the files stay the reviewable source."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from access.roles import Actor
from indicators.catalog import CatalogError, Initiative
from indicators.catalog_import import InitiativeImport, SheetRefused
from indicators.display import paren
from kernel.errors import BilingualError
from kernel.vocabulary import Lang
from ui import auth, data, door, state
from ui.text import pick, t

STATUSES = ("achieved", "in_progress", "changed", "total")


def _read(content: bytes, sheet: str | None, lang: Lang) -> InitiativeImport | None:
    """The import of `content`, or None after saying why the workbook cannot be read."""
    try:
        with st.spinner(t("plan_import_reading", lang)):
            return door.service().import_initiatives(content, sheet)
    except SheetRefused as refused:
        st.error(refused.refusal.message(lang))
    except BilingualError as exc:  # unreadable, over the limits, too large
        st.error(pick(lang, exc.message_ja, exc.message_en))
    except CatalogError as exc:
        st.error(str(exc))
    return None


def _area_names(lang: Lang) -> dict[str, str]:
    catalog = data.catalog(data.key())
    return {area.id: pick(lang, area.name, area.name_en) for _, area in catalog.areas()}


def _line(item: Initiative, areas: dict[str, str], lang: Lang) -> dict[str, str]:
    return {
        t("plan_import_id", lang): item.id,
        t("plan_import_area", lang): areas.get(item.area, item.area),
        t("plan_import_status", lang): t(item.status, lang),
        t("plan_import_text", lang): item.text,
    }


def _changes(imported: InitiativeImport, lang: Lang) -> None:
    """Per status before and after, then each kind of change as a table."""
    st.subheader(t("import_counts", lang))
    counts = pd.DataFrame(
        {
            "": [t(s, lang) if s != "total" else t("plan_import_total", lang) for s in STATUSES],
            t("import_before", lang): [imported.before.get(s, 0) for s in STATUSES],
            t("import_after", lang): [imported.after.get(s, 0) for s in STATUSES],
        }
    )
    st.dataframe(counts, hide_index=True)
    field = t("plan_import_fields", lang)
    areas = _area_names(lang)
    sections: list[tuple[str, list[dict[str, str]]]] = [
        ("import_added", [_line(i, areas, lang) for i in imported.added]),
        ("import_removed", [_line(i, areas, lang) for i in imported.removed]),
        (
            "import_status_changed",
            [
                {
                    t("plan_import_id", lang): c.after.id,
                    t("import_before", lang): t(c.before.status, lang),
                    t("import_after", lang): t(c.after.status, lang),
                    t("plan_import_text", lang): c.after.text,
                }
                for c in imported.status_changed
            ],
        ),
        (
            "import_text_changed",
            [
                {
                    t("plan_import_id", lang): c.after.id,
                    t("import_before", lang): c.before.text,
                    t("import_after", lang): c.after.text,
                }
                for c in imported.text_changed
            ],
        ),
        (
            "import_other_changed",
            [
                {
                    t("plan_import_id", lang): c.after.id,
                    field: "、".join(
                        t(f"import_field_{k}", lang)
                        for k in c.fields
                        if k not in ("status", "text")
                    ),
                }
                for c in imported.other_changed
            ],
        ),
    ]
    for key, rows in sections:
        if rows:
            st.subheader(t(key, lang) + paren(str(len(rows)), lang))
            frame = pd.DataFrame(rows)
            # Texts side by side are long: two wrapped lines a row (the grid wraps from 70 px).
            wide = [c for c in frame.columns if c != t("plan_import_id", lang)]
            st.dataframe(
                frame,
                hide_index=True,
                row_height=70 if key == "import_text_changed" else None,
                column_config={
                    c: st.column_config.TextColumn(width=360 if len(wide) == 2 else None)
                    for c in wide
                },
            )


def _download(actor: Actor, imported: InitiativeImport, lang: Lang) -> None:
    """The new initiatives.yaml, written and read back by the service as the command's --out
    writes it (every check of the catalog passing), offered for download."""
    with tempfile.TemporaryDirectory(prefix="shihyo-import-") as scratch:
        try:
            written = door.service().write_imported(actor, imported, Path(scratch))
        except CatalogError as exc:
            st.error(str(exc))
            return
        file = next(p for p in written if p.name == "initiatives.yaml")
        content = file.read_bytes()
    st.download_button(
        t("plan_import_download", lang),
        content,
        file_name="initiatives.yaml",
        mime="application/x-yaml",
        icon=":material/download:",
        key="plan_import_download",
    )
    st.info(t("import_next", lang))


def main() -> None:
    """Lay out the initiative list's import."""
    lang = state.lang()
    st.title(t("page_plan_import", lang))
    actor = auth.current_actor()
    # The page is registered for administrators only; checked again here.
    if actor is None or not actor.is_admin:
        st.error(t("admin_only", lang))
        return
    st.caption(t("plan_import_caption", lang))
    max_mb = door.settings().max_upload_mb
    sheet = st.text_input(t("plan_import_sheet", lang), key="plan_import_sheet").strip() or None
    upload = st.file_uploader(
        t("plan_import_file", lang),
        type=["xlsx"],
        max_upload_size=max(1, math.ceil(max_mb)),
        key="plan_import_file",
    )
    if upload is None:
        return
    imported = _read(upload.getvalue(), sheet, lang)
    if imported is None:
        return
    count = len(imported.initiatives)
    st.write(t("import_read", lang, sheet=imported.sheet, rows=imported.rows_read, count=count))
    for ja, en in imported.notes:
        st.caption(pick(lang, ja, en))
    if imported.refusals:
        st.error(t("import_refused", lang, count=len(imported.refusals)))
        st.dataframe(
            pd.DataFrame(
                {
                    t("plan_import_row", lang): [r.row or "" for r in imported.refusals],
                    t("plan_import_reason", lang): [r.reason(lang) for r in imported.refusals],
                }
            ),
            hide_index=True,
            column_config={t("plan_import_row", lang): st.column_config.TextColumn(width=70)},
        )
        return
    if imported.unchanged:
        st.success(t("import_no_change", lang, count=count))
        return
    _changes(imported, lang)
    _download(actor, imported, lang)


main()
