"""Synapse OIDC user-mapping provider for ID-porten: the ``pid`` claim becomes a pseudonym.

A bruker logs in with ID-porten, whose ID token carries their fødselsnummer (or D-nummer) as
``pid``. This maps it to the same localpart that Samsnakk's ``!rom ny fnr:…`` pre-provisions:
``b-`` and the first 80 bits of HMAC-SHA256(key, pid) in lower-case base32. The number itself
never reaches Synapse's database: the remote user ID Synapse stores (``user_external_ids``)
and logs is that pseudonym too, and there is no display name.

It imports only the standard library, so Synapse can load it without Samsnakk installed: put
this file's directory on Synapse's ``PYTHONPATH``. The few lines of :func:`derive_localpart`
must stay identical to ``samsnakk_bot/domain/pseudonym.py``; a unit test proves they agree.

    oidc_providers:
      - idp_id: idporten
        ...
        scopes: ["openid", "profile"]
        pkce_method: always
        attribute_requirements: [{attribute: acr, value: idporten-loa-high}]
        allow_existing_users: true     # the account exists: Samsnakk made it
        enable_registration: false     # nobody else gets an account by logging in
        user_mapping_provider:
          module: samsnakk_idporten.PseudonymMapper
          config:
            secret_file: /etc/matrix-synapse/samsnakk-pseudonym.key

The secret file holds Samsnakk's ``security.pseudonym_key``: 32 random bytes, base64.
Keep Synapse's ``synapse.handlers.oidc`` logger at INFO or above: at DEBUG, Synapse logs the
whole userinfo, ``pid`` included.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_PID = re.compile(r"^[0-9]{11}$")


def derive_localpart(key: bytes, pid: str) -> str:
    digest = hmac.new(key, pid.encode("ascii"), hashlib.sha256).digest()
    return "b-" + base64.b32encode(digest[:10]).decode("ascii").lower()


@dataclass(frozen=True)
class MapperConfig:
    key: bytes = field(repr=False)


class PseudonymMapper:
    def __init__(self, config: MapperConfig) -> None:
        self._key = config.key

    @staticmethod
    def parse_config(config: Mapping[str, Any]) -> MapperConfig:
        path = config.get("secret_file")
        if not isinstance(path, str) or not path:
            raise ValueError("samsnakk_idporten: config.secret_file (a file path) is required")
        try:
            key = base64.b64decode(Path(path).read_text(encoding="ascii").strip(), validate=True)
        except (OSError, UnicodeDecodeError, binascii.Error, ValueError) as err:
            raise ValueError(
                f"samsnakk_idporten: could not read a base64 key from {path}: {type(err).__name__}"
            ) from None
        if len(key) != 32:
            raise ValueError(f"samsnakk_idporten: the key in {path} must be 32 bytes")
        return MapperConfig(key)

    def _localpart(self, userinfo: Mapping[str, Any]) -> str:
        pid = userinfo.get("pid")
        if not isinstance(pid, str) or not _PID.match(pid):
            # Never repeat the claim: Synapse logs this message.
            raise ValueError("the ID token has no pid claim of 11 digits (a pseudonymous scope?)")
        return derive_localpart(self._key, pid)

    def get_remote_user_id(self, userinfo: Mapping[str, Any]) -> str:
        """What Synapse stores and logs as the external ID: the pseudonym, not ``pid``."""
        return self._localpart(userinfo)

    async def map_user_attributes(
        self, userinfo: Mapping[str, Any], token: Mapping[str, Any], failures: int
    ) -> dict[str, Any]:
        if failures:
            # The localpart is the person: another one would be a second, unknown account.
            raise ValueError("the pseudonymous localpart is taken by an account it cannot match")
        return {
            "localpart": self._localpart(userinfo),
            "confirm_localpart": False,
            "display_name": None,
            "picture": None,
            "emails": [],
        }

    async def get_extra_attributes(
        self, userinfo: Mapping[str, Any], token: Mapping[str, Any]
    ) -> dict[str, Any]:
        return {}
