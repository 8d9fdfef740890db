"""The broker's YAML config, validated like samsnakk.yaml: unknown keys and bad values are named."""

from __future__ import annotations

import base64
import binascii
import json
from pathlib import Path
from typing import Annotated, Literal

import yaml
from joserfc.jwk import ECKey, RSAKey
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError, model_validator

from samsnakk_bot.config import ConfigError

IDPORTEN_HIGH = "idporten-loa-high"
HELSEID_PID_CLAIM = "helseid://claims/identity/pid"

SigningKey = RSAKey | ECKey


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ClientConfig(_Section):
    """A relying party of the broker: MAS."""

    client_id: Annotated[str, Field(min_length=1)]
    client_secret_file: Path
    redirect_uris: Annotated[list[HttpUrl], Field(min_length=1)]


class IdPortenConfig(_Section):
    issuer: HttpUrl
    client_id: Annotated[str, Field(min_length=1)]
    client_secret_file: Path | None = None
    private_key_file: Path | None = None
    # ID-porten requires its clients to check the level; anything else is a config mistake.
    acr: Literal["idporten-loa-high"] = "idporten-loa-high"
    scopes: list[str] = Field(default_factory=lambda: ["openid", "profile"])

    @model_validator(mode="after")
    def _one_auth(self) -> IdPortenConfig:
        if (self.private_key_file is None) == (self.client_secret_file is None):
            raise ValueError("set exactly one of client_secret_file and private_key_file")
        return self


class HelseIdConfig(_Section):
    issuer: HttpUrl
    client_id: Annotated[str, Field(min_length=1)]
    private_key_file: Path
    scopes: list[str] = Field(
        default_factory=lambda: ["openid", "profile", "helseid://scopes/identity/pid"]
    )
    # An immutable identifier of the person; never a name or a self-chosen username.
    subject_claim: str = HELSEID_PID_CLAIM


class BrokerConfig(_Section):
    issuer: HttpUrl
    listen_host: str = "127.0.0.1"
    listen_port: Annotated[int, Field(ge=0, le=65535)] = 8090
    server_name: Annotated[str, Field(min_length=1)]
    pseudonym_key_file: Path
    staff_key_file: Path
    signing_key_file: Path
    clients: Annotated[list[ClientConfig], Field(min_length=1)]
    idporten: IdPortenConfig | None = None
    helseid: HelseIdConfig | None = None
    # Pending logins and codes live in memory only, this long.
    flow_lifetime_seconds: Annotated[int, Field(ge=30, le=1800)] = 600
    code_lifetime_seconds: Annotated[int, Field(ge=10, le=600)] = 60

    @property
    def base_url(self) -> str:
        return str(self.issuer).rstrip("/")


def load_broker_config(path: Path) -> BrokerConfig:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except yaml.YAMLError as err:
        raise ConfigError(f"{path}: not valid YAML: {err}") from None
    try:
        cfg = BrokerConfig.model_validate(data or {})
    except ValidationError as err:
        lines = [f"{path}: invalid broker config"]
        for e in err.errors():
            lines.append(f"  {'.'.join(str(p) for p in e['loc'])}: {e['msg']}")
        raise ConfigError("\n".join(lines)) from None
    if cfg.idporten is None and cfg.helseid is None:
        raise ConfigError(f"{path}: configure idporten, helseid or both")
    return cfg


def read_hmac_key(path: Path) -> bytes:
    """A 32-byte key, base64, as `samsnakk deploy secrets` and Synapse's mapper use them."""
    try:
        key = base64.b64decode(path.read_text(encoding="ascii").strip(), validate=True)
    except (OSError, binascii.Error, ValueError) as err:
        raise ConfigError(f"{path}: could not read a base64 key ({type(err).__name__})") from None
    if len(key) != 32:
        raise ConfigError(f"{path}: the key must be 32 bytes")
    return key


def read_secret(path: Path) -> str:
    try:
        secret = path.read_text(encoding="utf-8").strip()
    except OSError as err:
        raise ConfigError(f"{path}: could not read ({type(err).__name__})") from None
    if len(secret) < 16:
        raise ConfigError(f"{path}: the secret must be at least 16 characters")
    return secret


def read_private_jwk(path: Path) -> SigningKey:
    """A private RSA or EC key as a JWK (JSON), with a ``kid``: the form HelseID registers."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        key = (RSAKey if data.get("kty") == "RSA" else ECKey).import_key(data)
    except (OSError, ValueError, TypeError, KeyError) as err:
        raise ConfigError(f"{path}: not a private JWK ({type(err).__name__})") from None
    if not key.is_private or not key.kid:
        raise ConfigError(f"{path}: the JWK must be private and have a kid")
    return key
