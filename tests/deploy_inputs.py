"""Inputs for rendering deploy/ in tests, and Synapse's own config loader run on the result."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml
from config_files import write_config

REPO = Path(__file__).parents[1]
MAPPER_DIR = REPO / "deploy" / "synapse"
SERVER_NAME = "samsnakk.test"
ORG_SERVER = "matrix.askoy.test"
PSEUDONYM_KEY = base64.b64encode(b"q" * 32).decode()
MAS_ADMIN_SECRET = "m" * 32


def policies_dir(base: Path) -> Path:
    """Our default policy, and one organisation with a homeserver of its own."""
    out = base / "policies"
    out.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "policies" / "default.yaml", out / "default.yaml")
    organisations = {
        "organisations": [
            {
                "id": "askoy-kommune",
                "name": "Askøy kommune",
                "kind": "kommune",
                "roles": ["psykolog"],
                "homeserver": ORG_SERVER,
            }
        ]
    }
    (out / "organisations.yaml").write_text(yaml.safe_dump(organisations, allow_unicode=True))
    return out


def samsnakk_config(base: Path, mode: str, **sections: Any) -> Path:
    """Both modes need the pseudonym key (the broker or Synapse's mapper); mas mode also
    Samsnakk's client for MAS's admin API."""
    security = {"field_key": base64.b64encode(b"k" * 32).decode(), "pseudonym_key": PSEUDONYM_KEY}
    raw: dict[str, Any] = {
        "homeserver": {"url": "http://127.0.0.1:8008", "server_name": SERVER_NAME},
        "security": security,
        "policies_dir": str(policies_dir(base)),
        **sections,
    }
    if mode == "mas":
        raw.setdefault("mas", {"client_secret": MAS_ADMIN_SECRET})
    return write_config(base / "samsnakk.yaml", **raw)


def values(base: Path, mode: str, workers: bool, **sections: Any) -> dict[str, Any]:
    """Values with every path under ``base``; sections replace top-level keys."""
    auth: dict[str, Any] = {"mode": mode, "idporten": {"client_id": "samsnakk-idporten"}}
    if mode == "mas":
        auth["helseid"] = {"client_id": "samsnakk-helseid"}
    else:
        auth["staff_oidc"] = {
            "enabled": True,
            "name": "Askøy kommune",
            "issuer": "https://login.askoy.test/",
            "client_id": "samsnakk-ansatt",
        }
    raw: dict[str, Any] = {
        "paths": {
            "config_dir": str(base / "out" / "synapse"),
            "data_dir": str(base / "data"),
            "secrets_dir": str(base / "secrets"),
        },
        "workers": {"enabled": workers, "redis": {"password_file": "redis_password"}},
        "auth": auth,
        **sections,
    }
    return raw


def write_values(base: Path, raw: dict[str, Any]) -> Path:
    path = base / "values.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True))
    return path


def provide_external_secrets(secrets_dir: Path) -> None:
    """What an operator gets from elsewhere: the login providers' client secrets, in the
    directory of each service that may read them (Synapse's, or the broker's with auth.mode
    mas)."""
    for service in ("synapse", "mas", "broker"):
        (secrets_dir / service).mkdir(parents=True, exist_ok=True, mode=0o700)
        for name in ("idporten_client_secret", "staff_oidc_client_secret"):
            path = secrets_dir / service / name
            path.write_text("from-the-provider\n")
            path.chmod(0o600)


# Runs inside a fresh interpreter, as Synapse would: each argument is a JSON list of config
# files, loaded together. Prints what Synapse made of them.
_LOAD = """
import json, os, sys
from signedjson.key import generate_signing_key, write_signing_keys
from synapse.config.homeserver import HomeServerConfig

for arg in sys.argv[1:]:
    files = json.loads(arg)
    args = [a for f in files for a in ("--config-path", f)]
    with open(files[0]) as f:
        import yaml
        key_path = yaml.safe_load(f)["signing_key_path"]
    if not os.path.exists(key_path):
        os.makedirs(os.path.dirname(key_path), exist_ok=True)
        with open(key_path, "w") as f:
            write_signing_keys(f, [generate_signing_key("a_test")])
    c = HomeServerConfig.load_config("samsnakk deploy check", args)
    print(json.dumps({
        "instance": c.worker.instance_name,
        "send_federation": c.worker.send_federation,
        "start_pushers": c.worker.start_pushers,
        "event_writers": list(c.worker.writers.events),
        "redis": c.redis.redis_enabled,
        "include_content": c.push.push_include_content,
        "email_notifs": c.email.email_enable_notifs,
        "can_verify_email": c.email.can_verify_email,
        "federation_whitelist": sorted(c.federation.federation_domain_whitelist or {}),
        "encryption_presets": sorted(c.room.encryption_enabled_by_default_for_room_presets),
        "appservice_files": c.appservice.app_service_config_files,
        "modules": [
            {"class": m[0].__module__ + "." + m[0].__name__, "config": m[1]}
            for m in c.modules.loaded_modules
        ],
        "idps": [p.idp_id for p in c.oidc.oidc_providers],
        "existing_users": {p.idp_id: p.allow_existing_users for p in c.oidc.oidc_providers},
        "sliding_sync": c.experimental.msc3575_enabled,
        "push_encrypted_events": c.experimental.msc4028_push_encrypted_events,
        "mas": c.mas.enabled,
        "password_login": c.auth.password_enabled_for_login,
        "registration": c.registration.enable_registration,
        "url_previews": c.media.url_preview_enabled,
        "max_upload_size": c.media.max_upload_size,
        "presence": c.server.presence_enabled,
    }))
"""


def load_in_synapse(config_sets: list[list[Path]]) -> list[dict[str, Any]]:
    """Synapse's own loader (HomeServerConfig.load_config) on each set, in a child process."""
    env = {**os.environ, "PYTHONPATH": str(MAPPER_DIR)}
    argv = [json.dumps([str(p) for p in files]) for files in config_sets]
    proc = subprocess.run(
        [sys.executable, "-c", _LOAD, *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return [json.loads(line) for line in proc.stdout.splitlines()]
