"""``samsnakk doctor``: checks a running deployment from outside, as Synapse and clients see it.

Every Matrix call is made with the as_token as the registration's sender, never as the bot, so
the doctor never touches the bot's device or its rooms. Nothing is written: the antispam probe
invites into a room that does not exist, and the database is only read.
"""

from __future__ import annotations

import json
import secrets
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

import aiohttp
import yaml
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from multidict import CIMultiDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from samsnakk_bot.config import Config
from samsnakk_bot.doctor import verdicts
from samsnakk_bot.doctor.report import CheckResult, exit_code, fail, format_report, skipped
from samsnakk_bot.doctor.secret_files import holds_a_secret, permission_bits, synapse_secret_paths
from samsnakk_bot.domain import texts
from samsnakk_bot.domain.probe import PROBE_FIELD, PROBE_ROOM_PREFIX
from samsnakk_bot.matrix.as_http import ping_path
from samsnakk_bot.policies import PolicyError, load_policies
from samsnakk_bot.store import Database, alembic_config

REQUEST_TIMEOUT_S = 30.0
# synapse-http-antispam's base_url, after our appservice URL (see http/antispam.py).
ANTISPAM_BASE_PATH = "/_samsnakk/antispam"
_DEVICE_FILE = "device.json"  # written by matrix/device.py next to the crypto store


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]
    headers: Mapping[str, str]
    # Our wall clock halfway through the request, to compare with Synapse's Date header.
    local_s: float


class Homeserver:
    """Synapse's client API, with the as_token. HTTP errors are answers; only I/O raises."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str,
        as_token: str,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._session = session
        self.url = base_url.rstrip("/")
        self._token = as_token
        self._now = wall_clock

    async def call(
        self, method: str, path: str, body: dict[str, Any] | None = None, *, token: bool = True
    ) -> Answer:
        headers = {"Authorization": f"Bearer {self._token}"} if token else {}
        sent = self._now()
        async with self._session.request(
            method, f"{self.url}{path}", json=body, headers=headers
        ) as resp:
            raw = await resp.read()
            received = self._now()
        try:
            data = json.loads(raw) if raw else {}
        except (ValueError, UnicodeDecodeError):
            data = {}
        return Answer(
            resp.status,
            data if isinstance(data, dict) else {},
            CIMultiDict(resp.headers),
            (sent + received) / 2,
        )


_IO_ERRORS = (aiohttp.ClientError, TimeoutError, OSError)


async def check_synapse(hs: Homeserver) -> tuple[CheckResult, Answer | None]:
    """Reachable on the client API, and its version (admin endpoint, else the Server header)."""
    try:
        versions = await hs.call("GET", "/_matrix/client/versions", token=False)
    except _IO_ERRORS as err:
        return verdicts.no_contact(verdicts.SYNAPSE, hs.url, err), None
    if versions.status != 200:
        return verdicts.synapse(hs.url, versions.status, None), None
    version: str | None = None
    try:
        # No authentication needed, but a reverse proxy may well not expose /_synapse/admin.
        answer = await hs.call("GET", "/_synapse/admin/v1/server_version", token=False)
        if answer.status == 200 and isinstance(answer.body.get("server_version"), str):
            version = answer.body["server_version"]
    except _IO_ERRORS:
        pass
    if version is None:
        server = versions.headers.get("Server", "")
        version = server.removeprefix("Synapse/") if server.startswith("Synapse/") else None
    return verdicts.synapse(hs.url, 200, version), versions


async def check_ping(hs: Homeserver, cfg: Config) -> CheckResult:
    """Synapse calls our /_matrix/app/v1/ping and times the round trip (Synapse >= 1.84)."""
    try:
        answer = await hs.call(
            "POST", ping_path(cfg.appservice.id), {"transaction_id": _nonce("samsnakk-doctor-")}
        )
    except _IO_ERRORS as err:
        return verdicts.no_contact(verdicts.PING, hs.url, err)
    return verdicts.ping(answer.status, answer.body, cfg.appservice.url)


def probe_room_id(server_name: str) -> str:
    return f"{_nonce(PROBE_ROOM_PREFIX)}:{server_name}"


async def check_antispam(hs: Homeserver, cfg: Config) -> CheckResult:
    """Invite the bot into a room that does not exist; only our endpoint refuses it our way.

    Synapse asks the spam checker before it looks at the room, and an appservice user is not a
    server admin, whose invites would skip the check.
    """
    room = probe_room_id(cfg.homeserver.server_name)
    path = f"/_matrix/client/v3/rooms/{quote(room, safe='')}/invite"
    try:
        answer = await hs.call("POST", path, {"user_id": cfg.bot_user_id})
    except _IO_ERRORS as err:
        return verdicts.no_contact(verdicts.ANTISPAM, hs.url, err)
    antispam_url = f"{cfg.appservice.url}{ANTISPAM_BASE_PATH}"
    return verdicts.antispam(answer.status, answer.body, room, PROBE_FIELD, antispam_url)


def bot_device_id(store_dir: Path) -> str | None:
    """The device whose crypto store we hold, if this host has it (see matrix/device.py)."""
    try:
        value = json.loads((store_dir / _DEVICE_FILE).read_text())["device_id"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return value if isinstance(value, str) else None


async def check_cross_signing(hs: Homeserver, cfg: Config) -> CheckResult:
    user = cfg.bot_user_id
    try:
        answer = await hs.call("POST", "/_matrix/client/v3/keys/query", {"device_keys": {user: []}})
    except _IO_ERRORS as err:
        return verdicts.no_contact(verdicts.CROSS_SIGNING, hs.url, err)
    if answer.status != 200:
        return verdicts.fail_answer(verdicts.CROSS_SIGNING, answer.status, answer.body)
    return verdicts.cross_signing(answer.body, user, bot_device_id(cfg.bot.store_dir))


def read_synapse_config(paths: Sequence[Path]) -> dict[str, Any]:
    """Merge Synapse's config files the way Synapse does: top-level keys, later files win.

    A directory stands for its ``*.yaml`` files in sorted order, as with ``synapse -c DIR``.
    """
    merged: dict[str, Any] = {}
    for path in paths:
        files = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
        for file in files:
            loaded = yaml.safe_load(file.read_text(encoding="utf-8"))
            if isinstance(loaded, dict):
                merged.update(loaded)
    return merged


def check_push(synapse_configs: Sequence[Path]) -> CheckResult:
    if not synapse_configs:
        return skipped(verdicts.PUSH, texts.DOCTOR_PUSH_NOT_GIVEN)
    sources = [str(p) for p in synapse_configs]
    try:
        config = read_synapse_config(synapse_configs)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        source = ", ".join(sources)
        reason = verdicts.short_error(err)
        return fail(verdicts.PUSH, texts.DOCTOR_PUSH_UNREADABLE.format(source=source, error=reason))
    return verdicts.push(config, sources)


async def check_migrations(database_url: str) -> CheckResult:
    """Read-only: a missing SQLite file is reported, never created."""
    missing = _missing_sqlite_file(database_url)
    if missing is not None:
        return fail(verdicts.MIGRATIONS, texts.DOCTOR_DB_MISSING.format(path=missing))
    db = Database(database_url)
    try:
        current = await db.current_revision()
    except (SQLAlchemyError, OSError) as err:
        reason = verdicts.short_error(err)
        return fail(verdicts.MIGRATIONS, texts.DOCTOR_DB_ERROR.format(error=reason))
    finally:
        await db.close()
    script = ScriptDirectory.from_config(alembic_config())
    try:
        known = current is not None and script.get_revision(current) is not None
    except CommandError:
        known = False
    return verdicts.migrations(current, Database.head_revision(), known)


def _missing_sqlite_file(database_url: str) -> str | None:
    """The SQLite file's path if it does not exist; opening it would create it."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or Path(url.database or "").is_file():
        return None
    return url.database or ""


