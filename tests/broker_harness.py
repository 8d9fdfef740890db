"""The login broker between two local OpenID Providers (HelseID, ID-porten) and a relying party
that takes the steps MAS's upstream client takes. Everything is real HTTP on 127.0.0.1."""

from __future__ import annotations

import base64
import html
import json
import re
import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import aiohttp
from aiohttp import web
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from samsnakk_bot.login_broker.app import Broker
from samsnakk_bot.login_broker.config import load_broker_config
from tests.fakes.helseid import FakeHelseId
from tests.fakes.idporten import FakeIdPorten
from tests.matrix_harness import free_port

MAS_CALLBACK = "http://127.0.0.1:9/upstream/callback/01BROKER"  # never fetched
SERVER_NAME = "samsnakk.test"


@dataclass
class BrokerStack:
    broker: Broker
    url: str
    helseid: FakeHelseId
    idporten: FakeIdPorten
    client_id: str
    client_secret: str
    pseudonym_key: bytes
    staff_key: bytes
    config_file: Path
    broker_runner: web.AppRunner


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    path.chmod(0o600)
    return path


def _write_config(
    tmp: Path,
    port: int,
    helseid: FakeHelseId,
    helseid_key: RSAKey,
    idporten: FakeIdPorten,
    client_secret: str,
    pseudonym_key: bytes,
    staff_key: bytes,
    idporten_private_key: bool,
) -> Path:
    signing = RSAKey.generate_key(2048, parameters={"kid": "broker-1", "use": "sig"})
    cfg = {
        "issuer": f"http://127.0.0.1:{port}/",
        "listen_port": port,
        "server_name": SERVER_NAME,
        "pseudonym_key_file": str(
            _write(tmp / "pseudonym.key", base64.b64encode(pseudonym_key).decode())
        ),
        "staff_key_file": str(_write(tmp / "staff.key", base64.b64encode(staff_key).decode())),
        "signing_key_file": str(
            _write(tmp / "signing.jwk", json.dumps(signing.as_dict(private=True)))
        ),
        "clients": [
            {
                "client_id": "mas",
                "client_secret_file": str(_write(tmp / "mas.secret", client_secret)),
                "redirect_uris": [MAS_CALLBACK],
            }
        ],
        "idporten": {
            "issuer": idporten.issuer,
            "client_id": idporten.client_id,
            **_idporten_auth(tmp, idporten, idporten_private_key),
        },
        "helseid": {
            "issuer": helseid.issuer,
            "client_id": helseid.client_id,
            "private_key_file": str(
                _write(tmp / "helseid.jwk", json.dumps(helseid_key.as_dict(private=True)))
            ),
        },
    }
    return _write(tmp / "broker.yaml", json.dumps(cfg))  # JSON is YAML


def _idporten_auth(tmp: Path, idporten: FakeIdPorten, private_key: bool) -> dict[str, str]:
    """A client secret, or a private key whose public part the fake then registers."""
    if not private_key:
        return {"client_secret_file": str(_write(tmp / "idporten.secret", idporten.client_secret))}
    key = RSAKey.generate_key(2048, parameters={"kid": "samsnakk-idporten"})
    idporten.client_key = RSAKey.import_key(key.as_dict(private=False))
    jwk = json.dumps(key.as_dict(private=True))
    return {"private_key_file": str(_write(tmp / "idporten.jwk", jwk))}


