"""Field-level encryption (AES-256-GCM) for values the database must not hold in the clear.

Blob layout: version byte 0x01 | 12-byte random nonce | ciphertext with 16-byte tag.
The associated data names what the value is for (e.g. ``b"bot_secret:ssk"``), so a blob copied
into another field or row fails to decrypt instead of being read as something else.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VERSION = 0x01
NONCE_BYTES = 12
TAG_BYTES = 16
KEY_BYTES = 32


class FieldDecryptError(Exception):
    """The blob is malformed, was tampered with, or belongs to another key or purpose."""


class FieldCipher:
    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError(f"field key must be {KEY_BYTES} bytes, got {len(key)}")
        self._aead = AESGCM(key)

    def encrypt(self, plaintext: bytes, associated_data: bytes) -> bytes:
        # Random 96-bit nonces are safe for far more values than this application will store.
        nonce = os.urandom(NONCE_BYTES)
        return bytes([VERSION]) + nonce + self._aead.encrypt(nonce, plaintext, associated_data)

    def decrypt(self, blob: bytes, associated_data: bytes) -> bytes:
        if len(blob) < 1 + NONCE_BYTES + TAG_BYTES:
            raise FieldDecryptError("encrypted field is too short")
        if blob[0] != VERSION:
            raise FieldDecryptError(f"unknown encrypted field version {blob[0]}")
        nonce, ciphertext = blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :]
        try:
            return self._aead.decrypt(nonce, ciphertext, associated_data)
        except InvalidTag:
            raise FieldDecryptError(
                "encrypted field failed authentication (wrong key, wrong purpose or tampered)"
            ) from None

    def encrypt_text(self, plaintext: str, associated_data: bytes) -> bytes:
        return self.encrypt(plaintext.encode("utf-8"), associated_data)

    def decrypt_text(self, blob: bytes, associated_data: bytes) -> str:
        try:
            return self.decrypt(blob, associated_data).decode("utf-8")
        except UnicodeDecodeError:
            raise FieldDecryptError("encrypted field is not valid UTF-8 text") from None
