"""Cross-signing for test clients, as Element X does at login.

Deliberately independent of the bot's own implementation (samsnakk_bot/matrix/cross_signing.py):
keys and signatures come from signedjson and PyNaCl, the libraries Synapse itself uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aiohttp
from signedjson.key import generate_signing_key, get_verify_key
from signedjson.sign import sign_json
from signedjson.types import SigningKey
from unpaddedbase64 import encode_base64


@dataclass
class Identity:
    """A user's master and self-signing keys; a reset makes a new one."""

    master: SigningKey
    self_signing: SigningKey

    @classmethod
    def generate(cls) -> Identity:
        return cls(generate_signing_key("master"), generate_signing_key("ssk"))

    @property
    def master_public(self) -> str:
        return encode_base64(get_verify_key(self.master).encode())


def _public(key: SigningKey) -> str:
    return encode_base64(get_verify_key(key).encode())


def _key_object(user_id: str, usage: str, key: SigningKey) -> dict[str, Any]:
    public = _public(key)
    return {"user_id": user_id, "usage": [usage], "keys": {f"ed25519:{public}": public}}


def _signed_by(obj: dict[str, Any], user_id: str, key: SigningKey) -> dict[str, Any]:
    # signedjson names the signature after the key's version, which we set to its public key.
    key.version = _public(key)
    return sign_json(dict(obj), user_id, key)


async def _post(hs: str, token: str, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    async with aiohttp.ClientSession() as http:
        async with http.post(
            f"{hs}{path}", json=body, headers={"Authorization": f"Bearer {token}"}
        ) as resp:
            return resp.status, await resp.json()


async def publish_identity(
    hs: str, token: str, user_id: str, identity: Identity, password: str | None = None
) -> None:
    """Upload master and self-signing keys; a replacement needs the password (UIA)."""
    body: dict[str, Any] = {
        "master_key": _key_object(user_id, "master", identity.master),
        "self_signing_key": _signed_by(
            _key_object(user_id, "self_signing", identity.self_signing), user_id, identity.master
        ),
    }
    path = "/_matrix/client/v3/keys/device_signing/upload"
    status, answer = await _post(hs, token, path, body)
    if status == 401 and password is not None:
        body["auth"] = {
            "type": "m.login.password",
            "identifier": {"type": "m.id.user", "user": user_id},
            "password": password,
            "session": answer.get("session"),
        }
        status, answer = await _post(hs, token, path, body)
    assert status == 200, (status, answer)


async def sign_device(
    hs: str, token: str, user_id: str, device_id: str, identity: Identity
) -> None:
    """Sign one of the user's devices with the self-signing key, as a verified login does."""
    _, query = await _post(
        hs, token, "/_matrix/client/v3/keys/query", {"device_keys": {user_id: [device_id]}}
    )
    device = dict(query["device_keys"][user_id][device_id])
    device.pop("unsigned", None)
    signed = _signed_by(device, user_id, identity.self_signing)
    status, answer = await _post(
        hs, token, "/_matrix/client/v3/keys/signatures/upload", {user_id: {device_id: signed}}
    )
    assert status == 200 and not answer.get("failures"), answer
