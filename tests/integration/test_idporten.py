"""Onboarding with ID-porten: «!rom ny fnr:…» makes the account, the bruker logs in through
Synapse's SSO against a local OpenID Provider, finds the invite, joins and consents. The
fødselsnummer is nowhere afterwards: not in either database, the logs, a Matrix ID or a name.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import aiohttp
import pytest
import pytest_asyncio
from brukerrom_flow import command, dm_with_bot
from matrix_harness import MatrixUser, RunningSynapse, cross_sign_login, free_port, new_user
from nio import AsyncClient, AsyncClientConfig

from samsnakk_bot.app import SamsnakkApp
from samsnakk_bot.devstack.layout import prepare_dev_stack
from samsnakk_bot.devstack.synapse_process import SynapseProcess
from samsnakk_bot.domain.pseudonym import pseudonym_localpart
from tests.fakes.idporten import FakeIdPorten
from tests.integration.test_brukerrom_adversarial import _http

pytestmark = pytest.mark.synapse

MAPPER_DIR = Path(__file__).parents[2] / "deploy" / "synapse"
CLIENT = "http://localhost/element/"  # where Element would take the loginToken; never fetched
FNR = "15076500565"  # valid control digits; Wikipedia's example number
NOT_PROVISIONED = "02030410176"
BAD = "15076500566"


@dataclass
class IdPortenStack:
    synapse: RunningSynapse
    app: SamsnakkApp
    op: FakeIdPorten
    operator: MatrixUser
    our_log: Path


def _oidc(op: FakeIdPorten, key_file: Path) -> dict[str, Any]:
    return {
        "oidc_providers": [
            {
                "idp_id": "idporten",
                "idp_name": "ID-porten",
                "issuer": op.issuer,
                "client_id": op.client_id,
                "client_secret": op.client_secret,
                "scopes": ["openid", "profile"],
                "pkce_method": "always",
                "skip_verification": True,  # test only: the local OP speaks plain http
                "allow_existing_users": True,
                "enable_registration": False,
                "attribute_requirements": [{"attribute": "acr", "value": "idporten-loa-high"}],
                "user_mapping_provider": {
                    "module": "samsnakk_idporten.PseudonymMapper",
                    "config": {"secret_file": str(key_file)},
                },
            }
        ],
        "sso": {"client_whitelist": [CLIENT]},
    }


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def idporten(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[IdPortenStack]:
    base = tmp_path_factory.mktemp("idporten")
    key_file = base / "pseudonym.key"
    our_log = base / "samsnakk.log"
    handler = logging.FileHandler(our_log, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    ours = [logging.getLogger(n) for n in ("samsnakk_bot", "bridge", "aiohttp")]
    levels = [logger.level for logger in ours]
    for logger in ours:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    async with FakeIdPorten(client_id="samsnakk", client_secret=secrets.token_urlsafe(32)) as op:
        stack = prepare_dev_stack(
            base / "hs", free_port(), free_port(), antispam=True, synapse_extra=_oidc(op, key_file)
        )
        # Synapse's mapper reads the same key as the bot, from its own file.
        assert stack.config.security.pseudonym_key is not None
        key_file.write_text(stack.config.security.pseudonym_key + "\n")
        op.redirect_uris.add(f"{stack.synapse.base_url}/_synapse/client/oidc/callback")
        process = SynapseProcess(
            stack.synapse.config_path, stack.synapse.base_url, env={"PYTHONPATH": str(MAPPER_DIR)}
        )
        await asyncio.to_thread(process.start)
        synapse = RunningSynapse(stack, process)
        app: SamsnakkApp | None = None
        operator = await new_user(synapse, base / "clients", name="drift", admin=True)
        try:
            token = operator.client.access_token
            cfg = stack.config
            homeserver = cfg.homeserver.model_copy(update={"admin_token": token})
            app = SamsnakkApp(cfg.model_copy(update={"homeserver": homeserver}))
            await app.start()
            yield IdPortenStack(synapse, app, op, operator, our_log)
        finally:
            try:
                if app is not None:
                    await app.stop()
                await operator.stop()
            finally:
                process.stop()
                for logger, level in zip(ours, levels, strict=True):
                    logger.removeHandler(handler)
                    logger.setLevel(level)
                handler.close()


async def _sso_redirects(
    hs: str, op: FakeIdPorten, pid: str, acr: str = "idporten-loa-high"
) -> tuple[int, str]:
    """Element's SSO login, with the browser's hops done by hand: Synapse → ID-porten (where
    ``pid`` logs in) → Synapse's callback (with the session cookie) → back to the client.
    Returns the last answer's status and its Location (or body)."""
    op.log_in_next(pid, acr)
    # Synapse's session cookies are ``Secure``. Browsers send those to http://127.0.0.1 (a
    # trustworthy origin), aiohttp's jar does not, so the browser's cookies are kept here.
    cookies: dict[str, str] = {}
    url = f"{hs}/_matrix/client/v3/login/sso/redirect/oidc-idporten?redirectUrl={quote(CLIENT)}"
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as browser:
        for expected in (op.issuer, f"{hs}/_synapse/client/oidc/callback", CLIENT):
            sent = "; ".join(f"{k}={v}" for k, v in cookies.items()) if url.startswith(hs) else ""
            headers = {"Cookie": sent} if sent else {}
            async with browser.get(url, allow_redirects=False, headers=headers) as resp:
                if url.startswith(hs):
                    cookies.update({k: m.value for k, m in resp.cookies.items()})
                location = resp.headers.get("Location")
                if resp.status != 302 or location is None:
                    return resp.status, await resp.text()
            assert location.startswith(expected), location
            url = location
    return 302, url


