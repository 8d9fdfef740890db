"""``samsnakk broker --config FILE``: run the login broker until SIGINT or SIGTERM."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from samsnakk_bot.log_redaction import RedactIdentifiers
from samsnakk_bot.login_broker.app import serve
from samsnakk_bot.login_broker.config import load_broker_config


def run_broker(config_path: Path) -> int:
    cfg = load_broker_config(config_path)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    for handler in logging.getLogger().handlers:
        # A second net: the broker never logs a number, but a library might.
        handler.addFilter(RedactIdentifiers())
    # authlib logs request details at DEBUG; aiohttp's access log would carry query strings.
    for name in ("authlib", "aiohttp.access"):
        logging.getLogger(name).setLevel(logging.WARNING)
    asyncio.run(serve(cfg))
    return 0
