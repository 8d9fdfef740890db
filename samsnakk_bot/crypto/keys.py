"""Keys derived from the one field key, a separate key for each purpose.

A leaked derived key unlocks only its own use, and no derived key can stand in for the field
key or for another. The purposes are in :mod:`samsnakk_bot.crypto.labels`.
"""

from __future__ import annotations

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_BYTES = 32


def derive_key(key: bytes, purpose: bytes) -> bytes:
    """HKDF-SHA256 of ``key``, no salt, ``info`` = ``b"samsnakk " + purpose``; 32 bytes."""
    if len(key) != KEY_BYTES:
        raise ValueError(f"field key must be {KEY_BYTES} bytes, got {len(key)}")
    hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=b"samsnakk " + purpose)
    return hkdf.derive(key)
