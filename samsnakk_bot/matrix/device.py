"""Provisioning the bot user and its MSC4190 device."""

from __future__ import annotations

import json
import logging
import secrets
from dataclasses import dataclass
from pathlib import Path

from samsnakk_bot.matrix.as_http import AppserviceHttp, MatrixHttpError

log = logging.getLogger(__name__)

_DEVICE_FILE = "device.json"
_NIO_DB_SUFFIX = ".db"


@dataclass(frozen=True)
class BotDevice:
    device_id: str
    is_new: bool


def _crypto_store_exists(store_dir: Path, user_id: str, device_id: str) -> bool:
    return (store_dir / f"{user_id}_{device_id}{_NIO_DB_SUFFIX}").exists()


def choose_device(store_dir: Path, user_id: str, prefix: str) -> BotDevice:
    """Reuse the device whose crypto store we hold; otherwise make a fresh device ID.

    A device ID must never outlive its crypto store: re-uploading one-time keys for a known
    device fails and peers then see bad signatures.
    """
    marker = store_dir / _DEVICE_FILE
    if marker.exists():
        device_id = str(json.loads(marker.read_text())["device_id"])
        if _crypto_store_exists(store_dir, user_id, device_id):
            return BotDevice(device_id, is_new=False)
    device_id = f"{prefix}_{secrets.token_hex(4).upper()}"
    store_dir.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps({"device_id": device_id}))
    return BotDevice(device_id, is_new=True)


async def register_bot(http: AppserviceHttp) -> None:
    """Create the bot user in our exclusive namespace; an existing user is fine."""
    localpart = http.user_id.split(":", 1)[0].removeprefix("@")
    try:
        await http.request(
            "POST",
            "/_matrix/client/v3/register",
            {"type": "m.login.application_service", "username": localpart, "inhibit_login": True},
            as_user=False,
        )
        log.info("registered bot user %s", http.user_id)
    except MatrixHttpError as err:
        if err.errcode != "M_USER_IN_USE":
            raise


async def ensure_device(http: AppserviceHttp, device: BotDevice, display_name: str) -> None:
    """Create the device (MSC4190) and delete stale bot devices whose stores are gone."""
    http.device_id = None  # the device may not exist yet, so it cannot be named
    if not device.is_new and await _device_name(http, device.device_id) == display_name:
        # Each PUT tells everyone who shares a room with the bot that its devices changed:
        # 0.7 s of Synapse's work at 10,000 rooms on every restart, and a key query from
        # every one of their clients (D177).
        http.device_id = device.device_id
        return
    await http.request(
        "PUT",
        f"/_matrix/client/v3/devices/{http.q(device.device_id)}",
        {"display_name": display_name},
    )
    http.device_id = device.device_id
    if not device.is_new:
        return
    listing = await http.request("GET", "/_matrix/client/v3/devices")
    stale = [
        d["device_id"] for d in listing.get("devices", []) if d["device_id"] != device.device_id
    ]
    for old in stale:
        await http.request("DELETE", f"/_matrix/client/v3/devices/{http.q(old)}", {})
        log.info("deleted stale bot device %s", old)


async def _device_name(http: AppserviceHttp, device_id: str) -> str | None:
    """The device's display name, or ``None`` if the server has no such device."""
    try:
        found = await http.request("GET", f"/_matrix/client/v3/devices/{http.q(device_id)}")
    except MatrixHttpError as err:
        if err.status == 404:
            return None
        raise
    return str(found.get("display_name") or "")
