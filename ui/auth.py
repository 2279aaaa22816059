"""Who is signed in: OIDC via Streamlit when secrets.toml has [auth], else local users."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import streamlit as st
from streamlit.errors import StreamlitAuthError, StreamlitMissingAuthlibError

from access.roles import Actor
from access.users import SignInFailed, User, UserStore
from kernel.vocabulary import Lang
from ui import door
from ui.text import md_escape, pick, t

ACTOR = "auth_actor"
LAST_SEEN = "auth_last_seen"
NOTICE = "auth_notice"


def session_minutes() -> int:
    """Minutes without activity after which a session is signed out."""
    return int(door.settings().session_minutes)


def oidc_configured() -> bool:
    """Whether secrets.toml configures an identity provider ([auth])."""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:  # no secrets.toml at all: local users
        return False


def user_store() -> UserStore:
    """The local user file, $SHIHYO_HOME/users.json."""
    return door.service().user_store()


def current_actor() -> Actor | None:
    """The signed-in user, or None; app.py runs no page without one."""
    actor = st.session_state.get(ACTOR)
    return actor if isinstance(actor, Actor) else None


def _keep(actor: Actor, now: dt.datetime) -> Actor:
    st.session_state[ACTOR] = actor
    st.session_state[LAST_SEEN] = now
    return actor


# What one user's actions left in the session, not to be shown to the next one.
_PRIVATE = (ACTOR, LAST_SEEN, "upload_result", "resent")


def _forget(notice: str | None) -> None:
    for key in _PRIVATE:
        st.session_state.pop(key, None)
    if notice:
        st.session_state[NOTICE] = notice


def sign_out(notice: str | None = "signed_out") -> None:
    """End the session (and the identity provider's cookie, under OIDC)."""
    _forget(notice)
    if oidc_configured():
        st.logout()


SUBJECT_PREFIX = "sub:"  # a local user named sub:<subject> is matched on the provider's subject


def _verified(claims: Mapping[str, object]) -> bool:
    """Whether the provider vouches for the address: email_verified true, not just present."""
    value = claims.get("email_verified")
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def oidc_user(store: UserStore, claims: Mapping[str, object]) -> User | None:
    """The local user the provider's claims name, or None. Matched on the subject claim when
    a local user is registered as sub:<subject>; else on the e-mail address, and only when
    the provider says it verified it (an unverified address is whatever the person typed
    at the provider, an administrator's included). Capitalisation of a verified address is
    ignored (providers differ in it); a user that is disabled is no match."""
    subject = str(claims.get("sub") or "")
    user = store.get(SUBJECT_PREFIX + subject) if subject else None
    if user is None:
        email = str(claims.get("email") or "")
        if not email or not _verified(claims):
            return None
        user = store.get(email)
        if user is None:
            user = next((u for u in store.list() if u.name.lower() == email.lower()), None)
            if user is not None and user.name.startswith(SUBJECT_PREFIX):
                user = None
    return None if user is None or user.disabled else user


def require_sign_in(lang: Lang) -> Actor | None:
    """The signed-in user, refreshed from the user file; else None, the sign-in page drawn."""
    now = door.now()
    store = user_store()
    actor = current_actor()
    if actor is not None:
        last = st.session_state.get(LAST_SEEN)
        if not isinstance(last, dt.datetime) or now - last > dt.timedelta(
            minutes=session_minutes()
        ):
            sign_out("session_expired")
        else:
            # Re-read each run: a user disabled, or given another role, by an
            # administrator is taken at their word at once, not at the next sign-in.
            try:
                user = store.get(actor.name)
            except (OSError, ValueError):
                user = None
            if user is not None and not user.disabled:
                return _keep(user.actor(), now)
            sign_out("account_gone")
    if oidc_configured():
        return _oidc(store, lang, now)
    _local_form(store, lang, now)
    return None


def _heading(lang: Lang) -> None:
    st.title(t("sign_in_title", lang))
    st.caption(t("sign_in_caption", lang))
    notice = st.session_state.pop(NOTICE, None)
    if notice:
        st.info(t(notice, lang, minutes=session_minutes()))


def _oidc(store: UserStore, lang: Lang, now: dt.datetime) -> Actor | None:
    """Streamlit's identity cookie names the user; the local file gives the role."""
    if st.user.get("is_logged_in"):
        email = str(st.user.get("email") or "")
        user = oidc_user(store, st.user.to_dict())
        if user is not None:
            return _keep(user.actor(), now)
        _heading(lang)
        st.error(t("not_registered", lang))
        st.caption(md_escape(t("signed_in_email", lang, email=email or "–")))
        if st.button(t("sign_out", lang), key="sign_out_unregistered"):
            st.logout()
        return None
    _heading(lang)
    if st.button(t("sign_in_oidc", lang), type="primary", key="sign_in_oidc"):
        try:
            st.login()
        except StreamlitMissingAuthlibError:
            st.error(t("oidc_unavailable", lang))
        except StreamlitAuthError as exc:  # an incomplete [auth]: the administrator's to fix
            st.error(t("oidc_misconfigured", lang, error=md_escape(exc)))
    return None


def _local_form(store: UserStore, lang: Lang, now: dt.datetime) -> None:
    """Name and password against the local user file; failures say only what the store says."""
    _heading(lang)
    if not store.path.exists():
        st.warning(t("no_users", lang))
        return
    with st.form("sign_in", border=True, width=420):
        name = st.text_input(
            t("user_name", lang), key="sign_in_name", max_chars=200, autocomplete="username"
        )
        password = st.text_input(
            t("password", lang),
            type="password",
            key="sign_in_password",
            max_chars=200,
            autocomplete="current-password",
        )
        submitted = st.form_submit_button(
            t("sign_in", lang), type="primary", key="sign_in_submit", icon=":material/login:"
        )
    if not submitted:
        return
    if not (name or "").strip() or not password:
        st.error(t("need_name_password", lang))
        return
    client = sign_in_client()
    try:
        user = store.authenticate(name.strip(), password, now, client)
    except SignInFailed as failed:  # one message whatever the reason; the reason is audited
        _audit_sign_in(name.strip(), "sign_in_failed", {"reason": failed.reason, "client": client})
        st.error(pick(lang, failed.message_ja, failed.message_en))
        return
    except (OSError, ValueError):  # a broken or unreadable user file: no traceback
        st.error(t("users_unreadable", lang))
        return
    _audit_sign_in(user.name, "sign_in", {"role": user.role})
    _keep(user.actor(), now)
    st.rerun()


def sign_in_client() -> str:
    """Who is asking, as the sign-in throttle counts them: the connection's address; behind
    the local reverse proxy (a connection from this machine) the address the proxy saw,
    which it sends as X-Real-IP (deploy/nginx/shihyo.conf); else "local"."""
    try:
        address = st.context.ip_address  # None for a connection from this machine
        if address is None:
            address = st.context.headers.get("X-Real-Ip")
    except Exception:  # outside a browser session (tests, scripts)
        address = None
    return str(address or "local")[:64]


def _audit_sign_in(name: str, action: str, details: dict) -> None:
    """Sign-ins and failed attempts go to the audit trail (who tried, never a password)."""
    door.service().record(name, action, "session", name, None, details)


def role_label(actor: Actor, lang: Lang) -> str:
    """The actor's role in words, e.g. '管理者'."""
    return t(f"role_{actor.role}", lang)


def sidebar_user(actor: Actor, owners: dict[str, str], lang: Lang) -> None:
    """Who is signed in, their role and sections, and the sign-out button."""
    with st.sidebar:
        st.divider()
        st.markdown(f":material/person: **{md_escape(actor.name)}**")
        role = role_label(actor, lang)
        if actor.role == "owner" and actor.sections:
            names = ", ".join(owners.get(s, s) for s in actor.sections)
            role = t("role_with_sections", lang, role=role, sections=names)
        st.caption(md_escape(role))
        if st.button(t("sign_out", lang), key="sign_out", icon=":material/logout:"):
            sign_out()
            st.rerun()
