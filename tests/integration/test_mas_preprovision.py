"""«!rom ny fnr:…» under MAS: the bruker's account is made through MAS's admin API (D86).

Against a local server that speaks MAS's documented admin API (tests/fakes/mas_admin.py):
the client credentials token, the lookup and the creation, and MAS's refusals. The
fødselsnummer never reaches MAS: only the pseudonymous localpart does.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from config_files import minimal_config

from samsnakk_bot.app import SamsnakkApp
from samsnakk_bot.config import parse_config
from samsnakk_bot.domain import texts
from samsnakk_bot.domain.pseudonym import pseudonym_localpart
from samsnakk_bot.matrix.mas_admin import MasAdmin, MasAdminError
from samsnakk_bot.services.idporten import IdPortenAccounts
from samsnakk_bot.services.ports import AccountState
from tests.fakes.mas_admin import FakeMasAdmin

CLIENT_ID = "01M81SNT9ASAMSNAKKADM1N000"
SECRET = "c" * 32
STAFF = "@trond:samsnakk.test"
KEY = b"q" * 32
SERVER = "samsnakk.test"
FNR = "15076500565"


@pytest_asyncio.fixture
async def mas() -> AsyncIterator[FakeMasAdmin]:
    async with FakeMasAdmin(CLIENT_ID, SECRET, reserved={"samsnakk", "samsnakk.as"}) as fake:
        yield fake


@pytest_asyncio.fixture
async def client(mas: FakeMasAdmin) -> AsyncIterator[MasAdmin]:
    admin = MasAdmin(mas.url, CLIENT_ID, SECRET)
    try:
        yield admin
    finally:
        await admin.close()


async def test_the_account_is_made_in_mas_once_without_the_number(
    mas: FakeMasAdmin, client: MasAdmin
) -> None:
    accounts = IdPortenAccounts(KEY, SERVER, client)
    localpart = pseudonym_localpart(KEY, FNR)

    user_id = await accounts.account_for("150765 00565", STAFF)
    assert user_id == f"@{localpart}:{SERVER}"
    assert list(mas.users) == [localpart]
    assert mas.users[localpart].displayname == texts.IDPORTEN_DISPLAY_NAME

    # The same bruker again: the waiting account is used, not a second one.
    assert await accounts.account_for(FNR, STAFF) == user_id
    assert list(mas.users) == [localpart]
    assert mas.tokens_issued == 1  # the token is kept while it is valid
    calls = [(method, path) for method, path, _ in mas.requests]
    assert calls == [
        ("POST", "/oauth2/token"),
        ("GET", f"/api/admin/v1/users/by-username/{localpart}"),
        ("POST", "/api/admin/v1/users"),
        ("GET", f"/api/admin/v1/users/by-username/{localpart}"),
    ]
    for _, _, body in mas.requests:
        assert FNR not in body and "15076500" not in body


async def test_a_deactivated_or_locked_account_gets_the_same_answer(
    mas: FakeMasAdmin, client: MasAdmin
) -> None:
    """No fødselsnummer oracle: a former bruker's account answers like a fresh one."""
    accounts = IdPortenAccounts(KEY, SERVER, client)
    first = await accounts.account_for(FNR, STAFF)
    localpart = pseudonym_localpart(KEY, FNR)
    made = len([r for r in mas.requests if r[0] == "POST"])
    for state in ({"deactivated": True}, {"locked": True}):
        mas.set_state(localpart, **state)
        assert await accounts.account_for(FNR, STAFF) == first
    assert len([r for r in mas.requests if r[0] == "POST"]) == made  # nothing new was made


async def test_a_wrong_client_secret_is_refused_and_nothing_is_made(mas: FakeMasAdmin) -> None:
    admin = MasAdmin(mas.url, CLIENT_ID, "wrong-" + SECRET)
    try:
        with pytest.raises(MasAdminError) as err:
            await admin.ensure_user("@b-abc:samsnakk.test", "Bruker")
    finally:
        await admin.close()
    assert err.value.status == 401 and "invalid_client" in str(err.value)
    assert mas.users == {}


async def test_a_client_not_in_admin_clients_gets_no_admin_token() -> None:
    async with FakeMasAdmin(CLIENT_ID, SECRET, admin_clients={"01OTHERCL1ENT0000000000000"}) as mas:
        admin = MasAdmin(mas.url, CLIENT_ID, SECRET)
        try:
            with pytest.raises(MasAdminError, match="invalid_scope"):
                await admin.ensure_user("@b-abc:samsnakk.test", "Bruker")
        finally:
            await admin.close()
        assert mas.users == {}


async def test_mas_refusals_are_named(mas: FakeMasAdmin, client: MasAdmin) -> None:
    with pytest.raises(MasAdminError) as reserved:
        await client.ensure_user("@samsnakk:samsnakk.test", "Bruker")
    assert reserved.value.status == 409
    assert reserved.value.titles == ["Username is reserved by the homeserver"]
    with pytest.raises(MasAdminError) as invalid:
        await client.ensure_user("@_b-abc:samsnakk.test", "Bruker")
    assert invalid.value.status == 400 and invalid.value.titles == ["Username is not valid"]
    assert mas.users == {}


async def test_an_expired_token_is_renewed_once(mas: FakeMasAdmin, client: MasAdmin) -> None:
    assert await client.ensure_user("@b-one:samsnakk.test", "Bruker") is AccountState.CREATED
    mas.expire_tokens()
    assert await client.ensure_user("@b-two:samsnakk.test", "Bruker") is AccountState.CREATED
    assert mas.tokens_issued == 2
    assert sorted(mas.users) == ["b-one", "b-two"]


def test_with_a_mas_section_the_app_makes_accounts_in_mas(tmp_path: Path) -> None:
    raw = minimal_config(
        database={"url": f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}"},
        bot={"pickle_key": "p" * 32, "store_dir": str(tmp_path / "crypto")},
        policies_dir=str(Path(__file__).parents[2] / "policies"),
    )
    raw["security"]["pseudonym_key"] = "cXFxcXFxcXFxcXFxcXFxcXFxcXFxcXFxcXFxcXFxcXE="
    app = SamsnakkApp(parse_config(raw, "test", environ={"SAMSNAKK_MAS_CLIENT_SECRET": SECRET}))
    assert isinstance(app.mas_admin, MasAdmin)
    assert app.rooms_service.idporten._provisioner is app.mas_admin

    without = SamsnakkApp(parse_config(raw, "test", environ={}))
    assert without.mas_admin is None
