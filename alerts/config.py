"""Who is told through which channel: Apprise URLs per owner section, for the plan
administrator and a default, from `$SHIHYO_HOME/alerts.yaml` (or SHIHYO_ALERT_CONFIG)
and SHIHYO_ALERT_URLS. URLs hold secrets: they are never logged or stored whole."""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml


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

    def all_urls(self) -> list[str]:
        """Every configured URL: the default, the administrator's and each section's."""
        return [*self.default, *self.admin, *(u for us in self.sections.values() for u in us)]

    def public(self) -> dict:
        """The configuration with every URL masked: what the audit trail keeps."""
        return {
            "default": [mask(u) for u in self.default],
            "sections": {k: [mask(u) for u in v] for k, v in sorted(self.sections.items())},
            "admin": [mask(u) for u in self.admin],
            "channels": sorted(url_hash(u) for u in self.all_urls()),
            "dashboard_url": self.dashboard_url,
            "at_risk": self.at_risk,
            "renotify_hours": self.renotify_hours,
            "digest_weekday": self.digest_weekday,
            "retry_minutes": self.retry_minutes,
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


def load_alert_config(path: Path, environ: dict[str, str] | None = None) -> AlertConfig:
    """The configuration from `path` (optional) and the environment."""
    env = os.environ if environ is None else environ
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
        )
    except (TypeError, ValueError) as exc:
        raise AlertConfigError(f"{path.name}: {exc}") from exc


def _weekday(value: object, where: str) -> int:
    if not isinstance(value, int) or not 0 <= value <= 6:
        raise AlertConfigError(f"{where}: digest_weekday: 0 (Monday) to 6 (Sunday), got {value!r}")
    return value


def mask(url: str) -> str:
    """The URL with credentials, tokens, paths and query removed: safe to show and store."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    hidden = "***@" if (parts.username or parts.password) else ""
    rest = "/…" if (parts.path.strip("/") or parts.query) else ""
    return f"{parts.scheme}://{hidden}{host}{port}{rest}"


def url_hash(url: str) -> str:
    """A stable reference to a URL without keeping the URL."""
    return hashlib.sha256(url.encode()).hexdigest()[:16]
