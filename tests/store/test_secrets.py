from __future__ import annotations

import os

from samsnakk_bot.crypto.field_cipher import FieldCipher
from samsnakk_bot.store import Database, SecretRepo


async def test_secret_roundtrip_and_overwrite(db: Database) -> None:
    repo = SecretRepo(db)
    await repo.put("ssk", b"\x00first\xff", now_ms=1)

    await repo.put("ssk", b"\x00second\xff", now_ms=2)

    assert await repo.get("ssk") == b"\x00second\xff"


async def test_missing_secret_is_none(db: Database) -> None:
    assert await SecretRepo(db).get("msk") is None


async def test_encrypted_secret_is_stored_without_plaintext(db: Database) -> None:
    cipher = FieldCipher(os.urandom(32))
    plaintext = b"ed25519 private seed 0123456789"
    repo = SecretRepo(db)

    await repo.put("ssk", cipher.encrypt(plaintext, b"bot_secret:ssk"), now_ms=1)
    stored = await repo.get("ssk")

    assert stored is not None and plaintext not in stored
    assert cipher.decrypt(stored, b"bot_secret:ssk") == plaintext
