"""Keys derived from the field key: one per purpose, so one leaked use never unlocks another.

No derived key can stand in for the field key or for another derived key. Each purpose is part
of a stored value (a code's hash, the audit chain), so a purpose never changes.
"""

from __future__ import annotations

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_BYTES = 32

# The purposes in use; each gives a different key from the same field key.
CODE_KEY = b"code"  # onboarding codes are stored as HMACs under this key
AUDIT_CHAIN_KEY = b"audit chain v1"  # the HMAC key of the audit hash chain


def derive(key: bytes, purpose: bytes) -> bytes:
    """HKDF-SHA256 of ``key`` for ``purpose`` (no salt, info ``b"samsnakk " + purpose``)."""
    if len(key) != KEY_BYTES:
        raise ValueError(f"field key must be {KEY_BYTES} bytes, got {len(key)}")
    return HKDF(hashes.SHA256(), KEY_BYTES, salt=None, info=b"samsnakk " + purpose).derive(key)
