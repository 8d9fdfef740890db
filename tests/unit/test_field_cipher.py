from __future__ import annotations

import os

import pytest

from samsnakk_bot.crypto.field_cipher import FieldCipher, FieldDecryptError

AD = b"inbox:phone"


@pytest.fixture
def cipher() -> FieldCipher:
    return FieldCipher(os.urandom(32))


def test_text_roundtrip(cipher: FieldCipher) -> None:
    blob = cipher.encrypt_text("+47 912 34 567 — Ærlig", AD)

    assert blob[0] == 0x01
    assert b"912" not in blob
    assert cipher.decrypt_text(blob, AD) == "+47 912 34 567 — Ærlig"


def test_same_plaintext_encrypts_differently_each_time(cipher: FieldCipher) -> None:
    assert cipher.encrypt(b"x", AD) != cipher.encrypt(b"x", AD)


def test_tampered_blob_is_rejected(cipher: FieldCipher) -> None:
    blob = bytearray(cipher.encrypt(b"secret", AD))
    blob[-1] ^= 0x01

    with pytest.raises(FieldDecryptError, match="failed authentication"):
        cipher.decrypt(bytes(blob), AD)


def test_blob_for_another_purpose_is_rejected(cipher: FieldCipher) -> None:
    blob = cipher.encrypt(b"secret", b"bot_secret:ssk")

    with pytest.raises(FieldDecryptError):
        cipher.decrypt(blob, b"bot_secret:usk")


def test_wrong_key_is_rejected(cipher: FieldCipher) -> None:
    blob = cipher.encrypt(b"secret", AD)

    with pytest.raises(FieldDecryptError):
        FieldCipher(os.urandom(32)).decrypt(blob, AD)


def test_unknown_version_and_truncated_blob_are_rejected(cipher: FieldCipher) -> None:
    blob = cipher.encrypt(b"secret", AD)

    with pytest.raises(FieldDecryptError, match="version 2"):
        cipher.decrypt(b"\x02" + blob[1:], AD)
    with pytest.raises(FieldDecryptError, match="too short"):
        cipher.decrypt(blob[:20], AD)


def test_key_of_wrong_length_is_refused() -> None:
    with pytest.raises(ValueError, match="32 bytes, got 16"):
        FieldCipher(b"k" * 16)