async def _log_in(synapse: RunningSynapse, op: FakeIdPorten, pid: str, where: Path) -> MatrixUser:
    status, redirect = await _sso_redirects(synapse.url, op, pid)
    assert status == 302, redirect
    token = parse_qs(urlsplit(redirect).query)["loginToken"][0]
    async with aiohttp.ClientSession() as http:
        body = {"type": "m.login.token", "token": token, "initial_device_display_name": "Element"}
        async with http.post(f"{synapse.url}/_matrix/client/v3/login", json=body) as resp:
            assert resp.status == 200, await resp.text()
            login = await resp.json()
    await asyncio.to_thread(where.mkdir, parents=True, exist_ok=True)
    client = AsyncClient(
        synapse.url,
        login["user_id"],
        device_id=login["device_id"],
        store_path=str(where),
        config=AsyncClientConfig(encryption_enabled=True, store_sync_tokens=False),
    )
    client.restore_login(login["user_id"], login["device_id"], login["access_token"])
    user = MatrixUser(login["user_id"], "", client)
    await user.start()
    await cross_sign_login(synapse.url, user)  # as Element X does at its first login
    return user


def _synapse_said(synapse: RunningSynapse) -> str:
    """The end of Synapse's log, so an unexpected answer explains itself."""
    log = synapse.stack.synapse.data_dir / "homeserver.log"
    return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-40:])


def _bytes_of(*patterns: tuple[Path, str]) -> dict[str, bytes]:
    return {str(f): f.read_bytes() for d, glob in patterns for f in sorted(d.glob(glob))}


