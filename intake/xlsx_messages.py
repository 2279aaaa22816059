"""What intake tells the sender about an Excel workbook: limits on what it decompresses to,
macro-enabled and other workbook kinds, which sheet was read, merged cells and formulas."""

from __future__ import annotations

from collections.abc import Sequence

from intake.messages import CellProblem, FileRejected, quote, unreadable

_SPLIT_JA = "ファイルを分けるか、値だけを貼り付けた新しいブックで送ってください。"
_SPLIT_EN = "Split the file, or paste the values alone into a new workbook."


def _mb(size: int) -> str:
    return f"{size / 2**20:,.1f} MB"


def too_many_parts(count: int, limit: int) -> FileRejected:
    """Return the refusal of a zip with more parts than any workbook needs."""
    return unreadable(
        FileRejected(
            f"Excel ブックの構成要素が多すぎます（{count:,}個、上限 {limit:,}個）。{_SPLIT_JA}",
            f"The workbook has too many parts ({count:,}; the limit is {limit:,}). {_SPLIT_EN}",
        )
    )


def part_too_large(name: str, size: int, limit: int) -> FileRejected:
    """Return the refusal of a part that would decompress past its limit."""
    return unreadable(
        FileRejected(
            f"Excel ブックの中身「{quote(name)}」が展開すると大きすぎます（{_mb(size)}、上限 "
            f"{_mb(limit)}）。ファイルの大きさではなく、開いたときの量が上限を超えています。"
            f"{_SPLIT_JA}",
            f"The workbook part '{quote(name)}' decompresses to {_mb(size)}, over the limit of "
            f"{_mb(limit)}: what the file becomes when opened is too large, not the file. "
            f"{_SPLIT_EN}",
        )
    )


def workbook_too_large(size: int, limit: int) -> FileRejected:
    """Return the refusal of a workbook that would decompress past the total limit."""
    return unreadable(
        FileRejected(
            f"Excel ブックが展開すると大きすぎます（{_mb(size)}、上限 {_mb(limit)}）。{_SPLIT_JA}",
            f"The workbook decompresses to {_mb(size)}, over the limit of {_mb(limit)}. "
            f"{_SPLIT_EN}",
        )
    )


def macro_workbook() -> FileRejected:
    """Return the refusal of a macro-enabled workbook (.xlsm, or a VBA project inside)."""
    return unreadable(
        FileRejected(
            "マクロ付きの Excel ブック (.xlsm など) は受け付けません。マクロなしの .xlsx として"
            "保存し直すか、CSV で送ってください。",
            "Macro-enabled workbooks (.xlsm and the like) are not accepted. Save it as a "
            ".xlsx without macros, or send a CSV.",
        )
    )


def opendocument() -> FileRejected:
    """Return the refusal of an OpenDocument spreadsheet sent as a workbook."""
    return unreadable(
        FileRejected(
            "OpenDocument 形式 (.ods) には対応していません。.xlsx か CSV で保存し直してください。",
            "OpenDocument spreadsheets (.ods) are not supported. Save as .xlsx or CSV.",
        )
    )


def binary_workbook() -> FileRejected:
    """Return the refusal of an Excel binary workbook (.xlsb)."""
    return unreadable(
        FileRejected(
            "Excel バイナリブック (.xlsb) には対応していません。.xlsx か CSV で保存し直して"
            "ください。",
            "Excel binary workbooks (.xlsb) are not supported. Save as .xlsx or CSV.",
        )
    )


def cell_too_large_to_read(part: str, row: int, size: int) -> FileRejected:
    """Return the refusal of a workbook holding a cell too long to be read at all."""
    return unreadable(
        FileRejected(
            f"シート（{quote(part)}）の{row:,}行目付近に、長すぎて読み込めないセルがあります"
            f"（{_mb(size)}以上。Excel のセルは 32,767 文字までです）。そのセルを削除してから"
            "送ってください。",
            f"A sheet ({quote(part)}) holds a cell near row {row:,} too long to be read "
            f"({_mb(size)} or more; an Excel cell holds 32,767 characters at most). Delete that "
            "cell and send the file again.",
        )
    )


