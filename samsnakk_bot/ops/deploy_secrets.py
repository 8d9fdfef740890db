"""``samsnakk deploy secrets``: the secret files Synapse and MAS read, made once, never replaced.

Each reading process has its own directory under ``secrets_dir`` (``synapse/``, ``mas/``,
``redis/``), 0700 with files 0600, so that no process can read another's secrets (D71).

Secrets that come from elsewhere (a client secret from Digdir, a database password) are only
listed, so the operator knows what is still missing. Samsnakk's own secrets stay in
samsnakk.yaml or its environment file; the render copies the ones Synapse needs.
"""

from __future__ import annotations

import base64
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from samsnakk_bot.ops.deploy_values import DeployValues, SecretReader

SECRET_FILE_MODE = 0o600


def _token() -> bytes:
    return (secrets.token_urlsafe(32) + "\n").encode()


def _hex32() -> bytes:
    # MAS wants exactly 32 bytes, hex-encoded.
    return (secrets.token_hex(32) + "\n").encode()


def _key32() -> bytes:
    # A keyed-hash key: 32 random bytes, base64, as the mappers and the broker read it.
    return (base64.b64encode(secrets.token_bytes(32)).decode() + "\n").encode()


def _rsa_key() -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


@dataclass(frozen=True)
class SecretsReport:
    created: list[Path]
    kept: list[Path]
    # Files the operator must provide: where they come from, by path.
    missing: dict[Path, str]


@dataclass(frozen=True)
class SecretSpec:
    """One secret and the processes that read it. A shared one is copied to each reader's
    directory, because no process may read another's directory."""

    name: str
    readers: tuple[SecretReader, ...]
    make: Callable[[], bytes] | None = None  # None: it comes from elsewhere
    source: str = ""  # where it comes from, when not made here


def wanted(v: DeployValues) -> list[SecretSpec]:
    """Every secret file the deployment reads, with its readers (D71)."""
    specs = [
        SecretSpec("synapse_macaroon_secret_key", ("synapse",), _token),
        SecretSpec("synapse_form_secret", ("synapse",), _token),
    ]
    if v.workers.enabled:
        specs.append(SecretSpec("synapse_replication_secret", ("synapse",), _token))
        if v.workers.redis.password_file:
            specs.append(SecretSpec(v.workers.redis.password_file, ("synapse", "redis"), _token))
    specs += _mas_specs(v) if v.auth.mode == "mas" else _synapse_oidc_specs(v)
    if v.database.passfile:
        specs.append(
            SecretSpec(
                v.database.passfile,
                ("synapse",),
                source="a libpq password file: host:port:database:user:password",
            )
        )
    return specs


def _mas_specs(v: DeployValues) -> list[SecretSpec]:
    """MAS's own secrets, and the login broker's: each in its own directory (D71, D85)."""
    specs = [
        SecretSpec("mas_synapse_secret", ("synapse", "mas"), _token),
        SecretSpec("mas_encryption", ("mas",), _hex32),
        SecretSpec("mas_signing_rsa.pem", ("mas",), _rsa_key),
        # MAS's client secret at the broker.
        SecretSpec("broker_client_secret", ("mas", "broker"), _token),
        SecretSpec("broker_signing_rsa.pem", ("broker",), _rsa_key),
        SecretSpec("broker_staff_key", ("broker",), _key32),
        SecretSpec(
            v.auth.idporten.client_secret_file,
            ("broker",),
            source="the client secret from Digdir (ID-porten)",
        ),
    ]
    if v.auth.helseid.enabled:
        # Its public half is registered at HelseID Selvbetjening.
        specs.append(SecretSpec(v.auth.helseid.private_key_file, ("broker",), _rsa_key))
    if v.auth.mas.database.password_file:
        specs.append(
            SecretSpec(
                v.auth.mas.database.password_file, ("mas",), source="MAS's database password"
            )
        )
    return specs


def _synapse_oidc_specs(v: DeployValues) -> list[SecretSpec]:
    specs = [
        SecretSpec("synapse_registration_shared_secret", ("synapse",), _token),
        SecretSpec(
            v.auth.idporten.client_secret_file,
            ("synapse",),
            source="the client secret from Digdir (ID-porten)",
        ),
    ]
    if v.auth.staff_oidc.enabled:
        specs += [
            SecretSpec("synapse_staff_key", ("synapse",), _key32),
            SecretSpec(
                v.auth.staff_oidc.client_secret_file,
                ("synapse",),
                source="the client secret from the staff login provider",
            ),
        ]
    return specs


def _write_new(path: Path, data: bytes) -> None:
    # Owner-only directory and file: only the service that owns them may read them.
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # O_EXCL: never overwrite a secret, even one that appeared meanwhile.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, SECRET_FILE_MODE)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def ensure_secrets(v: DeployValues) -> SecretsReport:
    created: list[Path] = []
    kept: list[Path] = []
    missing: dict[Path, str] = {}
    for spec in wanted(v):
        paths = list(dict.fromkeys(v.secret(spec.name, reader) for reader in spec.readers))
        present = [p for p in paths if p.exists()]
        kept += present
        if spec.make is None:
            missing.update({p: spec.source for p in paths if p not in present})
            continue
        # A shared secret keeps the value one reader already has, so both sides still agree.
        data = present[0].read_bytes() if present else spec.make()
        for path in paths:
            if path not in present:
                _write_new(path, data)
                created.append(path)
    return SecretsReport(created, kept, missing)
