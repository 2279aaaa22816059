"""Who is told through which channel: Apprise URLs per owner section, for the plan
administrator and a default, from `$SHIHYO_HOME/alerts.yaml` (or SHIHYO_ALERT_CONFIG)
and SHIHYO_ALERT_URLS. URLs hold secrets: they are never logged or stored whole."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import yaml

from kernel.private import home_key
from kernel.settings import load_settings

CHANNEL_KEY = "channel.key"  # in $SHIHYO_HOME: the key of the channels' keyed hashes


class AlertConfigError(ValueError):
    """The alert configuration file is wrong; the message says where."""


@dataclass(frozen=True)
class AlertConfig:
    default: list[str] = field(default_factory=list)
    sections: dict[str, list[str]] = field(default_factory=dict)
    admin: list[str] = field(default_factory=list)
    dashboard_url: str = "http://localhost:8501"
    at_risk: bool = False  # the at_risk rule is opt-in
    renotify_hours: float | None = None  # None: an open alert is notified once
    # no_indicator reaches the administrator as a weekly digest, on the first evaluation on
    # or after this weekday (0 = Monday) of each calendar week
    digest_weekday: int = 0
    retry_minutes: float = 5.0  # first back-off after a failed delivery, doubling each time
    # days before a due day that reminders go out (SHIHYO_REMIND_DAYS_BEFORE); 0: none
    remind_days_before: int = 3
    key_file: Path | None = field(default=None, compare=False, repr=False)

    @cached_property
    def _key(self) -> bytes:
        if self.key_file is None:
            raise AlertConfigError("no key file for the channels' keyed hashes")
        return home_key(self.key_file)

    def url_hash(self, url: str) -> str:
        """The channel's reference kept in the outbox and the audit: a keyed hash of the URL."""
        return url_hash(url, self._key)

    def url_of(self, reference: str) -> str | None:
        """The configured URL an outbox row's reference names: by its keyed hash, or by the
        unkeyed hash that rows written before the keyed one carry."""
        for url in self.all_urls():
            if reference in (self.url_hash(url), legacy_url_hash(url)):
                return url
        return None

    def all_urls(self) -> list[str]:
        """Every configured URL: the default, the administrator's and each section's."""
        return [*self.default, *self.admin, *(u for us in self.sections.values() for u in us)]

    def public(self) -> dict:
        """The configuration with every URL masked: what the audit trail keeps."""
        return {
            "default": [mask(u) for u in self.default],
            "sections": {k: [mask(u) for u in v] for k, v in sorted(self.sections.items())},
            "admin": [mask(u) for u in self.admin],
            "channels": sorted(self.url_hash(u) for u in self.all_urls()),
            "dashboard_url": self.dashboard_url,
            "at_risk": self.at_risk,
            "renotify_hours": self.renotify_hours,
            "digest_weekday": self.digest_weekday,
            "retry_minutes": self.retry_minutes,
            "remind_days_before": self.remind_days_before,
        }

    def channels(self, recipient: str, admin_section: str | None = None) -> list[str]:
        """The URLs for a section (the administrator's own list first for it), else the default."""
        if recipient == admin_section and self.admin:
            return self.admin
        return self.sections.get(recipient) or self.default


def _urls(value: object, where: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise AlertConfigError(f"{where}: expected a URL or a list of URLs")
    return [v.strip() for v in value if v.strip()]


def split_urls(text: str) -> list[str]:
    """URLs separated by commas, spaces or newlines (as in SHIHYO_ALERT_URLS)."""
    return [part for part in re.split(r"[\s,]+", text) if part]


def load_alert_config(
    path: Path, environ: dict[str, str] | None = None, home: Path | None = None
) -> AlertConfig:
    """The configuration from `path` (optional) and the environment; the channels' hash key
    is kept in `home` (default $SHIHYO_HOME)."""
    env = os.environ if environ is None else environ
    settings = load_settings(dict(env))
    key_home = home if home is not None else settings.home
    raw: dict = {}
    if path.is_file():
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise AlertConfigError(f"{path.name}: not valid YAML: {exc}") from exc
        if not isinstance(raw, dict):
            raise AlertConfigError(f"{path.name}: expected a mapping")
    unknown = set(raw) - {
        "default",
        "sections",
        "admin",
        "dashboard_url",
        "at_risk",
        "renotify_hours",
        "digest_weekday",
        "retry_minutes",
    }
    if unknown:
        raise AlertConfigError(f"{path.name}: unknown keys {sorted(unknown)}")
    sections_raw = raw.get("sections") or {}
    if not isinstance(sections_raw, dict):
        raise AlertConfigError(f"{path.name}: sections: expected a mapping of section → URLs")
    default = _urls(raw.get("default"), f"{path.name}: default")
    default += split_urls(env.get("SHIHYO_ALERT_URLS", ""))
    try:
        return AlertConfig(
            default=default,
            sections={
                str(k): _urls(v, f"{path.name}: sections.{k}") for k, v in sections_raw.items()
            },
            admin=_urls(raw.get("admin"), f"{path.name}: admin"),
            dashboard_url=str(
                env.get("SHIHYO_DASHBOARD_URL")
                or raw.get("dashboard_url", AlertConfig.dashboard_url)
            ),
            at_risk=bool(raw.get("at_risk", False)),
            renotify_hours=(float(raw["renotify_hours"]) if raw.get("renotify_hours") else None),
            digest_weekday=_weekday(raw.get("digest_weekday", 0), path.name),
            retry_minutes=float(raw.get("retry_minutes", 5.0)),
            remind_days_before=settings.remind_days_before,
            key_file=key_home / CHANNEL_KEY,
        )
    except (TypeError, ValueError) as exc:
        raise AlertConfigError(f"{path.name}: {exc}") from exc


def _weekday(value: object, where: str) -> int:
    if not isinstance(value, int) or not 0 <= value <= 6:
        raise AlertConfigError(f"{where}: digest_weekday: 0 (Monday) to 6 (Sunday), got {value!r}")
    return value


_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]{0,31})://", re.IGNORECASE)
_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$", re.IGNORECASE)
_MASKED = ("...", "****")  # how Apprise's privacy rendering shows a secret it keeps a hint of


