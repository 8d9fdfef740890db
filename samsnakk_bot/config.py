"""Samsnakk configuration: one YAML file, validated by pydantic, secrets from the environment.

The commented sample in ``deploy/samsnakk.yaml.sample`` is the single source of defaults.
A secret may be given in the file or through ``SAMSNAKK_<SECTION>_<KEY>`` in the environment;
the environment wins, so production files can stay free of secrets.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from samsnakk_bot.domain.onboarding_link import OnboardingLinks

ENV_PREFIX = "SAMSNAKK"

# Values that appear in the sample config and must never reach production.
_PLACEHOLDERS = {"change-me", "changeme", "CHANGE_ME", "generate", "secret", "xxx"}
_LOCALPART_RE = re.compile(r"^[a-z0-9._=/+-]+$")


class ConfigError(Exception):
    """A configuration problem, phrased for the operator who has to fix it."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Secret = Annotated[str, Field(min_length=16)]


def _reject_placeholder(value: str) -> str:
    if value.strip() in _PLACEHOLDERS:
        raise ValueError("is a placeholder from the sample config; generate a real secret")
    return value


class HomeserverConfig(_Section):
    url: str = "http://127.0.0.1:8008"
    server_name: str = "samsnakk.localhost"
    # A server admin's access token, for Synapse's admin API: with room.close_mode "delete" a
    # closed brukerrom and its history are deleted, and with security.pseudonym_key (and no
    # ``mas`` section) the accounts of brukere who log in with ID-porten are made
    # (``!rom ny fnr:…``). With MAS, those accounts are made through MAS instead (D86).
    admin_token: Secret | None = None

    @field_validator("url")
    @classmethod
    def _url_has_scheme(cls, v: str) -> str:
        if not v.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return v.rstrip("/")


class MasConfig(_Section):
    """matrix-authentication-service's admin API: with MAS, «!rom ny fnr:…» makes the bruker's
    account there (D86). The client is in MAS's config (auth.mas_admin in the deploy values)."""

    # MAS's own listener, not the public host (nginx never proxies /api/admin/).
    url: str = "http://127.0.0.1:8080"
    client_id: Annotated[str, Field(pattern=r"^[0-9A-HJKMNP-TV-Z]{26}$")] = (
        "01M81SNT9ASAMSNAKKADM1N000"
    )
    client_secret: Secret

    _no_placeholder = field_validator("client_secret")(_reject_placeholder)

    @field_validator("url")
    @classmethod
    def _url_has_scheme(cls, v: str) -> str:
        if not v.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return v.rstrip("/")


class AppserviceConfig(_Section):
    id: str = "samsnakk"
    # Where our aiohttp server listens and where Synapse reaches it.
    bind_host: str = "127.0.0.1"
    port: Annotated[int, Field(ge=1, le=65535)] = 29330
    public_url: str | None = None
    as_token: Secret
    hs_token: Secret
    # The registration's sender may not /sync, so the bot is a separate user.
    sender_localpart: str = "samsnakk.as"
    bot_localpart: str = "samsnakk"
    # MSC4190 lets the appservice own its device; see docs/architecture.md.
    msc4190: bool = True

    _no_placeholder_as = field_validator("as_token", "hs_token")(_reject_placeholder)

    @field_validator("sender_localpart", "bot_localpart")
    @classmethod
    def _valid_localpart(cls, v: str) -> str:
        if not _LOCALPART_RE.match(v):
            raise ValueError("must be a lower-case Matrix localpart (a-z, 0-9, . _ = - / +)")
        return v

    @property
    def url(self) -> str:
        return self.public_url or f"http://{self.bind_host}:{self.port}"


class BotConfig(_Section):
    device_id: Annotated[str, Field(pattern=r"^[A-Z0-9_]{4,32}$")] = "SAMSNAKKBOT"
    display_name: str = "Samsnakk"
    store_dir: Path = Path("./data/crypto")
    pickle_key: Secret

    _no_placeholder = field_validator("pickle_key")(_reject_placeholder)


