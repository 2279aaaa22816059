"""Labels only the app uses, in Japanese and English; shared terms come from kernel.i18n."""

from __future__ import annotations

import re

from kernel.i18n import Lang, label

TEXT: dict[str, tuple[str, str]] = {
    # navigation and sidebar
    "app_title": ("指標モニタリング", "KPI monitoring"),
    "page_goals": ("目標ダッシュボード", "Goals"),
    "report_heading": ("点検報告書（草案）", "Review report (draft)"),
    "report_caption": (
        "基準日時点のデータから、報告書の構成（趣旨・考え方、取組項目ごとの点検結果、全体総括、別紙）で草案を作成します。",
        "Drafted from the data as of the as-of day, in the report's structure: purpose and "
        "method, results per area, overall summary, and the list of initiatives.",
    ),
    "report_format": ("形式", "Format"),
    "report_prepare": ("草案を作成", "Prepare the draft"),
    "report_download": ("ダウンロード", "Download"),
    "page_indicator": ("指標", "Indicator"),
    "page_initiatives": ("取組", "Initiatives"),
    "page_upload": ("アップロード", "Upload"),
    "page_alerts": ("アラート", "Alerts"),
    "page_loads": ("取込履歴", "Loads"),
    "page_audit": ("監査ログ", "Audit"),
    "language": ("言語 / Language", "言語 / Language"),
    "as_of_input": ("基準日 / As of", "基準日 / As of"),
    "as_of_help": (
        "過去の日付を選ぶと、その日の終わりまでに届いていた数値で判定し直します。",
        "Pick a past day to replay the judgement on the figures known by its end.",
    ),
    "replay": ("過去の時点を表示しています: {day}", "Showing the state as of {day}"),
    # sign-in
    "sign_in_title": ("サインイン", "Sign in"),
    "sign_in_caption": (
        "指標モニタリングを利用するにはサインインしてください。",
        "Sign in to use KPI monitoring.",
    ),
    "user_name": ("ユーザー名", "User name"),
    "password": ("パスワード", "Password"),
    "sign_in": ("サインイン", "Sign in"),
    "sign_in_oidc": ("組織のアカウントでサインイン", "Sign in with your organisation's account"),
    "sign_out": ("サインアウト", "Sign out"),
    "need_name_password": (
        "ユーザー名とパスワードを入力してください。",
        "Enter your user name and password.",
    ),
    "session_expired": (
        "{minutes} 分間操作がなかったため、サインアウトしました。もう一度サインインしてください。",
        "You were signed out after {minutes} minutes without activity. Please sign in again.",
    ),
    "signed_out": ("サインアウトしました。", "You are signed out."),
    "account_gone": (
        "このアカウントは無効になったか削除されたため、サインアウトしました。",
        "This account was disabled or removed, so you were signed out.",
    ),
    "not_registered": (
        "このアカウントには権限が登録されていません。管理者に連絡してください。",
        "This account has no role registered. Please contact the administrator.",
    ),
    "signed_in_email": ("サインイン中のアカウント: {email}", "Signed in as {email}"),
    "no_users": (
        "ユーザーがまだ登録されていません。"
        "`shihyo users add NAME --role admin` で管理者を登録してください。",
        "No user is registered yet. Add an administrator with "
        "`shihyo users add NAME --role admin`.",
    ),
    "users_unreadable": (
        "ユーザー情報を読み込めません。管理者に連絡してください。",
        "The user file cannot be read. Please contact the administrator.",
    ),
    "oidc_unavailable": (
        "組織のアカウントでのサインインを準備できません（Authlib が未導入です）。"
        "管理者に連絡してください。",
        "Sign-in with the organisation's account is not available (Authlib is not "
        "installed). Please contact the administrator.",
    ),
    "oidc_misconfigured": (
        "サインインの設定（secrets.toml の [auth]）に誤りがあります: {error}",
        "The sign-in settings ([auth] in secrets.toml) are wrong: {error}",
    ),
    "role_viewer": ("閲覧者", "Viewer"),
    "role_owner": ("担当課", "Section owner"),
    "role_admin": ("管理者", "Administrator"),
    "role_with_sections": ("{role}（{sections}）", "{role} ({sections})"),
    # audit
    "admin_only": (
        "このページは管理者のみ表示できます。",
        "Only administrators can see this page.",
    ),
    "audit_caption": (
        "利用者の追加・変更、カタログや目標の変更などの記録です（追記のみで、変更・削除はできません）。",
        "Who changed users, the catalog or targets, and when (append-only: never changed "
        "or deleted).",
    ),
    "audit_entity": ("対象の種類", "Entity kind"),
    "audit_actor": ("操作者", "Actor"),
    "audit_since": ("この日以降", "Since"),
    "audit_count": ("{n} 件の記録", "{n} records"),
    "audit_none": ("条件に合う記録はありません。", "No record matches the filters."),
    "changed_at": ("日時", "When"),
    "action": ("操作", "Action"),
    "entity": ("対象", "Entity"),
    "entity_id": ("対象ID", "Entity id"),
    "before": ("変更前", "Before"),
    "after": ("変更後", "After"),
    # warehouse state
    "busy": (
        "更新中です、数秒後に再読み込みしてください",
        "The data is being updated; reload in a few seconds.",
    ),
    "missing": (
        "データベースがまだありません。`make run` または `shihyo init` を実行してください。",
        "There is no warehouse yet. Run `make run` or `shihyo init` first.",
    ),
    "bad_settings": ("設定が正しくありません: {error}", "The settings are wrong: {error}"),
    # goals
    "all": ("すべて", "All"),
    "plan_tiles": ("取組の実施結果", "Initiative status"),
    "check": ("照合", "Check"),
    "match": ("✓ 一致", "✓ agrees"),
    "mismatch": ("⚠ 不一致", "⚠ differs"),
    "by_area": ("取組項目別", "By area"),
    "target_tiles": ("目標の状況（件数）", "Targets by status"),
    "urgent_list": ("対応が必要な順", "In order of urgency"),
    "open": ("詳細", "Open"),
    "gap": ("差", "Gap"),
    "target_due": ("目標値（期限）", "Target (due)"),
    "actual_vs_expected": ("実績 / 想定", "Actual / expected"),
    "coverage_tiles": ("指標が設定された取組", "Initiatives with an indicator"),
    "share": ("割合", "Share"),
    "no_targets_match": ("条件に合う目標はありません。", "No target matches the filters."),
    "targets_of": ("{n} 件の目標（{m} 指標）", "{n} targets of {m} indicators"),
    # indicator
    "choose_indicator": ("指標を選択", "Choose an indicator"),
    "direction": ("望ましい方向", "Better when"),
    "higher": ("高いほど良い", "higher"),
    "lower": ("低いほど良い", "lower"),
    "chart": ("推移と目標", "Figures and targets"),
    "chart_note": (
        "● 実績　◆ 目標　実線: 基準値から目標までの想定線　帯: 許容幅　点線: 到達見込み",
        "● figures  ◆ targets  line: path from the baseline  band: tolerance  dashed: forecast",
    ),
    "annual_note": (
        "年度の合計を目標とする指標のため、各年度の合計（全期間がそろった年度）を表示します。",
        "A fiscal-year total is the target, so complete fiscal years are shown as totals.",
    ),
    "figures_table": ("数値", "Figures"),
    "revisions": ("改訂履歴（すべての版）", "Revisions (every version)"),
    "org_units": ("組織別の内訳", "Breakdown by org unit"),
    "evidences": ("この指標が根拠となる取組", "Initiatives this indicator evidences"),
    "download_csv": ("CSVでダウンロード", "Download as CSV"),
    "no_figures": ("数値はまだありません。", "No figures yet."),
    "series": ("実績", "Figures"),
    "path": ("想定線", "Path"),
    "band": ("許容幅", "Tolerance"),
    "period": ("期間", "Period"),
    "value": ("値", "Value"),
    "org_unit": ("組織", "Org unit"),
    "revision": ("版", "Revision"),
    "note": ("備考", "Note"),
    "recorded_at": ("記録日時", "Recorded"),
    "superseded_at": ("置換日時", "Superseded"),
    "file": ("ファイル", "File"),
    "uploaded_by": ("送信者", "Sent by"),
    "section": ("担当課", "Section"),
    "next_due": ("次の提出期限", "Next due"),
    "illustrative": ("（説明用の仮の目標）", "(illustrative)"),
    # initiatives
    "only_without": ("指標が未設定の取組のみ表示", "Only initiatives without an indicator"),
    "plan_status": ("計画上の状況", "Status in the plan"),
    "indicator_status": ("指標による状況", "Status by indicators"),
    "reason": ("変更の理由", "Reason for the change"),
    "inconsistent": (
        "⚠ 計画では達成だが指標が遅れ・未達成",
        "⚠ achieved in the plan, but an indicator is off track or missed",
    ),
    "inconsistent_count": ("矛盾あり", "Inconsistent"),
    "no_indicator_mark": ("？ 指標なし", "? no indicator"),
    # upload
    "choose_section": ("担当課", "Your section"),
    "template": ("入力用テンプレート（CSV）", "Template (CSV)"),
    "template_help": (
        "提出期限が来ている最新の期間を入れてあります。値を記入して送ってください。",
        "Filled with the latest period due; fill in the values and send it back.",
    ),
    "sent_as": ("送信者: {name}", "Sent by: {name}"),
    "viewer_no_upload": (
        "閲覧者はアップロードできません。数値は担当課のユーザーが送信します。",
        "Viewers cannot upload; figures are sent by the owning sections' users.",
    ),
    "no_sections": (
        "担当する課が登録されていません。管理者に連絡してください。",
        "No section is registered for you. Please contact the administrator.",
    ),
    "upload_file": ("CSV または Excel ファイル（20 MB まで）", "CSV or Excel file (up to 20 MB)"),
    "too_big": (
        "ファイルが大きすぎます（{size:.1f} MB）。20 MB までにしてください。",
        "The file is too large ({size:.1f} MB); the limit is 20 MB.",
    ),
    "open_data_period": (
        "期間（オープンデータ形式のファイルのみ、例 2026-10）",
        "Period (open-data files only, e.g. 2026-10)",
    ),
    "preview": ("取り込む前の確認", "Check before loading"),
    "rows_ok": ("受け付ける行", "Rows accepted"),
    "rows_bad": ("受け付けない行", "Rows rejected"),
    "warnings": ("注意", "Warnings"),
    "parsed_rows": ("読み取った行", "Rows read"),
    "rejected_rows": ("受け付けない行と理由", "Rejected rows and why"),
    "file_rejected": (
        "ファイル全体を受け付けられません: {reason}",
        "The file is refused: {reason}",
    ),
    "commit": ("取り込む", "Load these figures"),
    "nothing_to_load": ("受け付けられる行がありません。", "No row can be accepted."),
    "result": ("取込結果", "Result"),
    "rows_new": ("新規", "New"),
    "rows_revised": ("改訂", "Revised"),
    "rows_unchanged": ("変更なし", "Unchanged"),
    "duplicate": (
        "同じファイルはすでに取り込まれています（重複）。",
        "This file was loaded before (duplicate).",
    ),
    "row": ("行", "Row"),
    "column": ("列", "Column"),
    "rule": ("規則", "Rule"),
    "why": ("理由", "Reason"),
    # alerts
    "open_alerts": ("未解決のアラート", "Open alerts"),
    "alert_history": ("アラートの履歴", "Alert history"),
    "outbox": ("送信キュー", "Outbox"),
    "no_alerts": ("未解決のアラートはありません。", "No open alert."),
    "resend": ("再送する", "Resend"),
    "resend_choose": ("再送するメッセージ", "Message to resend"),
    "resent": ("送信 {sent} 件・失敗 {failed} 件", "{sent} sent, {failed} failed"),
    "nothing_to_resend": ("再送できるメッセージはありません。", "No message waits to be resent."),
    "recipient": ("宛先", "Recipient"),
    "channel": ("経路", "Channel"),
    "subject": ("件名", "Subject"),
    "state": ("状態", "State"),
    "attempts": ("試行", "Attempts"),
    "last_error": ("直近のエラー", "Last error"),
    "next_attempt": ("次回送信", "Next attempt"),
    "sent_at": ("送信日時", "Sent"),
    "created_at": ("作成日時", "Created"),
    "opened_at": ("発生日時", "Opened"),
    "resolved_at": ("解消日時", "Resolved"),
    "summary": ("内容", "Summary"),
    "validation_failed": ("取込エラー", "Validation failed"),
    "pending": ("送信待ち", "pending"),
    "sent": ("送信済み", "sent"),
    "no_channel": ("送信先なし", "no channel"),
    "rerouted": ("送信先の設定後に再送", "sent on once a channel existed"),
    "resolved": ("解消", "resolved"),
    "open_state": ("未解決", "open"),
    # loads
    "loads": ("取込の記録", "Loads"),
    "no_loads": ("取込の記録はまだありません。", "No load yet."),
    "choose_load": ("取込を選択", "Choose a load"),
    "quarantine": ("受け付けなかった行", "Quarantined rows"),
    "all_quarantine": ("受け付けなかった行（すべての取込）", "Quarantined rows (every load)"),
    "raw_file": ("元のファイル", "Raw file"),
    "errors_file": ("エラー一覧（CSV）", "Errors file (CSV)"),
    "not_kept": ("保管されていません", "not kept"),
    "received_at": ("受付日時", "Received"),
    "sha256": ("ハッシュ", "Hash"),
    "accepted_short": ("受理", "Accepted"),
    "rejected_short": ("不受理", "Rejected"),
    "rows_total": ("行数", "Rows"),
    "upload_steps": (
        "1. テンプレートを取得　2. 値を記入　3. ファイルを選んで確認　4. 「取り込む」",
        "1. Download the template  2. Fill in the values  3. Choose the file and check it  4. Load",
    ),
    "options": ("詳細設定", "Options"),
    "validation": ("検査", "Validation"),
    "checks_passed": ("{ok}/{n} 合格", "{ok}/{n} passed"),
    "load": ("取込", "Load"),
    "loaded": ("取込済み", "loaded"),
    "partial": ("一部取込", "partial"),
    "rejected": ("不受理", "rejected"),
}


def t(key: str, lang: Lang | str, **values: object) -> str:
    """The app's label for `key` in `lang` (falling back to kernel.i18n), formatted."""
    if key in TEXT:
        ja, en = TEXT[key]
        text = en if Lang(lang) is Lang.en else ja
    else:
        text = label(key, lang)
    return text.format(**values) if values else text


def pick(lang: Lang | str, ja: str | None, en: str | None) -> str:
    """The English text in English when there is one, else the Japanese."""
    return (en or ja or "") if Lang(lang) is Lang.en else (ja or en or "")


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|:$~])")


def md_escape(text: object) -> str:
    """Text with every Markdown (and Streamlit directive) character escaped, safe to show."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")