def _is_network_host(host: str) -> bool:
    """Whether `host` names a machine (an IP address, localhost or a dotted DNS name) rather
    than being a service's token or topic written where a host would be."""
    try:
        ipaddress.ip_address(host.strip("[]"))
        return True
    except ValueError:
        pass
    labels = host.rstrip(".").split(".")
    return host.lower() == "localhost" or (
        len(labels) >= 2 and all(_HOST_LABEL.match(label) for label in labels)
    )


def _private_form(url: str) -> str | None:
    """Apprise's own rendering of the URL with the parts its plugin knows to be secret
    hidden, or None when no plugin takes the URL. Never raises, never logs the URL."""
    import apprise  # here: the commands that never read a channel do not import it (0.15 s)

    try:
        plugin = apprise.Apprise.instantiate(url, suppress_exceptions=True)
        return None if plugin is None else str(plugin.url(privacy=True))
    except Exception:  # whatever a plugin raises may quote the URL: say nothing of it
        return None


def mask(url: str) -> str:
    """The URL safe to show and store: the scheme, and the host when it names a machine;
    every credential, token, topic, path and query hidden. It never raises and never
    repeats a secret, even for a URL that no Apprise plugin accepts."""
    text = str(url).strip()
    match = _SCHEME.match(text)
    scheme = match[1].lower() if match else ""
    private = _private_form(text) if match else None
    if private is None:
        return f"{scheme or '?'}://(unusable URL)"
    # Apprise hides what its plugin declares private; topics, webhook paths and custom
    # headers it leaves, so only the authority of its rendering is kept, and of that the
    # host only when it is a host.
    authority = private.split("://", 1)[1].split("/", 1)[0].split("?", 1)[0]
    credentials, _, hostport = authority.rpartition("@")
    host, port = hostport, ""
    if hostport.count(":") == 1 or (hostport.startswith("[") and "]:" in hostport):
        host, _, port = hostport.rpartition(":")
        port = f":{port}" if port.isdigit() else ""
    if not any(mark in host for mark in _MASKED) and not _is_network_host(host):
        host = "***"
    hidden = "***@" if credentials else ""
    original_rest = text[match.end() :] if match else ""
    rest = "/…" if ("/" in original_rest or "?" in original_rest or host == "***") else ""
    return f"{scheme}://{hidden}{host}{port}{rest}"


def url_hash(url: str, key: bytes) -> str:
    """A stable reference to a URL without keeping the URL: an HMAC-SHA-256 under the
    installation's key, so that a guessed URL cannot be confirmed against the audit."""
    return hmac.new(key, url.encode(), hashlib.sha256).hexdigest()[:32]


def legacy_url_hash(url: str) -> str:
    """The unkeyed reference that outbox rows written before the keyed hash carry."""
    return hashlib.sha256(url.encode()).hexdigest()[:16]


class _RedactUrls(logging.Filter):
    """Apprise logs a URL it cannot parse as given: keep only its scheme."""

    _URL = re.compile(r"\b([a-z][a-z0-9+.-]{0,31})://\S+", re.IGNORECASE)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a record that cannot be formatted is dropped, args and all
            return False
        record.msg, record.args = self._URL.sub(r"\1://…", message), None
        return True


logging.getLogger("apprise").addFilter(_RedactUrls())
