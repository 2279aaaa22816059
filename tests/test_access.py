"""Users, roles and the audit trail: slow salted hashes, lock-out, who may do what."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from access.roles import (
    SYSTEM,
    Actor,
    PermissionDenied,
    inbox_actor,
    may_see_load,
    may_send_figures_for,
    require_admin,
    require_uploader,
)
from access.users import SignInFailed, UserError, UserStore
from kernel.settings import load_settings
from service import Service
from shihyo.cli import app
from tests.conftest import ready_service

NOW = dt.datetime(2026, 11, 29, 9, 0)
PASSWORD = "correct horse battery"


@pytest.fixture
def store(tmp_path: Path) -> UserStore:
    return UserStore(tmp_path / "users.json")


def test_passwords_are_stored_as_salted_argon2_hashes(store: UserStore) -> None:
    store.add("yamada", PASSWORD, "owner", ["joho-kikaku"], NOW)
    store.add("suzuki", PASSWORD, "viewer", [], NOW)
    text = store.path.read_text(encoding="utf-8")
    assert PASSWORD not in text
    hashes = [u["password_hash"] for u in json.loads(text)]
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert hashes[0] != hashes[1]  # same password, different salt
    assert store.authenticate("yamada", PASSWORD, NOW).actor() == Actor(
        "yamada", "owner", ("joho-kikaku",)
    )


def test_repeated_failures_slow_down_instead_of_locking_out(store: UserStore) -> None:
    store.add("yamada", PASSWORD, "owner", ["joho-kikaku"], NOW)
    for tries in range(5):  # 1, 2, then 4 s to wait after the third, fourth, fifth
        with pytest.raises(SignInFailed) as failed:
            store.authenticate("yamada", "wrong password!", NOW + tries * dt.timedelta(seconds=10))
        assert failed.value.reason == "wrong"
    last = NOW + dt.timedelta(seconds=40)
    with pytest.raises(SignInFailed) as held:
        store.authenticate("yamada", PASSWORD, last + dt.timedelta(seconds=3), "elsewhere")
    assert held.value.reason == "throttled"
    assert store.authenticate("yamada", PASSWORD, last + dt.timedelta(seconds=4)).name == "yamada"


def test_disabled_unknown_and_weak(store: UserStore) -> None:
    store.add("yamada", PASSWORD, "owner", ["joho-kikaku"], NOW)
    store.disable("yamada", NOW)
    with pytest.raises(SignInFailed, match="名前またはパスワードが違います") as disabled:
        store.authenticate("yamada", PASSWORD, NOW)
    assert disabled.value.reason == "disabled"
    with pytest.raises(SignInFailed) as unknown:
        store.authenticate("nobody", PASSWORD, NOW)
    assert unknown.value.reason == "unknown"
    with pytest.raises(UserError, match="at least"):
        store.add("short", "abc", "viewer", [], NOW)
    with pytest.raises(UserError, match="section"):
        store.add("owner", PASSWORD, "owner", [], NOW)


ACTORS = {
    "viewer": Actor("v", "viewer"),
    "owner": Actor("o", "owner", ("joho-kikaku",)),
    "admin": Actor("a", "admin"),
}


@pytest.mark.parametrize(
    ("who", "section", "allowed"),
    [
        ("viewer", "joho-kikaku", False),
        ("owner", "joho-kikaku", True),
        ("owner", "zeimu-shido", False),
        ("admin", "zeimu-shido", True),
    ],
)
def test_who_may_send_figures_for_which_section(who: str, section: str, allowed: bool) -> None:
    assert may_send_figures_for(ACTORS[who], section) is allowed


@pytest.mark.parametrize(
    ("who", "may_upload", "may_administer"),
    [
        ("viewer", False, False),
        ("owner", True, False),
        ("admin", True, True),
    ],
)
def test_upload_and_administration_are_refused_where_they_happen(
    who: str, may_upload: bool, may_administer: bool
) -> None:
    actor = ACTORS[who]
    for check, allowed in (
        (lambda: require_uploader(actor), may_upload),
        (lambda: require_admin(actor, "目標の変更", "change targets"), may_administer),
    ):
        if allowed:
            check()
        else:
            with pytest.raises(PermissionDenied):
                check()


def test_loads_are_visible_to_their_section_viewers_and_admins() -> None:
    assert may_see_load(ACTORS["owner"], "joho-kikaku")
    assert not may_see_load(ACTORS["owner"], "zeimu-shido")
    assert may_see_load(ACTORS["viewer"], "zeimu-shido") and may_see_load(SYSTEM, None)
    assert inbox_actor("zeimu-shido") == Actor("inbox:zeimu-shido", "owner", ("zeimu-shido",))


def test_user_commands_are_audited_without_hashes(home: Path, catalog) -> None:
    service = ready_service()
    runner = CliRunner()
    result = runner.invoke(
        app,
        [
            "users",
            "add",
            "yamada",
            "--role",
            "owner",
            "--section",
            "joho-kikaku",
            "--password-stdin",
        ],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    assert runner.invoke(app, ["users", "disable", "yamada"]).exit_code == 0
    bad = runner.invoke(
        app,
        ["users", "add", "x", "--role", "owner", "--section", "nowhere", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert bad.exit_code == 2 and "unknown section" in bad.output
    trail = service.audit_trail(SYSTEM, entity="user")
    assert trail["action"].tolist() == ["disable", "add"]
    dumped = trail.to_json(date_format="iso")
    assert "argon2" not in dumped and PASSWORD not in dumped
    assert json.loads(trail.iloc[0]["after"])["disabled"] is True


def test_catalog_changes_are_for_admins_and_audited(home: Path, catalog) -> None:
    store = Service(load_settings())
    with pytest.raises(PermissionDenied):
        store.init(Actor("o", "owner", ("joho-kikaku",)))
    admin = Actor("kanri", "admin")
    store.init(admin)
    with pytest.raises(PermissionDenied):
        store.audit_trail(Actor("v", "viewer"))
    first = store.audit_trail(admin)
    assert set(first["action"]) == {"add"}  # the first sync adds every entry
    indicators = list(catalog.indicators)
    wifi = indicators[0]
    moved = wifi.targets[0].model_copy(update={"value": 750.0})
    indicators[0] = wifi.model_copy(update={"targets": [moved, *wifi.targets[1:]]})
    with pytest.raises(PermissionDenied):
        store.record_catalog(catalog, Actor("o", "owner", ("joho-kikaku",)))
    store.record_catalog(catalog.model_copy(update={"indicators": indicators}), admin)
    change = store.audit_trail(admin, entity="target").iloc[0]
    assert (change["action"], change["entity_id"], change["actor"]) == ("change", moved.id, "kanri")
    assert (
        json.loads(change["before"])["value"] == 700 and json.loads(change["after"])["value"] == 750
    )


def test_an_oidc_only_user_has_no_local_password(store: UserStore) -> None:
    store.add("yamada@example.lg.jp", None, "owner", ["joho-kikaku"], NOW)
    assert store.get("yamada@example.lg.jp").password_hash == ""
    with pytest.raises(SignInFailed) as failed:
        store.authenticate("yamada@example.lg.jp", "", NOW)
    assert failed.value.reason == "wrong"


def test_resending_is_for_admins_and_the_recipient_section(home: Path, catalog) -> None:
    from access.roles import may_resend

    assert may_resend(Actor("a", "admin"), "zeimu-shido")
    assert may_resend(Actor("o", "owner", ("joho-kikaku",)), "joho-kikaku")
    assert not may_resend(Actor("o", "owner", ("joho-kikaku",)), "zeimu-shido")
    assert not may_resend(Actor("v", "viewer"), "joho-kikaku")
    service = ready_service()
    service.evaluate()  # no channels: messages kept as no_channel
    message = service.outbox().iloc[0]
    with pytest.raises(PermissionDenied):
        service.resend(int(message["id"]), Actor("v", "viewer"))


def test_afirst_administrator_is_made_once_and_audited(home: Path, catalog, capsys) -> None:
    from shihyo.cli.services import first_admin

    store = ready_service()
    settings = store.settings
    first_admin(store)
    first_admin(store)
    users = UserStore(settings.home / "users.json").list()
    assert [(u.name, u.role) for u in users] == [("admin", "admin")]
    printed = capsys.readouterr().out
    password = printed.split("admin / ")[1].split()[0]
    assert UserStore(settings.home / "users.json").authenticate("admin", password, NOW)
    assert store.audit_trail(SYSTEM, entity="user")["entity_id"].tolist() == ["admin"]


# ── what each role may read, asked of the service (no dashboard needed) ──────────


def _two_sections_loaded(service: Service, tmp_path: Path) -> None:
    from pipeline import IngestOptions

    for section, row in (
        ("joho-kikaku", "wifi_access_points,2019-04,600,,\nwifi_access_points,2019-05,x,,\n"),
        ("zeimu-shido", "etax_payments,2019-04,40000,,\netax_payments,2019-05,y,,\n"),
    ):
        path = tmp_path / f"{section}.csv"
        path.write_text("indicator_id,period,value,org_unit,note\n" + row, encoding="utf-8")
        options = IngestOptions(
            actor=Actor(section, "owner", (section,)), section=section, keep_source=True
        )
        service.ingest([str(path)], options=options)


def test_each_role_reads_the_loads_rejected_rows_and_files_it_may(
    service: Service, tmp_path: Path
) -> None:
    _two_sections_loaded(service, tmp_path)
    owner = Actor("yamada", "owner", ("joho-kikaku",))
    viewer, admin = Actor("kanbu", "viewer"), Actor("kanri", "admin")
    assert set(service.loads(owner)["section"]) == {"joho-kikaku"}
    assert set(service.loads(viewer)["section"]) == {"joho-kikaku", "zeimu-shido"}
    assert set(service.loads(admin)["section"]) == {"joho-kikaku", "zeimu-shido"}
    assert service.quarantine(owner)["value"].tolist() == ["x"]
    assert sorted(service.quarantine(viewer)["value"]) == ["x", "y"]
    theirs = service.loads(admin).set_index("section").loc["zeimu-shido", "sha256"]
    with pytest.raises(PermissionDenied):
        service.load_files(owner, theirs)
    assert service.load_files(admin, theirs).raw is not None
    for reader in (owner, viewer):
        with pytest.raises(PermissionDenied):
            service.audit_trail(reader)
    assert not service.audit_trail(admin).empty
