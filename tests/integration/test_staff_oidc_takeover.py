"""Synapse-OIDC fallback (D88): no staff login lands on an existing account.

A real Synapse with the staff provider as deploy/synapse/homeserver.yaml.j2 renders it
(``allow_existing_users: false``, samsnakk_staff.StaffMapper) and a local OpenID Provider
whose users pick their own names. The bot, its appservice sender, a bruker's ``b-`` account
and a staff member exist first. Logins named like each of them get ``a-…`` accounts of their
own; two people called Trond Hansen get two; an account that happens to hold a login's own
hashed name is refused, not taken.
"""

from __future__ import annotations

import asyncio
import base64
import secrets
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import aiohttp
import pytest
import pytest_asyncio
from matrix_harness import free_port

from samsnakk_bot.devstack.layout import DevStack, prepare_dev_stack
from samsnakk_bot.devstack.synapse_process import SynapseProcess
from samsnakk_bot.domain.pseudonym import pseudonym_localpart
from samsnakk_bot.ops.admin_register import register_user
from tests.fakes.staff_oidc import FakeStaffOidc

pytestmark = pytest.mark.synapse

MAPPER_DIR = Path(__file__).parents[2] / "deploy" / "synapse"
CLIENT = "http://localhost/element/"  # where Element would take the loginToken; never fetched
STAFF_KEY = b"s" * 32


@dataclass
class StaffStack:
    stack: DevStack
    op: FakeStaffOidc
    existing: dict[str, str]  # localpart -> user ID, made before any login

    @property
    def url(self) -> str:
        return self.stack.synapse.base_url


def _staff_provider(op: FakeStaffOidc, key_file: Path) -> dict[str, Any]:
    """The staff provider as the template renders it, against the local provider."""
    return {
        "oidc_providers": [
            {
                "idp_id": "ansatt",
                "idp_name": "Askøy kommune",
                "issuer": op.issuer,
                "client_id": op.client_id,
                "client_secret": op.client_secret,
                "client_auth_method": "client_secret_post",
                "scopes": ["openid", "profile"],
                "pkce_method": "always",
                "skip_verification": True,  # test only: the local OP speaks plain http
                "allow_existing_users": False,
                "user_mapping_provider": {
                    "module": "samsnakk_staff.StaffMapper",
                    "config": {
                        "secret_file": str(key_file),
                        "subject_claim": "sub",
                        "display_name_claim": "name",
                    },
                },
            }
        ],
        "sso": {"client_whitelist": [CLIENT]},
    }


