"""Which of a user's devices their owner has cross-signed, read from a ``/keys/query`` answer.

MSC4153 (exclude insecure devices): a device counts only if the user's self-signing key, itself
signed by the user's master key, has signed it. Every signature is checked here; the server is
not trusted to have done it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from samsnakk_bot.domain.trust import DeviceKeys, PublishedIdentity
from samsnakk_bot.matrix.signatures import signed_by as _verify


def _only_key(obj: dict[str, Any], user_id: str, usage: str) -> str | None:
    """The single Ed25519 public key of a cross-signing key object made for this use."""
    if obj.get("user_id") != user_id or usage not in obj.get("usage", []):
        return None
    keys = obj.get("keys", {})
    if len(keys) != 1:
        return None
    ((key_id, public),) = keys.items()
    return public if key_id == f"ed25519:{public}" else None


def _device(obj: dict[str, Any], user_id: str, device_id: str, ssk: str) -> DeviceKeys | None:
    if obj.get("user_id") != user_id or obj.get("device_id") != device_id:
        return None
    keys = obj.get("keys", {})
    ed = keys.get(f"ed25519:{device_id}")
    curve = keys.get(f"curve25519:{device_id}")
    if not isinstance(ed, str) or not isinstance(curve, str):
        return None
    # The device vouches for its own keys, and the owner's self-signing key for the device.
    if not _verify(obj, user_id, f"ed25519:{device_id}", ed):
        return None
    if not _verify(obj, user_id, f"ed25519:{ssk}", ssk):
        return None
    return DeviceKeys(ed, curve)


def read_identity(query: dict[str, Any], user_id: str) -> PublishedIdentity:
    master_obj = query.get("master_keys", {}).get(user_id)
    master = _only_key(master_obj, user_id, "master") if master_obj else None
    if master is None:
        return PublishedIdentity(user_id, None)
    ssk_obj = query.get("self_signing_keys", {}).get(user_id)
    ssk = _only_key(ssk_obj, user_id, "self_signing") if ssk_obj else None
    if ssk is None or not _verify(ssk_obj, user_id, f"ed25519:{master}", master):
        return PublishedIdentity(user_id, master)
    devices: dict[str, DeviceKeys] = {}
    for device_id, obj in query.get("device_keys", {}).get(user_id, {}).items():
        keys = _device(obj, user_id, device_id, ssk)
        if keys is not None:
            devices[device_id] = keys
    return PublishedIdentity(user_id, master, devices)


class Http(Protocol):
    async def request(
        self, method: str, path: str, body: dict[str, Any] | None = None
    ) -> dict[str, Any]: ...


class PublishedIdentities:
    """The ``IdentitySource`` port over ``/keys/query``, with every signature checked here."""

    def __init__(self, http: Http) -> None:
        self._http = http

    async def identities(self, user_ids: Sequence[str]) -> dict[str, PublishedIdentity]:
        query = await self._http.request(
            "POST", "/_matrix/client/v3/keys/query", {"device_keys": {u: [] for u in user_ids}}
        )
        return {u: read_identity(query, u) for u in user_ids}
