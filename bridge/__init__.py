"""Varsler bridge: outbox to Matrix DM, SMS and e-post (see issue on varsler)."""
