"""Associated data for the field cipher: each blob is bound to its purpose and its own row.

A blob copied to another row, or read for another purpose, fails to decrypt instead of
answering with someone else's data. A label is part of every stored ciphertext made with it:
changing one makes those values unreadable.
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


def code_phone_aad(room_id: str) -> bytes:
    """The phone number a one-time code was sent to, bound to the code's room."""
    return f"phone:{room_id}".encode()


def request_note_aad(room_id: str) -> bytes:
    """The note given when someone proposes a participant."""
    return f"request_note:{room_id}".encode()


def meeting_aad(meeting_id: int, what: str) -> bytes:
    """A meeting's agenda item, summary or counter-proposal (``what`` says which)."""
    return f"meeting:{meeting_id}:{what}".encode()


def meeting_place_aad(room_id: str) -> bytes:
    """Where a meeting is held."""
    return f"meeting_place:{room_id}".encode()


def bot_secret_aad(name: str, user_id: str) -> bytes:
    """One of the bot's own secrets (its cross-signing keys), bound to the bot's user."""
    return f"bot_secret:{name}:{user_id}".encode()


def directory_aad(field: str, user_id: str) -> bytes:
    """A directory entry's e-mail or phone, bound to its column and person."""
    return f"directory:{field}:{user_id}".encode()
