"""Every label that binds an encrypted value or a derived key to its purpose, in one place.

The associated data (AAD) of a field names the column and the row it belongs to, so a blob
copied to another field or row fails to decrypt instead of being read as something else. A
label is part of every stored ciphertext: changing one makes the stored values unreadable.
"""

from __future__ import annotations

# --- derived keys (crypto/keys.py) --------------------------------------------------------------
ONBOARDING_CODE_KEY = b"code"  # the HMAC key under which onboarding codes are stored
AUDIT_CHAIN_KEY = b"audit chain v1"  # the HMAC key of the audit hash chain


# --- associated data of encrypted fields ----------------------------------------------------------
def varsel_address(idem_key: str) -> bytes:
    """An outbox row's address (phone or e-mail), bound to that row."""
    return f"varsel_address:{idem_key}".encode()


def varsel_secret(idem_key: str) -> bytes:
    """An outbox row's secret part (a code, a calendar file), bound to that row."""
    return f"varsel_secret:{idem_key}".encode()


def prefs_phone(user_id: str) -> bytes:
    return f"prefs_phone:{user_id}".encode()


def prefs_email(user_id: str) -> bytes:
    return f"prefs_email:{user_id}".encode()


def request_note(room_id: str) -> bytes:
    """The note an ansatt gives when proposing a participant."""
    return f"request_note:{room_id}".encode()


def meeting_text(meeting_id: int, what: str) -> bytes:
    """A meeting's agenda item, summary or counter-proposal (``what`` names which)."""
    return f"meeting:{meeting_id}:{what}".encode()


def meeting_place(room_id: str) -> bytes:
    return f"meeting_place:{room_id}".encode()


def bot_secret(name: str, user_id: str) -> bytes:
    """One of the bot's own secrets (its cross-signing keys), bound to the bot's user."""
    return f"bot_secret:{name}:{user_id}".encode()


def directory_field(field: str, user_id: str) -> bytes:
    """A directory entry's e-mail or phone, bound to its column and person."""
    return f"directory:{field}:{user_id}".encode()


def code_phone(room_id: str) -> bytes:
    """The phone number a one-time code was sent to, bound to the code's room."""
    return f"phone:{room_id}".encode()
