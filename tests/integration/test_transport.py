"""The appservice HTTP edge: auth, bad input, ping, queries, health and metrics."""

from __future__ import annotations

import aiohttp
import pytest

from samsnakk_bot.app import SamsnakkApp

pytestmark = pytest.mark.synapse


def _txn_url(app: SamsnakkApp, txn: str) -> str:
    return f"{app.cfg.appservice.url}/_matrix/app/v1/transactions/{txn}"


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_transaction_without_token_is_401(app: SamsnakkApp) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.put(_txn_url(app, "t-noauth"), json={"events": []}) as resp:
            assert resp.status == 401
            assert (await resp.json())["errcode"] == "M_UNAUTHORIZED"


async def test_transaction_with_wrong_token_is_403(app: SamsnakkApp) -> None:
    async with aiohttp.ClientSession() as http:
        wrong = app.cfg.appservice.hs_token[:-1] + "x"
        async with http.put(_txn_url(app, "t-wrong"), json={}, headers=_auth(wrong)) as resp:
            assert resp.status == 403
            assert (await resp.json())["errcode"] == "M_FORBIDDEN"


async def test_as_token_is_not_accepted_in_place_of_hs_token(app: SamsnakkApp) -> None:
    async with aiohttp.ClientSession() as http:
        headers = _auth(app.cfg.appservice.as_token)
        async with http.put(_txn_url(app, "t-as"), json={}, headers=headers) as resp:
            assert resp.status == 403


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b'{"events": "nope"}'])
async def test_malformed_transaction_is_400_and_server_stays_up(
    app: SamsnakkApp, body: bytes
) -> None:
    headers = _auth(app.cfg.appservice.hs_token)
    async with aiohttp.ClientSession() as http:
        async with http.put(_txn_url(app, "t-bad"), data=body, headers=headers) as resp:
            assert resp.status == 400
            assert (await resp.json())["errcode"] in ("M_NOT_JSON", "M_BAD_JSON")
        async with http.put(_txn_url(app, "t-good"), json={"events": []}, headers=headers) as ok:
            assert ok.status == 200


async def test_ping_and_user_query(app: SamsnakkApp) -> None:
    base = f"{app.cfg.appservice.url}/_matrix/app/v1"
    headers = _auth(app.cfg.appservice.hs_token)
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{base}/ping", json={"transaction_id": "x"}, headers=headers) as r:
            assert r.status == 200
        async with http.get(f"{base}/users/{app.cfg.bot_user_id}", headers=headers) as r:
            assert r.status == 200
        stranger = "@samsnakk.nobody:" + app.cfg.homeserver.server_name
        async with http.get(f"{base}/users/{stranger}", headers=headers) as r:
            assert r.status == 404
        async with http.get(f"{base}/rooms/%23samsnakk.x:example", headers=headers) as r:
            assert r.status == 404


async def test_synapse_reaches_us_through_appservice_ping(app: SamsnakkApp) -> None:
    """Synapse's own ping (MSC2659) proves the registration, URL and hs_token line up."""
    url = f"{app.cfg.homeserver.url}/_matrix/client/v1/appservice/{app.cfg.appservice.id}/ping"
    # After our restarts, Synapse's pool may hold a dead keep-alive connection to us; its first
    # use fails with M_CONNECTION_FAILED and is dropped, so a second attempt is the real answer.
    async with aiohttp.ClientSession() as http:
        for _ in range(3):
            async with http.post(
                url, json={"transaction_id": "ci"}, headers=_auth(app.cfg.appservice.as_token)
            ) as resp:
                body = await resp.json()
                if body.get("errcode") != "M_CONNECTION_FAILED":
                    break
        assert resp.status == 200, body
        assert body["duration_ms"] >= 0


async def test_healthz_and_metrics(app: SamsnakkApp) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{app.cfg.appservice.url}/healthz") as resp:
            assert resp.status == 200
            assert (await resp.json())["checks"] == {"database": True, "bot": True}
        async with http.get(f"{app.cfg.appservice.url}/metrics") as resp:
            text = await resp.text()
            assert "samsnakk_as_transactions_total" in text
            assert "samsnakk_inbox_events_processed_total" in text
