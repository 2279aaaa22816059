"""Who is signed in: OIDC via Streamlit when secrets.toml has [auth], else local users."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping

import streamlit as st
from streamlit.errors import StreamlitAuthError, StreamlitMissingAuthlibError

from access.roles import Actor
from access.users import SignInFailed, User, UserError, UserStore
from kernel.vocabulary import Lang
from ui import door
from ui.text import md_escape, pick, t

ACTOR = "auth_actor"
LAST_SEEN = "auth_last_seen"
NOTICE = "auth_notice"
SESSION = "auth_session"  # this tab's session: the signed cookie's value
COOKIE_TODO = "auth_cookie_todo"  # a cookie to set (or clear) in the browser on the next run
COOKIE = "shihyo_session"


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
_PRIVATE = (ACTOR, LAST_SEEN, SESSION, "upload_result", "resent")


def _forget(notice: str | None) -> None:
    for key in _PRIVATE:
        st.session_state.pop(key, None)
    if notice:
        st.session_state[NOTICE] = notice


def sign_out(notice: str | None = "signed_out") -> None:
    """End the session on the server and in the browser (and the identity provider's
    cookie, under OIDC)."""
    cookie = st.session_state.get(SESSION)
    if cookie:
        door.service().sessions().end(cookie, door.now(), notice or "signed_out")
        st.session_state[COOKIE_TODO] = None
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
    """The signed-in user, refreshed from the user file; else None, the sign-in page drawn.
    A reload, a new tab or a link from a message finds the session again through its
    cookie; the server-side session decides whether it still holds (idle and absolute
    limits, password changes, disabled users)."""
    now = door.now()
    store = user_store()
    cookie = st.session_state.get(SESSION) or browser_cookie()
    if cookie:
        actor = _resume(cookie, store, now)
        if actor is not None:
            return actor
    elif current_actor() is not None:  # a session the page made without a cookie
        actor = _still_active(store, now)
        if actor is not None:
            return actor
    if oidc_configured():
        return _oidc(store, lang, now)
    _local_form(store, lang, now)
    return None


def _resume(cookie: str, store: UserStore, now: dt.datetime) -> Actor | None:
    """The actor of the cookie's server-side session if it still holds; else the session
    ends (said why, and audited) and the cookie goes."""
    sessions = door.service().sessions()
    owner = sessions.owner(cookie)
    try:
        user = store.get(owner) if owner else None
    except (OSError, ValueError):
        user = None
    resumed = sessions.resume(cookie, user, now)
    if resumed.user is not None and user is not None:
        st.session_state[SESSION] = cookie
        return _keep(user.actor(), now)
    if resumed.ended is not None and owner is not None:
        _audit_sign_in(owner, "session_end", {"reason": resumed.ended})
    _forget(resumed.ended)
    st.session_state[COOKIE_TODO] = None  # clear it in the browser
    if resumed.ended is not None and oidc_configured() and st.user.get("is_logged_in"):
        st.logout()  # the provider's identity cookie outlives ours: the limits hold for both
    return None


def _still_active(store: UserStore, now: dt.datetime) -> Actor | None:
    """A session without a cookie (made by the page itself): held to the idle limit."""
    actor = current_actor()
    last = st.session_state.get(LAST_SEEN)
    if actor is None or not isinstance(last, dt.datetime):
        return None
    if now - last > dt.timedelta(minutes=session_minutes()):
        sign_out("session_expired")
        return None
    # Re-read each run: a user disabled, or given another role, by an administrator is
    # taken at their word at once, not at the next sign-in.
    try:
        user = store.get(actor.name)
    except (OSError, ValueError):
        user = None
    if user is not None and not user.disabled:
        return _keep(user.actor(), now)
    sign_out("account_gone")
    return None


def browser_cookie() -> str | None:
    """The session cookie the browser sent, if any."""
    try:
        value = st.context.cookies.get(COOKIE)
    except Exception:  # outside a browser session (AppTest, scripts): no cookies
        return None
    return value if isinstance(value, str) else None


def _start_session(user: User, now: dt.datetime) -> None:
    """A server-side session for this tab, its cookie set in the browser on the next run."""
    cookie = door.service().sessions().start(user, now)
    st.session_state[SESSION] = cookie
    st.session_state[COOKIE_TODO] = cookie
    _keep(user.actor(), now)


def set_cookie_in_browser() -> None:
    """Write (or clear) the session cookie through the page, once: a cookie of its own path,
    sent on navigation from a link (SameSite=Lax) but not from other sites' requests, Secure
    wherever the page is (https, or localhost, which browsers treat as secure), and lasting
    at most the session's absolute limit."""
    if COOKIE_TODO not in st.session_state:
        return
    value = st.session_state.pop(COOKIE_TODO)
    max_age = int(door.settings().session_max_hours * 3600) if value else 0
    script = f"""<script>
    (function() {{
      var secure = location.protocol === "https:" || location.hostname === "localhost"
        || location.hostname === "127.0.0.1";
      document.cookie = "{COOKIE}=" + {json.dumps(value or "")} + "; Path=/; Max-Age={max_age}"
        + "; SameSite=Lax" + (secure ? "; Secure" : "");
    }})();
    </script>"""
    st.html(script, unsafe_allow_javascript=True)


