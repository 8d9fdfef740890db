"""Writes the embedded Synapse's config: SQLite, loopback only, for dev and tests.

Production config lives in ``deploy/``; this one trades nothing on privacy (no push content,
no open registration) and only raises rate limits so that local use and tests are not throttled.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

_GENEROUS = {"per_second": 1000, "burst_count": 1000}
# Local use only (dev and tests, embedded or workers): nobody should hit 429s.
GENEROUS_RATE_LIMITS: dict[str, Any] = {
    "rc_message": _GENEROUS,
    "rc_room_creation": _GENEROUS,
    "rc_registration": _GENEROUS,
    "rc_login": {"address": _GENEROUS, "account": _GENEROUS, "failed_attempts": _GENEROUS},
    "rc_joins": {"local": _GENEROUS, "remote": _GENEROUS},
    "rc_joins_per_room": _GENEROUS,
    "rc_invites": {"per_room": _GENEROUS, "per_user": _GENEROUS, "per_issuer": _GENEROUS},
    "rc_key_requests": _GENEROUS,
    "rc_3pid_validation": _GENEROUS,
    "rc_admin_redaction": _GENEROUS,
    "rc_delayed_event_mgmt": _GENEROUS,
}


@dataclass(frozen=True)
class SynapseSettings:
    data_dir: Path
    server_name: str
    port: int
    registration_files: tuple[Path, ...]
    registration_shared_secret: str
    # Stable across restarts; a new macaroon key would invalidate outstanding login tokens.
    macaroon_secret_key: str = ""
    form_secret: str = ""
    # synapse-http-antispam in front of invites and joins; None leaves it out.
    antispam_base_url: str | None = None
    antispam_secret: str | None = None
    bind_host: str = "127.0.0.1"
    # Federation, off unless a port is given: a TLS listener on bind_host with this
    # certificate (full chain) and key. The allow-list is Synapse's federation_domain_whitelist:
    # empty refuses every other server, None accepts any.
    federation_port: int | None = None
    tls_certificate_path: Path | None = None
    tls_private_key_path: Path | None = None
    federation_domain_whitelist: tuple[str, ...] | None = ()
    # Top-level keys merged over the generated config last (tests: CA list, IP ranges).
    extra_config: Mapping[str, Any] = field(default_factory=dict)

    @property
    def config_path(self) -> Path:
        return self.data_dir / "homeserver.yaml"

    @property
    def base_url(self) -> str:
        return f"http://{self.bind_host}:{self.port}"


def _log_config(path: Path, log_file: Path) -> None:
    cfg = {
        "version": 1,
        "formatters": {"precise": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
        "handlers": {
            "file": {
                "class": "logging.FileHandler",
                "formatter": "precise",
                "filename": str(log_file),
                "encoding": "utf8",
            }
        },
        "root": {"level": "INFO", "handlers": ["file"]},
        "loggers": {"synapse.storage.SQL": {"level": "WARNING"}},
        "disable_existing_loggers": False,
    }
    path.write_text(yaml.safe_dump(cfg), encoding="utf-8")


def build_synapse_config(s: SynapseSettings) -> dict[str, Any]:
    d = s.data_dir
    cfg: dict[str, Any] = {
        "server_name": s.server_name,
        "public_baseurl": f"{s.base_url}/",
        "pid_file": str(d / "homeserver.pid"),
        "listeners": [
            {
                "port": s.port,
                "bind_addresses": [s.bind_host],
                "type": "http",
                "tls": False,
                "x_forwarded": False,
                "resources": [{"names": ["client"], "compress": False}],
            }
        ],
        "database": {"name": "sqlite3", "args": {"database": str(d / "homeserver.db")}},
        "log_config": str(d / "log.config"),
        "media_store_path": str(d / "media_store"),
        "signing_key_path": str(d / "signing.key"),
        "trusted_key_servers": [],
        "suppress_key_server_warning": True,
        "report_stats": False,
        "enable_registration": False,
        # Element X logs in with a password where there is no MAS (dev only; production has
        # MAS, D85), and syncs only with simplified sliding sync (MSC4186).
        "password_config": {"enabled": True},
        "experimental_features": {
            "msc3575_enabled": True,
            "msc4028_push_encrypted_events": True,
        },
        "registration_shared_secret": s.registration_shared_secret,
        "macaroon_secret_key": s.macaroon_secret_key or secrets.token_urlsafe(32),
        "form_secret": s.form_secret or secrets.token_urlsafe(32),
        "app_service_config_files": [str(p) for p in s.registration_files],
        # Pushes through a gateway must never carry message content or room names.
        "push": {"include_content": False},
        "encryption_enabled_by_default_for_room_type": "invite",
        "allow_public_rooms_without_auth": False,
        "allow_public_rooms_over_federation": False,
        "federation_domain_whitelist": (
            None if s.federation_domain_whitelist is None else list(s.federation_domain_whitelist)
        ),
        "url_preview_enabled": False,
        "enable_metrics": False,
        # Local use only: tests and a busy developer should not hit 429s.
        **GENEROUS_RATE_LIMITS,
    }
    if s.antispam_base_url:
        cfg["modules"] = [
            {
                "module": "synapse_http_antispam.HTTPAntispam",
                "config": {
                    "base_url": s.antispam_base_url,
                    "authorization": s.antispam_secret,
                    "enabled_callbacks": [
                        "user_may_invite",
                        "user_may_join_room",
                        "federated_user_may_invite",
                        "check_event_for_spam",
                    ],
                    "do_ping": True,
                },
            }
        ]
    if s.federation_port is not None:
        if s.tls_certificate_path is None or s.tls_private_key_path is None:
            raise ValueError("a federation listener needs tls_certificate_path and its key")
        cfg["listeners"].append(
            {
                "port": s.federation_port,
                "bind_addresses": [s.bind_host],
                "type": "http",
                "tls": True,
                "x_forwarded": False,
                "resources": [{"names": ["federation"], "compress": False}],
            }
        )
        cfg["tls_certificate_path"] = str(s.tls_certificate_path)
        cfg["tls_private_key_path"] = str(s.tls_private_key_path)
    cfg.update(s.extra_config)
    return cfg


def write_synapse_config(s: SynapseSettings) -> Path:
    s.data_dir.mkdir(parents=True, exist_ok=True)
    (s.data_dir / "media_store").mkdir(exist_ok=True)
    _log_config(s.data_dir / "log.config", s.data_dir / "homeserver.log")
    s.config_path.write_text(yaml.safe_dump(build_synapse_config(s), sort_keys=False), "utf-8")
    s.config_path.chmod(0o600)
    return s.config_path
