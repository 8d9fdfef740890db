"""Shared-secret user registration (`/_synapse/admin/v1/register`)."""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.request
from typing import Any


class RegistrationError(RuntimeError):
    pass


def _request(method: str, url: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)  # noqa: S310 - our homeserver
    req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310
            return dict(json.loads(resp.read()))
    except urllib.error.HTTPError as err:
        detail = err.read().decode(errors="replace")
        raise RegistrationError(f"{err.code}: {detail}") from None


def register_user(
    base_url: str,
    shared_secret: str,
    localpart: str,
    password: str,
    admin: bool = False,
    display_name: str | None = None,
) -> dict[str, Any]:
    """Register a local user; returns Synapse's answer (user_id, access_token, device_id)."""
    url = f"{base_url}/_synapse/admin/v1/register"
    nonce = _request("GET", url)["nonce"]
    body: dict[str, Any] = {
        "nonce": nonce,
        "username": localpart,
        "password": password,
        "admin": admin,
    }
    # The MAC covers the four fields separated by NUL, without a trailing NUL.
    mac = hmac.new(shared_secret.encode(), digestmod=hashlib.sha1)
    mac.update(b"\x00".join(p.encode() for p in (nonce, localpart, password)))
    mac.update(b"\x00" + (b"admin" if admin else b"notadmin"))
    body["mac"] = mac.hexdigest()
    if display_name:
        body["displayname"] = display_name
    return _request("POST", url, body)
