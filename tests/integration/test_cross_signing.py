"""The bot's device is cross-signed, verified from what any user sees in /keys/query."""

from __future__ import annotations

import aiohttp
import pytest
from matrix_harness import MatrixUser
from signedjson.key import decode_verify_key_bytes
from signedjson.sign import SignatureVerifyException, verify_signed_json
from unpaddedbase64 import decode_base64

from samsnakk_bot.app import SamsnakkApp

pytestmark = pytest.mark.synapse


def _verify_key(key_id: str, public: str):
    return decode_verify_key_bytes(key_id, decode_base64(public))


def _only_key(obj: dict) -> tuple[str, str]:
    ((key_id, public),) = obj["keys"].items()
    return key_id, public


async def test_bot_device_is_signed_by_self_signing_key_signed_by_master(
    app: SamsnakkApp, ansatt: MatrixUser
) -> None:
    bot = app.cfg.bot_user_id
    async with aiohttp.ClientSession() as http:
        async with http.post(
            f"{app.cfg.homeserver.url}/_matrix/client/v3/keys/query",
            json={"device_keys": {bot: []}},
            headers={"Authorization": f"Bearer {ansatt.client.access_token}"},
        ) as resp:
            keys = await resp.json()

    master = keys["master_keys"][bot]
    ssk = keys["self_signing_keys"][bot]
    device = keys["device_keys"][bot][app.bot.device_id]
    master_id, master_pub = _only_key(master)
    ssk_id, ssk_pub = _only_key(ssk)

    # Self-signing key signed by the master key.
    verify_signed_json(ssk, bot, _verify_key(master_id, master_pub))
    # Device signed by the self-signing key...
    verify_signed_json(device, bot, _verify_key(ssk_id, ssk_pub))
    # ...and by itself, as every device is.
    dev_key_id = f"ed25519:{app.bot.device_id}"
    verify_signed_json(device, bot, _verify_key(dev_key_id, device["keys"][dev_key_id]))

    # A signature that does not cover the object is caught by the same check.
    tampered = dict(device, algorithms=[*device["algorithms"], "x.tampered"])
    with pytest.raises(SignatureVerifyException):
        verify_signed_json(tampered, bot, _verify_key(ssk_id, ssk_pub))


async def test_cross_signing_keys_are_stored_encrypted_and_reused(app: SamsnakkApp) -> None:
    from samsnakk_bot.matrix.cross_signing import SECRET_NAME
    from samsnakk_bot.store import SecretRepo

    before = app.bot.cross_signing
    assert before is not None
    blob = await SecretRepo(app.db).get(SECRET_NAME)
    assert blob is not None
    assert before.master_key.encode() not in blob
    assert b"master" not in blob  # the JSON of seeds is not readable at rest

    await app.stop()
    await app.start()
    after = app.bot.cross_signing
    assert after is not None
    assert after.master_key == before.master_key
    assert not after.uploaded_keys and not after.signed_device  # nothing to redo
