"""/velkommen over HTTP: the link, strict headers, no cookie, and nothing from the request."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import AsyncIterator

import aiohttp
import pytest_asyncio
from aiohttp import web

from samsnakk_bot.domain import texts
from samsnakk_bot.domain.onboarding_link import element_x_link
from samsnakk_bot.http.welcome import PATH, register_welcome

LINK = element_x_link("hs.test")


@pytest_asyncio.fixture
async def base_url() -> AsyncIterator[str]:
    app = web.Application()
    register_welcome(app, LINK)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    await runner.cleanup()


async def _get(url: str, **kw: object) -> tuple[int, dict[str, str], str, list[str]]:
    async with aiohttp.ClientSession() as http, http.get(url, **kw) as resp:
        cookies = resp.headers.getall("Set-Cookie", [])
        return resp.status, dict(resp.headers), await resp.text(), cookies


async def test_page_has_the_link_steps_and_qr_in_bokmal(base_url: str) -> None:
    status, headers, html, _ = await _get(base_url + PATH)
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert '<html lang="nb">' in html
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert hrefs == [LINK]
    assert f'<p id="app-link-text">{LINK}</p>' in html
    for step in texts.WELCOME_STEPS:
        assert step in html
    assert html.count("<li>") == 3
    assert "<svg" in html and texts.WELCOME_QR_TITLE in html


async def test_headers_are_strict_and_no_cookie_is_set(base_url: str) -> None:
    _, headers, html, cookies = await _get(base_url + PATH)
    assert cookies == []
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["Cache-Control"] == "no-store"
    assert headers["X-Content-Type-Options"] == "nosniff"
    csp = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";"))
    assert csp["default-src"] == "'none'" and csp["frame-ancestors"] == "'none'"
    assert csp["base-uri"] == "'none'" and csp["form-action"] == "'none'"
    # The one inline style is allowed by its hash; no script, no style attribute anywhere.
    style = re.findall(r"<style>(.*?)</style>", html, re.S)
    assert len(style) == 1
    digest = base64.b64encode(hashlib.sha256(style[0].encode()).digest()).decode()
    assert csp["style-src"] == f"'sha256-{digest}'"
    assert "<script" not in html and "style=" not in html


async def test_nothing_from_the_request_is_echoed(base_url: str) -> None:
    _, _, plain, _ = await _get(base_url + PATH)
    personal = {
        "mxid": "@per.hansen:hs.test",
        "tlf": "+4791234567",
        "fnr": "15076500565",
        "navn": "Per Hansen",
        "login_hint": "mxid:@b-abcdefghijklmnop:hs.test",
    }
    status, _, echoed, cookies = await _get(
        base_url + PATH,
        params=personal,
        headers={"Referer": "https://hs.test/?fnr=15076500565", "Cookie": "navn=Per"},
    )
    assert status == 200 and cookies == []
    assert echoed == plain  # byte for byte the same page for everyone
    for value in personal.values():
        assert value not in echoed
