"""The embedded dev stack's files: secrets made once, configs rewritten on every start.

Secrets live in ``dev-secrets.json`` (mode 600) so that a second run reuses the same
homeserver, bot identity and database; config files are derived from them, so a changed
port or flag needs no manual editing.
"""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from samsnakk_bot.config import Config, parse_config
from samsnakk_bot.devstack.synapse_config import SynapseSettings, write_synapse_config
from samsnakk_bot.ops.registration import write_registration
from samsnakk_bot.policies import load_policies

SERVER_NAME = "samsnakk.localhost"


@dataclass(frozen=True)
class DevStack:
    data_dir: Path
    config: Config
    config_path: Path
    synapse: SynapseSettings


@dataclass(frozen=True)
class FederationSetup:
    """A TLS federation listener for the stack's Synapse (the federation test's homeservers).

    The allow-list comes from policies: our server and the organisations' own homeservers.
    """

    port: int
    tls_certificate_path: Path
    tls_private_key_path: Path


_SECRET_NAMES = (
    "as_token",
    "hs_token",
    "pickle_key",
    "antispam_secret",
    "registration_shared_secret",
    "macaroon_secret_key",
    "form_secret",
)


def _load_or_make_secrets(path: Path) -> dict[str, str]:
    made: dict[str, str] = dict(json.loads(path.read_text())) if path.exists() else {}
    for name in _SECRET_NAMES:
        made.setdefault(name, secrets.token_urlsafe(32))
    for name in ("field_key", "pseudonym_key"):
        made.setdefault(name, base64.b64encode(secrets.token_bytes(32)).decode())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(made, indent=2))
    path.chmod(0o600)
    return made


def our_config(
    data_dir: Path,
    hs_port: int,
    as_port: int,
    s: dict[str, str],
    policies_dir: Path,
    server_name: str = SERVER_NAME,
    bind_host: str = "127.0.0.1",
) -> dict[str, Any]:
    return {
        "homeserver": {"url": f"http://{bind_host}:{hs_port}", "server_name": server_name},
        "appservice": {
            "port": as_port,
            "as_token": s["as_token"],
            "hs_token": s["hs_token"],
        },
        "bot": {"store_dir": str(data_dir / "crypto"), "pickle_key": s["pickle_key"]},
        "antispam": {"secret": s["antispam_secret"]},
        "database": {"url": f"sqlite+aiosqlite:///{data_dir / 'samsnakk.db'}"},
        "security": {"field_key": s["field_key"], "pseudonym_key": s["pseudonym_key"]},
        "policies_dir": str(policies_dir),
        "logging": {"level": "INFO"},
    }


def prepare_dev_stack(
    data_dir: Path,
    hs_port: int = 8008,
    as_port: int = 29330,
    policies_dir: Path | None = None,
    antispam: bool = False,
    *,
    server_name: str = SERVER_NAME,
    bind_host: str = "127.0.0.1",
    federation: FederationSetup | None = None,
    synapse_extra: Mapping[str, Any] | None = None,
) -> DevStack:
    data_dir = data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    data_dir.chmod(0o700)
    s = _load_or_make_secrets(data_dir / "dev-secrets.json")
    policies = (policies_dir or Path("policies")).resolve()
    raw = our_config(data_dir, hs_port, as_port, s, policies, server_name, bind_host)
    config_path = data_dir / "samsnakk.yaml"
    config_path.write_text(yaml.safe_dump(raw, sort_keys=False))
    config_path.chmod(0o600)
    cfg = parse_config(raw, str(config_path), environ={})

    registration = write_registration(cfg, data_dir / "registration.yaml")
    allow_list: tuple[str, ...] = ()
    if federation is not None:
        allow_list = tuple(load_policies(policies).federation_allow_list(server_name))
    synapse = SynapseSettings(
        data_dir=data_dir / "synapse",
        server_name=server_name,
        port=hs_port,
        registration_files=(registration,),
        registration_shared_secret=s["registration_shared_secret"],
        macaroon_secret_key=s["macaroon_secret_key"],
        form_secret=s["form_secret"],
        antispam_base_url=f"{cfg.appservice.url}/_samsnakk/antispam" if antispam else None,
        antispam_secret=s["antispam_secret"] if antispam else None,
        bind_host=bind_host,
        federation_port=federation.port if federation else None,
        tls_certificate_path=federation.tls_certificate_path if federation else None,
        tls_private_key_path=federation.tls_private_key_path if federation else None,
        federation_domain_whitelist=allow_list,
        extra_config=dict(synapse_extra or {}),
    )
    write_synapse_config(synapse)
    return DevStack(data_dir, cfg, config_path, synapse)