@asynccontextmanager
async def broker_stack(tmp: Path, idporten_private_key: bool = False) -> AsyncIterator[BrokerStack]:
    helseid_key = RSAKey.generate_key(2048, parameters={"kid": "samsnakk-helseid"})
    public = RSAKey.import_key(helseid_key.as_dict(private=False))
    secret = secrets.token_urlsafe(32)
    pseudonym_key, staff_key = secrets.token_bytes(32), secrets.token_bytes(32)
    async with (
        FakeHelseId(client_id="samsnakk-helseid", client_key=public) as helseid,
        FakeIdPorten(client_id="samsnakk-idporten", client_secret=secrets.token_urlsafe(32)) as idp,
    ):
        port = free_port()
        path = _write_config(
            tmp,
            port,
            helseid,
            helseid_key,
            idp,
            secret,
            pseudonym_key,
            staff_key,
            idporten_private_key,
        )
        broker = Broker(load_broker_config(path))
        helseid.redirect_uris.add(broker.callback_url("helseid"))
        idp.redirect_uris.add(broker.callback_url("idporten"))
        runner = web.AppRunner(broker.web_app(), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        try:
            yield BrokerStack(
                broker,
                f"http://127.0.0.1:{port}",
                helseid,
                idp,
                "mas",
                secret,
                pseudonym_key,
                staff_key,
                path,
                runner,
            )
        finally:
            await runner.cleanup()


@dataclass
class BrowserEnd:
    """Where the browser stopped: at MAS's callback (``location``) or on a page."""

    url: str
    status: int = 0
    text: str = ""
    location: str | None = None

    @property
    def params(self) -> dict[str, str]:
        assert self.location is not None, f"stopped at {self.url} ({self.status}): {self.text}"
        return {k: v[0] for k, v in parse_qs(urlsplit(self.location).query).items()}


@dataclass
class Started:
    url: str
    state: str
    nonce: str
    verifier: str


@dataclass
class LoggedIn:
    token_response: dict[str, Any]
    id_token: dict[str, Any]
    userinfo: dict[str, Any]
    code: str
    verifier: str


@dataclass
class MasLikeClient:
    """Takes MAS's upstream-provider steps: discovery, code + PKCE, token, ID token, userinfo."""

    stack: BrokerStack
    meta: dict[str, Any] = field(default_factory=dict)

    async def discover(self, http: aiohttp.ClientSession) -> dict[str, Any]:
        async with http.get(f"{self.stack.url}/.well-known/openid-configuration") as r:
            assert r.status == 200
            self.meta = await r.json()
        assert self.meta["issuer"] == f"{self.stack.url}/"
        return self.meta

    def start(self, **extra: str) -> Started:
        state, nonce, verifier = (secrets.token_urlsafe(n) for n in (16, 16, 48))
        query = {
            "response_type": "code",
            "client_id": self.stack.client_id,
            "redirect_uri": MAS_CALLBACK,
            "scope": "openid profile",
            "state": state,
            "nonce": nonce,
            "code_challenge": create_s256_code_challenge(verifier),
            "code_challenge_method": "S256",
        } | extra
        return Started(
            f"{self.meta['authorization_endpoint']}?{urlencode(query)}", state, nonce, verifier
        )

    async def token(
        self, http: aiohttp.ClientSession, code: str, verifier: str, secret: str | None = None
    ) -> tuple[int, dict[str, Any]]:
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": MAS_CALLBACK,
            "code_verifier": verifier,
        }
        auth = aiohttp.BasicAuth(self.stack.client_id, secret or self.stack.client_secret)
        async with http.post(self.meta["token_endpoint"], data=form, auth=auth) as r:
            return r.status, await r.json()

    async def verify_id_token(
        self, http: aiohttp.ClientSession, id_token: str, nonce: str
    ) -> dict[str, Any]:
        async with http.get(self.meta["jwks_uri"]) as r:
            keys = KeySet.import_key_set(await r.json())
        token = jwt.decode(id_token, keys, algorithms=["RS256"])
        jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": self.meta["issuer"]},
            aud={"essential": True, "value": self.stack.client_id},
            nonce={"essential": True, "value": nonce},
            exp={"essential": True},
        ).validate(token.claims)
        return dict(token.claims)

    async def userinfo(self, http: aiohttp.ClientSession, access_token: str) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {access_token}"}
        async with http.get(self.meta["userinfo_endpoint"], headers=headers) as r:
            return r.status, await r.json()

    async def log_in(
        self, browser: aiohttp.ClientSession, choose: str | None = None, **extra: str
    ) -> LoggedIn:
        """The whole flow, as MAS and a browser take it; fails the test on any refusal."""
        await self.discover(browser)
        started = self.start(**extra)
        end = await browse(browser, started.url, choose=choose)
        params = end.params
        assert params["state"] == started.state
        status, tokens = await self.token(browser, params["code"], started.verifier)
        assert status == 200, tokens
        id_token = await self.verify_id_token(browser, tokens["id_token"], started.nonce)
        status, info = await self.userinfo(browser, tokens["access_token"])
        assert status == 200, info
        return LoggedIn(tokens, id_token, info, params["code"], started.verifier)


def new_browser() -> aiohttp.ClientSession:
    # unsafe=True: keep cookies for 127.0.0.1, as a browser does.
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


async def browse(
    browser: aiohttp.ClientSession,
    url: str,
    choose: str | None = None,
    rewrite: Callable[[str], str] | None = None,
) -> BrowserEnd:
    """Follow redirects (and the chooser's link for ``choose``) until MAS's callback or a page."""
    for _ in range(12):
        if rewrite is not None:
            url = rewrite(url)
        async with browser.get(url, allow_redirects=False) as r:
            text = await r.text()
            if r.status in (302, 303):
                location = urljoin(url, r.headers["Location"])
                if location.startswith(MAS_CALLBACK):
                    return BrowserEnd(url, r.status, text, location)
                url = location
                continue
            link = re.search(rf'href="(login/{choose}\?[^"]+)"', text) if choose else None
            if r.status == 200 and link:
                url = urljoin(url, html.unescape(link.group(1)))
                continue
            return BrowserEnd(url, r.status, text)
    raise AssertionError("too many redirects")
