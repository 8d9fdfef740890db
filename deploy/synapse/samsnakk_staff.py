"""Synapse OIDC user-mapping provider for staff: the localpart is a keyed hash, never a name.

Only for ``auth.mode: synapse_oidc``, the fallback where nobody uses Element X (D85, D88).
A staff login's localpart is ``a-`` and the first 80 bits of HMAC-SHA256(key, subject) in
lower-case base32, where the subject is a claim the provider never reassigns (``sub``, or
Entra ID's ``oid``). A provider user who calls themselves ``samsnakk``, ``b-…`` or a
colleague's name therefore gets an ``a-…`` account of their own, and two people with the same
name get two accounts. With ``allow_existing_users: false`` a login never takes an account it
did not make, and if the hashed localpart were ever taken, the login fails instead of inventing
another name.

Like samsnakk_idporten.py it imports only the standard library: put this file's directory on
Synapse's ``PYTHONPATH``.

    oidc_providers:
      - idp_id: ansatt
        ...
        allow_existing_users: false
        user_mapping_provider:
          module: samsnakk_staff.StaffMapper
          config:
            secret_file: /etc/samsnakk-secrets/synapse/synapse_staff_key   # 32 bytes, base64
            subject_claim: sub
            display_name_claim: name
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PREFIX = "a-"


def staff_localpart(key: bytes, subject: str) -> str:
    digest = hmac.new(key, subject.encode("utf-8"), hashlib.sha256).digest()
    return PREFIX + base64.b32encode(digest[:10]).decode("ascii").lower()


@dataclass(frozen=True)
class StaffMapperConfig:
    key: bytes = field(repr=False)
    subject_claim: str = "sub"
    display_name_claim: str = "name"


def _read_key(path: object) -> bytes:
    if not isinstance(path, str) or not path:
        raise ValueError("samsnakk_staff: config.secret_file (a file path) is required")
    try:
        key = base64.b64decode(Path(path).read_text(encoding="ascii").strip(), validate=True)
    except (OSError, UnicodeDecodeError, binascii.Error, ValueError) as err:
        raise ValueError(
            f"samsnakk_staff: could not read a base64 key from {path}: {type(err).__name__}"
        ) from None
    if len(key) != 32:
        raise ValueError(f"samsnakk_staff: the key in {path} must be 32 bytes")
    return key


class StaffMapper:
    def __init__(self, config: StaffMapperConfig, *_: object) -> None:
        self._config = config

    @staticmethod
    def parse_config(config: Mapping[str, Any]) -> StaffMapperConfig:
        return StaffMapperConfig(
            _read_key(config.get("secret_file")),
            str(config.get("subject_claim") or "sub"),
            str(config.get("display_name_claim") or "name"),
        )

    def _subject(self, userinfo: Mapping[str, Any]) -> str:
        subject = userinfo.get(self._config.subject_claim)
        if not isinstance(subject, str) or not subject:
            raise ValueError(f"the login has no {self._config.subject_claim} claim")
        return subject

    def get_remote_user_id(self, userinfo: Mapping[str, Any]) -> str:
        return self._subject(userinfo)

    async def map_user_attributes(
        self, userinfo: Mapping[str, Any], token: Mapping[str, Any], failures: int
    ) -> dict[str, Any]:
        if failures:
            # The localpart is the person: another one would be a second account for them.
            raise ValueError("the staff localpart is taken by an account this login did not make")
        name = userinfo.get(self._config.display_name_claim)
        return {
            "localpart": staff_localpart(self._config.key, self._subject(userinfo)),
            "confirm_localpart": False,
            "display_name": name if isinstance(name, str) and name else None,
            "picture": None,
            "emails": [],
        }

    async def get_extra_attributes(
        self, userinfo: Mapping[str, Any], token: Mapping[str, Any]
    ) -> dict[str, Any]:
        return {}
