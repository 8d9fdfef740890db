"""Matrix signed JSON: the bytes an Ed25519 signature covers, and checking one.

The canonical JSON itself comes from ``canonicaljson``, the package Synapse signs with. Keys are
unpadded base64, written out here because a signature check wants the strict decoder
(``validate=True``), not a lenient one that also takes the URL-safe alphabet.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

from canonicaljson import encode_canonical_json
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def b64(data: bytes) -> str:
    """Unpadded base64, as Matrix writes keys and signatures."""
    return base64.b64encode(data).decode().rstrip("=")


def unb64(text: str) -> bytes:
    """The bytes of unpadded base64; ``ValueError`` (``binascii.Error``) on anything else."""
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def signable(obj: Mapping[str, Any]) -> bytes:
    """The bytes a signature covers: the object without ``signatures`` and ``unsigned``."""
    return encode_canonical_json(
        {k: v for k, v in obj.items() if k not in ("signatures", "unsigned")}
    )


def signed_by(obj: Mapping[str, Any], user_id: str, key_id: str, public: str) -> bool:
    """Does ``obj`` carry a valid signature by this Ed25519 key (``public``, unpadded base64)?"""
    signature = (obj.get("signatures") or {}).get(user_id, {}).get(key_id)
    if not isinstance(signature, str):
        return False
    try:
        Ed25519PublicKey.from_public_bytes(unb64(public)).verify(unb64(signature), signable(obj))
    except (InvalidSignature, ValueError):
        return False
    return True