async def test_bruker_logs_in_with_idporten_to_the_account_made_for_them_and_consents(
    idporten: IdPortenStack, tmp_path: Path
) -> None:
    synapse, app, operator = idporten.synapse, idporten.app, idporten.operator
    trond = await new_user(synapse, tmp_path / "trond")
    await app.accounts.upsert(trond.user_id, "ansatt", "Askøy kommune", "Trond", 0)
    per: MatrixUser | None = None
    try:
        dm = await dm_with_bot(app, trond)
        refused = await command(app, trond, dm, f"!rom ny fnr:{BAD}", "kontrollsifrene")
        assert not re.search(r"\d{5}", refused)

        reply = await command(app, trond, dm, "!rom ny fnr:150765 00565", "er opprettet")
        assert "ID-porten" in reply and "Slett gjerne meldingen" in reply
        key = app.cfg.security.pseudonym_key_bytes
        assert key is not None
        expected = f"@{pseudonym_localpart(key, FNR)}:{app.cfg.homeserver.server_name}"
        # The creator gets the app link with the pseudonymous account as the login hint.
        server = app.cfg.homeserver.server_name
        app_link = (
            f"https://mobile.element.io/element/?account_provider={server}"
            f"&login_hint=mxid:{expected}"
        )
        assert f"ikke er installert: {app_link}\n" in reply
        account_path = f"/_synapse/admin/v2/users/{quote(expected)}"
        status, made = await _http(app, operator, "GET", account_path)
        assert status == 200 and made["external_ids"] == [], made
        account = await app.accounts.get(expected)
        assert account is not None and account.role == "bruker"

        per = await _log_in(synapse, idporten.op, FNR, tmp_path / "per")
        assert per.user_id == expected  # the pre-provisioned account, not a new one
        status, after = await _http(app, operator, "GET", account_path)
        assert after["creation_ts"] == made["creation_ts"]
        assert after["external_ids"] == [
            {"auth_provider": "oidc-idporten", "external_id": expected[1:].split(":")[0]}
        ]

        await per.wait_for(lambda: bool(per.client.invited_rooms), 30, "the brukerrom invite")
        room = next(iter(per.client.invited_rooms))
        brukerrom = await app.brukerrom.get(room)
        assert brukerrom is not None and brukerrom.bruker_user_id == per.user_id
        await per.accept_invite(room)
        await per.wait_for_message(
            room, lambda s: s.sender == app.cfg.bot_user_id and "!samtykke ja" in s.body
        )
        await command(app, per, room, "!samtykke ja", "Samtykket er registrert")
        await trond.accept_invite(room)

        # Everything Synapse shows about the room: names, members, display names, IDs.
        status, state = await _http(app, operator, "GET", f"/_synapse/admin/v1/rooms/{room}/state")
        assert status == 200
        shown = json.dumps(state) + json.dumps(after) + per.user_id
        shown += str(await app.actions.display_name(per.user_id))
    finally:
        await trond.stop()
        if per is not None:
            await per.stop()

    await app.db.engine.dispose()  # let SQLite settle its journal into the file
    ours = Path(app.cfg.database.url.removeprefix("sqlite+aiosqlite:///"))
    hs_dir = synapse.stack.synapse.data_dir
    files = _bytes_of((ours.parent, ours.name + "*"), (hs_dir, "homeserver.*"))
    files[str(idporten.our_log)] = idporten.our_log.read_bytes()
    assert str(hs_dir / "homeserver.db") in files and str(hs_dir / "homeserver.log") in files
    synapse_db = b"".join(data for name, data in files.items() if "homeserver.db" in name)
    assert b"oidc-idporten" in synapse_db  # the search does find what is there
    for number in (FNR, "150765 00565", BAD):
        assert number not in shown
        for name, data in files.items():
            assert number.encode() not in data, f"{number} found in {name}"


async def test_nobody_gets_an_account_by_logging_in(idporten: IdPortenStack) -> None:
    status, page = await _sso_redirects(idporten.synapse.url, idporten.op, NOT_PROVISIONED)
    assert status == 400, _synapse_said(idporten.synapse)
    assert "registrations are disabled" in page and "loginToken" not in page
    assert NOT_PROVISIONED not in page


async def test_a_login_below_the_high_level_is_refused(idporten: IdPortenStack) -> None:
    """MinID (substantial) is not enough: Synapse checks the ID token's acr."""
    synapse, op = idporten.synapse, idporten.op
    status, page = await _sso_redirects(synapse.url, op, FNR, "idporten-loa-substantial")
    assert status == 400, _synapse_said(synapse)
    assert "not allowed to log in" in page and "loginToken" not in page


async def test_a_deactivated_account_gets_the_same_answer_without_echoing_the_number(
    idporten: IdPortenStack, tmp_path: Path
) -> None:
    """No fødselsnummer oracle: the answer does not tell that the number had an account."""
    synapse, app, operator = idporten.synapse, idporten.app, idporten.operator
    trond = await new_user(synapse, tmp_path / "trond")
    await app.accounts.upsert(trond.user_id, "ansatt", "Askøy kommune", "Trond", 0)
    try:
        dm = await dm_with_bot(app, trond)
        number = "31129945616"
        first = await command(app, trond, dm, f"!rom ny fnr:{number}", "er opprettet")
        key = app.cfg.security.pseudonym_key_bytes
        assert key is not None
        user_id = f"@{pseudonym_localpart(key, number)}:{app.cfg.homeserver.server_name}"
        path = f"/_synapse/admin/v1/deactivate/{quote(user_id)}"
        status, _ = await _http(app, operator, "POST", path)
        assert status == 200
        reply = await command(app, trond, dm, f"!rom ny {number}", "er opprettet")
        label = re.compile(r"«Samsnakk · \d+»")
        assert label.sub("«…»", reply) == label.sub("«…»", first)
        assert number not in reply
    finally:
        await trond.stop()
