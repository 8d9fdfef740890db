"""Why the bot did not send: known to the Matrix adapter that refuses and the services that
try again (D170)."""

from __future__ import annotations


class PlaintextRefused(RuntimeError):
    """A send was stopped because it could have left the bot unencrypted."""
