"""The login broker end to end: MAS's steps on one side, HelseID and ID-porten on the other.

The providers are local aiohttp servers that behave as their documentation says (PAR and
private_key_jwt for HelseID; PKCE, ``pid`` and ``acr`` for ID-porten). Every refusal is
checked on what the person sees and on what was issued: no code, no token.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import aiohttp
import pytest
import pytest_asyncio

from samsnakk_bot.domain import texts
from samsnakk_bot.domain.pseudonym import pseudonym_localpart
from tests.broker_harness import (
    MAS_CALLBACK,
    BrokerStack,
    MasLikeClient,
    broker_stack,
    browse,
    new_browser,
)

FNR = "15076500565"  # valid control digits; Wikipedia's example number
STAFF_PID = "02030410176"
OTHER_STAFF_PID = "13097248022"


@pytest_asyncio.fixture
async def stack(tmp_path: Path) -> AsyncIterator[BrokerStack]:
    async with broker_stack(tmp_path) as s:
        yield s


@pytest_asyncio.fixture
async def browser() -> AsyncIterator[aiohttp.ClientSession]:
    async with new_browser() as b:
        yield b


def _nothing_issued(stack: BrokerStack) -> None:
    assert len(stack.broker.server.codes) == 0
    assert len(stack.broker.server.tokens) == 0


def _with_param(url: str, name: str, value: str) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()} | {name: value}
    return urlunsplit(parts._replace(query=urlencode(query)))


# -- the happy paths ---------------------------------------------------------------------------


async def test_discovery_and_jwks_are_what_mas_reads(
    stack: BrokerStack, browser: aiohttp.ClientSession
) -> None:
    meta = await MasLikeClient(stack).discover(browser)
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert "client_secret_basic" in meta["token_endpoint_auth_methods_supported"]
    assert meta["response_types_supported"] == ["code"]
    async with browser.get(meta["jwks_uri"]) as r:
        keys = (await r.json())["keys"]
    assert [k["kid"] for k in keys] == ["broker-1"]
    assert all("d" not in k and "p" not in k for k in keys)  # public parts only


async def test_bruker_logs_in_with_bankid_through_the_chooser(
    stack: BrokerStack, browser: aiohttp.ClientSession
) -> None:
    rp = MasLikeClient(stack)
    await rp.discover(browser)
    started = rp.start()
    async with browser.get(started.url, allow_redirects=False) as r:
        chooser = await r.text()
    assert r.status == 200
    assert texts.BROKER_CHOOSER_HEADING in chooser
    assert "BankID" in chooser and "HelseID" in chooser
    assert 'lang="nb"' in chooser

    stack.idporten.log_in_next(FNR)
    done = await rp.log_in(browser, choose="idporten")

    expected = pseudonym_localpart(stack.pseudonym_key, FNR)
    assert done.id_token["preferred_username"] == expected
    assert done.userinfo == {"sub": expected, "preferred_username": expected}
    assert done.id_token["sub"] == expected
    assert stack.idporten.acr_values_requested[-1] == "idporten-loa-high"
    # The number reaches nothing MAS gets.
    for issued in (str(done.token_response), str(done.id_token), str(done.userinfo)):
        assert FNR not in issued
    assert "pid" not in done.id_token and "pid" not in done.userinfo


async def test_idporten_with_private_key_jwt_instead_of_a_secret(
    tmp_path: Path, browser: aiohttp.ClientSession
) -> None:
    async with broker_stack(tmp_path, idporten_private_key=True) as stack:
        stack.idporten.log_in_next(FNR)
        done = await MasLikeClient(stack).log_in(browser, idp_hint="idporten")
        assert done.userinfo["preferred_username"] == pseudonym_localpart(stack.pseudonym_key, FNR)
        assert stack.idporten.auth_methods_used == ["private_key_jwt"]


async def test_staff_log_in_with_helseid_through_par_and_private_key_jwt(
    stack: BrokerStack, browser: aiohttp.ClientSession
) -> None:
    stack.helseid.log_in_next(
        STAFF_PID, "Trond Hansen", **{"helseid://claims/hpr/hpr_number": "123456"}
    )
    done = await MasLikeClient(stack).log_in(browser, idp_hint="helseid")

    localpart = done.userinfo["preferred_username"]
    assert re.fullmatch(r"a-[a-z2-7]{16}", localpart)
    assert done.userinfo["name"] == "Trond Hansen"
    assert done.id_token["name"] == "Trond Hansen"
    assert stack.helseid.issued_tokens == 1
    assert stack.helseid.refusals == []  # PAR and the signed assertions were all accepted
    assert STAFF_PID not in str(done.token_response) + str(done.userinfo)

    # The same person again gets the same account.
    stack.helseid.log_in_next(STAFF_PID, "Trond Hansen")
    async with new_browser() as again:
        second = await MasLikeClient(stack).log_in(again, idp_hint="helseid")
    assert second.userinfo["preferred_username"] == localpart


# -- the HelseID fake holds the broker to HelseID's rules ---------------------------------------


async def test_the_helseid_fake_refuses_what_helseid_refuses(
    stack: BrokerStack, browser: aiohttp.ClientSession
) -> None:
    op = stack.helseid
    base = op.issuer.rstrip("/")
    # An authorization request that did not come through PAR.
    plain = {
        "client_id": op.client_id,
        "response_type": "code",
        "scope": "openid",
        "redirect_uri": stack.broker.callback_url("helseid"),
        "state": "s",
        "code_challenge": "x" * 43,
        "code_challenge_method": "S256",
    }
    async with browser.get(f"{base}/connect/authorize", params=plain, allow_redirects=False) as r:
        assert r.status == 400
        assert (await r.json())["error"] == "invalid_request"
    # client_secret instead of private_key_jwt, at PAR and at the token endpoint.
    for path in ("/connect/par", "/connect/token"):
        async with browser.post(f"{base}{path}", data={**plain, "client_secret": "s" * 32}) as r:
            assert r.status == 401
        async with browser.post(
            f"{base}{path}", data=plain, auth=aiohttp.BasicAuth(op.client_id, "s" * 32)
        ) as r:
            assert r.status == 401
    # An assertion signed with a key that is not the registered one.
    from joserfc.jwk import RSAKey

    from samsnakk_bot.login_broker.upstream import client_assertion

    stranger = RSAKey.generate_key(2048, parameters={"kid": "samsnakk-helseid"})
    forged = client_assertion(stranger, op.client_id, op.issuer)
    async with browser.post(f"{base}/connect/par", data={**plain, **forged}) as r:
        assert r.status == 401
        assert (await r.json())["error"] == "invalid_client"
    assert op.issued_tokens == 0


async def test_an_expired_par_request_uri_logs_nobody_in(
    stack: BrokerStack, browser: aiohttp.ClientSession
) -> None:
    stack.helseid.log_in_next(STAFF_PID, "Trond Hansen")
    helseid_authorize = stack.helseid.issuer.rstrip("/") + "/connect/authorize"

    def slow_browser(url: str) -> str:
        if url.startswith(helseid_authorize):
            stack.helseid.expire_pushed_requests()
        return url

    rp = MasLikeClient(stack)
    await rp.discover(browser)
    end = await browse(browser, rp.start(idp_hint="helseid").url, rewrite=slow_browser)
    assert end.location is None
    assert end.status == 400 and "invalid_request_uri" in end.text
    assert stack.helseid.refusals == [("authorize", "invalid_request_uri")]
    assert stack.helseid.issued_tokens == 0
    _nothing_issued(stack)


# -- refusals ----------------------------------------------------------------------------------


async def test_a_low_level_login_is_refused_with_a_page_in_bokmal(
    stack: BrokerStack, browser: aiohttp.ClientSession
) -> None:
    stack.idporten.log_in_next(FNR, acr="idporten-loa-substantial")  # MinID
    rp = MasLikeClient(stack)
    await rp.discover(browser)
    end = await browse(browser, rp.start(idp_hint="idporten").url)
    assert end.location is None
    assert end.status == 403
    assert texts.BROKER_REFUSALS["acr"] in end.text
    assert "BankID" in end.text and "sikkerhetsnivå" in end.text
    assert not re.search(r"\d{6}", end.text)  # no number of any kind, so no fødselsnummer
    _nothing_issued(stack)


async def test_a_login_cancelled_upstream_ends_on_a_page(
    stack: BrokerStack, browser: aiohttp.ClientSession
) -> None:
    # Nobody logs in at ID-porten: it answers access_denied.
    rp = MasLikeClient(stack)
    await rp.discover(browser)
    end = await browse(browser, rp.start(idp_hint="idporten").url)
    assert end.location is None and end.status == 400
    assert texts.BROKER_REFUSALS["cancelled"] in end.text
    _nothing_issued(stack)


async def test_a_tampered_state_is_refused(
    stack: BrokerStack, browser: aiohttp.ClientSession
) -> None:
    stack.idporten.log_in_next(FNR)
    callback = stack.broker.callback_url("idporten")

    def tamper(url: str) -> str:
        return _with_param(url, "state", "forged") if url.startswith(callback) else url

    rp = MasLikeClient(stack)
    await rp.discover(browser)
    end = await browse(browser, rp.start(idp_hint="idporten").url, rewrite=tamper)
    assert end.location is None and end.status == 400
    assert texts.BROKER_REFUSALS["state"] in end.text
    assert stack.idporten.issued_tokens == 0  # the upstream code was never even redeemed
    _nothing_issued(stack)


async def test_a_tampered_nonce_is_refused(
    stack: BrokerStack, browser: aiohttp.ClientSession
) -> None:
    stack.idporten.log_in_next(FNR)
    upstream_authorize = stack.idporten.issuer.rstrip("/") + "/authorize"

    def tamper(url: str) -> str:
        return _with_param(url, "nonce", "forged") if url.startswith(upstream_authorize) else url

    rp = MasLikeClient(stack)
    await rp.discover(browser)
    end = await browse(browser, rp.start(idp_hint="idporten").url, rewrite=tamper)
    assert end.location is None and end.status == 400
    assert texts.BROKER_REFUSALS["nonce"] in end.text
    _nothing_issued(stack)


async def test_a_forged_id_token_is_refused(
    stack: BrokerStack, browser: aiohttp.ClientSession
) -> None:
    stack.helseid.log_in_next(STAFF_PID, "Trond Hansen")
    stack.helseid.forge_next_id_token = True
    rp = MasLikeClient(stack)
    await rp.discover(browser)
    end = await browse(browser, rp.start(idp_hint="helseid").url)
    assert end.location is None and end.status == 400
    assert texts.BROKER_REFUSALS["upstream"] in end.text
    _nothing_issued(stack)


async def test_an_answer_in_another_browser_is_refused(
    stack: BrokerStack, browser: aiohttp.ClientSession
) -> None:
    """Login CSRF: the upstream answer must come back to the browser that MAS sent."""
    stack.idporten.log_in_next(FNR)
    callback = stack.broker.callback_url("idporten")
    rp = MasLikeClient(stack)
    await rp.discover(browser)
    captured: list[str] = []

    def stop_at_callback(url: str) -> str:
        if url.startswith(callback):
            captured.append(url)
            return rp.meta["issuer"] + "health"
        return url

    await browse(browser, rp.start(idp_hint="idporten").url, rewrite=stop_at_callback)
    async with new_browser() as victim:
        end = await browse(victim, captured[0])
    assert end.location is None and texts.BROKER_REFUSALS["state"] in end.text
    _nothing_issued(stack)


async def test_a_replayed_code_gets_no_second_token(
    stack: BrokerStack, browser: aiohttp.ClientSession
) -> None:
    stack.idporten.log_in_next(FNR)
    rp = MasLikeClient(stack)
    done = await rp.log_in(browser, choose="idporten")
    status, body = await rp.token(browser, done.code, done.verifier)
    assert status == 400 and body["error"] == "invalid_grant"
    assert "access_token" not in body


async def test_a_wrong_code_verifier_burns_the_code(
    stack: BrokerStack, browser: aiohttp.ClientSession
) -> None:
    stack.idporten.log_in_next(FNR)
    rp = MasLikeClient(stack)
    await rp.discover(browser)
    started = rp.start(idp_hint="idporten")
    end = await browse(browser, started.url)
    status, body = await rp.token(browser, end.params["code"], "not-the-verifier" * 3)
    assert status == 400 and body["error"] == "invalid_grant"
    status, body = await rp.token(browser, end.params["code"], started.verifier)
    assert status == 400 and body["error"] == "invalid_grant"
    assert len(stack.broker.server.tokens) == 0


async def test_an_unknown_client_is_refused_and_nothing_starts(
    stack: BrokerStack, browser: aiohttp.ClientSession
) -> None:
    rp = MasLikeClient(stack)
    await rp.discover(browser)
    for extra in ({"client_id": "evil"}, {"redirect_uri": "https://evil.example/cb"}):
        async with browser.get(rp.start(**extra).url, allow_redirects=False) as r:
            page = await r.text()
        assert r.status == 400
        assert texts.BROKER_REFUSALS["client"] in page
        assert "Location" not in r.headers
    assert len(stack.broker.flows) == 0
    # At the token endpoint: a wrong secret is invalid_client.
    stack.idporten.log_in_next(FNR)
    started = rp.start(idp_hint="idporten")
    end = await browse(browser, started.url)
    status, body = await rp.token(browser, end.params["code"], started.verifier, secret="x" * 32)
    assert status == 401 and body["error"] == "invalid_client"
    assert len(stack.broker.server.tokens) == 0


async def test_mas_must_use_pkce(stack: BrokerStack, browser: aiohttp.ClientSession) -> None:
    rp = MasLikeClient(stack)
    await rp.discover(browser)
    without = rp.start().url.replace("code_challenge", "no_challenge")
    plain = _with_param(rp.start().url, "code_challenge_method", "plain")
    for url in (without, plain):
        async with browser.get(url, allow_redirects=False) as r:
            location = r.headers["Location"]
        assert location.startswith(MAS_CALLBACK)
        assert parse_qs(urlsplit(location).query)["error"] == ["invalid_request"]
    assert len(stack.broker.flows) == 0


# -- accounts: the pseudonym, and nobody lands on someone else's -------------------------------


async def test_the_pseudonym_is_the_one_rom_ny_fnr_provisions(
    stack: BrokerStack, browser: aiohttp.ClientSession
) -> None:
    from samsnakk_bot.services.idporten import IdPortenAccounts
    from samsnakk_bot.services.ports import AccountState

    made: list[str] = []

    class Provisioner:
        async def ensure_user(self, user_id: str, display_name: str) -> AccountState:
            made.append(user_id)
            return AccountState.CREATED

    accounts = IdPortenAccounts(stack.pseudonym_key, "samsnakk.test", Provisioner())
    # As staff type it after «fnr:».
    waiting = await accounts.account_for("150765 00565", "@trond:samsnakk.test")
    assert made == [waiting]

    stack.idporten.log_in_next(FNR)
    done = await MasLikeClient(stack).log_in(browser, idp_hint="idporten")
    assert f"@{done.userinfo['preferred_username']}:samsnakk.test" == waiting


@pytest.mark.parametrize(
    "claims",
    [
        {"name": "samsnakk", "preferred_username": "samsnakk"},
        {"name": "samsnakk.as", "preferred_username": "samsnakk.as"},
        {"name": "Per", "preferred_username": "b-PLACEHOLDER", "sub": "b-PLACEHOLDER"},
        {"name": "Kari Nordmann", "preferred_username": "kari"},
    ],
)
async def test_staff_usernames_and_names_never_choose_the_account(
    stack: BrokerStack, browser: aiohttp.ClientSession, claims: dict[str, str]
) -> None:
    bruker = pseudonym_localpart(stack.pseudonym_key, FNR)
    claims = {k: v.replace("b-PLACEHOLDER", bruker) for k, v in claims.items()}
    # Kari is an existing colleague; the attacker takes her name.
    stack.helseid.log_in_next(OTHER_STAFF_PID, "Kari Nordmann")
    async with new_browser() as kari_browser:
        kari = await MasLikeClient(stack).log_in(kari_browser, idp_hint="helseid")
    name = claims.pop("name")
    stack.helseid.log_in_next(STAFF_PID, name, **claims)
    done = await MasLikeClient(stack).log_in(browser, idp_hint="helseid")
    localpart = done.userinfo["preferred_username"]
    assert localpart.startswith("a-")
    assert localpart not in {"samsnakk", "samsnakk.as", bruker, "kari"}
    assert localpart != kari.userinfo["preferred_username"]
    assert not localpart.startswith(("samsnakk", "b-"))


async def test_staff_without_an_immutable_identifier_get_no_account(
    stack: BrokerStack, browser: aiohttp.ClientSession
) -> None:
    # The pid scope was not granted: only a name and a username would be left, and those
    # never choose an account.
    stack.helseid.log_in_next(
        "", "Trond Hansen", preferred_username="trond", **{"helseid://claims/identity/pid": ""}
    )
    rp = MasLikeClient(stack)
    await rp.discover(browser)
    end = await browse(browser, rp.start(idp_hint="helseid").url)
    assert end.location is None and texts.BROKER_REFUSALS["upstream"] in end.text
    _nothing_issued(stack)


async def test_two_staff_with_the_same_name_get_two_accounts(
    stack: BrokerStack, browser: aiohttp.ClientSession
) -> None:
    seen = []
    for pid in (STAFF_PID, OTHER_STAFF_PID):
        stack.helseid.log_in_next(pid, "Trond Hansen")
        async with new_browser() as b:
            done = await MasLikeClient(stack).log_in(b, idp_hint="helseid")
        seen.append(done.userinfo["preferred_username"])
        assert done.userinfo["name"] == "Trond Hansen"
    assert len(set(seen)) == 2


async def test_no_number_in_any_log_record(
    stack: BrokerStack, browser: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    stack.idporten.log_in_next(FNR)
    await MasLikeClient(stack).log_in(browser, idp_hint="idporten")
    stack.helseid.log_in_next(STAFF_PID, "Trond Hansen")
    async with new_browser() as b:
        await MasLikeClient(stack).log_in(b, idp_hint="helseid")
    stack.idporten.log_in_next(FNR, acr="idporten-loa-substantial")
    async with new_browser() as b:
        rp = MasLikeClient(stack)
        await rp.discover(b)
        await browse(b, rp.start(idp_hint="idporten").url)
    logged = [r for r in caplog.records if r.name.startswith("samsnakk_bot")]
    assert len(logged) >= 3  # the broker did log the logins and the refusal
    for record in caplog.records:
        text = record.getMessage() + repr(record.args) + str(record.exc_info or "")
        assert FNR not in text and STAFF_PID not in text, record.name


async def test_behind_nginx_the_public_https_url_counts(
    stack: BrokerStack, browser: aiohttp.ClientSession
) -> None:
    """nginx forwards plain http with the public Host; authlib must see the https issuer."""
    from aiohttp import web
    from pydantic import HttpUrl

    from samsnakk_bot.login_broker.app import Broker
    from tests.matrix_harness import free_port

    public = "https://login.samsnakk.test/"
    cfg = stack.broker.cfg.model_copy(update={"issuer": HttpUrl(public)})
    runner = web.AppRunner(Broker(cfg).web_app(), access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        rp = MasLikeClient(stack)
        await rp.discover(browser)
        query = urlsplit(rp.start().url).query
        headers = {"Host": "login.samsnakk.test", "X-Forwarded-Proto": "https"}
        url = f"http://127.0.0.1:{port}/authorize?{query}"
        async with browser.get(url, headers=headers, allow_redirects=False) as r:
            page = await r.text()
        assert r.status == 200, page
        assert texts.BROKER_CHOOSER_HEADING in page
        assert "Secure" in r.headers["Set-Cookie"]
        async with browser.get(f"http://127.0.0.1:{port}/.well-known/openid-configuration") as r:
            assert (await r.json())["token_endpoint"] == public + "token"
    finally:
        await runner.cleanup()


async def test_a_flood_of_authorization_requests_is_turned_away(
    stack: BrokerStack, browser: aiohttp.ClientSession
) -> None:
    from samsnakk_bot.login_broker.flows import ExpiringStore

    stack.broker.flows = ExpiringStore(600, limit=1)
    rp = MasLikeClient(stack)
    await rp.discover(browser)
    async with browser.get(rp.start().url, allow_redirects=False) as r:
        assert r.status == 200
    async with browser.get(rp.start().url, allow_redirects=False) as r:
        page = await r.text()
    assert r.status == 503 and texts.BROKER_REFUSALS["busy"] in page
    assert len(stack.broker.flows) == 1
