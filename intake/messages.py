"""What intake tells the sender: whole-file rejections and per-cell problems, in Japanese
first and English alongside."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from intake.limits import shorten
from kernel.errors import BilingualError

# Shown in every "this is not the template" message, so the sender learns the fix at once.
EXPECTED_HEADER_JA = "indicator_id, period, value または 指標ID, 年月, 値 など"
EXPECTED_HEADER_EN = "indicator_id, period, value (or 指標ID, 年月, 値)"
ALLOWED_COLUMNS_JA = (
    "indicator_id（指標ID・指標コード）, period（年月・期間・対象月）, value（値・実績値・実績）, "
    "org_unit（組織・団体・市町村）, note（備考）, comment（コメント・状況・要因）"
)
ALLOWED_COLUMNS_EN = (
    "indicator_id, period, value, org_unit, note, comment (or their Japanese names)"
)
WIFI_PERIOD_EXAMPLE = "shihyo ingest --period 2019-03 FILE"
MAX_QUOTE = 80


class FileRejected(BilingualError):
    """The upload as a whole cannot be read; nothing of it is loaded.

    `rows_in_file` is how many data rows the file had, as far as they could be read (None
    when the file was refused before its rows could be read safely, e.g. a workbook that
    decompresses past the limits, or bytes that are not a table at all); `rows_exact` is
    False when it is a lower bound (reading stopped at a cap)."""

    def __init__(
        self,
        message_ja: str,
        message_en: str,
        *,
        rows_in_file: int | None = None,
        rows_exact: bool = True,
    ) -> None:
        super().__init__(message_ja, message_en)
        self.rows_in_file = rows_in_file
        self.rows_exact = rows_exact
        # False for refusals made before the rows could be read safely: nothing counts them.
        self.countable = True

    def __reduce__(self) -> tuple:  # picklable across processes (parse_isolated)
        state = (self.message_ja, self.message_en, self.rows_in_file, self.rows_exact)
        return (_rebuild_rejection, (*state, self.countable))


def _rebuild_rejection(
    ja: str, en: str, rows: int | None, exact: bool, countable: bool
) -> FileRejected:
    exc = FileRejected(ja, en, rows_in_file=rows, rows_exact=exact)
    exc.countable = countable
    return exc


def unreadable(exc: FileRejected) -> FileRejected:
    """Return `exc` marked as made before the file's rows could be read safely."""
    exc.countable = False
    return exc


@dataclass(frozen=True)
class RowError:
    """One row refused (a cell that failed to parse, or a row a rule excludes); in the
    template its row stays in the frame for the caller to quarantine. `value` is what was
    sent, cut to a readable length (limits.ECHO_CHARS) since it is echoed back."""

    row: int
    column: str
    value: str
    reason_ja: str
    reason_en: str
    rule: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", shorten(self.value))


@dataclass(frozen=True)
class CellProblem:
    """Why one cell cannot be taken as read (too long, a formula without its value, inside
    a merged range), in both languages; it refuses the cell's row."""

    rule: str
    reason_ja: str
    reason_en: str
    shown: str = ""  # what the cell held, for the error's value


class CellProblems(dict[tuple[int, int], CellProblem]):
    """Problems by (row, column index), and each row's first, kept as the readers add them
    (a CSV reader adds a row's while the row is being consumed)."""

    def __init__(self) -> None:
        super().__init__()
        self.by_row: dict[int, tuple[int, CellProblem]] = {}

    def __setitem__(self, key: tuple[int, int], value: CellProblem) -> None:
        super().__setitem__(key, value)
        row, col = key
        if row not in self.by_row or col < self.by_row[row][0]:
            self.by_row[row] = (col, value)


def cell_too_long(text: str, limit: int) -> CellProblem:
    """Return the problem of a cell longer than the cap (quoting its start)."""
    length = len(text)
    return CellProblem(
        "cell_too_long",
        f"セルの文字数が多すぎます（{length:,}文字、上限 {limit:,}文字）。この行は読み込みません。",
        f"the cell is too long ({length:,} characters; the limit is {limit:,}); the row is "
        "not read.",
        shorten(text),
    )


def quote(text: str, limit: int = MAX_QUOTE) -> str:
    """Return `text` on one line, cut to `limit` characters, for quoting inside a message."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def quote_cells(cells: Sequence[str]) -> str:
    """Return the non-blank cells of a row joined by ", ", quoted-length, or "(空)" if none."""
    filled = [c.strip() for c in cells if c.strip()]
    return quote(", ".join(filled)) if filled else "(空)"


def empty_file() -> FileRejected:
    """Return the rejection for a file with no content."""
    return FileRejected(
        "ファイルが空です。見出し行（"
        + EXPECTED_HEADER_JA
        + "）とデータの行を含む CSV か .xlsx を送ってください。",
        f"The file is empty. Send a CSV or .xlsx with a header row ({EXPECTED_HEADER_EN}) "
        "and data rows.",
    )


def not_a_header(row: int, cells: Sequence[str]) -> FileRejected:
    """Return the rejection for a first row that is not the template's header."""
    found = quote_cells(cells)
    return FileRejected(
        f"{row}行目に見出し（{EXPECTED_HEADER_JA}）が必要ですが、「{found}」と書かれていました。"
        "タイトル行や2段の見出しは使わず、テンプレートの形で送ってください。",
        f"Expected a header row with {EXPECTED_HEADER_EN} at row {row}, but found "
        f'"{found}". Do not add title rows or two-row headers; use the template.',
    )


