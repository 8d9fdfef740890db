"""Which files hold secrets, and who may read them (D71).

The files are the ones Synapse's config names for its secrets, Samsnakk's config file when it
holds a secret itself, and any the operator names (``--secret-file``, e.g. secrets.env).
Only their permission bits are read, never their content (except Samsnakk's own config).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from samsnakk_bot.config import SECRET_FIELDS, Config

# Top-level Synapse options that name a file holding a secret. Not signing_key_path: Synapse
# writes that file itself (--generate-keys), 0640 for its own group.
_SYNAPSE_SECRET_OPTIONS = (
    "macaroon_secret_key_path",
    "form_secret_path",
    "registration_shared_secret_path",
    "worker_replication_secret_path",
)


def _get(mapping: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(mapping, Mapping):
            return None
        mapping = mapping.get(key)
    return mapping


def _strings(values: Iterable[Any]) -> list[str]:
    return [v for v in values if isinstance(v, str) and v]


def synapse_secret_paths(config: Mapping[str, Any]) -> list[str]:
    """Every secret file a (merged) Synapse config names, registrations included."""
    found = [config.get(key) for key in _SYNAPSE_SECRET_OPTIONS]
    found += list(config.get("app_service_config_files") or [])
    found += [
        _get(config, "redis", "password_path"),
        _get(config, "matrix_authentication_service", "secret_path"),
        _get(config, "database", "args", "passfile"),
    ]
    for provider in config.get("oidc_providers") or []:
        found += [
            _get(provider, "client_secret_path"),
            _get(provider, "user_mapping_provider", "config", "secret_file"),
        ]
    for module in config.get("modules") or []:
        found.append(_get(module, "config", "authorization_path"))
    return list(dict.fromkeys(_strings(found)))


def holds_a_secret(path: Path, cfg: Config) -> bool:
    """Whether Samsnakk's config file itself contains one of the secrets it configures."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return False
    values: list[object] = [
        getattr(getattr(cfg, section), key, None)
        for section, key in SECRET_FIELDS
        if (section, key) != ("database", "url")
    ]
    # The database URL is a secret only for the password it carries.
    values.append(make_url(cfg.database.url).password)
    return any(isinstance(v, str) and len(v) >= 8 and v in text for v in values)


def permission_bits(paths: Sequence[str]) -> dict[str, int | None]:
    """Each path's permission bits (following links), or None when it cannot be seen."""
    modes: dict[str, int | None] = {}
    for path in paths:
        try:
            modes[path] = stat.S_IMODE(os.stat(path).st_mode)
        except OSError:
            modes[path] = None
    return modes
