"""The appservice registration Synapse loads (``app_service_config_files``)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from samsnakk_bot.config import Config


def build_registration(cfg: Config) -> dict[str, Any]:
    """Registration for our namespace: the sender, the bot and ``#<id>.*`` aliases."""
    server = re.escape(cfg.homeserver.server_name)
    bot = re.escape(cfg.appservice.bot_localpart)
    return {
        "id": cfg.appservice.id,
        "url": cfg.appservice.url,
        "as_token": cfg.appservice.as_token,
        "hs_token": cfg.appservice.hs_token,
        "sender_localpart": cfg.appservice.sender_localpart,
        "rate_limited": False,
        "receive_ephemeral": False,
        # MSC4190: the appservice creates and owns the bot's device (see docs/architecture.md).
        "io.element.msc4190": cfg.appservice.msc4190,
        "namespaces": {
            # Exactly the bot plus anything under "<bot>." (sender, future puppets).
            "users": [{"exclusive": True, "regex": f"@{bot}(\\..*)?:{server}"}],
            "aliases": [{"exclusive": True, "regex": f"#{bot}\\..*:{server}"}],
            "rooms": [],
        },
    }


def write_registration(cfg: Config, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(build_registration(cfg), sort_keys=False), encoding="utf-8")
    path.chmod(0o600)
    return path
