"""Cross-signing for the bot, which matrix-nio cannot do.

Clients that exclude insecure devices (MSC4153) withhold room keys from a device its owner has
not signed. The bot therefore owns master, self-signing and user-signing Ed25519 keys, signs
its own device with the self-signing key, and keeps the private keys encrypted in our DB.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, Protocol

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from samsnakk_bot.crypto.labels import bot_secret_aad
from samsnakk_bot.matrix.as_http import AppserviceHttp
from samsnakk_bot.matrix.signatures import b64, signable, unb64

log = logging.getLogger(__name__)

SECRET_NAME = "cross_signing_keys"  # noqa: S105 - a row name, not a secret
USAGES = ("master", "self_signing", "user_signing")


class CrossSigningError(RuntimeError):
    pass


class SecretStore(Protocol):
    async def get(self, name: str) -> bytes | None: ...
    async def put(self, name: str, value: bytes, now_ms: int) -> None: ...


class Cipher(Protocol):
    def encrypt(self, plaintext: bytes, associated_data: bytes) -> bytes: ...
    def decrypt(self, blob: bytes, associated_data: bytes) -> bytes: ...


@dataclass(frozen=True)
class SigningKey:
    private: Ed25519PrivateKey

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_seed(cls, seed: bytes) -> SigningKey:
        return cls(Ed25519PrivateKey.from_private_bytes(seed))

    @property
    def seed(self) -> bytes:
        return self.private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())

    @property
    def public(self) -> str:
        return b64(self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))

    @property
    def key_id(self) -> str:
        return f"ed25519:{self.public}"

    def sign(self, obj: dict[str, Any], user_id: str) -> dict[str, Any]:
        """Return a copy of ``obj`` with this key's signature added under ``user_id``."""
        signature = b64(self.private.sign(signable(obj)))
        signed = dict(obj)
        signed.pop("unsigned", None)
        sigs = {u: dict(s) for u, s in obj.get("signatures", {}).items()}
        sigs.setdefault(user_id, {})[self.key_id] = signature
        signed["signatures"] = sigs
        return signed


@dataclass(frozen=True)
class CrossSigningKeys:
    master: SigningKey
    self_signing: SigningKey
    user_signing: SigningKey

    @classmethod
    def generate(cls) -> CrossSigningKeys:
        return cls(SigningKey.generate(), SigningKey.generate(), SigningKey.generate())

    def to_bytes(self) -> bytes:
        return json.dumps({u: b64(getattr(self, u).seed) for u in USAGES}).encode()

    @classmethod
    def from_bytes(cls, raw: bytes) -> CrossSigningKeys:
        seeds = json.loads(raw)
        return cls(*(SigningKey.from_seed(unb64(seeds[u])) for u in USAGES))

    def key_object(self, usage: str, user_id: str) -> dict[str, Any]:
        key: SigningKey = getattr(self, usage)
        obj: dict[str, Any] = {
            "user_id": user_id,
            "usage": [usage],
            "keys": {key.key_id: key.public},
        }
        return obj if usage == "master" else self.master.sign(obj, user_id)


@dataclass(frozen=True)
class CrossSigningStatus:
    master_key: str
    self_signing_key: str
    uploaded_keys: bool
    signed_device: bool


async def _load_or_create(
    store: SecretStore, cipher: Cipher, user_id: str, now_ms: int
) -> tuple[CrossSigningKeys, bool]:
    blob = await store.get(SECRET_NAME)
    if blob is not None:
        return CrossSigningKeys.from_bytes(
            cipher.decrypt(blob, bot_secret_aad(SECRET_NAME, user_id))
        ), False
    keys = CrossSigningKeys.generate()
    # Persist before uploading: keys the server knows but we lost could never sign a device.
    await store.put(
        SECRET_NAME,
        cipher.encrypt(keys.to_bytes(), bot_secret_aad(SECRET_NAME, user_id)),
        now_ms,
    )
    return keys, True


def _published_key(query: dict[str, Any], field: str, user_id: str) -> str | None:
    obj = query.get(field, {}).get(user_id)
    if not obj:
        return None
    return next(iter(obj.get("keys", {}).values()), None)


async def ensure_cross_signed(
    http: AppserviceHttp, store: SecretStore, cipher: Cipher, device_id: str, now_ms: int
) -> CrossSigningStatus:
    """Make sure the bot's keys are published and its device is signed; idempotent."""
    user_id = http.user_id
    keys, _ = await _load_or_create(store, cipher, user_id, now_ms)
    query = await http.request(
        "POST", "/_matrix/client/v3/keys/query", {"device_keys": {user_id: []}}
    )

    uploaded = False
    if (
        _published_key(query, "master_keys", user_id) != keys.master.public
        or _published_key(query, "self_signing_keys", user_id) != keys.self_signing.public
    ):
        await http.request(
            "POST",
            "/_matrix/client/v3/keys/device_signing/upload",
            {
                "master_key": keys.key_object("master", user_id),
                "self_signing_key": keys.key_object("self_signing", user_id),
                "user_signing_key": keys.key_object("user_signing", user_id),
            },
        )
        uploaded = True
        log.info("uploaded cross-signing keys for %s", user_id)

    device = query.get("device_keys", {}).get(user_id, {}).get(device_id)
    if device is None:
        raise CrossSigningError(f"device {device_id} has no published keys to sign")
    already = device.get("signatures", {}).get(user_id, {}).get(keys.self_signing.key_id)
    if already and not uploaded:
        return CrossSigningStatus(keys.master.public, keys.self_signing.public, False, False)

    signed = keys.self_signing.sign(device, user_id)
    result = await http.request(
        "POST", "/_matrix/client/v3/keys/signatures/upload", {user_id: {device_id: signed}}
    )
    if result.get("failures"):
        raise CrossSigningError(f"signature upload refused: {result['failures']}")
    log.info("signed device %s with the self-signing key", device_id)
    return CrossSigningStatus(keys.master.public, keys.self_signing.public, uploaded, True)
