"""``samsnakk doctor`` flags a secret file that others than its owner can read (D71).

Run as the operator runs it: the CLI in a child process. Synapse is not there, so the checks
that need it are skipped; the file check does not need it.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import yaml
from config_files import write_config
from deploy_inputs import provide_external_secrets, samsnakk_config, values, write_values

from samsnakk_bot.cli import main
from samsnakk_bot.doctor.secret_files import synapse_secret_paths
from samsnakk_bot.domain import texts

CHECK = texts.DOCTOR_CHECK_PRIVATE_FILES
POLICIES = Path(__file__).parents[2] / "policies"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _doctor(config: Path, *extra: str) -> tuple[int, list[str]]:
    proc = subprocess.run(
        [sys.executable, "-m", "samsnakk_bot.cli", "doctor", "--config", str(config), *extra],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
        check=False,
        timeout=120,
    )
    return proc.returncode, proc.stdout.splitlines()


def _check_lines(lines: list[str]) -> list[str]:
    """The file check's line and the indented lines under it."""
    start = next(i for i, line in enumerate(lines) if f"  {CHECK}: " in line)
    found = [lines[start]]
    for line in lines[start + 1 :]:
        if not line.startswith("      "):
            break
        found.append(line.strip())
    return found


def _config(tmp_path: Path) -> Path:
    return write_config(
        tmp_path / "samsnakk.yaml",
        homeserver={"url": f"http://127.0.0.1:{_closed_port()}", "server_name": "hs.test"},
        database={"url": f"sqlite+aiosqlite:///{tmp_path / 'none.db'}"},
        policies_dir=str(POLICIES),
    )


def test_group_and_world_readable_secret_files_are_named(tmp_path: Path) -> None:
    config = _config(tmp_path)  # holds the as_token itself
    config.chmod(0o644)
    env_file = tmp_path / "secrets.env"
    env_file.write_text("SAMSNAKK_SECURITY_FIELD_KEY=…\n")
    env_file.chmod(0o640)
    private = tmp_path / "private"
    private.write_text("x\n")
    private.chmod(0o600)

    code, lines = _doctor(config, "--secret-file", str(env_file), "--secret-file", str(private))

    assert code == 1
    head, *named = _check_lines(lines)
    assert head.startswith(f"FEIL  {CHECK}: 2 hemmelige filer kan leses av andre enn eieren")
    assert sorted(named) == sorted(
        [
            f"{config}: modus 0644 (mode 0644, {texts.DOCTOR_WHO_OTHERS})",
            f"{env_file}: modus 0640 (mode 0640, {texts.DOCTOR_WHO_GROUP})",
        ]
    )


def test_owner_only_files_pass_and_a_missing_one_is_named(
    tmp_path: Path,
) -> None:
    config = _config(tmp_path)
    config.chmod(0o600)
    env_file = tmp_path / "secrets.env"
    env_file.write_text("SAMSNAKK_SECURITY_FIELD_KEY=…\n")
    env_file.chmod(0o600)

    _, lines = _doctor(config, "--secret-file", str(env_file))
    assert _check_lines(lines) == [
        f"OK    {CHECK}: {texts.DOCTOR_PRIVATE_FILES_OK.format(count=2)}"
    ]

    missing = tmp_path / "gone.env"
    _, lines = _doctor(config, "--secret-file", str(missing))
    assert _check_lines(lines)[1] == texts.DOCTOR_PRIVATE_FILE_MISSING.format(path=missing)


def test_every_secret_file_of_the_rendered_synapse_config_is_checked(tmp_path: Path) -> None:
    config = samsnakk_config(tmp_path, "synapse_oidc")
    raw = values(tmp_path, "synapse_oidc", workers=True, database={"passfile": "synapse_pgpass"})
    vals = write_values(tmp_path, raw)
    provide_external_secrets(tmp_path / "secrets")
    (tmp_path / "secrets" / "synapse" / "synapse_pgpass").write_text("h:5432:s:s:pw\n")
    main(["deploy", "secrets", "--values", str(vals)])
    out = tmp_path / "out"
    main(["deploy", "render", "-c", str(config), "--values", str(vals), "--out", str(out)])
    homeserver = yaml.safe_load((out / "synapse" / "homeserver.yaml").read_text())

    names = sorted(Path(p).name for p in synapse_secret_paths(homeserver))

    assert names == sorted(
        [
            "synapse_macaroon_secret_key",
            "synapse_form_secret",
            "synapse_registration_shared_secret",
            "synapse_replication_secret",
            "samsnakk-registration.yaml",
            "redis_password",
            "synapse_pgpass",
            "idporten_client_secret",
            "samsnakk-pseudonym.key",
            "staff_oidc_client_secret",
            "synapse_staff_key",
            "samsnakk-antispam-secret",
        ]
    )
