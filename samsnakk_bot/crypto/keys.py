"""Keys derived from the field key: one per purpose, so one leaked use never unlocks another."""

from __future__ import annotations

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

# The purposes in use; each gives a different key from the same field key.
CODE_KEY = b"code"


def derive(key: bytes, purpose: bytes) -> bytes:
    """HKDF-SHA256 of ``key`` for ``purpose`` (info ``b"samsnakk " + purpose``)."""
    return HKDF(hashes.SHA256(), 32, salt=None, info=b"samsnakk " + purpose).derive(key)
