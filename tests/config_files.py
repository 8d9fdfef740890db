"""The smallest valid Samsnakk config, for tests that need one (in memory or as a file)."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import yaml

FIELD_KEY = b"k" * 32


def minimal_config(field_key: bytes = FIELD_KEY, **sections: Any) -> dict[str, Any]:
    """Every required key with a throwaway secret; ``sections`` replace or add top-level keys."""
    raw: dict[str, Any] = {
        "homeserver": {"url": "http://127.0.0.1:8008", "server_name": "hs.test"},
        "appservice": {"as_token": "a" * 32, "hs_token": "h" * 32},
        "bot": {"pickle_key": "p" * 32},
        "antispam": {"secret": "s" * 32},
        "security": {"field_key": base64.b64encode(field_key).decode()},
    }
    raw.update(sections)
    return raw


def write_config(path: Path, field_key: bytes = FIELD_KEY, **sections: Any) -> Path:
    path.write_text(yaml.safe_dump(minimal_config(field_key, **sections)))
    return path