class AntispamConfig(_Section):
    secret: Secret

    _no_placeholder = field_validator("secret")(_reject_placeholder)


class DatabaseConfig(_Section):
    url: str = "sqlite+aiosqlite:///./data/samsnakk.db"

    @field_validator("url")
    @classmethod
    def _async_driver(cls, v: str) -> str:
        if not v.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError(
                "must use an async driver: sqlite+aiosqlite:///FILE or "
                "postgresql+asyncpg://USER:PASS@HOST/DB"
            )
        return v


class SecurityConfig(_Section):
    # 32 random bytes, base64: AES-GCM key for field-level encryption and stored signing keys.
    field_key: str
    # 32 random bytes, base64, shared with Synapse's ID-porten mapper (its secret_file): the
    # HMAC key that turns a fødselsnummer into a bruker's localpart. Without it, no ID-porten.
    pseudonym_key: str | None = None

    @field_validator("field_key", "pseudonym_key")
    @classmethod
    def _is_256_bit_key(cls, v: str | None) -> str | None:
        if v is None:
            return v
        try:
            raw = base64.b64decode(v, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("must be base64 (e.g. from `openssl rand -base64 32`)") from None
        if len(raw) != 32:
            raise ValueError(f"must decode to 32 bytes, got {len(raw)}")
        return v

    @property
    def field_key_bytes(self) -> bytes:
        return base64.b64decode(self.field_key)

    @property
    def pseudonym_key_bytes(self) -> bytes | None:
        return base64.b64decode(self.pseudonym_key) if self.pseudonym_key else None


class VarselConfig(_Section):
    """Where varsler go besides the app. Leave a channel out and nobody is sent there.

    Every key but ``dlr_secret`` is a channel's section (``sms``, ``email``): kept here as a
    mapping and validated by that channel's own model in bridge/channels/registry.py (D120).
    """

    model_config = ConfigDict(extra="allow", frozen=True)

    # Shared with the SMS provider's delivery-report gate (Bearer token or Basic password).
    dlr_secret: Secret | None = None

    @model_validator(mode="after")
    def _sections_are_mappings(self) -> VarselConfig:
        for key, value in self.channel_sections().items():
            if not isinstance(value, Mapping | BaseModel):
                raise ValueError(f"varsler.{key} must be a mapping of the channel's settings")
        return self

    def channel_sections(self) -> dict[str, Any]:
        """The channel sections as written (null sections, i.e. all commented out, left out)."""
        return {k: v for k, v in (self.model_extra or {}).items() if v is not None}


class AuditConfig(_Section):
    """Checkpoints of the audit chain's head, kept outside the database (D70)."""

    # Append-only file of (seq, hash) lines, owner-only; None writes no file (admin rooms
    # still get their checkpoint messages).
    checkpoint_file: Path | None = None
    # A checkpoint every N entries: the most rows a truncation can hide without a trace.
    checkpoint_every: Annotated[int, Field(ge=1, le=100_000)] = 100


# A server name as Element X takes it: a host name, maybe with a port; nothing else fits a link.
_SERVER_NAME_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?$")


class OnboardingConfig(_Section):
    """What a new bruker is given to open the app (D90)."""

    # The server Element X is preset to by the onboarding link; null: homeserver.server_name.
    account_provider: str | None = None
    # Our /velkommen page as people reach it (e.g. https://matrix.kommune.no/velkommen), for
    # someone on a computer; null: the instructions don't mention it.
    public_url: str | None = None

    @field_validator("account_provider")
    @classmethod
    def _is_server_name(cls, v: str | None) -> str | None:
        if v is not None and not _SERVER_NAME_RE.match(v):
            raise ValueError("must be a server name such as matrix.kommune.no (no https://)")
        return v

    @field_validator("public_url")
    @classmethod
    def _is_web_address(cls, v: str | None) -> str | None:
        if v is not None and not re.match(r"^https?://[^\s/]+(/\S*)?$", v):
            raise ValueError("must be an address such as https://matrix.kommune.no/velkommen")
        return v


class LoggingConfig(_Section):
    level: Annotated[str, Field(pattern=r"^(DEBUG|INFO|WARNING|ERROR)$")] = "INFO"


class Config(_Section):
    homeserver: HomeserverConfig = HomeserverConfig()
    appservice: AppserviceConfig
    bot: BotConfig
    antispam: AntispamConfig
    database: DatabaseConfig = DatabaseConfig()
    security: SecurityConfig
    policies_dir: Path = Path("./policies")
    # Set when MAS is the login (auth.mode mas): accounts are then made through MAS.
    mas: MasConfig | None = None
    varsler: VarselConfig = VarselConfig()
    audit: AuditConfig = AuditConfig()
    logging: LoggingConfig = LoggingConfig()
    onboarding: OnboardingConfig = OnboardingConfig()

    @field_validator("varsler", "onboarding", mode="before")
    @classmethod
    def _empty_section(cls, v: Any) -> Any:
        # A section whose keys are all commented out reads as null: same as leaving it out.
        return {} if v is None else v

    @property
    def bot_user_id(self) -> str:
        return f"@{self.appservice.bot_localpart}:{self.homeserver.server_name}"

    @property
    def sender_user_id(self) -> str:
        return f"@{self.appservice.sender_localpart}:{self.homeserver.server_name}"

    @property
    def onboarding_links(self) -> OnboardingLinks:
        provider = self.onboarding.account_provider or self.homeserver.server_name
        return OnboardingLinks(provider, self.onboarding.public_url)


# Secrets that may come from the environment, as (section, key).
SECRET_FIELDS: tuple[tuple[str, str], ...] = (
    ("appservice", "as_token"),
    ("appservice", "hs_token"),
    ("bot", "pickle_key"),
    ("antispam", "secret"),
    ("security", "field_key"),
    ("security", "pseudonym_key"),
    ("database", "url"),
    ("varsler", "dlr_secret"),
    ("homeserver", "admin_token"),
    ("mas", "client_secret"),
)


def env_name(section: str, key: str) -> str:
    return f"{ENV_PREFIX}_{section}_{key}".upper()


def _apply_env(raw: dict[str, Any], environ: Mapping[str, str]) -> dict[str, Any]:
    merged = {k: (dict(v) if isinstance(v, dict) else v) for k, v in raw.items()}
    for section, key in SECRET_FIELDS:
        value = environ.get(env_name(section, key))
        if value:
            merged.setdefault(section, {})
            if not isinstance(merged[section], dict):
                raise ConfigError(f"config key '{section}' must be a mapping")
            merged[section][key] = value
    return merged


def _describe(err: ValidationError, source: str) -> str:
    lines = [f"Invalid configuration in {source}:"]
    for e in err.errors():
        key = ".".join(str(p) for p in e["loc"]) or "(top level)"
        msg = e["msg"].removeprefix("Value error, ")
        if e["type"] == "extra_forbidden":
            msg = "unknown key; check the spelling against deploy/samsnakk.yaml.sample"
        elif e["type"] == "missing":
            section, _, field = key.partition(".")
            hint = ""
            if (section, field) in SECRET_FIELDS:
                hint = f" (or set {env_name(section, field)})"
            msg = f"is required{hint}"
        lines.append(f"  - {key}: {msg}")
    return "\n".join(lines)


def parse_config(
    raw: Any, source: str = "config", environ: Mapping[str, str] | None = None
) -> Config:
    """Validate an already-loaded mapping; raises ConfigError naming each bad key."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"Invalid configuration in {source}: the top level must be a mapping")
    merged = _apply_env(raw, os.environ if environ is None else environ)
    try:
        return Config.model_validate(merged)
    except ValidationError as err:
        raise ConfigError(_describe(err, source)) from None


def load_config(path: Path, environ: Mapping[str, str] | None = None) -> Config:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"Config file not found: {path}") from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise ConfigError(f"Config file {path} is not valid YAML: {err}") from None
    return parse_config(raw, str(path), environ)
