"""The labels are part of every stored ciphertext and derived key: they must never change (D102).

Each expected value below is what the module that wrote the label before it moved produced.
"""

from __future__ import annotations

import pytest

from samsnakk_bot.crypto import labels
from samsnakk_bot.crypto.field_cipher import FieldCipher, FieldDecryptError
from samsnakk_bot.crypto.keys import derive_key
from samsnakk_bot.store.audit import chain_key_from

KEY = bytes(range(32))


def test_every_field_label_is_the_released_one() -> None:
    assert labels.varsel_address("k1") == b"varsel_address:k1"
    assert labels.varsel_secret("k1") == b"varsel_secret:k1"
    assert labels.prefs_phone("@u:s") == b"prefs_phone:@u:s"
    assert labels.prefs_email("@u:s") == b"prefs_email:@u:s"
    assert labels.request_note("!r:s") == b"request_note:!r:s"
    assert labels.meeting_text(7, "agenda") == b"meeting:7:agenda"
    assert labels.meeting_place("!r:s") == b"meeting_place:!r:s"
    assert labels.bot_secret("cross_signing_keys", "@b:s") == b"bot_secret:cross_signing_keys:@b:s"
    assert labels.directory_field("email", "@u:s") == b"directory:email:@u:s"
    assert labels.code_phone("!r:s") == b"phone:!r:s"


def test_derived_keys_are_the_released_ones_and_differ_by_purpose() -> None:
    code = derive_key(KEY, labels.ONBOARDING_CODE_KEY)
    assert code.hex() == "65e883fe35fb22d67acc035e3b22fa9bf097da2322d35d93f449588da9733177"
    assert chain_key_from(KEY) == derive_key(KEY, labels.AUDIT_CHAIN_KEY) != code
    with pytest.raises(ValueError, match="32 bytes"):
        derive_key(KEY[:16], labels.ONBOARDING_CODE_KEY)


def test_a_blob_under_one_label_does_not_open_under_another() -> None:
    cipher = FieldCipher(KEY)
    blob = cipher.encrypt_text("+4791234567", labels.prefs_phone("@per:s"))
    assert cipher.decrypt_text(blob, labels.prefs_phone("@per:s")) == "+4791234567"
    with pytest.raises(FieldDecryptError):
        cipher.decrypt_text(blob, labels.prefs_phone("@kari:s"))
    with pytest.raises(FieldDecryptError):
        cipher.decrypt_text(blob, labels.prefs_email("@per:s"))
