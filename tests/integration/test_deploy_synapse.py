"""The rendered production config runs: Synapse starts on PostgreSQL, Samsnakk against it, and
`samsnakk doctor` passes, as an operator would see it after the install steps in
docs/operations.md (deploy secrets, deploy render, --generate-keys, start).

One process, not workers: there is no Redis here. Synapse loads every worker file in
tests/unit/test_deploy_render.py.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import sys
import urllib.error
import urllib.request
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import pytest
import pytest_asyncio
from deploy_inputs import (
    MAPPER_DIR,
    SERVER_NAME,
    provide_external_secrets,
    samsnakk_config,
    write_values,
)
from deploy_inputs import values as deploy_values
from matrix_harness import free_port
from sqlalchemy.engine import URL, make_url

from samsnakk_bot.app import SamsnakkApp
from samsnakk_bot.cli import main
from samsnakk_bot.config import load_config
from samsnakk_bot.devstack.synapse_process import SynapseProcess
from samsnakk_bot.domain import texts

pytestmark = pytest.mark.synapse
PG_URL_ENV = "SAMSNAKK_TEST_PG_URL"


def _pg() -> URL:
    raw = os.environ.get(PG_URL_ENV)
    if not raw:
        message = f"{PG_URL_ENV} is not set; Synapse's production config needs PostgreSQL"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return make_url(raw)


async def _admin(pg: URL, sql: str) -> None:
    conn = await asyncpg.connect(
        host=pg.host, port=pg.port, user=pg.username, password=pg.password, database="postgres"
    )
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    def fetch() -> tuple[int, bytes]:
        request = urllib.request.Request(url, headers=headers or {})
        with urllib.request.urlopen(request, timeout=10) as resp:
            return resp.status, resp.read()

    return await asyncio.to_thread(fetch)


class Deployed:
    def __init__(self, base: Path, url: str, metrics_url: str, synapse_config: Path) -> None:
        self.base = base
        self.url = url
        self.metrics_url = metrics_url
        self.synapse_config = synapse_config


@asynccontextmanager
async def _deploy(base: Path, mode: str) -> AsyncIterator[Deployed]:
    """The install steps of docs/operations.md for Synapse and Samsnakk, in ``mode``."""
    pg = _pg()
    database = f"synapse_{secrets.token_hex(6)}"
    # What Synapse requires of its database (docs/operations.md).
    await _admin(
        pg,
        f"CREATE DATABASE \"{database}\" TEMPLATE template0 ENCODING 'UTF8' "
        f"LC_COLLATE 'C' LC_CTYPE 'C'",
    )
    port, as_port = free_port(), free_port()
    config = samsnakk_config(
        base,
        mode,
        homeserver={"url": f"http://127.0.0.1:{port}", "server_name": SERVER_NAME},
        appservice={"as_token": "a" * 32, "hs_token": "h" * 32, "port": as_port},
        bot={"pickle_key": "p" * 32, "store_dir": str(base / "crypto")},
        database={"url": f"sqlite+aiosqlite:///{base / 'samsnakk.db'}"},
    )
    config.chmod(0o600)  # it holds the tokens: Samsnakk's user only (the doctor checks, D71)
    secrets_dir = base / "secrets"
    provide_external_secrets(secrets_dir)
    passfile = secrets_dir / "synapse" / "synapse_pgpass"
    passfile.write_text(f"{pg.host}:{pg.port}:{database}:{pg.username}:{pg.password}\n")
    passfile.chmod(0o600)  # libpq ignores a password file others can read
    raw = deploy_values(
        base,
        mode,
        workers=False,
        database={
            "host": pg.host,
            "port": pg.port,
            "name": database,
            "user": pg.username,
            "passfile": "synapse_pgpass",
        },
        synapse={"port": port, "metrics_port": free_port()},
    )
    # No login provider or MAS is contacted: Synapse loads OIDC metadata in the background,
    # and asks MAS only about tokens that are not the appservice's.
    raw["auth"]["idporten"]["issuer"] = f"https://127.0.0.1:{free_port()}/"
    if mode == "mas":
        raw["auth"]["mas"] = {"endpoint": f"http://127.0.0.1:{free_port()}/"}
    vals = write_values(base, raw)
    out = base / "out"
    assert main(["deploy", "secrets", "--values", str(vals)]) == 0
    render = ["deploy", "render", "-c", str(config), "--values", str(vals), "--out", str(out)]
    assert main(render) == 0

    homeserver = out / "synapse" / "homeserver.yaml"
    (base / "data").mkdir()  # the install step `install -d -o matrix-synapse <data_dir>`
    synapse_url = f"http://127.0.0.1:{port}"
    process = SynapseProcess(homeserver, synapse_url, env={"PYTHONPATH": str(MAPPER_DIR)})
    app: SamsnakkApp | None = None
    try:
        await asyncio.to_thread(process.start, 90.0)
        app = SamsnakkApp(load_config(config))
        await app.start()
        metrics = f"http://127.0.0.1:{raw['synapse']['metrics_port']}/_synapse/metrics"
        yield Deployed(base, synapse_url, metrics, homeserver)
    finally:
        try:
            if app is not None:
                await app.stop()
        finally:
            process.stop()
            await _admin(pg, f'DROP DATABASE IF EXISTS "{database}"')


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def deployed(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Deployed]:
    async with _deploy(tmp_path_factory.mktemp("deployed"), "synapse_oidc") as d:
        yield d


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def deployed_mas(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Deployed]:
    """The production default (auth.mode mas), without MAS itself, which cannot run here."""
    async with _deploy(tmp_path_factory.mktemp("deployed-mas"), "mas") as d:
        yield d


async def _doctor(deployed: Deployed) -> tuple[int | None, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "samsnakk_bot.cli",
        "doctor",
        "--config",
        str(deployed.base / "samsnakk.yaml"),
        "--synapse-config",
        str(deployed.synapse_config),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    return proc.returncode, out.decode() + err.decode()


async def test_samsnakk_doctor_passes_against_the_rendered_deployment(
    deployed: Deployed,
) -> None:
    code, report = await _doctor(deployed)
    assert code == 0, report
    for check in (
        texts.DOCTOR_CHECK_SYNAPSE,
        texts.DOCTOR_CHECK_PING,
        texts.DOCTOR_CHECK_ANTISPAM,
        texts.DOCTOR_CHECK_PUSH,
        texts.DOCTOR_CHECK_CROSS_SIGNING,
        texts.DOCTOR_CHECK_PRIVATE_FILES,  # every secret file the rendered Synapse reads
    ):
        (line,) = [line for line in report.splitlines() if f"  {check}: " in line]
        assert line.startswith("OK    "), line


async def test_login_offers_id_porten_and_staff_sso_and_no_passwords(deployed: Deployed) -> None:
    status, body = await _get(f"{deployed.url}/_matrix/client/v3/login")
    assert status == 200
    flows = {f["type"]: f for f in json.loads(body)["flows"]}
    assert "m.login.password" not in flows
    providers = {p["id"]: p["name"] for p in flows["m.login.sso"]["identity_providers"]}
    assert providers == {"oidc-idporten": "ID-porten", "oidc-ansatt": "Askøy kommune"}


async def test_the_operator_gets_an_admin_token_from_the_shared_secret(
    deployed: Deployed, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["deploy", "admin-token", "--synapse-config", str(deployed.synapse_config)]
    code = await asyncio.to_thread(main, [*argv, "--url", deployed.url, "drift"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert f"@drift:{SERVER_NAME} is a server admin" in err
    token = out.strip()
    status, body = await _get(
        f"{deployed.url}/_synapse/admin/v1/server_version", {"Authorization": f"Bearer {token}"}
    )
    assert status == 200 and b"1.163.2" in body
    # The same name twice is refused: a second token would mean a second secret to guard.
    code = await asyncio.to_thread(main, [*argv, "--url", deployed.url, "drift"])
    assert code == 1
    assert "User ID already taken" in capsys.readouterr().err


async def test_synapse_metrics_are_served_on_their_own_listener(deployed: Deployed) -> None:
    status, body = await _get(deployed.metrics_url)
    assert status == 200
    assert b"synapse_build_info{" in body and b'version="1.163.2' in body


async def test_the_production_default_starts_with_mas_and_the_bot_works_in_it(
    deployed_mas: Deployed,
) -> None:
    """auth.mode mas: Synapse serves simplified sliding sync and leaves every login to MAS
    (its own /login is gone: nginx sends /login to MAS), and the bot still gets its device
    (MSC4190, which MAS forces) and passes the doctor."""
    code, report = await _doctor(deployed_mas)
    assert code == 0, report
    _, body = await _get(f"{deployed_mas.url}/_matrix/client/versions")
    assert json.loads(body)["unstable_features"].get("org.matrix.simplified_msc3575") is True
    with pytest.raises(urllib.error.HTTPError) as login:
        await _get(f"{deployed_mas.url}/_matrix/client/v3/login")
    assert login.value.code == 404