def missing_columns(row: int, missing: Sequence[str], cells: Sequence[str]) -> FileRejected:
    """Return the rejection for a header that lacks required columns."""
    names = ", ".join(missing)
    found = quote_cells(cells)
    return FileRejected(
        f"{row}行目の見出しに {names} の列がありません（見出しは「{found}」でした）。"
        f"{EXPECTED_HEADER_JA} の列が必要です。",
        f'The header at row {row} has no {names} column (it was "{found}"). '
        f"Columns {EXPECTED_HEADER_EN} are required.",
    )


def unknown_columns(row: int, names: Sequence[str]) -> FileRejected:
    """Return the rejection for header cells that are not template columns."""
    shown = quote("」「".join(names))
    shown_en = quote('", "'.join(names))
    return FileRejected(
        f"{row}行目の見出し「{shown}」はテンプレートにない列です。"
        f"使える列は {ALLOWED_COLUMNS_JA} です。",
        f'Row {row}: header "{shown_en}" is not a template column. '
        f"Allowed columns: {ALLOWED_COLUMNS_EN}.",
    )


def duplicate_column(row: int, canonical: str, names: Sequence[str]) -> FileRejected:
    """Return the rejection for two header cells naming the same column."""
    shown = "」と「".join(names)
    shown_en = '", "'.join(names)
    return FileRejected(
        f"{row}行目の見出し「{shown}」はどちらも {canonical} の列です。1つにしてください。",
        f'Row {row}: headers "{shown_en}" all mean {canonical}; keep only one.',
    )


def unheaded_cell(row: int, letter: str, cell: str) -> FileRejected:
    """Return the rejection for a data cell in a column that has no header."""
    return FileRejected(
        f"{row}行目の{letter}列に「{quote(cell)}」がありますが、その列には見出しがありません。"
        "表の列と見出しをそろえてください。",
        f'Row {row}, column {letter} holds "{quote(cell)}" but that column has no header. '
        "Align the data with the header.",
    )


def no_data_rows() -> FileRejected:
    """Return the rejection for a file with a header and no data."""
    return FileRejected(
        "見出しはありますが、データの行が1行もありません。",
        "The file has a header but no data rows.",
    )


def undecodable() -> FileRejected:
    """Return the rejection for bytes that are neither UTF-8 nor CP932."""
    return FileRejected(
        "文字コードを判別できません。CSV は UTF-8 か Shift_JIS (CP932) で保存してください。",
        "Cannot decode the file. Save the CSV as UTF-8 or Shift_JIS (CP932).",
    )


def binary_content() -> FileRejected:
    """Return the rejection for content that is not text (control characters, NUL bytes)."""
    return FileRejected(
        "テキストの CSV ではないようです（制御文字を含みます）。CSV か .xlsx を送ってください。",
        "This does not look like a text CSV (it contains control characters). "
        "Send a CSV or .xlsx file.",
    )


def legacy_xls() -> FileRejected:
    """Return the rejection for an old binary Excel (.xls) workbook."""
    return FileRejected(
        "古い Excel 形式 (.xls) には対応していません。.xlsx か CSV で保存し直してください。",
        "Old Excel workbooks (.xls) are not supported. Save as .xlsx or CSV.",
    )


def bad_xlsx(detail: str) -> FileRejected:
    """Return the rejection for a file that claims to be .xlsx but cannot be opened."""
    return FileRejected(
        f"Excel ブック (.xlsx) として開けません（{quote(detail)}）。"
        "Excel で開けることを確かめて保存し直してください。",
        f"Cannot open the file as an Excel workbook (.xlsx) ({quote(detail)}). "
        "Check that it opens in Excel and save it again.",
    )


def too_large(what_ja: str, what_en: str, limit: int) -> FileRejected:
    """Return the rejection for a sheet beyond the row or column cap."""
    return FileRejected(
        f"表の{what_ja}が上限（{limit:,}）を超えています。ファイルを分けて送ってください。",
        f"The table has more {what_en} than the limit ({limit:,}). Split the file.",
    )


def bad_csv(row: int, detail: str) -> FileRejected:
    """Return the rejection for CSV syntax the csv module cannot read (stray quotes)."""
    return FileRejected(
        f'{row}行目付近が CSV として正しくありません（引用符 " の対応などを確認してください: '
        f"{quote(detail)}）。",
        f"Row {row} or near it is not valid CSV (check the double quotes: {quote(detail)}).",
    )


def wifi_needs_period() -> FileRejected:
    """Return the rejection for a Wi-Fi list sent without the period it describes."""
    return FileRejected(
        "公衆無線LANアクセスポイント一覧には期間の列がありません。いつ時点の一覧かを指定してください"
        f"（例: {WIFI_PERIOD_EXAMPLE}）。",
        "A public Wi-Fi access point list has no period column; give the period it describes "
        f"(e.g. {WIFI_PERIOD_EXAMPLE}).",
    )


def bad_period_argument(reason_ja: str, reason_en: str) -> FileRejected:
    """Return the rejection for a --period argument that does not parse."""
    return FileRejected(
        f"指定された期間が正しくありません。{reason_ja}",
        f"The period given is invalid. {reason_en}",
    )
