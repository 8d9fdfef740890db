"""Logging as production runs it: our loggers at the configured level, libraries held down."""

from __future__ import annotations

import logging

from samsnakk_bot.log_redaction import RedactIdentifiers

# Our own loggers, at the configured level. Every other library stays at WARNING: at DEBUG,
# nio logs event bodies, aiosqlite every statement with its parameters (names, addresses),
# and aiosmtplib the SMTP conversation with its recipients (D73).
OWN_LOGGERS = ("samsnakk_bot", "bridge")


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    root = logging.getLogger()
    root.setLevel(logging.WARNING)
    for handler in root.handlers:
        handler.addFilter(RedactIdentifiers())
    for name in OWN_LOGGERS:
        logging.getLogger(name).setLevel(getattr(logging, level))
    # Also capped by name, in case an operator lowers the root level: they log content.
    for name in ("nio", "peewee", "aiosqlite", "sqlalchemy", "aiosmtplib"):
        logging.getLogger(name).setLevel(logging.WARNING)
