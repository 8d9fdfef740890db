"""The labels are part of every stored ciphertext and derived key: they must never change (D102).

Each expected value below is what the module that wrote the label before it moved produced.
"""

from __future__ import annotations

import pytest

from samsnakk_bot.crypto.field_cipher import FieldCipher, FieldDecryptError
from samsnakk_bot.crypto.keys import AUDIT_CHAIN_KEY, CODE_KEY, derive
from samsnakk_bot.crypto.labels import (
    address_aad,
    bot_secret_aad,
    code_phone_aad,
    directory_aad,
    email_aad,
    meeting_aad,
    meeting_place_aad,
    phone_aad,
    request_note_aad,
    secret_aad,
)
from samsnakk_bot.store.audit import chain_key_from

KEY = bytes(range(32))


def test_every_field_label_is_the_released_one() -> None:
    assert address_aad("k1") == b"varsel_address:k1"
    assert secret_aad("k1") == b"varsel_secret:k1"
    assert phone_aad("@u:s") == b"prefs_phone:@u:s"
    assert email_aad("@u:s") == b"prefs_email:@u:s"
    assert request_note_aad("!r:s") == b"request_note:!r:s"
    assert meeting_aad(7, "agenda") == b"meeting:7:agenda"
    assert meeting_place_aad("!r:s") == b"meeting_place:!r:s"
    assert bot_secret_aad("cross_signing_keys", "@b:s") == b"bot_secret:cross_signing_keys:@b:s"
    assert directory_aad("email", "@u:s") == b"directory:email:@u:s"
    assert code_phone_aad("!r:s") == b"phone:!r:s"


def test_derived_keys_are_the_released_ones_and_differ_by_purpose() -> None:
    code = derive(KEY, CODE_KEY)
    assert code.hex() == "65e883fe35fb22d67acc035e3b22fa9bf097da2322d35d93f449588da9733177"
    assert chain_key_from(KEY) == derive(KEY, AUDIT_CHAIN_KEY) != code
    with pytest.raises(ValueError, match="32 bytes"):
        derive(KEY[:16], CODE_KEY)


def test_a_blob_under_one_label_does_not_open_under_another() -> None:
    cipher = FieldCipher(KEY)
    blob = cipher.encrypt_text("+4791234567", phone_aad("@per:s"))
    assert cipher.decrypt_text(blob, phone_aad("@per:s")) == "+4791234567"
    with pytest.raises(FieldDecryptError):
        cipher.decrypt_text(blob, phone_aad("@kari:s"))
    with pytest.raises(FieldDecryptError):
        cipher.decrypt_text(blob, email_aad("@per:s"))
