"""Associated data for the field cipher: each blob is bound to its purpose and its own row.

A blob copied to another row, or read for another purpose, fails to decrypt instead of
answering with someone else's address.
"""

from __future__ import annotations


def address_aad(idem_key: str) -> bytes:
    """An outbox row's address (phone number, e-mail address)."""
    return f"varsel_address:{idem_key}".encode()


def secret_aad(idem_key: str) -> bytes:
    """An outbox row's secret part (onboarding code, summary, calendar invitation)."""
    return f"varsel_secret:{idem_key}".encode()


def phone_aad(user_id: str) -> bytes:
    """A person's own phone number in their varsel settings."""
    return f"prefs_phone:{user_id}".encode()


def email_aad(user_id: str) -> bytes:
    """A person's own e-mail address in their varsel settings."""
    return f"prefs_email:{user_id}".encode()