def too_many_cells(sheet: str, limit: int) -> FileRejected:
    """Return the refusal of a sheet with more cells than the limit."""
    return unreadable(
        FileRejected(
            f"シート（{quote(sheet)}）のセルが多すぎます（上限 {limit:,}個）。{_SPLIT_JA}",
            f"A sheet ({quote(sheet)}) has too many cells (the limit is {limit:,}). {_SPLIT_EN}",
        )
    )


def too_many_merges(sheet: str, limit: int) -> FileRejected:
    """Return the refusal of a sheet with more merged ranges than the limit."""
    return unreadable(
        FileRejected(
            f"シート（{quote(sheet)}）の結合セルが多すぎます（上限 {limit:,}）。結合を解除して"
            "送ってください。",
            f"A sheet ({quote(sheet)}) has too many merged ranges (the limit is {limit:,}). "
            "Unmerge the cells and send it again.",
        )
    )


def several_template_sheets(names: Sequence[str]) -> FileRejected:
    """Return the refusal of a workbook whose template header is on several sheets."""
    shown = "」「".join(quote(n, 30) for n in names)
    return FileRejected(
        f"テンプレートの見出しがあるシートが複数あります（「{shown}」）。どのシートの値を使う"
        "べきか決められないため、1つのファイルには1つのシートだけにしてください。",
        f'Several sheets hold the template header ("{shown}"); which one counts cannot be '
        "decided. Send one sheet per file.",
    )


def no_such_sheet(name: str, names: Sequence[str]) -> FileRejected:
    """Return the refusal of a workbook without the sheet asked for by name."""
    shown = "」「".join(quote(n, 30) for n in names)
    return FileRejected(
        f"シート「{quote(name, 30)}」がありません（あるのは「{shown}」）。",
        f'There is no sheet "{quote(name, 30)}" (the sheets are "{shown}").',
    )


def sheet_chosen(chosen: str, skipped: Sequence[str]) -> tuple[str, str]:
    """Return the note that a later sheet was read because it holds the header."""
    shown = "」「".join(quote(n, 30) for n in skipped)
    return (
        f"見出しのあるシート「{quote(chosen, 30)}」を読みました（その前のシート「{shown}」には"
        "見出しがないため読んでいません）。",
        f"Read sheet '{quote(chosen, 30)}', which holds the header (the sheets before it, "
        f'"{shown}", have none and were not read).',
    )


def other_sheets_with_data(chosen: str, others: Sequence[str]) -> tuple[str, str]:
    """Return the note that other sheets hold data that was not read."""
    shown = "」「".join(quote(n, 30) for n in others)
    return (
        f"シート「{shown}」にもデータがありますが、読み込んだのはシート「{quote(chosen, 30)}」"
        "だけです。その値も送るなら、テンプレートの形で別のファイルにしてください。",
        f"Sheets \"{shown}\" hold data too, but only sheet '{quote(chosen, 30)}' was read. "
        "Send their figures as separate files in the template.",
    )


def formula_without_value(formula: str) -> CellProblem:
    """Return the problem of a formula saved without its computed value."""
    shown = f"={formula}" if formula else "(数式)"
    return CellProblem(
        "formula_without_value",
        f"数式（{quote(shown, 40)}）に保存された値がありません。Excelで開いて保存し直してください"
        "（数式を使わず値を入力しても構いません）。",
        f"the formula ({quote(shown, 40)}) was saved without its value. Open the file in Excel "
        "and save it again (or type the value instead of the formula).",
        shown,
    )


def merged_across(ref: str) -> CellProblem:
    """Return the problem of a cell that lies to the right within a merged range."""
    return CellProblem(
        "merged_cell",
        f"セルが結合されています（{ref}）。結合を解除して、列ごとに値を入力してください。",
        f"the cell is merged ({ref}); unmerge it and fill in each column.",
        ref,
    )


def merged_value(ref: str) -> CellProblem:
    """Return the problem of a value cell merged over several rows."""
    return CellProblem(
        "merged_cell",
        f"値のセルが複数の行にまたがって結合されています（{ref}）。どの行の値か分からないため、"
        "結合を解除して行ごとに値を入力してください。",
        f"the value cell is merged over several rows ({ref}), so whose figure it is cannot be "
        "told; unmerge it and give each row its value.",
        ref,
    )
