"""The Matrix localpart of a bruker who logs in with ID-porten: a keyed hash of the number.

``b-`` and the first 80 bits of HMAC-SHA256(pseudonym key, the 11 digits), in lower-case
base32: 18 characters, the same every time, and nothing that leads back to the person without
the key. Synapse's mapper (``deploy/synapse/samsnakk_idporten.py``) repeats these few lines, so
that Synapse can load it without Samsnakk; ``tests/unit/test_pseudonym.py`` proves they agree.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

PSEUDONYM_PREFIX = "b-"
KEY_BYTES = 32


def pseudonym_localpart(key: bytes, fnr: str) -> str:
    """``fnr`` is the 11 digits from :func:`samsnakk_bot.domain.fnr.parse_fnr`."""
    digest = hmac.new(key, fnr.encode("ascii"), hashlib.sha256).digest()
    return PSEUDONYM_PREFIX + base64.b32encode(digest[:10]).decode("ascii").lower()
