"""The Matrix localparts the broker hands MAS as ``preferred_username``.

Brukere get exactly the pseudonym that ``!rom ny fnr:`` pre-provisions (D45), so their first
BankID login lands on the waiting account. Staff get ``a-`` and a keyed hash of an immutable
identifier from HelseID, under a key of their own, so no name and no self-chosen username can
ever reach an existing account: not the bot's, not the appservice's, not a bruker's.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

from samsnakk_bot.domain.pseudonym import PSEUDONYM_PREFIX, pseudonym_localpart

STAFF_PREFIX = "a-"
# The bot (@samsnakk) and the appservice's exclusive namespace (@samsnakk.*).
_RESERVED = re.compile(r"samsnakk(\..*)?")
_PID = re.compile(r"[0-9]{11}")
# Domain separation: the same key can never give a staff and a bruker the same hash input.
_STAFF_CONTEXT = b"samsnakk-broker/staff/v1\x00"


class UnusableIdentity(Exception):
    """The upstream provider sent no usable identifier; nobody is logged in."""


def bruker_localpart(pseudonym_key: bytes, pid: str) -> str:
    if not _PID.fullmatch(pid):
        raise UnusableIdentity("pid is not 11 digits")
    localpart = pseudonym_localpart(pseudonym_key, pid)
    _assert_safe(localpart, PSEUDONYM_PREFIX)
    return localpart


def staff_localpart(staff_key: bytes, provider: str, identifier: str) -> str:
    """``provider`` is a fixed name ("helseid"), not a URL: a moved issuer keeps the accounts."""
    if not identifier:
        raise UnusableIdentity("no immutable identifier")
    message = _STAFF_CONTEXT + provider.encode() + b"\x00" + identifier.encode()
    digest = hmac.new(staff_key, message, hashlib.sha256).digest()
    localpart = STAFF_PREFIX + base64.b32encode(digest[:10]).decode("ascii").lower()
    _assert_safe(localpart, STAFF_PREFIX)
    return localpart


def _assert_safe(localpart: str, prefix: str) -> None:
    # Holds by construction; checked anyway because a mistake here is an account takeover.
    if _RESERVED.fullmatch(localpart) or not localpart.startswith(prefix):
        raise AssertionError("refusing a reserved or foreign localpart")
    if prefix != PSEUDONYM_PREFIX and localpart.startswith(PSEUDONYM_PREFIX):
        raise AssertionError("only the ID-porten pseudonym may start with b-")
