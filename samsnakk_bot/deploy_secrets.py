"""``samsnakk deploy secrets``: the secret files Synapse and MAS read, made once, never replaced.

Secrets that come from elsewhere (a client secret from Digdir, a database password) are only
listed, so the operator knows what is still missing. Samsnakk's own secrets stay in
samsnakk.yaml or its environment file; the render copies the ones Synapse needs.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from samsnakk_bot.deploy_values import DeployValues


def _token() -> bytes:
    return (secrets.token_urlsafe(32) + "\n").encode()


def _hex32() -> bytes:
    # MAS wants exactly 32 bytes, hex-encoded.
    return (secrets.token_hex(32) + "\n").encode()


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


def _wanted(v: DeployValues) -> tuple[dict[Path, Callable[[], bytes]], dict[Path, str]]:
    make: dict[Path, Callable[[], bytes]] = {
        v.secret("synapse_macaroon_secret_key"): _token,
        v.secret("synapse_form_secret"): _token,
    }
    external: dict[Path, str] = {
        v.secret(v.auth.idporten.client_secret_file): "the client secret from Digdir (ID-porten)"
    }
    if v.workers.enabled:
        make[v.secret("synapse_replication_secret")] = _token
        if v.workers.redis.password_file:
            make[v.secret(v.workers.redis.password_file)] = _token
    if v.auth.mode == "mas":
        make[v.secret("mas_synapse_secret")] = _token
        make[v.secret("mas_encryption")] = _hex32
        make[v.secret("mas_signing_rsa.pem")] = _rsa_key
        if v.auth.mas.database.password_file:
            external[v.secret(v.auth.mas.database.password_file)] = "MAS's database password"
    else:
        make[v.secret("synapse_registration_shared_secret")] = _token
        if v.auth.staff_oidc.enabled:
            external[v.secret(v.auth.staff_oidc.client_secret_file)] = (
                "the client secret from the staff login provider"
            )
    if v.database.passfile:
        external[v.secret(v.database.passfile)] = (
            "a libpq password file: host:port:database:user:password"
        )
    return make, external


def ensure_secrets(v: DeployValues) -> SecretsReport:
    make, external = _wanted(v)
    created, kept = [], []
    for path, generate in make.items():
        if path.exists():
            kept.append(path)
            continue
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
        # O_EXCL: never overwrite a secret, even one that appeared meanwhile.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
        with os.fdopen(fd, "wb") as f:
            f.write(generate())
        created.append(path)
    missing = {path: what for path, what in external.items() if not path.exists()}
    return SecretsReport(created, kept, missing)