def check_policies(directory: Path) -> CheckResult:
    try:
        policies = load_policies(directory)
    except (PolicyError, OSError) as err:
        return verdicts.policies_invalid(str(directory), str(err))
    return verdicts.policies_valid(str(directory), len(policies.organisations.organisations))


def check_secret_files(
    cfg: Config,
    synapse_configs: Sequence[Path],
    config_path: Path | None,
    secret_files: Sequence[Path],
) -> CheckResult:
    paths = [str(p) for p in secret_files]
    if config_path is not None and holds_a_secret(config_path, cfg):
        paths.append(str(config_path))
    if synapse_configs:
        try:
            paths += synapse_secret_paths(read_synapse_config(synapse_configs))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            pass  # the push check names the unreadable config
    return verdicts.secret_files(permission_bits(list(dict.fromkeys(paths))))


async def collect(
    cfg: Config,
    synapse_configs: Sequence[Path],
    config_path: Path | None = None,
    secret_files: Sequence[Path] = (),
) -> list[CheckResult]:
    """All checks, in the report's order. Checks that need Synapse are skipped without it."""
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        hs = Homeserver(session, cfg.homeserver.url, cfg.appservice.as_token)
        reachable, versions = await check_synapse(hs)
        if versions is None:
            needs = (verdicts.PING, verdicts.ANTISPAM, verdicts.CROSS_SIGNING, verdicts.CLOCK)
            ping, antispam, cross_signing, clock = (
                skipped(name, texts.DOCTOR_NEEDS_SYNAPSE) for name in needs
            )
        else:
            ping = await check_ping(hs, cfg)
            antispam = await check_antispam(hs, cfg)
            cross_signing = await check_cross_signing(hs, cfg)
            clock = verdicts.clock(versions.headers.get("Date"), versions.local_s)
    return [
        reachable,
        ping,
        antispam,
        check_push(synapse_configs),
        cross_signing,
        await check_migrations(cfg.database.url),
        check_policies(cfg.policies_dir),
        clock,
        check_secret_files(cfg, synapse_configs, config_path, secret_files),
    ]


async def run_doctor(
    cfg: Config,
    synapse_configs: Sequence[Path] = (),
    out: TextIO | None = None,
    *,
    config_path: Path | None = None,
    secret_files: Sequence[Path] = (),
) -> int:
    results = await collect(cfg, synapse_configs, config_path, secret_files)
    heading = texts.DOCTOR_HEADING.format(
        homeserver=cfg.homeserver.url, server_name=cfg.homeserver.server_name
    )
    (out or sys.stdout).write(format_report(heading, results))
    return exit_code(results)


def _nonce(prefix: str) -> str:
    return f"{prefix}{secrets.token_hex(8)}"