async def _register_bot(stack: DevStack) -> None:
    cfg = stack.config
    body = {
        "type": "m.login.application_service",
        "username": cfg.appservice.bot_localpart,
        "inhibit_login": True,
    }
    async with aiohttp.ClientSession() as http:
        async with http.post(
            f"{stack.synapse.base_url}/_matrix/client/v3/register",
            json=body,
            headers={"Authorization": f"Bearer {cfg.appservice.as_token}"},
        ) as resp:
            assert resp.status == 200, await resp.text()


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def staff(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[StaffStack]:
    base = tmp_path_factory.mktemp("staff")
    key_file = base / "staff.key"
    key_file.write_text(base64.b64encode(STAFF_KEY).decode() + "\n")
    async with FakeStaffOidc(client_id="samsnakk", client_secret=secrets.token_urlsafe(32)) as op:
        stack = prepare_dev_stack(
            base / "hs", free_port(), free_port(), synapse_extra=_staff_provider(op, key_file)
        )
        op.redirect_uris.add(f"{stack.synapse.base_url}/_synapse/client/oidc/callback")
        process = SynapseProcess(
            stack.synapse.config_path, stack.synapse.base_url, env={"PYTHONPATH": str(MAPPER_DIR)}
        )
        await asyncio.to_thread(process.start)
        try:
            await _register_bot(stack)
            key = stack.config.security.pseudonym_key_bytes
            assert key is not None
            bruker = pseudonym_localpart(key, "15076500565")
            existing = {stack.config.appservice.bot_localpart: stack.config.bot_user_id}
            for localpart in (bruker, "trond.hansen"):
                made = await asyncio.to_thread(
                    register_user,
                    stack.synapse.base_url,
                    stack.synapse.registration_shared_secret,
                    localpart,
                    secrets.token_urlsafe(16),
                )
                existing[localpart] = str(made["user_id"])
            yield StaffStack(stack, op, existing)
        finally:
            process.stop()


async def _sso_login(staff: StaffStack, sub: str, **claims: Any) -> tuple[int, str]:
    """Element's SSO login with the browser's hops done by hand, then m.login.token.
    Returns (200, user ID) on success, or the status and page where it stopped."""
    hs = staff.url
    staff.op.log_in_as(sub, **claims)
    cookies: dict[str, str] = {}
    url = f"{hs}/_matrix/client/v3/login/sso/redirect/oidc-ansatt?redirectUrl={quote(CLIENT)}"
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as browser:
        for _ in range(3):
            # Synapse's cookies are Secure; a browser sends them to 127.0.0.1, aiohttp does not.
            sent = "; ".join(f"{k}={v}" for k, v in cookies.items()) if url.startswith(hs) else ""
            async with browser.get(
                url, allow_redirects=False, headers={"Cookie": sent} if sent else {}
            ) as resp:
                if url.startswith(hs):
                    cookies.update({k: m.value for k, m in resp.cookies.items()})
                location = resp.headers.get("Location")
                if resp.status != 302 or location is None:
                    return resp.status, await resp.text()
            url = location
        assert url.startswith(CLIENT), url
        token = parse_qs(urlsplit(url).query)["loginToken"][0]
        body = {"type": "m.login.token", "token": token}
        async with browser.post(f"{hs}/_matrix/client/v3/login", json=body) as resp:
            assert resp.status == 200, await resp.text()
            return 200, str((await resp.json())["user_id"])


async def _display_name(staff: StaffStack, user_id: str) -> str | None:
    shared = staff.stack.synapse.registration_shared_secret
    admin = await asyncio.to_thread(
        register_user, staff.url, shared, f"drift{secrets.token_hex(3)}", "x" * 16, True
    )
    async with aiohttp.ClientSession() as http:
        async with http.get(
            f"{staff.url}/_synapse/admin/v2/users/{quote(user_id)}",
            headers={"Authorization": f"Bearer {admin['access_token']}"},
        ) as resp:
            name = (await resp.json()).get("displayname")
            return str(name) if name is not None else None


async def test_a_login_named_like_an_existing_account_gets_its_own(staff: StaffStack) -> None:
    taken = set(staff.existing.values())
    names = [*staff.existing, "samsnakk.as"]
    assert any(n.startswith("b-") for n in names) and "samsnakk" in names
    landed = []
    for i, name in enumerate(names):
        status, user_id = await _sso_login(
            staff, f"subject-{i}", preferred_username=name, name=name, nickname=name
        )
        assert status == 200, user_id
        assert user_id not in taken, name
        localpart = user_id[1:].split(":")[0]
        assert localpart.startswith("a-") and name not in localpart, user_id
        landed.append(user_id)
    assert len(set(landed)) == len(names)


async def test_two_trond_hansens_get_two_accounts_and_each_keeps_theirs(
    staff: StaffStack,
) -> None:
    same = {"preferred_username": "trond.hansen", "name": "Trond Hansen"}
    _, first = await _sso_login(staff, "helseid-pid-1", **same)
    _, second = await _sso_login(staff, "helseid-pid-2", **same)
    assert first != second
    assert staff.existing["trond.hansen"] not in (first, second)
    assert await _display_name(staff, first) == await _display_name(staff, second)
    assert await _display_name(staff, first) == "Trond Hansen"
    # The next login of the first one comes back to the same account.
    _, again = await _sso_login(staff, "helseid-pid-1", **same)
    assert again == first


async def test_an_account_holding_the_hashed_name_is_refused_not_taken(
    staff: StaffStack,
) -> None:
    from samsnakk_staff import staff_localpart  # deploy/synapse, on sys.path below

    localpart = staff_localpart(STAFF_KEY, "subject-squatted")
    await asyncio.to_thread(
        register_user,
        staff.url,
        staff.stack.synapse.registration_shared_secret,
        localpart,
        secrets.token_urlsafe(16),
    )
    status, page = await _sso_login(staff, "subject-squatted", name="Someone")
    assert status == 400 and "Authentication failed" in page and "loginToken" not in page


@pytest.fixture(autouse=True, scope="module")
def _mapper_importable() -> Iterator[None]:
    sys.path.insert(0, str(MAPPER_DIR))
    yield None
    sys.path.remove(str(MAPPER_DIR))