# Why a session ended, as the page says it.
_NOTICES = {"password_changed": "password_changed_elsewhere"}


def _heading(lang: Lang) -> None:
    """The sign-in page's title: the product and the plan it monitors."""
    st.title(t("sign_in_title", lang))
    try:
        plan = door.service().catalog().plan
        name = pick(lang, plan.name, plan.name_en)
    except Exception:  # no catalog yet: the page says so elsewhere
        name = "shihyo"
    st.caption(md_escape(t("sign_in_caption", lang, plan=name)))
    notice = st.session_state.pop(NOTICE, None)
    if notice:
        hours = f"{door.settings().session_max_hours:g}"
        st.info(t(_NOTICES.get(notice, notice), lang, minutes=session_minutes(), hours=hours))


def _oidc(store: UserStore, lang: Lang, now: dt.datetime) -> Actor | None:
    """Streamlit's identity cookie names the user; the local file gives the role."""
    if st.user.get("is_logged_in"):
        email = str(st.user.get("email") or "")
        user = oidc_user(store, st.user.to_dict())
        if user is not None:  # come from the provider: a session of ours, with our limits
            _audit_sign_in(user.name, "sign_in", {"role": user.role, "via": "oidc"})
            _start_session(user, now)
            return current_actor()
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
    _start_session(user, now)
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
        with st.expander(t("change_password", lang), icon=":material/key:"):
            password_form(actor, lang, key="sidebar")
        if st.button(t("sign_out", lang), key="sign_out", icon=":material/logout:"):
            _audit_sign_in(actor.name, "sign_out", {})
            sign_out()
            st.rerun()


def must_change(actor: Actor) -> bool:
    """Whether the user was handed their password and must choose their own first."""
    try:
        user = user_store().get(actor.name)
    except (OSError, ValueError):
        return False
    return bool(user and user.must_change)


def forced_change(actor: Actor, lang: Lang) -> None:
    """The only page for a user who must change the password they were given."""
    st.title(t("must_change_title", lang))
    st.caption(t("must_change_caption", lang))
    password_form(actor, lang, key="forced")


def password_form(actor: Actor, lang: Lang, key: str) -> None:
    """The user changes their own password: the current one, the new one twice. Every
    session of theirs ends; this tab goes on in a new one."""
    user = user_store().get(actor.name)
    if user is None or not user.password_hash:
        return  # an OIDC-only user has no local password to change
    with st.form(f"password_{key}", border=False):
        current = st.text_input(
            t("current_password", lang),
            type="password",
            key=f"pw_current_{key}",
            autocomplete="current-password",
        )
        new = st.text_input(
            t("new_password", lang),
            type="password",
            key=f"pw_new_{key}",
            autocomplete="new-password",
        )
        again = st.text_input(
            t("repeat_password", lang),
            type="password",
            key=f"pw_again_{key}",
            autocomplete="new-password",
        )
        submitted = st.form_submit_button(t("change_password", lang), key=f"pw_submit_{key}")
    if not submitted:
        return
    if new != again:
        st.error(t("password_mismatch", lang))
        return
    service, now = door.service(), door.now()
    try:
        service.change_password(actor, current, new, sign_in_client())
    except SignInFailed as failed:
        st.error(pick(lang, failed.message_ja, failed.message_en))
        return
    except UserError:
        st.error(t("password_too_short", lang))
        return
    user = user_store().get(actor.name)
    if user is not None:
        _start_session(user, now)  # the old sessions ended with the old password
    st.session_state[NOTICE] = "password_changed"
    st.rerun()


def notice(lang: Lang) -> None:
    """A notice left by the last action (a password changed), shown once."""
    if st.session_state.get(NOTICE) == "password_changed":
        st.session_state.pop(NOTICE)
        st.success(t("password_changed", lang))
