"""Each process gets only its own secrets, owner-readable only (issue 12, item 9; D71).

Checked on what an operator runs: `samsnakk deploy secrets` and `deploy render` into a
directory, the compose file's mounts, and the systemd units.
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest
import yaml
from deploy_inputs import REPO, provide_external_secrets, samsnakk_config, values, write_values

from samsnakk_bot.cli import main

COMPOSE = REPO / "deploy" / "compose"
SYSTEMD = REPO / "deploy" / "systemd"
SECRETS_IN_CONTAINERS = "/run/samsnakk-secrets"
# Samsnakk's own secrets: only Samsnakk may hold these (the pseudonym key is shared with
# Synapse's mapper on purpose, D45, and the tokens with its registration).
SAMSNAKK_ONLY = ("SAMSNAKK_BOT_PICKLE_KEY", "SAMSNAKK_SECURITY_FIELD_KEY")


def _files(directory: Path) -> dict[str, int]:
    return {p.name: stat.S_IMODE(p.stat().st_mode) for p in directory.iterdir() if p.is_file()}


def _made(tmp_path: Path, mode: str) -> Path:
    raw = values(tmp_path, mode, workers=True)
    vals = write_values(tmp_path, raw)
    main(["deploy", "secrets", "--values", str(vals)])
    return tmp_path / "secrets"


def test_each_service_directory_holds_only_that_services_secrets_in_mas_mode(
    tmp_path: Path,
) -> None:
    secrets = _made(tmp_path, "mas")

    assert sorted(p.name for p in secrets.iterdir()) == ["broker", "mas", "redis", "synapse"]
    assert _files(secrets / "synapse") == {
        "synapse_macaroon_secret_key": 0o600,
        "synapse_form_secret": 0o600,
        "synapse_replication_secret": 0o600,
        "redis_password": 0o600,
        "mas_synapse_secret": 0o600,
    }
    assert _files(secrets / "mas") == {
        "mas_synapse_secret": 0o600,
        "mas_encryption": 0o600,
        "mas_signing_rsa.pem": 0o600,
        "broker_client_secret": 0o600,
    }
    # The broker: its keys, and the ID-porten client secret that only it may read.
    assert _files(secrets / "broker") == {
        "broker_client_secret": 0o600,
        "broker_signing_rsa.pem": 0o600,
        "broker_staff_key": 0o600,
        "helseid_private_key.pem": 0o600,
    }
    assert _files(secrets / "redis") == {"redis_password": 0o600}
    for service in ("synapse", "mas", "broker", "redis"):
        assert stat.S_IMODE((secrets / service).stat().st_mode) == 0o700, service
    # A shared secret is one value, copied, so both sides still agree.
    shared = (secrets / "synapse" / "mas_synapse_secret").read_bytes()
    assert (secrets / "mas" / "mas_synapse_secret").read_bytes() == shared
    client = (secrets / "mas" / "broker_client_secret").read_bytes()
    assert (secrets / "broker" / "broker_client_secret").read_bytes() == client
    redis = (secrets / "synapse" / "redis_password").read_bytes()
    assert (secrets / "redis" / "redis_password").read_bytes() == redis


def test_synapse_oidc_mode_gives_mas_nothing_and_keeps_a_copy_once_made(tmp_path: Path) -> None:
    secrets = _made(tmp_path, "synapse_oidc")
    assert not (secrets / "mas").exists() and not (secrets / "broker").exists()
    assert "synapse_registration_shared_secret" in _files(secrets / "synapse")

    # Losing one copy of a shared secret brings back the same value, not a new one.
    (secrets / "redis" / "redis_password").unlink()
    main(["deploy", "secrets", "--values", str(tmp_path / "values.yaml")])
    assert (secrets / "redis" / "redis_password").read_bytes() == (
        secrets / "synapse" / "redis_password"
    ).read_bytes()


@pytest.mark.parametrize("mode", ["synapse_oidc", "mas"])
def test_rendered_configs_read_secrets_only_from_their_own_directory(
    tmp_path: Path, mode: str
) -> None:
    config = samsnakk_config(tmp_path, mode)
    vals = write_values(tmp_path, values(tmp_path, mode, workers=True))
    provide_external_secrets(tmp_path / "secrets")
    assert main(["deploy", "secrets", "--values", str(vals)]) == 0
    out = tmp_path / "out"
    assert (
        main(["deploy", "render", "-c", str(config), "--values", str(vals), "--out", str(out)]) == 0
    )

    secrets = tmp_path / "secrets"
    synapse_text = (out / "synapse" / "homeserver.yaml").read_text()
    assert str(secrets / "mas") not in synapse_text
    # The tokens, the antispam secret and the pseudonym key: Synapse's user only.
    for name in ("samsnakk-registration.yaml", "samsnakk-antispam-secret"):
        assert stat.S_IMODE((out / "synapse" / name).stat().st_mode) == 0o600, name
    assert stat.S_IMODE((out / "synapse" / "homeserver.yaml").stat().st_mode) == 0o644
    if mode == "mas":
        mas_text = (out / "mas" / "config.yaml").read_text()
        assert str(secrets / "synapse") not in mas_text
        assert str(secrets / "broker") not in mas_text
        assert str(secrets / "mas" / "mas_synapse_secret") in mas_text
        broker_text = (out / "broker" / "broker.yaml").read_text()
        for other in ("synapse", "mas"):
            assert str(secrets / other) not in broker_text


def _compose() -> dict[str, Any]:
    return dict(yaml.safe_load((COMPOSE / "docker-compose.yaml").read_text()))


def _secret_mounts(service: dict[str, Any]) -> set[str]:
    return {
        v.split(":")[0]
        for v in service.get("volumes", [])
        if v.split(":")[1].startswith(SECRETS_IN_CONTAINERS)
    }


def test_compose_mounts_each_service_only_its_own_secrets() -> None:
    services = _compose()["services"]
    expected = {
        "postgres": {"./secrets/postgres"},
        "redis": {"./secrets/redis"},
        "mas": {"./secrets/mas"},
        "broker": {"./secrets/broker"},
        "samsnakk": set(),
        "nginx": set(),
    }
    for name, service in services.items():
        want = expected.get(name, {"./secrets/synapse"})  # the main process and every worker
        assert _secret_mounts(service) == want, name
        for volume in service.get("volumes", []):
            assert volume.split(":")[0] not in ("./secrets", "./secrets/"), name
    assert services["samsnakk"]["env_file"] == "./secrets/samsnakk/samsnakk.env"
    assert not any(s.get("env_file") for n, s in services.items() if n != "samsnakk")
    # Each container finds its files where the rendered config says: secrets_dir/<service>.
    assert services["postgres"]["environment"]["POSTGRES_PASSWORD_FILE"].startswith(
        f"{SECRETS_IN_CONTAINERS}/postgres/"
    )
    assert f"{SECRETS_IN_CONTAINERS}/redis/redis_password" in " ".join(services["redis"]["command"])
    assert f"S={SECRETS_IN_CONTAINERS}/postgres\n" in (COMPOSE / "postgres-init.sh").read_text()


def _unit(name: str) -> dict[str, list[str]]:
    keys: dict[str, list[str]] = {}
    for line in (SYSTEMD / name).read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            keys.setdefault(key, []).append(value)
    return keys


def _hidden(unit: str) -> set[str]:
    return {p.lstrip("-") for v in _unit(unit).get("InaccessiblePaths", []) for p in v.split()}


def test_systemd_hides_every_other_services_secrets() -> None:
    for unit in ("synapse.service", "synapse-worker@.service"):
        assert {"/etc/samsnakk", "/etc/samsnakk-secrets/mas"} <= _hidden(unit), unit
        assert "/etc/samsnakk-secrets/synapse" not in _hidden(unit)
    assert {"/etc/samsnakk", "/etc/samsnakk-secrets/synapse", "/etc/matrix-synapse"} <= _hidden(
        "mas.service"
    )
    assert "/etc/samsnakk-secrets/broker" in _hidden("mas.service")
    assert {
        "/etc/samsnakk",
        "/etc/samsnakk-secrets/synapse",
        "/etc/samsnakk-secrets/mas",
        "/etc/matrix-synapse",
        "/etc/mas",
    } <= _hidden("samsnakk-broker.service")
    for unit in ("synapse.service", "synapse-worker@.service"):
        assert "/etc/samsnakk-secrets/broker" in _hidden(unit), unit
    assert {"/etc/samsnakk-secrets", "/etc/matrix-synapse"} <= _hidden("samsnakk.service")
    assert _unit("samsnakk.service")["EnvironmentFile"] == ["/etc/samsnakk/secrets.env"]


def test_samsnakks_own_keys_reach_no_other_service() -> None:
    """The pickle and field keys are named only in Samsnakk's config and its env file."""
    for path in (REPO / "deploy").rglob("*"):
        if not path.is_file() or path.name in ("samsnakk.yaml", "samsnakk.yaml.sample"):
            continue
        if path.name == "samsnakk.service":
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for key in SAMSNAKK_ONLY:
            assert key not in text, f"{key} in {path.relative_to(REPO)}"
